"""Fixtures: every app-level test runs once on SQLite and once on a fresh Postgres database."""

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine, delete
from sqlmodel import Session, SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession

import backend.models  # noqa: F401  (all tables on the metadata)
from backend.auth.models import User
from backend.auth.security import create_access_token
from backend.config import Settings
from backend.db import open_session
from backend.main import create_app
from backend.schema import run_migrations
from tests.databases import fresh_postgres_database, require_postgres, sqlite_url

TEST_JWT_SECRET = "test-secret-" + "x" * 40


def make_settings(database_url: str, **overrides: Any) -> Settings:
    """Settings for tests: no `.env`, fast bcrypt, a fixed secret."""
    values: dict[str, Any] = {
        "environment": "test",
        "database_url": database_url,
        "jwt_secret": TEST_JWT_SECRET,
        "bcrypt_rounds": 4,
        "rate_limit_enabled": False,
        "cors_origins": ["http://localhost:3000"],
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


@pytest.fixture(scope="session", params=["sqlite", "postgres"])
def database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A migrated, empty database for the whole session, on each backend."""
    if request.param == "sqlite":
        yield sqlite_url(tmp_path_factory.mktemp("sqlite"))
        return
    require_postgres()
    with fresh_postgres_database() as url:
        yield url


@pytest.fixture(scope="session")
def settings(database_url: str) -> Settings:
    """Test settings bound to this session's database."""
    return make_settings(database_url)


@pytest.fixture(scope="session")
def app(settings: Settings) -> Iterator[FastAPI]:
    """One app per backend, its schema built by the real migrations."""
    application = create_app(settings)
    asyncio.run(run_migrations(application.state.engine))
    yield application
    dispose_engine(application)


@contextmanager
def replaced_state(app: FastAPI, name: str, value: Any) -> Iterator[None]:
    """`app.state.<name>` set to `value` for a block (pytest's monkeypatch deletes a `State`
    attribute on undo instead of restoring it)."""
    original = getattr(app.state, name)
    setattr(app.state, name, value)
    try:
        yield
    finally:
        setattr(app.state, name, original)


def dispose_engine(app: FastAPI) -> None:
    """Close the pooled connections of an app's engine (the lifespan's shutdown does too, but an
    app driven without one keeps them)."""
    asyncio.run(app.state.engine.dispose())


@pytest.fixture(scope="session")
def sync_engine(app: FastAPI, settings: Settings) -> Iterator[Engine]:
    """A plain sync engine on the test database, for tests to arrange data and check effects
    (the app itself has only its async engine)."""
    engine = create_engine(settings.database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def engine(sync_engine: Engine) -> Iterator[Engine]:
    """The test database's sync engine; every table is emptied after the test."""
    yield sync_engine
    with sync_engine.begin() as connection:
        for table in reversed(SQLModel.metadata.sorted_tables):
            connection.execute(delete(table))


@pytest.fixture
def app_engine(app: FastAPI, engine: Engine) -> Engine:
    """The sync core of the app's async engine: where its events (statements, checkouts) fire."""
    sync_engine: Engine = app.state.engine.sync_engine
    return sync_engine


InSession = Callable[[Callable[[AsyncSession], Awaitable[Any]]], Any]


@pytest.fixture
def in_session(app: FastAPI, engine: Engine) -> InSession:
    """Run `work(session)` (async service code) in a session of the app's engine, committed."""

    def run(work: Callable[[AsyncSession], Awaitable[Any]]) -> Any:
        async def committed() -> Any:
            async with open_session(app.state.engine) as session:
                result = await work(session)
                await session.commit()
                return result

        return asyncio.run(committed())

    return run


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    """A session on the test database, for arranging data and checking effects."""
    with Session(engine, expire_on_commit=False) as db_session:
        yield db_session


@pytest.fixture
def client(app: FastAPI, engine: Engine) -> Iterator[TestClient]:
    """An HTTP client for the app (lifespan running), on a clean database."""
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def restore_logging() -> Iterator[None]:
    """Put the root logger back as it was after a test that configured logging."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


@pytest.fixture
def cli_settings(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """Point the `todo-api` command at the test database."""
    from backend import cli

    monkeypatch.setattr(cli, "get_settings", lambda: settings)
    return settings


@dataclass
class AuthedUser:
    """A user in the database with a valid access token."""

    user: User
    token: str

    @property
    def id(self) -> str:
        """The user's id."""
        return self.user.id

    @property
    def headers(self) -> dict[str, str]:
        """`Authorization` header for requests as this user."""
        return {"Authorization": f"Bearer {self.token}"}


@pytest.fixture
def make_user(session: Session, settings: Settings) -> Callable[..., AuthedUser]:
    """Factory: insert a user and sign an access token for them."""
    counter = 0

    def factory(email: str | None = None, name: str | None = "Test User") -> AuthedUser:
        nonlocal counter
        counter += 1
        user = User(email=email or f"user{counter}@example.com", name=name)
        session.add(user)
        session.commit()
        return AuthedUser(user=user, token=create_access_token(user_id=user.id, settings=settings))

    return factory


@pytest.fixture
def alice(make_user: Callable[..., AuthedUser]) -> AuthedUser:
    """A signed-in user."""
    return make_user(email="alice@example.com", name="Alice")


@pytest.fixture
def bob(make_user: Callable[..., AuthedUser]) -> AuthedUser:
    """Another signed-in user."""
    return make_user(email="bob@example.com", name="Bob")
