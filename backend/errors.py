"""Domain exceptions and the one error format: `{"detail", "code", "message"}`."""

import logging
from collections.abc import Iterable, Mapping
from http import HTTPStatus
from typing import Any, TypeVar

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field, ValidationError
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError, SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from starlette.exceptions import HTTPException as StarletteHTTPException

logger = logging.getLogger(__name__)

DB_RETRY_AFTER_SECONDS = 5
ModelT = TypeVar("ModelT", bound=BaseModel)


class ErrorBody(BaseModel):
    """The body of every error response."""

    detail: str | list[dict[str, Any]] = Field(
        description="What went wrong; on 422, FastAPI's list of field errors."
    )
    code: str = Field(description="Stable machine-readable error code.", examples=["not_found"])
    message: str = Field(description="One human-readable sentence.", examples=["Task not found"])


class AppError(Exception):
    """An error the client can act on, turned into an HTTP response by one handler."""

    status_code = 400
    code = "bad_request"

    def __init__(self, message: str, *, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.headers = headers


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
    body = {"detail": message if detail is None else detail, "code": code, "message": message}
    return JSONResponse(body, status_code=status_code, headers=headers)


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
    503: "service_unavailable",
}


def code_for_status(status_code: int) -> str:
    """The stable error code for an HTTP status."""
    return HTTP_ERROR_CODES.get(status_code, "internal_error" if status_code >= 500 else "error")


async def _handle_app_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, AppError)
    return error_response(exc.status_code, exc.code, exc.message, headers=exc.headers)


async def _handle_http_exception(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    message = exc.detail if isinstance(exc.detail, str) else HTTPStatus(exc.status_code).phrase
    return error_response(
        exc.status_code, code_for_status(exc.status_code), message, headers=exc.headers
    )


async def _handle_validation_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = _public_validation_errors(exc)
    return error_response(
        422, "validation_error", summarize_validation_errors(errors), detail=errors
    )


async def _handle_database_error(request: Request, exc: Exception) -> JSONResponse:
    unavailable = isinstance(exc, PoolTimeoutError) or (
        isinstance(exc, DBAPIError) and (exc.connection_invalidated or _is_operational(exc))
    )
    if unavailable:
        logger.warning("database unavailable: %s", type(exc).__name__)
        error = ServiceUnavailableError("The database is unavailable; please retry shortly")
        return error_response(error.status_code, error.code, error.message, headers=error.headers)
    logger.error(
        "database error on %s %s: %s", request.method, request.url.path, type(exc).__name__
    )
    return error_response(500, "internal_error", "Internal server error")


def _is_operational(exc: DBAPIError) -> bool:
    return isinstance(exc, OperationalError | InterfaceError)


def install_error_handlers(app: FastAPI) -> None:
    """Register the handlers for known exceptions (UnhandledErrorMiddleware takes the rest)."""
    app.add_exception_handler(AppError, _handle_app_error)
    app.add_exception_handler(StarletteHTTPException, _handle_http_exception)
    app.add_exception_handler(RequestValidationError, _handle_validation_error)
    app.add_exception_handler(SQLAlchemyError, _handle_database_error)


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses=` entries for the given error statuses, all in the one format."""
    return {
        status: {"model": ErrorBody, "description": HTTPStatus(status).phrase}
        for status in statuses
    }
