"""Domain exceptions and the one error format: `{"detail", "code", "message"}`."""

import logging
from collections.abc import Iterable, Mapping
from http import HTTPStatus
from typing import Any, Literal, NamedTuple, TypeVar

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field, ValidationError
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError, SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from backend.config import Settings

logger = logging.getLogger(__name__)

DB_RETRY_AFTER_SECONDS = 5
HTTP_METHODS = ("DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT")
DB_UNAVAILABLE_MESSAGE = "The database is unavailable; please retry shortly"
ModelT = TypeVar("ModelT", bound=BaseModel)


class FieldError(BaseModel):
    """One field error of a 422 (FastAPI's format, without the echoed input)."""

    type: str = Field(description="Pydantic's error type.", examples=["string_too_long"])
    loc: list[str | int] = Field(
        description="Where: `body`, `query` or `path`, then the field.",
        examples=[["body", "title"]],
    )
    msg: str = Field(
        description="What is wrong with it.", examples=["String should have at most 200 characters"]
    )


class ErrorBody(BaseModel):
    """The body of every error response but 422."""

    detail: str = Field(description="What went wrong (the same text as `message`).")
    code: str = Field(description="Stable machine-readable error code.", examples=["not_found"])
    message: str = Field(description="One human-readable sentence.")


class ValidationErrorBody(BaseModel):
    """The body of a 422: every field error, and one sentence summing them up."""

    detail: list[FieldError] = Field(
        description="FastAPI's list of field errors; some carry a `ctx` with the limit broken."
    )
    code: Literal["validation_error"] = Field(description="Always `validation_error`.")
    message: str = Field(description="The field errors in one sentence.")


class AppError(Exception):
    """An error the client can act on, turned into an HTTP response by one handler."""

    status_code = 400
    code = "bad_request"

    def __init__(self, message: str, *, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.headers = headers
        self.extra: dict[str, str] = {}  # fields a protocol adds to the body (OAuth2's `error`)


class NotFoundError(AppError):
    """The resource does not exist or belongs to someone else."""

    status_code = 404
    code = "not_found"


class ConflictError(AppError):
    """The request clashes with existing data."""

    status_code = 409
    code = "conflict"


class UnauthorizedError(AppError):
    """Missing, invalid or expired credentials."""

    status_code = 401
    code = "unauthorized"

    def __init__(
        self, message: str = "Could not validate credentials", *, challenge: str = "Bearer"
    ) -> None:
        super().__init__(message, headers={"WWW-Authenticate": challenge})


class ForbiddenError(AppError):
    """Authenticated, but not allowed to act on this path."""

    status_code = 403
    code = "forbidden"


class TooManyRequestsError(AppError):
    """A rate limit was hit."""

    status_code = 429
    code = "rate_limited"

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message, headers={"Retry-After": str(max(retry_after, 1))})


class BadGatewayError(AppError):
    """An upstream dependency (the AI provider) failed."""

    status_code = 502
    code = "bad_gateway"


class ServiceUnavailableError(AppError):
    """A dependency we need (the database) is unreachable."""

    status_code = 503
    code = "service_unavailable"

    def __init__(self, message: str = "Service temporarily unavailable") -> None:
        super().__init__(message, headers={"Retry-After": str(DB_RETRY_AFTER_SECONDS)})


def error_response(
    status_code: int,
    code: str,
    message: str,
    *,
    detail: str | list[dict[str, Any]] | None = None,
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    """Build a response in the one error format."""
    return JSONResponse(error_body(code, message, detail), status_code=status_code, headers=headers)


def error_body(
    code: str, message: str, detail: str | list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    """The one error format; `detail` repeats `message` unless given (the 422 field list)."""
    return {"detail": message if detail is None else detail, "code": code, "message": message}


def describe_errors(errors: Iterable[Mapping[str, Any]]) -> str:
    """Validation errors in one line, `field: message; …` (FastAPI's `body` prefix left out).

    Used by the API's 422 message, the task tools' argument errors and the CLI."""
    parts = []
    for error in errors:
        if error.get("type") == "json_invalid":  # its `loc` is a byte offset, not a field
            parts.append("body is not valid JSON")
            continue
        location = ".".join(str(part) for part in error.get("loc", ()) if part != "body")
        parts.append(f"{location}: {error.get('msg', 'invalid')}" if location else error["msg"])
    return "; ".join(parts)


def summarize_validation_errors(errors: list[dict[str, Any]]) -> str:
    """Sum up FastAPI's field errors in one readable sentence."""
    described = describe_errors(errors)
    return f"Invalid request: {described}" if described else "Invalid request"


def validated(model: type[ModelT], data: Any, *, location: str) -> ModelT:
    """`data` validated as `model`, for input a route reads by hand: a failure is FastAPI's own
    422, its locations under `location` (`"body"`, `"query"`) as if FastAPI had validated it."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        errors = [{**error, "loc": (location, *error["loc"])} for error in exc.errors()]
        raise RequestValidationError(errors) from None


def _public_validation_errors(exc: RequestValidationError) -> list[dict[str, Any]]:
    # `input` is dropped: it would echo passwords or megabytes of body back to the client.
    errors = [{k: v for k, v in e.items() if k not in ("input", "url")} for e in exc.errors()]
    return list(jsonable_encoder(errors))


# Explicit, because HTTP status phrases differ between Python versions (413 was renamed in 3.13).
HTTP_ERROR_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    429: "rate_limited",
    502: "bad_gateway",
    503: "service_unavailable",
}


def code_for_status(status_code: int) -> str:
    """The stable error code for an HTTP status."""
    return HTTP_ERROR_CODES.get(status_code, "internal_error" if status_code >= 500 else "error")


async def _handle_app_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, AppError)
    body = {**error_body(exc.code, exc.message), **exc.extra}
    return JSONResponse(body, status_code=exc.status_code, headers=exc.headers)


async def _handle_http_exception(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    message = exc.detail if isinstance(exc.detail, str) else HTTPStatus(exc.status_code).phrase
    headers = exc.headers
    if exc.status_code == 405:
        headers = {**(headers or {}), "Allow": ", ".join(allowed_methods(request))}
    return error_response(
        exc.status_code, code_for_status(exc.status_code), message, headers=headers
    )


def allowed_methods(request: Request) -> list[str]:
    """Every method some route serves at this request's path (Starlette names only the first
    route whose path matches: `GET` for a path that also takes `DELETE`)."""
    routes = request.app.router.routes
    return [
        method
        for method in HTTP_METHODS
        if any(
            route.matches({**request.scope, "method": method})[0] is Match.FULL for route in routes
        )
    ]


async def _handle_validation_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = _public_validation_errors(exc)
    return error_response(
        422, "validation_error", summarize_validation_errors(errors), detail=errors
    )


def database_unavailable(exc: BaseException) -> bool:
    """Whether a database error means the database cannot be reached (a 503, worth a retry)
    rather than a bug in a statement (a 500)."""
    return isinstance(exc, PoolTimeoutError) or (
        isinstance(exc, DBAPIError) and (exc.connection_invalidated or _is_operational(exc))
    )


async def _handle_database_error(request: Request, exc: Exception) -> JSONResponse:
    if database_unavailable(exc):
        logger.warning("database unavailable: %s", type(exc).__name__)
        error = ServiceUnavailableError(DB_UNAVAILABLE_MESSAGE)
        return error_response(error.status_code, error.code, error.message, headers=error.headers)
    logger.error(
        "database error on %s %s: %s", request.method, request.url.path, type(exc).__name__
    )
    return error_response(500, "internal_error", "Internal server error")


def _is_operational(exc: DBAPIError) -> bool:
    return isinstance(exc, OperationalError | InterfaceError)


def install_error_handlers(app: FastAPI) -> None:
    """Register the handlers for known exceptions (RequestGuardMiddleware takes the rest)."""
    app.add_exception_handler(AppError, _handle_app_error)
    app.add_exception_handler(StarletteHTTPException, _handle_http_exception)
    app.add_exception_handler(RequestValidationError, _handle_validation_error)
    app.add_exception_handler(SQLAlchemyError, _handle_database_error)


RETRY_AFTER_HEADER: dict[str, Any] = {
    "description": "Seconds to wait before retrying.",
    "schema": {"type": "integer", "minimum": 1},
}
WWW_AUTHENTICATE_HEADER: dict[str, Any] = {
    "description": "`Bearer`: send `Authorization: Bearer <access token>`.",
    "schema": {"type": "string"},
}
HEADER_DOCS = {"Retry-After": RETRY_AFTER_HEADER, "WWW-Authenticate": WWW_AUTHENTICATE_HEADER}


class ErrorCase(NamedTuple):
    """One way a route fails, as `/docs` shows it: when it happens and an example body."""

    status: int
    description: str
    message: str
    headers: tuple[str, ...] = ()
    detail: tuple[dict[str, Any], ...] = ()  # a 422's field errors

    def openapi(self) -> dict[str, Any]:
        """The OpenAPI response: description, body schema, an example, the headers sent."""
        detail = list(self.detail) if self.detail else None
        example = error_body(code_for_status(self.status), self.message, detail)
        return {
            "model": ValidationErrorBody if self.status == 422 else ErrorBody,
            "description": self.description,
            "content": {"application/json": {"example": example}},
            **({"headers": {h: HEADER_DOCS[h] for h in self.headers}} if self.headers else {}),
        }


def invalid(*errors: tuple[tuple[str | int, ...], str, str]) -> ErrorCase:
    """A 422 whose example shows these field errors, each `(loc, type, msg)`."""
    detail = tuple({"type": kind, "loc": list(loc), "msg": msg} for loc, kind, msg in errors)
    return ErrorCase(
        422,
        "A parameter or body field is invalid (nothing was changed): `detail` lists each "
        "field error, `message` sums them up.",
        summarize_validation_errors(list(detail)),
        detail=detail,
    )


def invalid_id(name: str) -> ErrorCase:
    """A 422 for a path id out of range (ids are 1 to 2³¹-1)."""
    return invalid(
        (("path", name), "greater_than_equal", "Input should be greater than or equal to 1")
    )


def not_found(thing: str, when: str) -> ErrorCase:
    """A 404 for a resource of the user's: `when` says which id named nothing of theirs."""
    return ErrorCase(
        404, f"{when} Another user's {thing.lower()} is 404 too.", f"{thing} not found"
    )


MAX_BODY_BYTES_DEFAULT = Settings.model_fields["max_body_bytes"].default
COMMON_ERRORS = {
    case.status: case
    for case in (
        ErrorCase(
            401,
            "The bearer token is missing, malformed or expired, or its user is deactivated: "
            "log in again (or refresh the token).",
            "Could not validate credentials",
            ("WWW-Authenticate",),
        ),
        ErrorCase(
            403,
            "`{user_id}` is neither your id nor `me`.",
            "You may only access your own resources",
        ),
        ErrorCase(
            413,
            "The body is larger than `MAX_BODY_BYTES` (1 MiB unless configured).",
            f"Request body exceeds {MAX_BODY_BYTES_DEFAULT} bytes",
        ),
        invalid((("body",), "missing", "Field required")),
        ErrorCase(
            429,
            "Too many attempts from this IP address, or for this email: wait `Retry-After` "
            "seconds.",
            "Too many attempts; please retry later",
            ("Retry-After",),
        ),
        ErrorCase(
            503,
            "The database is unreachable (or, for an external token, its issuer's signing "
            "keys): retry after `Retry-After` seconds.",
            DB_UNAVAILABLE_MESSAGE,
            ("Retry-After",),
        ),
    )
}


def error_responses(*cases: int | ErrorCase) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses=` entries, in the one error format: a status alone takes its common
    case (401, 403, 413, 422, 429, 503); an `ErrorCase` says how this route fails."""
    chosen = [COMMON_ERRORS[case] if isinstance(case, int) else case for case in cases]
    return {case.status: case.openapi() for case in chosen}
