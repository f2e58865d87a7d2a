"""Access tokens: issuing and verifying our own HS256 JWTs."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any
from uuid import uuid4

import jwt

from backend.config import Settings
from backend.datetimes import utcnow
from backend.errors import UnauthorizedError

ACCESS_TOKEN_ALGORITHM = "HS256"  # noqa: S105 (an algorithm name, not a secret)


class ForeignSignatureError(UnauthorizedError):
    """An HS256 token not signed with our key (it may still be a Better Auth one)."""


@contextmanager
def token_errors() -> Iterator[None]:
    """Turn any PyJWT failure into a 401 that says no more than "expired" or "invalid"."""
    try:
        yield
    except jwt.ExpiredSignatureError as exc:
        raise UnauthorizedError("Token has expired") from exc
    except jwt.PyJWTError as exc:
        raise UnauthorizedError() from exc


def create_access_token(*, user_id: str, settings: Settings) -> str:
    """Sign a short-lived access token for a user."""
    now = utcnow()
    claims = {
        "sub": user_id,
        "iat": now,
        "exp": now + timedelta(minutes=settings.access_token_minutes),
        "jti": uuid4().hex,
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
        "type": "access",
    }
    return jwt.encode(claims, settings.jwt_key(), algorithm=ACCESS_TOKEN_ALGORITHM)


def decode_access_token(token: str, settings: Settings) -> dict[str, Any]:
    """Verify one of our access tokens and return its claims; 401 on any defect."""
    with token_errors():
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                settings.jwt_key(),
                algorithms=[ACCESS_TOKEN_ALGORITHM],
                audience=settings.jwt_audience,
                issuer=settings.jwt_issuer,
                options={"require": ["sub", "exp", "iat", "iss", "aud", "jti"]},
            )
        except jwt.InvalidSignatureError as exc:
            raise ForeignSignatureError() from exc
    if claims.get("type") != "access" or not isinstance(claims["sub"], str):
        raise UnauthorizedError()
    return claims
