"""Pure ASGI middleware: the request guard (body limit, unhandled errors) and the response's
security headers and access log."""

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


class RequestGuardMiddleware(HTTPMiddleware):
    """Innermost: a request body over `max_bytes` (declared or streamed) is 413, and any
    unexpected exception is a 500 in the error format, logging no stack trace.

    Starlette's own handler re-raises after responding, which makes the server log the
    traceback (and whatever secrets its locals or message hold); this one does not. One
    middleware for both: each layer costs every request a little.
    """

    def __init__(self, app: ASGIApp, max_bytes: int | None = None) -> None:
        super().__init__(app)
        self.max_bytes = max_bytes

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        tracked_send = TrackedSend(send)
        try:
            await self.app(scope, self._limited(scope, receive), tracked_send)
        except BodyTooLargeError as error:
            if not tracked_send.started:
                await error_response(413, code_for_status(413), error.detail)(scope, receive, send)
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

    def _limited(self, scope: Scope, receive: Receive) -> Receive:
        """`receive`, raising `BodyTooLargeError` once the body passes the limit (at once if
        its declared length does)."""
        max_bytes = self.max_bytes
        if max_bytes is None:
            return receive
        declared = Headers(scope=scope).get("content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > max_bytes):
            raise BodyTooLargeError(max_bytes)
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > max_bytes:
                    raise BodyTooLargeError(max_bytes)
            return message

        return limited_receive


class ResponseMiddleware(HTTPMiddleware):
    """Outside CORS, so its own answers (preflights) get them too: conservative security headers
    on every response, and one access-log line per request (method, path, status, duration;
    the request id comes with every log line)."""

    def __init__(self, app: ASGIApp, *, hsts: bool) -> None:
        super().__init__(app)
        self.headers = dict(SECURITY_HEADERS)
        if hsts:
            self.headers["Strict-Transport-Security"] = "max-age=63072000; includeSubDomains"

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        start = time.perf_counter()
        status = 500

        async def send_with_headers(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = MutableHeaders(scope=message)
                for name, value in self.headers.items():
                    headers.setdefault(name, value)
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
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
