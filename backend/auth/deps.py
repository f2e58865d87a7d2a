"""The one place that turns a request into the current user, and the `{user_id}` path check."""

from typing import Annotated, Any, NamedTuple

import jwt
from fastapi import Depends, Path, Request
from fastapi.security import OAuth2PasswordBearer
from sqlalchemy import Engine, bindparam
from sqlmodel import Session, col, select
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

oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/api/auth/token", auto_error=False)
# Built once: every request runs this lookup, and a prebuilt statement skips the query
# construction and cache-key work `Session.get` repeats on each call (~0.2 ms a request). Run on
# the Core connection of the async engine (no ORM session: ~0.1 ms less) in get_current_user.
USER_BY_ID = select(User).where(col(User.id) == bindparam("user_id"))


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
    """The active user a bearer token names; UnauthorizedError otherwise (sync, for MCP)."""
    claims, external = _verify(token, _algorithm(token), settings)
    if external:
        return _active(external_user(claims, session=session))
    return _active(session.exec(USER_BY_ID, params={"user_id": claims["sub"]}).first())


async def app_settings(request: Request) -> Settings:
    """The settings of the app serving this request (async: no I/O, so no threadpool hop)."""
    settings: Settings = request.app.state.settings
    return settings


AppSettings = Annotated[Settings, Depends(app_settings)]


class TokenIdentity(NamedTuple):
    """Whom a verified bearer token names; an external issuer's claims, to provision its user."""

    user_id: str
    external_claims: dict[str, Any] | None


async def get_token_identity(
    settings: AppSettings, token: Annotated[str | None, Depends(oauth2_scheme)]
) -> TokenIdentity:
    """The user id a request's bearer token names, verified in memory; 401 otherwise.

    Only fetching an issuer's signing keys may block: that alone goes to a worker thread.
    """
    if not token:
        raise UnauthorizedError("Not authenticated")
    algorithm = _algorithm(token)
    if algorithm in JWKS_ALGORITHMS and settings.auth_jwks_url:
        claims, external = await run_in_threadpool(_verify, token, algorithm, settings)
    else:
        claims, external = _verify(token, algorithm, settings)
    if external:
        return TokenIdentity(external_subject(claims), claims)
    return TokenIdentity(claims["sub"], None)


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
        max_length=255,
    ),
]


async def check_user_path(user_id: UserIdPath, identity: TokenIdentityDep) -> None:
    """`{user_id}` must be the token's user id or `me`; anything else is 403.

    It needs the verified token only, not the user's row: the route's own `CurrentUser` reads
    that later, on the connection the route claims (see `Reads`).
    """
    if user_id not in ("me", identity.user_id):
        raise ForbiddenError("You may only access your own resources")
