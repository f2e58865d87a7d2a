"""Pure ASGI middleware: the request guard (body limit, unhandled errors), and the request id,
security headers and access log (`ResponseMiddleware`)."""

import logging
import secrets
import time
import traceback

from asgi_correlation_id import correlation_id
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from backend.errors import code_for_status, error_response

REQUEST_ID_HEADER = "X-Request-ID"
REQUEST_ID_KEY = REQUEST_ID_HEADER.lower().encode()
MAX_REQUEST_ID_LENGTH = 128
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
    """Outermost: the request id, security headers on every response, and one access-log line
    per request.

    The request id is the client's `X-Request-ID` when it is short printable ASCII, else a new
    one; it is in every log line of the request (`asgi_correlation_id`'s context variable, which
    its log filter reads) and on the response. Outside CORS, so CORS's own answers (preflights)
    get all three. One middleware for the three: each layer costs every request a little.
    """

    def __init__(self, app: ASGIApp, *, hsts: bool) -> None:
        super().__init__(app)
        headers = dict(SECURITY_HEADERS)
        if hsts:
            headers["Strict-Transport-Security"] = "max-age=63072000; includeSubDomains"
        self.headers = [(name.lower().encode(), value.encode()) for name, value in headers.items()]

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        start = time.perf_counter()
        status = 500
        request_id = _request_id(scope)
        correlation_id.set(request_id)

        async def send_with_headers(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = list(message.get("headers", ()))
                present = {name.lower() for name, _ in headers}
                headers += [header for header in self.headers if header[0] not in present]
                headers.append((REQUEST_ID_KEY, request_id.encode()))
                message["headers"] = headers
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


def is_acceptable_request_id(value: str) -> bool:
    """Accept any client request id that is short and printable ASCII (no log injection)."""
    return 0 < len(value) <= MAX_REQUEST_ID_LENGTH and value.isascii() and value.isprintable()


def _new_request_id() -> str:
    # 128 random bits in hex: a quarter of the CPU of `uuid4().hex`, the same shape.
    return secrets.token_hex(16)


def _request_id(scope: Scope) -> str:
    """The client's request id if acceptable, else a new one (32 hex digits)."""
    for name, value in scope["headers"]:
        if name == REQUEST_ID_KEY:
            sent = value.decode("latin-1")
            return sent if is_acceptable_request_id(sent) else _new_request_id()
    return _new_request_id()
