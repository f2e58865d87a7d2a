"""Tokens issued elsewhere: Better Auth's JWKS-signed JWTs and HS256 tokens on a shared secret."""

import logging
import time
from functools import lru_cache
from typing import Any

import jwt
from pydantic import TypeAdapter, ValidationError
from sqlalchemy.dialects.postgresql import insert as postgres_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel.ext.asyncio.session import AsyncSession

from backend.auth.accounts import user_by_email
from backend.auth.models import (
    MAX_EMAIL_LENGTH,
    MAX_NAME_LENGTH,
    USER_ROW_BY_ID,
    Email,
    User,
    UserRow,
)
from backend.auth.security import token_errors
from backend.config import Settings
from backend.datetimes import utcnow
from backend.driver import fetch
from backend.errors import ServiceUnavailableError, UnauthorizedError
from backend.fields import is_storable

logger = logging.getLogger(__name__)

JWKS_ALGORITHMS = ["EdDSA", "ES256", "RS256"]
SHARED_SECRET_ALGORITHM = "HS256"  # noqa: S105 (an algorithm name, not a secret)
JWKS_TIMEOUT_SECONDS = 5
JWKS_FAILURE_PAUSE = 5.0  # seconds without fetch attempts after a failed one
JWKS_UNAVAILABLE_MESSAGE = "Token signing keys are unavailable; retry shortly"
MAX_SUBJECT_LENGTH = 255
EMAIL = TypeAdapter(Email)


class JWKSKeys:
    """The keys of one JWKS endpoint: cached, unknown-`kid` refetches throttled, outages paused."""

    def __init__(self, url: str, cache_seconds: int, min_refetch_seconds: int) -> None:
        self._client = jwt.PyJWKClient(
            url,
            lifespan=cache_seconds,
            cooldown_duration=min_refetch_seconds,
            timeout=JWKS_TIMEOUT_SECONDS,
        )
        self._failed_at: float | None = None

    def signing_key(self, kid: str) -> jwt.PyJWK:
        """The published key with this id; 503 while the endpoint is unreachable."""
        # After a failed fetch, answer at once for a while: otherwise every request would wait
        # out the timeout on a worker thread, and an outage would exhaust the threadpool.
        if self._failed_at is not None and time.monotonic() - self._failed_at < JWKS_FAILURE_PAUSE:
            raise ServiceUnavailableError(JWKS_UNAVAILABLE_MESSAGE)
        try:
            key = self._client.get_signing_key(kid)
        except jwt.PyJWKClientConnectionError as exc:
            self._failed_at = time.monotonic()
            logger.warning("JWKS endpoint unreachable")
            raise ServiceUnavailableError(JWKS_UNAVAILABLE_MESSAGE) from exc
        self._failed_at = None
        return key


@lru_cache(maxsize=8)
def jwks_keys(url: str, cache_seconds: int, min_refetch_seconds: int) -> JWKSKeys:
    """One key cache per JWKS endpoint and settings, shared by every app in the process."""
    return JWKSKeys(url, cache_seconds, min_refetch_seconds)


# A correctly signed external token refused for a claim gets a 401 naming the claim, for the team
# wiring up a frontend (the token's own content: nothing secret is revealed).
CLAIM_ERRORS = (
    jwt.InvalidIssuerError,
    jwt.InvalidAudienceError,
    jwt.MissingRequiredClaimError,
    jwt.ImmatureSignatureError,
)


def _claim_problem(exc: jwt.PyJWTError) -> str:
    if isinstance(exc, jwt.MissingRequiredClaimError):
        return f"Token has no `{exc.claim}` claim"
    if isinstance(exc, jwt.InvalidIssuerError):
        return "Token issuer (`iss`) is not the configured AUTH_ISSUER"
    if isinstance(exc, jwt.InvalidAudienceError):
        return "Token audience (`aud`) is not the configured AUTH_AUDIENCE"
    return "Token is not valid yet (`iat` or `nbf` in the future)"


def _decode(token: str, key: Any, algorithms: list[str], settings: Settings) -> dict[str, Any]:
    with token_errors():
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                key,
                algorithms=algorithms,
                issuer=settings.auth_issuer,
                audience=settings.auth_audience,
                options={
                    "require": ["exp", "sub"],
                    "verify_aud": settings.auth_audience is not None,
                },
            )
        except CLAIM_ERRORS as exc:  # the signature was good: say which claim is wrong
            raise UnauthorizedError(_claim_problem(exc)) from exc
    _check_lifetime(claims, settings)
    return claims


def _check_lifetime(claims: dict[str, Any], settings: Settings) -> None:
    # A leaked token that claims to live for years would work for years: cap what we honour.
    # PyJWT accepts any `exp` that int() takes (a numeric string too): insist on a number.
    expires, issued_at = claims["exp"], claims.get("iat")
    if not isinstance(expires, int | float) or isinstance(expires, bool):
        raise UnauthorizedError("Token `exp` claim is not a number")
    start = issued_at if isinstance(issued_at, int | float) else time.time()
    cap = settings.auth_external_max_token_minutes
    if expires - start > cap * 60:
        raise UnauthorizedError(
            f"Token lifetime exceeds {cap} minutes, the longest accepted for external tokens "
            "(AUTH_EXTERNAL_MAX_TOKEN_MINUTES)"
        )


def decode_jwks_token(token: str, settings: Settings) -> dict[str, Any]:
    """Verify a token against the configured JWKS (HTTP on a cache miss: call from sync code)."""
    assert settings.auth_jwks_url is not None
    keys = jwks_keys(
        settings.auth_jwks_url,
        settings.auth_jwks_cache_seconds,
        settings.auth_jwks_min_refetch_seconds,
    )
    try:
        kid = jwt.get_unverified_header(token).get("kid")
        if not isinstance(kid, str):
            raise UnauthorizedError()
        key = keys.signing_key(kid)
    except jwt.PyJWTError as exc:
        raise UnauthorizedError() from exc
    return _decode(token, key, JWKS_ALGORITHMS, settings)


def decode_shared_secret_token(token: str, settings: Settings) -> dict[str, Any]:
    """Verify an HS256 token signed with `BETTER_AUTH_SECRET`."""
    assert settings.better_auth_secret is not None
    key = settings.better_auth_secret.get_secret_value()
    return _decode(token, key, [SHARED_SECRET_ALGORITHM], settings)


def _claim_text(claims: dict[str, Any], name: str, max_length: int) -> str | None:
    value = claims.get(name)
    if not isinstance(value, str) or not value.strip() or not is_storable(value):
        return None
    return value.strip()[:max_length]


def _claim_email(claims: dict[str, Any]) -> str | None:
    # Validated like a registration email; an invalid one is dropped, never stored.
    email = _claim_text(claims, "email", MAX_EMAIL_LENGTH + 1)
    if email is None or len(email) > MAX_EMAIL_LENGTH:
        return None
    try:
        return EMAIL.validate_python(email)
    except ValidationError:
        return None


def external_subject(claims: dict[str, Any]) -> str:
    """The user id an external token's `sub` names; 401 if it cannot be one."""
    subject = claims.get("sub")
    if not isinstance(subject, str) or not 0 < len(subject) <= MAX_SUBJECT_LENGTH:
        raise UnauthorizedError()
    if not is_storable(subject):
        raise UnauthorizedError()
    return subject


async def external_user(claims: dict[str, Any], *, session: AsyncSession) -> UserRow:
    """The user an external token names, created on first sight of its `sub`.

    In the request's session: inserted with ON CONFLICT DO NOTHING, so of concurrent first
    requests one creates the row and the others read it, with no savepoint (reads run without
    a transaction) and no second connection (SQLite's write lock is the request's).
    """
    subject = external_subject(claims)
    email = _claim_email(claims)
    if email is not None and await user_by_email(session, email) is not None:
        email = None  # the address belongs to another account: never merge on an email claim
    now = utcnow()
    values = {
        "id": subject,
        "email": email,
        "name": _claim_text(claims, "name", MAX_NAME_LENGTH),
        "is_active": True,
        "created_at": now,
        "updated_at": now,
    }
    connection = await session.connection()
    insert = postgres_insert if connection.dialect.name == "postgresql" else sqlite_insert
    await connection.execute(insert(User).values(values).on_conflict_do_nothing())
    rows = await fetch(connection, USER_ROW_BY_ID, {"user_id": subject})
    if not rows:  # the email was taken meanwhile: refuse rather than merge
        raise UnauthorizedError()
    return UserRow(*rows[0])
