"""The one place that turns a bearer token into a user, and the `{user_id}` path check.

Two steps, each written once: `token_identity` verifies the token (whom it names), then `_user`
reads the user's row (`external_user` creates it on first sight). REST verifies in the security
scheme's dependency (`bearer_scheme`) and reads the user in `get_current_user` (or `reading`, for
the two busiest reads), MCP does both in `authenticate_token`. A personal access token or a
Better Auth session is looked up instead of verified (`request_identity`); a personal token
scoped to `tasks` opens `/mcp` only. The first step, up to whom the credentials name, is
`backend.auth.identity`'s; reading the user and the dependencies that give it are here.
"""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated, NamedTuple

import anyio
from fastapi import Depends, Request
from fastapi.exceptions import RequestValidationError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.concurrency import run_in_threadpool

from backend.auth.external import external_user
from backend.auth.identity import (
    Connect,
    Credentials,
    RequestCredentials,
    TokenIdentity,
    fetches_keys,
    personal_identity,
    request_identity,
    token_identity,
)
from backend.auth.models import USER_ROW_BY_ID, UserRow
from backend.auth.personal_tokens import is_personal_token
from backend.config import Settings
from backend.db import SessionDep
from backend.driver import fetch
from backend.errors import ForbiddenError, UnauthorizedError

MAX_USER_ID_LENGTH = 255
# FastAPI's 422 for a `{user_id}` past the length (`backend.openapi` documents the parameter).
USER_ID_TOO_LONG = {
    "type": "string_too_long",
    "loc": ("path", "user_id"),
    "msg": f"String should have at most {MAX_USER_ID_LENGTH} characters",
    "ctx": {"max_length": MAX_USER_ID_LENGTH},
}


def _active(user: UserRow | None) -> UserRow:
    if user is None or not user.is_active:
        raise UnauthorizedError()
    return user


async def authenticate_token(token: str, *, session: AsyncSession, settings: Settings) -> UserRow:
    """The active user a bearer token names; UnauthorizedError otherwise.

    The same checks as `get_current_user`, for MCP (where a personal access token of either
    scope is good).
    """
    if is_personal_token(token):
        identity = await personal_identity(token, await session.connection())
    elif fetches_keys(token, settings):
        identity = await run_in_threadpool(token_identity, token, settings)
    else:
        identity = token_identity(token, settings)
    return await _user(identity, await session.connection())


async def app_settings(request: Request) -> Settings:
    """The settings of the app serving this request (async: no I/O, so no threadpool hop)."""
    settings: Settings = request.app.state.settings
    return settings


AppSettings = Annotated[Settings, Depends(app_settings)]


async def _user(identity: TokenIdentity, connection: AsyncConnection) -> UserRow:
    """The active user an identity names, an external one created on first sight."""
    rows = await fetch(connection, USER_ROW_BY_ID, {"user_id": identity.user_id})
    if rows:
        return _active(UserRow(*rows[0]))
    if identity.external_claims is None:
        raise UnauthorizedError()
    # Once per external user: the ORM's lookup of its email, on the same connection.
    async with AsyncSession(bind=connection) as session:
        return _active(await external_user(identity.external_claims, session=session))


def _path_user(request: Request) -> str | None:
    """The `{user_id}` segment, where the path has one; a 422 if it is too long to be an id.

    Checked before the credentials are looked up, as FastAPI would check a declared parameter.
    """
    path_user: str | None = request.path_params.get("user_id")
    if path_user is not None and len(path_user) > MAX_USER_ID_LENGTH:
        raise RequestValidationError([USER_ID_TOO_LONG | {"input": path_user}])
    return path_user


def _check_user_path(path_user: str | None, user: UserRow) -> None:
    """`{user_id}`, where the path has one, must be the user's id or `me`; else 403.

    Checked after the user is read, so a deleted or deactivated user's token is 401, not 403.
    """
    if path_user is not None and path_user not in ("me", user.id):
        raise ForbiddenError("You may only access your own resources")


async def _checked_user(
    request: Request, credentials: Credentials, connect: Connect, *, signed_in: bool = False
) -> UserRow:
    """The active user the credentials name, read on `connect`'s connection, checked against
    `{user_id}`; `signed_in` refuses a personal access token (403)."""
    path_user = _path_user(request)
    identity = await request_identity(request, credentials, connect)
    if signed_in and identity.scope is not None:
        raise ForbiddenError("Sign in to manage personal access tokens")
    user = await _user(identity, await connect())
    _check_user_path(path_user, user)
    return user


async def get_current_user(
    request: Request, credentials: RequestCredentials, session: SessionDep
) -> UserRow:
    """The active user named by the request's bearer token (and by `{user_id}`); 401 (403)
    otherwise.

    Read on the request's session (its connection then serves the route too). The user is a
    value built from its row, in no session: routes use it to scope their work, never to
    change it. One dependency, not one per step: each costs a request a little.
    """
    return await _checked_user(request, credentials, session.connection)


CurrentUser = Annotated[UserRow, Depends(get_current_user)]


async def get_signed_in_user(
    request: Request, credentials: RequestCredentials, session: SessionDep
) -> UserRow:
    """The current user, signed in with a password or an issuer's token: a personal access
    token cannot manage tokens (403), so a leaked one cannot mint others."""
    return await _checked_user(request, credentials, session.connection, signed_in=True)


SignedInUser = Annotated[UserRow, Depends(get_signed_in_user)]


class Reader(NamedTuple):
    """The current user, and a connection to read with (autocommit: no transaction)."""

    user: UserRow
    connection: AsyncConnection


@asynccontextmanager
async def reading(request: Request, credentials: Credentials) -> AsyncIterator[Reader]:
    """The current user and a read connection, for the busiest reads (the task list, one task).

    The same checks as `CurrentUser`, on one pooled connection given back when the block ends
    (before the response is sent). Those routes open it in their body rather than through
    `CurrentUser` and `SessionDep`: FastAPI's per-request solving of each dependency and the
    ORM session's bookkeeping were about a third of such a request's CPU (specs/001-tasks/plan.md).
    Being in the body, these checks come after FastAPI has validated the route's parameters (a
    signed token that fails is 401 before that, in `bearer_scheme`).
    """
    engine: AsyncEngine = request.app.state.read_engine
    connection: AsyncConnection | None = None

    async def connect() -> AsyncConnection:  # checked out once, when first needed
        nonlocal connection
        if connection is None:
            connection = await engine.connect()
        return connection

    try:
        user = await _checked_user(request, credentials, connect)
        yield Reader(user, await connect())
    finally:
        if connection is not None:
            # Back to the pool even if the request is being cancelled; closed here rather than
            # by `async with`, whose shield runs the close as a task of its own (~17 µs).
            with anyio.CancelScope(shield=True):
                await connection.close()
