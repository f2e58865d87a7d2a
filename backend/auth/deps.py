"""The one place that turns a bearer token into a user, and the `{user_id}` path check.

Two steps, each written once: `token_identity` verifies the token (whom it names), then `_user`
reads the user's row (`external_user` creates it on first sight). REST verifies in the security
scheme's dependency (`bearer_scheme`) and reads the user in `get_current_user` (or `reading`, for
the two busiest reads), MCP does both in `authenticate_token`. A personal access token or a
Better Auth session is looked up instead of verified (`request_identity`); a personal token
scoped to `tasks` opens `/mcp` only.
"""

import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from typing import Annotated, Any, NamedTuple

import jwt
from cachetools import TLRUCache
from fastapi import Depends, Path, Request
from fastapi.security import OAuth2PasswordBearer
from fastapi.security.base import SecurityBase
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.concurrency import run_in_threadpool

from backend.auth import better_auth
from backend.auth.external import (
    JWKS_ALGORITHMS,
    decode_jwks_token,
    decode_shared_secret_token,
    external_subject,
    external_user,
)
from backend.auth.models import USER_ROW_BY_ID, UserRow
from backend.auth.personal_tokens import find_personal_token, is_personal_token
from backend.auth.security import (
    ACCESS_TOKEN_ALGORITHM,
    ForeignSignatureError,
    decode_access_token,
)
from backend.config import Settings
from backend.db import SessionDep
from backend.driver import fetch
from backend.errors import ForbiddenError, UnauthorizedError

TASKS_SCOPE_ONLY = "This personal access token opens the task tools at /mcp only (scope tasks)"
VERIFIED_TOKENS_KEPT = 4096  # entries: bounded by count, the least recently used go first


class TokenIdentity(NamedTuple):
    """Whom a verified bearer token names, until when; an external issuer's claims, to
    provision its user; a personal access token's scope (None for a sign-in's token)."""

    user_id: str
    expires_at: int
    external_claims: dict[str, Any] | None
    scope: str | None = None


MAX_USER_ID_LENGTH = 255
NEVER = 2**53  # the expiry of a personal access token made without one


async def _personal_identity(token: str, connection: AsyncConnection) -> TokenIdentity:
    """Whom a personal access token names; 401 if it is unknown, revoked or expired."""
    found = await find_personal_token(connection, token)
    if found is None:
        raise UnauthorizedError("Invalid, revoked or expired personal access token")
    user_id, scope, expires_at = found
    expiry = NEVER if expires_at is None else int(expires_at.timestamp())
    return TokenIdentity(user_id, expiry, None, scope)


def token_identity(token: str, settings: Settings) -> TokenIdentity:
    """Whom a bearer token from any accepted source names; 401 otherwise (may fetch JWKS keys)."""
    claims, external = _verify(token, _algorithm(token), settings)
    expires_at = int(claims["exp"])  # required by every verifier; compared as PyJWT does (int)
    if external:
        return TokenIdentity(external_subject(claims), expires_at, claims)
    return TokenIdentity(claims["sub"], expires_at, None)


def _algorithm(token: str) -> Any:
    try:
        return jwt.get_unverified_header(token).get("alg")
    except jwt.PyJWTError as exc:
        raise UnauthorizedError() from exc


def _verify(token: str, algorithm: Any, settings: Settings) -> tuple[dict[str, Any], bool]:
    """Claims of a token from any accepted source, and whether it came from outside."""
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


def _fetches_keys(token: str, settings: Settings) -> bool:
    # Verifying an issuer's token may fetch its signing keys over HTTP (PyJWT's client is sync).
    return bool(settings.auth_jwks_url) and _algorithm(token) in JWKS_ALGORITHMS


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
        identity = await _personal_identity(token, await session.connection())
    elif _fetches_keys(token, settings):
        identity = await run_in_threadpool(token_identity, token, settings)
    else:
        identity = token_identity(token, settings)
    return await _user(identity, await session.connection())


async def app_settings(request: Request) -> Settings:
    """The settings of the app serving this request (async: no I/O, so no threadpool hop)."""
    settings: Settings = request.app.state.settings
    return settings


AppSettings = Annotated[Settings, Depends(app_settings)]


def verified_tokens(timer: Callable[[], float] = time.time) -> TLRUCache[str, TokenIdentity]:
    """A memo of the HS256 tokens (ours, the shared secret's) this app has verified, each kept
    until it expires (by `timer`, the clock tokens' `exp` is on).

    Such a verification depends on the token alone until its `exp` (access tokens are not
    revocable; the user's row, read on every request, carries deactivation), so a token seen
    before skips the signature and claim checks (~6% of a list request's CPU). Every
    instance answers alike with or without it. Event loop only: not thread-safe.
    """
    return TLRUCache(
        maxsize=VERIFIED_TOKENS_KEPT,
        ttu=lambda _token, identity, _now: identity.expires_at,
        timer=timer,
    )


class Credentials(NamedTuple):
    """What a request presents: its bearer token; whom it names, when it is a signed token
    (verified in memory); or a Better Auth session token (bearer or cookie) to look up. With
    neither, the bearer is a personal access token, looked up too."""

    token: str | None
    identity: TokenIdentity | None = None
    session_token: str | None = None


class BearerScheme(SecurityBase):
    """The bearer token as /docs shows it (OAuth2's password flow: the Authorize form), whose
    dependency also verifies a signed token: a missing one, or a signed one that fails, is 401
    before any parameter is checked (422) and before the database is touched. Credentials looked
    up in the database (a personal access token, a Better Auth session) are only recognised here.

    Only fetching an issuer's signing keys may block: that alone goes to a worker thread (and its
    tokens are not memoised: a key withdrawn from the issuer's set must stop them).
    """

    def __init__(self, token_url: str) -> None:
        self._bearer = OAuth2PasswordBearer(tokenUrl=token_url, auto_error=False)
        self.model = self._bearer.model
        self.scheme_name = self._bearer.scheme_name

    async def __call__(self, request: Request) -> Credentials:
        """The request's credentials; 401 if it has none, or a signed token that fails."""
        token = await self._bearer(request)
        settings: Settings = request.app.state.settings
        if token and is_personal_token(token):
            return Credentials(token)
        if (session_token := better_auth.session_token(request, token, settings)) is not None:
            return Credentials(token, session_token=session_token)
        if not token:
            raise UnauthorizedError("Not authenticated")
        memo: TLRUCache[str, TokenIdentity] = request.app.state.verified_tokens
        if (known := memo.get(token)) is not None:
            return Credentials(token, known)
        if _fetches_keys(token, settings):
            return Credentials(token, await run_in_threadpool(token_identity, token, settings))
        memo[token] = identity = token_identity(token, settings)
        return Credentials(token, identity)


bearer_scheme = BearerScheme("/api/auth/token")
RequestCredentials = Annotated[Credentials, Depends(bearer_scheme)]
Connect = Callable[[], Awaitable[AsyncConnection]]


async def request_identity(
    request: Request, credentials: Credentials, connect: Connect
) -> TokenIdentity:
    """Whom the request's credentials name: a signed token's identity, or a personal access
    token or Better Auth session looked up on the request's connection (`connect`, called for
    those alone); 401 if not found, 403 for a personal access token scoped to the task tools.
    """
    if credentials.identity is not None:
        return credentials.identity
    if credentials.session_token is not None:
        settings: Settings = request.app.state.settings
        connection = await connect()
        return await _session_identity(credentials.session_token, request, settings, connection)
    if credentials.token is None:  # not reached: the scheme says 401 to no credentials at all
        raise UnauthorizedError("Not authenticated")
    identity = await _personal_identity(credentials.token, await connect())
    if identity.scope != "api":
        raise ForbiddenError(TASKS_SCOPE_ONLY)
    return identity


async def _session_identity(
    token: str, request: Request, settings: Settings, connection: AsyncConnection
) -> TokenIdentity:
    cache: better_auth.SessionCache = request.app.state.better_auth_sessions
    found = await better_auth.find_session(connection, token, settings=settings, cache=cache)
    if found is None:
        raise UnauthorizedError("Session not found or expired")
    return TokenIdentity(found.user_id, int(found.expires_at.timestamp()), found.claims())


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


def _check_user_path(request: Request, user: UserRow) -> None:
    """`{user_id}`, where the path has one, must be the user's id or `me`; else 403.

    Checked after the user is read, so a deleted or deactivated user's token is 401, not 403.
    A segment too long to be an id is left to `check_user_path`'s validation (422).
    """
    path_user = request.path_params.get("user_id")
    if path_user is None or len(path_user) > MAX_USER_ID_LENGTH:
        return
    if path_user not in ("me", user.id):
        raise ForbiddenError("You may only access your own resources")


async def get_current_user(
    request: Request, credentials: RequestCredentials, session: SessionDep
) -> UserRow:
    """The active user named by the request's bearer token (and by `{user_id}`); 401 (403)
    otherwise.

    Read on the request's session (its connection then serves the route too). The user is a
    value built from its row, in no session: routes use it to scope their work, never to
    change it. One dependency, not one per step: each costs a request a little.
    """
    identity = await request_identity(request, credentials, session.connection)
    user = await _user(identity, await session.connection())
    _check_user_path(request, user)
    return user


CurrentUser = Annotated[UserRow, Depends(get_current_user)]


async def get_signed_in_user(
    request: Request, credentials: RequestCredentials, session: SessionDep
) -> UserRow:
    """The current user, signed in with a password or an issuer's token: a personal access
    token cannot manage tokens (403), so a leaked one cannot mint others."""
    identity = await request_identity(request, credentials, session.connection)
    if identity.scope is not None:
        raise ForbiddenError("Sign in to manage personal access tokens")
    user = await _user(identity, await session.connection())
    _check_user_path(request, user)
    return user


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
    async with AsyncExitStack() as stack:
        engine: AsyncEngine = request.app.state.read_engine
        connection: AsyncConnection | None = None

        async def connect() -> AsyncConnection:  # checked out once, when first needed
            nonlocal connection
            if connection is None:
                connection = await stack.enter_async_context(engine.connect())
            return connection

        identity = await request_identity(request, credentials, connect)
        user = await _user(identity, await connect())
        _check_user_path(request, user)
        yield Reader(user, await connect())


UserIdPath = Annotated[
    str,
    Path(
        description="Your user id, or the literal `me`.",
        examples=["me"],
        openapi_examples={"me": {"summary": "You (the token's user)", "value": "me"}},
        max_length=MAX_USER_ID_LENGTH,
    ),
]


async def check_user_path(user_id: UserIdPath) -> None:
    """Declares and validates `{user_id}` on the documented mount (a 422 past 255 characters);
    whether it names the token's user is checked where the user is read (`_check_user_path`)."""
