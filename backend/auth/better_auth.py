"""Better Auth's opaque sessions: a session token (the `bearer` plugin's, or the session cookie)
is looked up in Better Auth's `session` table, which lives in the same database as ours.

Better Auth's default session is not a JWT but a random token stored in its `session` table
(`token` unique, `userId`, `expiresAt`; timestamps are `timestamptz` on Postgres and ISO 8601
text on SQLite). The `bearer` plugin sends it as `Authorization: Bearer <token>` (raw, or signed
like the cookie); the cookie `better-auth.session_token` holds `<token>.<signature>`, the
signature being base64 HMAC-SHA256 of the token with `BETTER_AUTH_SECRET`, URL-encoded.

A lookup is one indexed `SELECT` on the request's read connection (async, on the event loop).
Found sessions are kept briefly (`BETTER_AUTH_SESSION_CACHE_SECONDS`, never past their expiry) so
a page of requests costs one lookup; `/api/auth/logout` forgets the session it is called with.
"""

import base64
import hashlib
import hmac
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any, NamedTuple
from urllib.parse import unquote

import sqlalchemy as sa
from cachetools import TLRUCache
from fastapi import Request
from fastapi.security.utils import get_authorization_scheme_param
from sqlalchemy.ext.asyncio import AsyncConnection

from backend.config import Settings
from backend.datetimes import utcnow
from backend.fields import is_storable

SESSION_COOKIES = ("__Secure-better-auth.session_token", "better-auth.session_token")
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
SESSIONS_KEPT = 4096
MAX_SESSION_TOKEN_LENGTH = 512  # Better Auth's tokens are 32 characters; a JWT is never one


class BetterAuthSession(NamedTuple):
    """A live Better Auth session: whose, until when, and the user's profile to provision ours."""

    user_id: str
    expires_at: datetime
    email: str | None
    name: str | None

    def claims(self) -> dict[str, Any]:
        """The session as the claims first-sight provisioning reads (`sub`, `email`, `name`)."""
        return {"sub": self.user_id, "email": self.email, "name": self.name}


SessionCache = TLRUCache[str, BetterAuthSession]


def session_cache(settings: Settings) -> SessionCache:
    """The app's memo of found sessions: each kept the configured seconds, never past its expiry.

    Event loop only (not thread-safe). Unlike the verified-token memo, this one can be stale: a
    session signed out in Better Auth stays accepted here for at most those seconds.
    """
    ttl = settings.better_auth_session_cache_seconds

    def until(_token: str, session: BetterAuthSession, now: float) -> float:
        return min(now + ttl, session.expires_at.timestamp())

    return TLRUCache(maxsize=SESSIONS_KEPT, ttu=until, timer=lambda: utcnow().timestamp())


def session_token(request: Request, bearer: str | None, settings: Settings) -> str | None:
    """The Better Auth session token a request carries, if sessions are configured: the bearer
    value unless it is a JWT, else the session cookie; `None` if there is none, if a signed one's
    signature is wrong (checked when `BETTER_AUTH_SECRET` is set), or if the cookie rides on a
    write from an origin not in `CORS_ORIGINS` (cross-site request forgery)."""
    if not settings.better_auth_session_table:
        return None
    if bearer:
        if bearer.count(".") > 1:  # a JWT (header.payload.signature): not a session token
            return None
        presented: str | None = bearer
    elif _foreign_write(request, settings):
        return None
    else:
        cookies = request.cookies
        presented = next((cookies[name] for name in SESSION_COOKIES if name in cookies), None)
    if not presented or len(presented) > MAX_SESSION_TOKEN_LENGTH:
        return None
    return _unsigned(unquote(presented), settings)


def _foreign_write(request: Request, settings: Settings) -> bool:
    # A browser sends cookies with requests other sites trigger, and an Origin with every write;
    # clients that are not browsers send no Origin and carry no ambient cookie to abuse.
    origin = request.headers.get("origin")
    return (
        request.method not in SAFE_METHODS
        and origin is not None
        and origin not in settings.cors_origins
    )


def _unsigned(value: str, settings: Settings) -> str | None:
    token, dot, signature = value.rpartition(".")
    if not dot:
        return value if is_storable(value) else None  # the bearer plugin's raw token
    if not token or not is_storable(value):
        return None
    if settings.better_auth_secret is not None:
        key = settings.better_auth_secret.get_secret_value().encode()
        digest = hmac.new(key, token.encode(), hashlib.sha256).digest()
        # The bearer plugin strips the base64 padding; the cookie keeps it.
        expected = base64.b64encode(digest).decode().rstrip("=")
        if not hmac.compare_digest(expected.encode(), signature.rstrip("=").encode()):
            return None
    return token


@lru_cache(maxsize=8)
def _lookup_statement(session_table: str, user_table: str) -> sa.Select[Any]:
    # Better Auth's column names (camelCase, quoted by SQLAlchemy); tables may be `schema.name`.
    session = _table(session_table, "token", "userId", "expiresAt")
    user = _table(user_table, "id", "email", "name")
    return (
        sa.select(session.c.userId, session.c.expiresAt, user.c.email, user.c.name)
        .select_from(session.outerjoin(user, user.c.id == session.c.userId))
        .where(session.c.token == sa.bindparam("token"))
    )


def _table(qualified: str, *columns: str) -> sa.TableClause:
    schema, _, name = qualified.rpartition(".")
    return sa.table(name, *(sa.column(column) for column in columns), schema=schema or None)


def _stored_token(token: str, settings: Settings) -> str:
    # With Better Auth's `session.storeTokenHash`, the table holds base64url(SHA-256(token)).
    if not settings.better_auth_session_token_hashed:
        return token
    digest = hashlib.sha256(token.encode()).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def _as_utc(value: Any) -> datetime | None:
    # timestamptz on Postgres; ISO 8601 text (or epoch milliseconds) on SQLite.
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return None
    elif isinstance(value, int | float) and not isinstance(value, bool):
        moment = datetime.fromtimestamp(value / 1000, UTC)
    else:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


async def find_session(
    connection: AsyncConnection, token: str, *, settings: Settings, cache: SessionCache
) -> BetterAuthSession | None:
    """The live session of a token, from the cache or Better Auth's table; `None` if there is
    none or it has expired."""
    if (known := cache.get(token)) is not None:
        return known
    assert settings.better_auth_session_table is not None
    statement = _lookup_statement(
        settings.better_auth_session_table, settings.better_auth_user_table
    )
    row = (await connection.execute(statement, {"token": _stored_token(token, settings)})).first()
    expires_at = _as_utc(row.expiresAt) if row is not None else None
    if row is None or expires_at is None or expires_at <= utcnow():
        return None
    session = BetterAuthSession(str(row.userId), expires_at, row.email, row.name)
    if settings.better_auth_session_cache_seconds:
        cache[token] = session
    return session


async def forget_session(request: Request) -> None:
    """Drop the request's Better Auth session from this instance's cache (on logout)."""
    settings: Settings = request.app.state.settings
    scheme, bearer = get_authorization_scheme_param(request.headers.get("authorization"))
    presented = bearer if scheme.lower() == "bearer" else None
    if (token := session_token(request, presented, settings)) is not None:
        request.app.state.better_auth_sessions.pop(token, None)
