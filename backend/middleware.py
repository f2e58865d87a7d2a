"""Pure ASGI middleware: request body limit, security headers and the access log."""

import logging
import time
import traceback

from starlette.datastructures import Headers, MutableHeaders
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from backend.errors import code_for_status, error_response

access_logger = logging.getLogger("backend.access")
error_logger = logging.getLogger("backend.errors")

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
}


class TrackedSend:
    """Wraps `send`, remembering whether the response has started (else an error can be sent)."""

    def __init__(self, send: Send) -> None:
        self.send = send
        self.started = False

    async def __call__(self, message: Message) -> None:
        self.started = self.started or message["type"] == "http.response.start"
        await self.send(message)


class HTTPMiddleware:
    """Pure ASGI middleware that acts on HTTP requests and passes everything else through."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        await self.handle(scope, receive, send)

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Process one HTTP request."""
        raise NotImplementedError


class BodyTooLargeError(HTTPException):
    """Raised from `receive` once a streamed body passes the limit.

    An HTTPException, because FastAPI re-raises those from body parsing (others become 400).
    """

    def __init__(self, max_bytes: int) -> None:
        super().__init__(413, f"Request body exceeds {max_bytes} bytes")


def loggable_path(scope: Scope) -> str:
    """The request path as received (percent-encoded), so it cannot forge log lines."""
    raw_path: bytes | None = scope.get("raw_path")
    if raw_path is None:
        return str(scope["path"]).encode("unicode_escape").decode("ascii")
    return raw_path.decode("ascii", "backslashreplace")


class BodySizeLimitMiddleware(HTTPMiddleware):
    """Answer 413 to request bodies over `max_bytes`, declared or streamed."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        super().__init__(app)
        self.max_bytes = max_bytes

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        declared = Headers(scope=scope).get("content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_bytes):
            await self._reject(scope, receive, send)
            return
        received = 0
        tracked_send = TrackedSend(send)

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise BodyTooLargeError(self.max_bytes)
            return message

        try:
            await self.app(scope, limited_receive, tracked_send)
        except BodyTooLargeError:
            if not tracked_send.started:
                await self._reject(scope, receive, send)

    async def _reject(self, scope: Scope, receive: Receive, send: Send) -> None:
        error = BodyTooLargeError(self.max_bytes)
        response = error_response(413, code_for_status(413), error.detail)
        await response(scope, receive, send)


class SecurityHeadersMiddleware(HTTPMiddleware):
    """Add conservative security headers to every HTTP response."""

    def __init__(self, app: ASGIApp, *, hsts: bool) -> None:
        super().__init__(app)
        self.headers = dict(SECURITY_HEADERS)
        if hsts:
            self.headers["Strict-Transport-Security"] = "max-age=63072000; includeSubDomains"

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in self.headers.items():
                    headers.setdefault(name, value)
            await send(message)

        await self.app(scope, receive, send_with_headers)


class AccessLogMiddleware(HTTPMiddleware):
    """One log line per request with method, path, status and duration (and the request id)."""

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        start = time.perf_counter()
        status = 500

        async def send_recording_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_recording_status)
        finally:
            duration_ms = round((time.perf_counter() - start) * 1000, 1)
            path = loggable_path(scope)
            access_logger.info(
                "%s %s %d %.1fms",
                scope["method"],
                path,
                status,
                duration_ms,
                extra={
                    "method": scope["method"],
                    "path": path,
                    "status": status,
                    "duration_ms": duration_ms,
                },
            )


class UnhandledErrorMiddleware(HTTPMiddleware):
    """Answer 500 in the error format to any unexpected exception, logging no stack trace.

    Starlette's own handler re-raises after responding, which makes the server log the
    traceback (and whatever secrets its locals or message hold); this one does not.
    """

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        tracked_send = TrackedSend(send)
        try:
            await self.app(scope, receive, tracked_send)
        except Exception as exc:
            frame = traceback.extract_tb(exc.__traceback__)[-1]
            error_logger.error(
                "unhandled %s at %s:%s on %s %s",
                type(exc).__name__,
                frame.filename,
                frame.lineno,
                scope["method"],
                loggable_path(scope),
            )
            if not tracked_send.started:
                response = error_response(500, "internal_error", "Internal server error")
                await response(scope, receive, send)
