"""Models and migrations agree, and concurrent upgrades are safe."""

import threading

import pytest
from alembic import command
from fastapi import FastAPI
from sqlalchemy import inspect

from backend.config import Settings
from backend.db import alembic_config, create_db_engine, run_migrations
from tests.conftest import make_settings
from tests.databases import fresh_postgres_database, postgres_reachable, postgres_required


class TestMigrations:
    def test_models_match_migrations(self, app: FastAPI) -> None:
        # `alembic check` raises when autogenerate would produce any operation.
        command.check(alembic_config(app.state.engine))

    def test_upgrade_is_idempotent(self, app: FastAPI) -> None:
        run_migrations(app.state.engine)
        assert "users" in inspect(app.state.engine).get_table_names()

    def test_every_table_is_created(self, app: FastAPI, settings: Settings) -> None:
        from sqlmodel import SQLModel

        tables = set(inspect(app.state.engine).get_table_names())
        assert set(SQLModel.metadata.tables) <= tables


def test_instances_starting_together_migrate_once_under_the_lock() -> None:
    if not postgres_reachable():
        if postgres_required():
            pytest.fail("PostgreSQL is required under CI but is not reachable")
        pytest.skip("PostgreSQL is not reachable")
    with fresh_postgres_database("todo_migrate") as url:
        engines = [create_db_engine(make_settings(url)) for _ in range(4)]
        errors: list[BaseException] = []

        def start(index: int) -> None:
            try:
                run_migrations(engines[index])
            except BaseException as exc:  # collected and re-raised in the main thread
                errors.append(exc)

        threads = [threading.Thread(target=start, args=(i,)) for i in range(len(engines))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        try:
            assert not errors, errors
            assert "users" in inspect(engines[0]).get_table_names()
            command.check(alembic_config(engines[0]))
        finally:
            for engine in engines:
                engine.dispose()
