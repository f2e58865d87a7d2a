"""The one place that turns a request into the current user, and the `{user_id}` path check."""

from typing import Annotated

from fastapi import Depends, Path, Request
from fastapi.security import OAuth2PasswordBearer
from sqlmodel import Session

from backend.auth.models import User
from backend.auth.security import decode_access_token
from backend.config import Settings
from backend.db import SessionDep
from backend.errors import ForbiddenError, UnauthorizedError

oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/api/auth/token", auto_error=False)


def authenticate_token(token: str, *, session: Session, settings: Settings) -> User:
    """The active user a bearer token names; UnauthorizedError otherwise. Used by REST and MCP."""
    claims = decode_access_token(token, settings)
    user = session.get(User, claims["sub"])
    if user is None or not user.is_active:
        raise UnauthorizedError()
    return user


def get_current_user(
    request: Request,
    session: SessionDep,
    token: Annotated[str | None, Depends(oauth2_scheme)],
) -> User:
    """The active user named by the request's bearer token; 401 otherwise."""
    if not token:
        raise UnauthorizedError("Not authenticated")
    return authenticate_token(token, session=session, settings=request.app.state.settings)


CurrentUser = Annotated[User, Depends(get_current_user)]

UserIdPath = Annotated[
    str,
    Path(
        description="Your user id, or the literal `me`.",
        examples=["me"],
        max_length=255,
    ),
]


def check_user_path(user_id: UserIdPath, user: CurrentUser) -> None:
    """`{user_id}` must be the authenticated user's id or `me`; anything else is 403."""
    if user_id not in ("me", user.id):
        raise ForbiddenError("You may only access your own resources")
