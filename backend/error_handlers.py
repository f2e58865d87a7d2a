"""The exception handlers: known exceptions and database failures as responses in the one error
format (`backend.errors`)."""

import logging
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from psycopg import errors as pg_errors
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError, SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from backend.errors import (
    DB_UNAVAILABLE_MESSAGE,
    AppError,
    ServiceUnavailableError,
    code_for_status,
    error_body,
    error_response,
    summarize_validation_errors,
)

# One logger for server-side errors, shared with the request guard (middleware.py).
logger = logging.getLogger("backend.errors")

HTTP_METHODS = ("DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT")
# What a pooler in transaction mode that does not keep prepared statements answers: the
# statement was prepared on another server connection (or twice on this one).
PREPARED_STATEMENT_LOST = (pg_errors.InvalidSqlStatementName, pg_errors.DuplicatePreparedStatement)
POOLER_HINT = (
    "a prepared statement was lost: behind a pooler in transaction mode that does not keep "
    "them, set DB_PREPARED_STATEMENTS=false"
)


def _public_validation_errors(exc: RequestValidationError) -> list[dict[str, Any]]:
    # `input` is dropped: it would echo passwords or megabytes of body back to the client.
    errors = [{k: v for k, v in e.items() if k not in ("input", "url")} for e in exc.errors()]
    return list(jsonable_encoder(errors))


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
    lost = isinstance(getattr(exc, "orig", None), PREPARED_STATEMENT_LOST)
    cause = POOLER_HINT if lost else type(exc).__name__
    logger.error("database error on %s %s: %s", request.method, request.url.path, cause)
    return error_response(500, "internal_error", "Internal server error")


def _is_operational(exc: DBAPIError) -> bool:
    return isinstance(exc, OperationalError | InterfaceError)


def install_error_handlers(app: FastAPI) -> None:
    """Register the handlers for known exceptions (RequestGuardMiddleware takes the rest)."""
    app.add_exception_handler(AppError, _handle_app_error)
    app.add_exception_handler(StarletteHTTPException, _handle_http_exception)
    app.add_exception_handler(RequestValidationError, _handle_validation_error)
    app.add_exception_handler(SQLAlchemyError, _handle_database_error)
