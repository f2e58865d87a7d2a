"""The one place that turns a request into the current user, and the `{user_id}` path check."""

from typing import Annotated, Any

import jwt
from fastapi import Depends, Path, Request
from fastapi.security import OAuth2PasswordBearer
from sqlalchemy import bindparam
from sqlmodel import Session, col, select

from backend.auth.external import (
    JWKS_ALGORITHMS,
    decode_jwks_token,
    decode_shared_secret_token,
    external_user,
)
from backend.auth.models import User
from backend.auth.security import (
    ACCESS_TOKEN_ALGORITHM,
    ForeignSignatureError,
    decode_access_token,
)
from backend.config import Settings
from backend.db import SessionDep
from backend.errors import ForbiddenError, UnauthorizedError

oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/api/auth/token", auto_error=False)
# Built once: every request runs this lookup, and a prebuilt statement skips the query
# construction and cache-key work `Session.get` repeats on each call (~0.2 ms a request).
USER_BY_ID = select(User).where(col(User.id) == bindparam("user_id"))


def _verify(token: str, settings: Settings) -> tuple[dict[str, Any], bool]:
    """Claims of a token from any accepted source, and whether it came from outside."""
    try:
        algorithm = jwt.get_unverified_header(token).get("alg")
    except jwt.PyJWTError as exc:
        raise UnauthorizedError() from exc
    # Each source pins its own algorithms: the header only picks which verifier to try.
    if algorithm == ACCESS_TOKEN_ALGORITHM:
        try:
            return decode_access_token(token, settings), False
        except ForeignSignatureError:
            if settings.better_auth_secret is None:
                raise
            return decode_shared_secret_token(token, settings), True
    if algorithm in JWKS_ALGORITHMS and settings.auth_jwks_url:
        return decode_jwks_token(token, settings), True
    raise UnauthorizedError()


def authenticate_token(token: str, *, session: Session, settings: Settings) -> User:
    """The active user a bearer token names; UnauthorizedError otherwise. Used by REST and MCP."""
    claims, external = _verify(token, settings)
    user: User | None
    if external:
        user = external_user(claims, session=session)
    else:
        user = session.exec(USER_BY_ID, params={"user_id": claims["sub"]}).first()
    if user is None or not user.is_active:
        raise UnauthorizedError()
    return user


async def app_settings(request: Request) -> Settings:
    """The settings of the app serving this request (async: no I/O, so no threadpool hop)."""
    settings: Settings = request.app.state.settings
    return settings


AppSettings = Annotated[Settings, Depends(app_settings)]


def get_current_user(
    session: SessionDep,
    settings: AppSettings,
    token: Annotated[str | None, Depends(oauth2_scheme)],
) -> User:
    """The active user named by the request's bearer token; 401 otherwise."""
    if not token:
        raise UnauthorizedError("Not authenticated")
    return authenticate_token(token, session=session, settings=settings)


CurrentUser = Annotated[User, Depends(get_current_user)]

UserIdPath = Annotated[
    str,
    Path(
        description="Your user id, or the literal `me`.",
        examples=["me"],
        max_length=255,
    ),
]


async def check_user_path(user_id: UserIdPath, user: CurrentUser) -> None:
    """`{user_id}` must be the authenticated user's id or `me`; anything else is 403."""
    # `async`: a comparison, no I/O, so no threadpool hop.
    if user_id not in ("me", user.id):
        raise ForbiddenError("You may only access your own resources")
