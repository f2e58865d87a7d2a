"""The one place that turns a bearer token into a user, and the `{user_id}` path check.

Two steps, each written once: `token_identity` verifies the token (whom it names), then the
user's row is read (`USER_BY_ID`, `_active`, `external_user` on first sight). REST runs them as
dependencies on the event loop (`get_token_identity`, `get_current_user`); MCP runs both in one
sync call in a worker thread (`authenticate_token`).
"""

import time
from collections.abc import AsyncIterator, Callable
from typing import Annotated, Any, NamedTuple

import jwt
from cachetools import TLRUCache
from fastapi import Depends, Path, Request
from fastapi.security import OAuth2PasswordBearer
from sqlalchemy import Engine, bindparam
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlmodel import Session, col, select
from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.concurrency import run_in_threadpool

from backend.auth.external import (
    JWKS_ALGORITHMS,
    decode_jwks_token,
    decode_shared_secret_token,
    external_subject,
    external_user,
)
from backend.auth.models import User
from backend.auth.security import (
    ACCESS_TOKEN_ALGORITHM,
    ForeignSignatureError,
    decode_access_token,
)
from backend.config import Settings
from backend.db import ReadsDep, open_session
from backend.errors import ForbiddenError, UnauthorizedError

VERIFIED_TOKENS_KEPT = 4096  # entries: bounded by count, the least recently used go first
oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/api/auth/token", auto_error=False)
# Built once: every request runs this lookup, and a prebuilt statement skips the query
# construction and cache-key work `Session.get` repeats on each call (~0.2 ms a request). Run on
# the Core connection of the async engine (no ORM session: ~0.1 ms less) in get_current_user.
USER_BY_ID = select(User).where(col(User.id) == bindparam("user_id"))


class TokenIdentity(NamedTuple):
    """Whom a verified bearer token names, until when; an external issuer's claims, to
    provision its user."""

    user_id: str
    expires_at: int
    external_claims: dict[str, Any] | None


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


def _active(user: User | None) -> User:
    if user is None or not user.is_active:
        raise UnauthorizedError()
    return user


def authenticate_token(token: str, *, session: Session, settings: Settings) -> User:
    """The active user a bearer token names; UnauthorizedError otherwise.

    The same checks as `get_token_identity` then `get_current_user`, in one sync call for MCP,
    whose token verifier runs it in a worker thread.
    """
    identity = token_identity(token, settings)
    if identity.external_claims is not None:
        return _active(external_user(identity.external_claims, session=session))
    return _active(session.exec(USER_BY_ID, params={"user_id": identity.user_id}).first())


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


async def get_token_identity(
    request: Request,
    settings: AppSettings,
    token: Annotated[str | None, Depends(oauth2_scheme)],
) -> TokenIdentity:
    """The user id a request's bearer token names, verified in memory; 401 otherwise.

    Only fetching an issuer's signing keys may block: that alone goes to a worker thread (and
    its tokens are not memoised: a key withdrawn from the issuer's set must stop them).
    """
    if not token:
        raise UnauthorizedError("Not authenticated")
    memo: TLRUCache[str, TokenIdentity] = request.app.state.verified_tokens
    if (known := memo.get(token)) is not None:
        return known
    if settings.auth_jwks_url and _algorithm(token) in JWKS_ALGORITHMS:
        return await run_in_threadpool(token_identity, token, settings)
    memo[token] = identity = token_identity(token, settings)
    return identity


TokenIdentityDep = Annotated[TokenIdentity, Depends(get_token_identity)]


async def get_current_user(request: Request, identity: TokenIdentityDep, reads: ReadsDep) -> User:
    """The active user named by the request's bearer token; 401 otherwise.

    Read on the event loop through the request's `Reads`, so no worker thread waits on it; an
    external user seen for the first time is created in a worker thread. The user is a value
    built from its row, in no session: routes use it to scope their work, never to change it.
    """
    connection = await reads.connection()
    row = (await connection.execute(USER_BY_ID, {"user_id": identity.user_id})).first()
    user = User(**row._mapping) if row is not None else None
    if not reads.claimed:
        await reads.release()
    if user is None and identity.external_claims is not None:
        user = await run_in_threadpool(
            _provision_external_user, identity.external_claims, request.app.state.engine
        )
    return _active(user)


def _provision_external_user(claims: dict[str, Any], engine: Engine) -> User:
    with open_session(engine) as session:
        return external_user(claims, session=session)


CurrentUser = Annotated[User, Depends(get_current_user)]

UserIdPath = Annotated[
    str,
    Path(
        description="Your user id, or the literal `me`.",
        examples=["me"],
        openapi_examples={"me": {"summary": "You (the token's user)", "value": "me"}},
        max_length=255,
    ),
]


async def check_user_path(
    user_id: UserIdPath, request: Request, identity: TokenIdentityDep, reads: ReadsDep
) -> None:
    """`{user_id}` must be the token's user id or `me`; anything else is 403.

    The token alone answers for the right path, so the route's `CurrentUser` reads the user
    later, on the connection the route may claim (see `Reads`). On another user's path, the
    user is read first all the same: a deleted or deactivated user's token is 401 everywhere.
    """
    if user_id not in ("me", identity.user_id):
        await get_current_user(request, identity, reads)
        raise ForbiddenError("You may only access your own resources")


async def read_connection(reads: ReadsDep, _identity: TokenIdentityDep) -> AsyncConnection:
    """The request's connection of the async engine, for a route that reads on the event loop.

    Taken once the token is verified: a request without a valid one touches no database.
    """
    return await reads.claim()


ReadConnection = Annotated[AsyncConnection, Depends(read_connection)]


async def read_session(connection: ReadConnection) -> AsyncIterator[AsyncSession]:
    """An ORM session on the request's read connection: a route runs the sync service code on
    the event loop through `run_sync` (SQLAlchemy bridges its I/O to the loop), no thread."""
    async with AsyncSession(connection, expire_on_commit=False) as session:
        yield session


# scope="function", like the `Reads` it sits on.
ReadSession = Annotated[AsyncSession, Depends(read_session, scope="function")]
