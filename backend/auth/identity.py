"""Whom a request's credentials name: the bearer scheme, signed-token verification (memoised),
and the lookups of personal access tokens and Better Auth sessions.

`token_identity` verifies a signed token; `bearer_scheme`, the security scheme's dependency,
verifies one before any parameter is checked or the database touched; `request_identity` turns
the credentials into a `TokenIdentity`, looking up those that live in the database. Reading the
user it names is `backend.auth.deps`'s.
"""

import time
from collections.abc import Awaitable, Callable
from typing import Annotated, Any, NamedTuple

import jwt
from cachetools import TLRUCache
from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer
from fastapi.security.base import SecurityBase
from sqlalchemy.ext.asyncio import AsyncConnection
from starlette.concurrency import run_in_threadpool

from backend.auth import better_auth
from backend.auth.external import (
    JWKS_ALGORITHMS,
    decode_jwks_token,
    decode_shared_secret_token,
    external_subject,
)
from backend.auth.personal_tokens import find_personal_token, is_personal_token
from backend.auth.security import (
    ACCESS_TOKEN_ALGORITHM,
    ForeignSignatureError,
    decode_access_token,
)
from backend.config import Settings
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


NEVER = 2**53  # the expiry of a personal access token made without one


async def personal_identity(token: str, connection: AsyncConnection) -> TokenIdentity:
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


def fetches_keys(token: str, settings: Settings) -> bool:
    """Whether verifying this token may fetch an issuer's signing keys over HTTP (PyJWT's
    client is sync, so such a token is verified in a worker thread)."""
    return bool(settings.auth_jwks_url) and _algorithm(token) in JWKS_ALGORITHMS


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
        if fetches_keys(token, settings):
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
    identity = await personal_identity(credentials.token, await connect())
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
