"""Better Auth's opaque sessions (its default, and its `bearer` plugin), looked up in its own
`session` table, created here exactly as Better Auth's migrations create it (SQLite and Postgres).
"""

import base64
import hashlib
import hmac
import secrets
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from urllib.parse import quote

import pytest
from alembic import command
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text
from sqlmodel import Session

from backend.auth.models import User
from backend.datetimes import utcnow
from backend.schema import alembic_config
from tests.auth.conftest import BETTER_AUTH_SECRET, bearer, register

# `npx @better-auth/cli generate` for Better Auth 1.6 (core tables), verbatim.
POSTGRES_SCHEMA = [
    'create table "user" ("id" text not null primary key, "name" text not null, "email" text '
    'not null unique, "emailVerified" boolean not null, "image" text, "createdAt" timestamptz '
    'default CURRENT_TIMESTAMP not null, "updatedAt" timestamptz default CURRENT_TIMESTAMP not '
    "null)",
    'create table "session" ("id" text not null primary key, "expiresAt" timestamptz not null, '
    '"token" text not null unique, "createdAt" timestamptz default CURRENT_TIMESTAMP not null, '
    '"updatedAt" timestamptz not null, "ipAddress" text, "userAgent" text, "userId" text not '
    'null references "user" ("id") on delete cascade)',
    'create table "account" ("id" text not null primary key, "accountId" text not null, '
    '"providerId" text not null, "userId" text not null references "user" ("id") on delete '
    'cascade, "accessToken" text, "refreshToken" text, "idToken" text, "accessTokenExpiresAt" '
    'timestamptz, "refreshTokenExpiresAt" timestamptz, "scope" text, "password" text, '
    '"createdAt" timestamptz default CURRENT_TIMESTAMP not null, "updatedAt" timestamptz not '
    "null)",
    'create table "verification" ("id" text not null primary key, "identifier" text not null, '
    '"value" text not null, "expiresAt" timestamptz not null, "createdAt" timestamptz default '
    'CURRENT_TIMESTAMP not null, "updatedAt" timestamptz default CURRENT_TIMESTAMP not null)',
    'create index "session_userId_idx" on "session" ("userId")',
]
SQLITE_SCHEMA = [
    'create table "user" ("id" text not null primary key, "name" text not null, "email" text '
    'not null unique, "emailVerified" integer not null, "image" text, "createdAt" date not null, '
    '"updatedAt" date not null)',
    'create table "session" ("id" text not null primary key, "expiresAt" date not null, "token" '
    'text not null unique, "createdAt" date not null, "updatedAt" date not null, "ipAddress" '
    'text, "userAgent" text, "userId" text not null references "user" ("id") on delete cascade)',
    'create table "account" ("id" text not null primary key, "accountId" text not null, '
    '"providerId" text not null, "userId" text not null references "user" ("id") on delete '
    'cascade, "accessToken" text, "refreshToken" text, "idToken" text, "accessTokenExpiresAt" '
    'date, "refreshTokenExpiresAt" date, "scope" text, "password" text, "createdAt" date not '
    'null, "updatedAt" date not null)',
    'create table "verification" ("id" text not null primary key, "identifier" text not null, '
    '"value" text not null, "expiresAt" date not null, "createdAt" date not null, "updatedAt" '
    "date not null)",
    'create index "session_userId_idx" on "session" ("userId")',
]


def alphanumeric(length: int = 32) -> str:
    """An id or token as Better Auth generates them."""
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
    return "".join(secrets.choice(alphabet) for _ in range(length))


def signed(token: str, secret: str = BETTER_AUTH_SECRET) -> str:
    """`token.signature`, as better-call signs the session cookie (before URL-encoding)."""
    digest = hmac.new(secret.encode(), token.encode(), hashlib.sha256).digest()
    return f"{token}.{base64.b64encode(digest).decode()}"


class BetterAuthDatabase:
    """Better Auth's tables in the test database, written the way its Kysely adapter writes."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.sqlite = engine.dialect.name == "sqlite"

    def _moment(self, moment: datetime) -> object:
        # The adapter stores dates as ISO strings on SQLite (`toISOString()`), natively on Postgres.
        return (
            moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")
            if self.sqlite
            else moment
        )

    def add_user(self, email: str = "grace@example.com", name: str = "Grace") -> str:
        """A Better Auth user; its id."""
        user_id, now = alphanumeric(), self._moment(utcnow())
        with self.engine.begin() as connection:
            connection.execute(
                text(
                    'insert into "user" ("id", "name", "email", "emailVerified", "createdAt", '
                    '"updatedAt") values (:id, :name, :email, :verified, :now, :now)'
                ),
                {"id": user_id, "name": name, "email": email, "verified": False, "now": now},
            )
        return user_id

    def add_session(
        self,
        user_id: str,
        *,
        expires_in: timedelta = timedelta(days=7),
        stored: Callable[[str], str] | None = None,
    ) -> str:
        """A session of the user; its token (the table holds `stored(token)` when given)."""
        token, now = alphanumeric(), utcnow()
        with self.engine.begin() as connection:
            connection.execute(
                text(
                    'insert into "session" ("id", "expiresAt", "token", "createdAt", "updatedAt", '
                    '"userId") values (:id, :expires, :token, :now, :now, :user_id)'
                ),
                {
                    "id": alphanumeric(),
                    "expires": self._moment(now + expires_in),
                    "token": stored(token) if stored else token,
                    "now": self._moment(now),
                    "user_id": user_id,
                },
            )
        return token

    def sign_out(self, token: str) -> None:
        """What Better Auth's sign-out does: delete the session row."""
        with self.engine.begin() as connection:
            connection.execute(
                text('delete from "session" where "token" = :token'), {"token": token}
            )


@pytest.fixture
def better_auth(engine: Engine) -> Iterator[BetterAuthDatabase]:
    """Better Auth's core tables beside ours, dropped afterwards."""
    schema = SQLITE_SCHEMA if engine.dialect.name == "sqlite" else POSTGRES_SCHEMA
    with engine.begin() as connection:
        for statement in schema:
            connection.execute(text(statement))
    yield BetterAuthDatabase(engine)
    with engine.begin() as connection:
        for table in ("verification", "account", "session", "user"):
            connection.execute(text(f'drop table "{table}"'))


@pytest.fixture
def sessions_client(
    build_client: Callable[..., TestClient], better_auth: BetterAuthDatabase
) -> Callable[..., TestClient]:
    """Factory: an app reading Better Auth's `session` table (and its secret, for signatures)."""

    def factory(**overrides: object) -> TestClient:
        values: dict[str, object] = {
            "better_auth_session_table": "session",
            "better_auth_secret": BETTER_AUTH_SECRET,
        }
        return build_client(**(values | overrides))

    return factory


def me(client: TestClient, **kwargs: object) -> tuple[int, dict[str, object]]:
    """Status and body of `/api/auth/me`."""
    response = client.get("/api/auth/me", **kwargs)  # type: ignore[arg-type]
    return response.status_code, response.json()


class TestSessionTokens:
    def test_bearer_token_is_accepted_and_provisions_the_user(
        self,
        sessions_client: Callable[..., TestClient],
        better_auth: BetterAuthDatabase,
        session: Session,
    ) -> None:
        user_id = better_auth.add_user(email="Grace@Example.com", name="Grace")
        token = better_auth.add_session(user_id)
        status, body = me(sessions_client(), headers=bearer(token))
        assert status == 200
        assert body["id"] == user_id
        assert body["email"] == "grace@example.com"
        assert body["name"] == "Grace"
        provisioned = session.get(User, user_id)
        assert provisioned is not None
        assert provisioned.password_hash is None

    @pytest.mark.parametrize(
        "form",
        [
            pytest.param(lambda token: signed(token), id="signed"),
            pytest.param(lambda token: signed(token).rstrip("="), id="signed-padding-stripped"),
            pytest.param(lambda token: quote(signed(token), safe=""), id="signed-url-encoded"),
        ],
    )
    def test_signed_bearer_forms_are_accepted(
        self,
        sessions_client: Callable[..., TestClient],
        better_auth: BetterAuthDatabase,
        form: Callable[[str], str],
    ) -> None:
        token = better_auth.add_session(better_auth.add_user())
        assert me(sessions_client(), headers=bearer(form(token)))[0] == 200

    @pytest.mark.parametrize(
        "cookie", ["better-auth.session_token", "__Secure-better-auth.session_token"]
    )
    def test_session_cookie_is_accepted(
        self,
        sessions_client: Callable[..., TestClient],
        better_auth: BetterAuthDatabase,
        cookie: str,
    ) -> None:
        token = better_auth.add_session(better_auth.add_user())
        client = sessions_client()
        client.cookies.set(cookie, quote(signed(token), safe=""))
        assert me(client)[0] == 200

    @pytest.mark.parametrize(
        ("origin", "expected"),
        [(None, 201), ("http://localhost:3000", 201), ("https://evil.example", 401)],
        ids=["no-origin", "allowed-origin", "foreign-origin"],
    )
    def test_a_cookie_write_from_a_foreign_origin_is_refused(
        self,
        sessions_client: Callable[..., TestClient],
        better_auth: BetterAuthDatabase,
        origin: str | None,
        expected: int,
    ) -> None:
        token = better_auth.add_session(better_auth.add_user())
        client = sessions_client()
        client.cookies.set("better-auth.session_token", quote(signed(token), safe=""))
        headers = {"Origin": origin} if origin else {}
        created = client.post("/api/me/tasks", json={"title": "x"}, headers=headers)
        assert created.status_code == expected
        titles = [task["title"] for task in client.get("/api/me/tasks").json()]
        assert titles == (["x"] if expected == 201 else [])

    def test_tasks_work_with_a_session(
        self, sessions_client: Callable[..., TestClient], better_auth: BetterAuthDatabase
    ) -> None:
        user_id = better_auth.add_user()
        client = sessions_client()
        headers = bearer(better_auth.add_session(user_id))
        created = client.post(
            f"/api/{user_id}/tasks", json={"title": "From Better Auth"}, headers=headers
        )
        assert created.status_code == 201
        listed = client.get("/api/tasks", headers=headers).json()
        assert [(task["title"], task["user_id"]) for task in listed] == [
            ("From Better Auth", user_id)
        ]

    @pytest.mark.parametrize(
        "presented",
        [
            pytest.param(lambda token: alphanumeric(), id="unknown-token"),
            pytest.param(
                lambda token: signed(token, secret="another-secret-" + "z" * 30), id="bad-signature"
            ),
            pytest.param(lambda token: f"{token}.", id="empty-signature"),
            pytest.param(lambda token: "x" * 600, id="too-long"),
        ],
    )
    def test_other_tokens_are_401(
        self,
        sessions_client: Callable[..., TestClient],
        better_auth: BetterAuthDatabase,
        session: Session,
        presented: Callable[[str], str],
    ) -> None:
        user_id = better_auth.add_user()
        token = better_auth.add_session(user_id)
        assert me(sessions_client(), headers=bearer(presented(token)))[0] == 401
        assert session.get(User, user_id) is None

    def test_a_forged_cookie_signature_is_401(
        self, sessions_client: Callable[..., TestClient], better_auth: BetterAuthDatabase
    ) -> None:
        token = better_auth.add_session(better_auth.add_user())
        client = sessions_client()
        client.cookies.set("better-auth.session_token", signed(token, secret="w" * 40))
        assert me(client)[0] == 401

    def test_expired_session_is_401_and_says_so(
        self, sessions_client: Callable[..., TestClient], better_auth: BetterAuthDatabase
    ) -> None:
        token = better_auth.add_session(better_auth.add_user(), expires_in=timedelta(seconds=-1))
        status, body = me(sessions_client(), headers=bearer(token))
        assert status == 401
        assert body["message"] == "Session not found or expired"

    def test_jwts_still_work_beside_sessions(
        self, sessions_client: Callable[..., TestClient], better_auth: BetterAuthDatabase
    ) -> None:
        client = sessions_client()
        ours = register(client)["access_token"]
        assert me(client, headers=bearer(ours))[0] == 200

    def test_without_the_setting_a_session_token_is_401(
        self, build_client: Callable[..., TestClient], better_auth: BetterAuthDatabase
    ) -> None:
        token = better_auth.add_session(better_auth.add_user())
        client = build_client(better_auth_secret=BETTER_AUTH_SECRET)
        assert me(client, headers=bearer(token))[0] == 401

    def test_hashed_tokens_when_better_auth_stores_hashes(
        self, sessions_client: Callable[..., TestClient], better_auth: BetterAuthDatabase
    ) -> None:
        def sha256(token: str) -> str:
            digest = hashlib.sha256(token.encode()).digest()
            return base64.urlsafe_b64encode(digest).decode().rstrip("=")

        token = better_auth.add_session(better_auth.add_user(), stored=sha256)
        client = sessions_client(better_auth_session_token_hashed=True)
        assert me(client, headers=bearer(token))[0] == 200
        assert me(client, headers=bearer(sha256(token)))[0] == 401  # a leaked stored value


class TestSessionCache:
    @pytest.mark.parametrize(
        ("cache_seconds", "log_out", "afterwards"),
        [(3600, False, 200), (3600, True, 401), (0, False, 401)],
        ids=["served-from-the-cache", "forgotten-by-our-logout", "without-a-cache"],
    )
    def test_a_session_signed_out_in_better_auth(
        self,
        sessions_client: Callable[..., TestClient],
        better_auth: BetterAuthDatabase,
        cache_seconds: int,
        log_out: bool,
        afterwards: int,
    ) -> None:
        token = better_auth.add_session(better_auth.add_user())
        client = sessions_client(better_auth_session_cache_seconds=cache_seconds)
        assert me(client, headers=bearer(token))[0] == 200
        better_auth.sign_out(token)
        if log_out:
            assert client.post("/api/auth/logout", headers=bearer(token)).status_code == 204
        assert me(client, headers=bearer(token))[0] == afterwards


def test_migrations_leave_better_auths_tables_alone(
    engine: Engine, better_auth: BetterAuthDatabase
) -> None:
    with engine.connect() as connection:
        command.check(alembic_config(connection))  # no "drop table session" to generate
