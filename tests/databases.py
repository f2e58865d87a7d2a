"""Throwaway test databases: a SQLite file, or a freshly created Postgres database."""

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NoReturn
from unittest import mock
from uuid import uuid4

import psycopg
import pytest
from psycopg import sql
from sqlalchemy import Engine, event
from sqlalchemy.engine import make_url

DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/postgres"


def postgres_admin_url() -> str:
    """The server the Postgres run uses: TEST_DATABASE_URL, else the local default."""
    return os.environ.get("TEST_DATABASE_URL", DEFAULT_POSTGRES_URL)


def postgres_reachable() -> bool:
    """Whether the test Postgres server accepts connections."""
    try:
        with psycopg.connect(postgres_admin_url(), connect_timeout=3):
            return True
    except psycopg.OperationalError:
        return False


def postgres_required() -> bool:
    """Under CI the Postgres run is mandatory: unreachable is a failure, not a skip."""
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def unavailable(reason: str) -> NoReturn:
    """Skip the test for lack of something (`reason`); under CI, where every check is
    mandatory, fail it instead."""
    if postgres_required():
        pytest.fail(f"required under CI: {reason}")
    pytest.skip(reason)


def require_postgres() -> None:
    """Skip (under CI: fail) a test when the test Postgres server is not reachable."""
    if not postgres_reachable():
        unavailable("PostgreSQL is not reachable (set TEST_DATABASE_URL)")


@contextmanager
def fresh_postgres_database(prefix: str = "todo_test") -> Iterator[str]:
    """Create a uniquely named database, yield its SQLAlchemy URL, drop it afterwards."""
    admin = make_url(postgres_admin_url()).set(drivername="postgresql")
    name = f"{prefix}_{uuid4().hex[:12]}"
    admin_dsn = admin.render_as_string(hide_password=False)
    with psycopg.connect(admin_dsn, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        url = admin.set(drivername="postgresql+psycopg", database=name)
        yield url.render_as_string(hide_password=False)
    finally:
        with psycopg.connect(admin_dsn, autocommit=True) as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


def sqlite_url(directory: Path) -> str:
    """A SQLite file URL inside a temporary directory."""
    return f"sqlite:///{directory / 'test.db'}"


@contextmanager
def throwaway_database(backend: str, prefix: str = "todo_bench") -> Iterator[str]:
    """A fresh database URL on `backend` (`postgres`, else a SQLite file), removed afterwards."""
    if backend == "postgres":
        with fresh_postgres_database(prefix) as url:
            yield url
        return
    with tempfile.TemporaryDirectory() as directory:
        yield sqlite_url(Path(directory))


@contextmanager
def postgres_database_in_zone(zone: str, prefix: str = "todo_tz") -> Iterator[str]:
    """A fresh Postgres database whose sessions run in the time zone `zone`."""
    with fresh_postgres_database(prefix) as url:
        with psycopg.connect(postgres_admin_url(), autocommit=True) as admin:
            database = sql.Identifier(str(make_url(url).database))
            admin.execute(sql.SQL("ALTER DATABASE {} SET timezone TO {}").format(database, zone))
        yield url


@contextmanager
def recorded_statements(engine: Engine) -> Iterator[list[str]]:
    """Every statement the app's engine sends while the block runs, however it runs: through
    SQLAlchemy (its events) or, on Postgres, on the driver's connection (`backend.driver`)."""
    statements: list[str] = []
    if engine.dialect.name != "postgresql":

        def record(*args: Any) -> None:
            statements.append(args[2])

        event.listen(engine, "before_cursor_execute", record)
        try:
            yield statements
        finally:
            event.remove(engine, "before_cursor_execute", record)
        return
    # Both paths end in psycopg's async cursor.
    execute = psycopg.AsyncCursor.execute

    async def recording_execute(cursor: Any, query: Any, *args: Any, **kwargs: Any) -> Any:
        statements.append(str(query))
        return await execute(cursor, query, *args, **kwargs)

    with mock.patch.object(psycopg.AsyncCursor, "execute", recording_execute):
        yield statements
