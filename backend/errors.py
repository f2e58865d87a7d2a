"""Domain exceptions and the one error format: `{"detail", "code", "message"}`."""

from collections.abc import Iterable, Mapping
from typing import Any, Literal, TypeVar

from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field, ValidationError

DB_RETRY_AFTER_SECONDS = 5
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
