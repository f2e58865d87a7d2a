"""Models and migrations agree, and concurrent upgrades are safe."""

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg
import pytest
from alembic import command
from fastapi import FastAPI
from sqlalchemy import Connection, Engine, MetaData, create_engine, event, inspect, select
from sqlalchemy.engine import make_url
from sqlmodel import SQLModel

from backend import schema
from backend.db import create_db_engine
from backend.schema import alembic_config, run_migrations
from backend.startup import explain_startup_error
from tests.conftest import make_settings
from tests.databases import fresh_postgres_database, require_postgres, sqlite_url
from tests.pgbouncer import pgbouncer


def check_models(engine: Engine) -> None:
    """`alembic check`: raises when autogenerate would produce any operation."""
    with engine.connect() as connection:
        command.check(alembic_config(connection))


class TestMigrations:
    def test_models_match_migrations(self, engine: Engine) -> None:
        check_models(engine)

    def test_upgrade_is_idempotent(self, app: FastAPI, engine: Engine) -> None:
        asyncio.run(run_migrations(app.state.engine))
        assert "users" in inspect(engine).get_table_names()

    def test_every_table_is_created(self, engine: Engine) -> None:
        tables = set(inspect(engine).get_table_names())
        assert set(SQLModel.metadata.tables) <= tables


@pytest.mark.parametrize("through", ["direct", "pgbouncer"])
def test_instances_starting_together_migrate_once_under_the_lock(through: str) -> None:
    """Four instances start together, then restart together: each wave migrates once. Through
    a pooler in transaction mode (Neon's pooled endpoint) too, where every transaction may run on
    another server connection."""
    require_postgres()
    with fresh_postgres_database("todo_migrate") as url:
        with pgbouncer(url) if through == "pgbouncer" else nullcontext(url) as app_url:

            async def start_together() -> None:
                settings = make_settings(app_url, db_prepared_statements=through == "direct")
                engines = [create_db_engine(settings) for _ in range(4)]
                try:
                    await asyncio.gather(*(run_migrations(engine) for engine in engines))
                finally:
                    for engine in engines:
                        await engine.dispose()

            asyncio.run(start_together())
            asyncio.run(start_together())
        checker = create_engine(url)
        try:
            assert "users" in inspect(checker).get_table_names()
            check_models(checker)
            with checker.connect() as connection:
                held = "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'"
                assert connection.exec_driver_sql(held).scalar() == 0
        finally:
            checker.dispose()


@pytest.fixture
def empty_engine(database_url: str, tmp_path: Path) -> Iterator[Engine]:
    """A sync engine on an empty database of this run's backend (SQLite with its foreign keys
    enforced, as the app runs it)."""
    if database_url.startswith("sqlite"):
        engine = create_engine(sqlite_url(tmp_path))

        def enforce_foreign_keys(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.execute("PRAGMA foreign_keys=ON")

        event.listen(engine, "connect", enforce_foreign_keys)
        yield engine
        engine.dispose()
        return
    with fresh_postgres_database("todo_upgrade") as url:
        engine = create_engine(url)
        yield engine
        engine.dispose()


def upgrade(engine: Engine, revision: str) -> None:
    """Run the migrations up to `revision`."""
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), revision)


def insert(connection: Connection, table: str, **values: Any) -> int:
    """Insert a row naming only these columns (as an older release's code would); its id."""
    rows = MetaData()
    rows.reflect(connection, only=[table])
    inserted = connection.execute(rows.tables[table].insert().values(**values))
    key = inserted.inserted_primary_key
    return int(key[0]) if key and isinstance(key[0], int) else 0


def chatkit_ids(connection: Connection, table: str) -> dict[int, str]:
    """Each row's ChatKit id, by row id."""
    rows = MetaData()
    rows.reflect(connection, only=[table])
    columns = rows.tables[table].c
    return {
        row.id: row.chatkit_id for row in connection.execute(select(columns.id, columns.chatkit_id))
    }


class TestChatKitIdsMigration:
    def test_existing_rows_get_ids_and_rows_written_without_one_still_insert(
        self, empty_engine: Engine
    ) -> None:
        now = datetime.now(UTC)
        upgrade(empty_engine, "0008")
        with empty_engine.begin() as connection:
            insert(connection, "users", id="u1", is_active=True, created_at=now, updated_at=now)
            conversation = {"user_id": "u1", "title": "t", "created_at": now, "updated_at": now}
            message = {"user_id": "u1", "role": "user", "content": "hi", "tool_calls": []}
            old = insert(connection, "conversations", **conversation)
            said = insert(connection, "messages", conversation_id=old, created_at=now, **message)
        upgrade(empty_engine, "heads")
        with empty_engine.begin() as connection:
            assert chatkit_ids(connection, "conversations") == {old: f"thr_{old}"}
            assert chatkit_ids(connection, "messages") == {said: f"msg_{said}"}
            # An instance still on the previous release writes rows without the column.
            later = [insert(connection, "conversations", **conversation) for _ in range(2)]
            replies = [
                insert(connection, "messages", conversation_id=c, created_at=now, **message)
                for c in later
            ]
        with empty_engine.connect() as connection:
            assert chatkit_ids(connection, "conversations") == {
                c: f"thr_{c}" for c in [old, *later]
            }
            assert chatkit_ids(connection, "messages") == {m: f"msg_{m}" for m in [said, *replies]}


class TestTheLockWhileAnotherInstanceMigrates:
    """An instance waits for the lock another holds (trying again, so no single wait outlasts
    DB_STATEMENT_TIMEOUT), migrates once it is free, and gives up with one line past the wait."""

    @pytest.fixture
    def url(self) -> Iterator[str]:
        require_postgres()
        with fresh_postgres_database("todo_lock") as url:
            yield url

    @contextmanager
    def held(self, url: str) -> Iterator[psycopg.Connection[Any]]:
        """The migration lock, held by another session's open transaction."""
        dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
        with psycopg.connect(dsn) as other:
            other.execute("SELECT pg_advisory_xact_lock(%s)", (schema.MIGRATION_LOCK_ID,))
            yield other

    def test_migrates_once_the_other_is_done(self, url: str) -> None:
        settings = make_settings(url, db_statement_timeout=0.5)

        async def wait_then_migrate(other: psycopg.Connection[Any]) -> None:
            engine = create_db_engine(settings)
            try:
                waiting = asyncio.create_task(run_migrations(engine))
                await asyncio.sleep(1.5)  # three statement bounds
                assert not waiting.done()
                other.commit()
                await waiting
            finally:
                await engine.dispose()

        with self.held(url) as other:
            asyncio.run(wait_then_migrate(other))
        checker = create_engine(url)
        try:
            check_models(checker)
        finally:
            checker.dispose()

    def test_gives_up_with_one_line(self, url: str, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setattr(schema, "MIGRATION_LOCK_WAIT", 0.5)

        async def migrate() -> None:
            engine = create_db_engine(make_settings(url))
            try:
                await run_migrations(engine)
            finally:
                await engine.dispose()

        with self.held(url), pytest.raises(schema.MigrationLockTimeoutError) as raised:
            asyncio.run(migrate())
        explained = explain_startup_error(raised.value, None)
        assert explained is not None
        assert explained.startswith("migrate: another instance has held the migration lock")
