"""How routes document their failures in OpenAPI: `ErrorCase`, the common cases and
`error_responses(...)`, with example bodies in the one error format."""

from typing import Any, NamedTuple

from backend.config import Settings
from backend.errors import (
    DB_UNAVAILABLE_MESSAGE,
    ErrorBody,
    ValidationErrorBody,
    code_for_status,
    error_body,
    summarize_validation_errors,
)

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
