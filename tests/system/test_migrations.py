"""Models and migrations agree, and concurrent upgrades are safe."""

import asyncio

import pytest
from alembic import command
from fastapi import FastAPI
from sqlalchemy import Engine, create_engine, inspect
from sqlmodel import SQLModel

from backend.db import alembic_config, create_db_engine, run_migrations
from tests.conftest import make_settings
from tests.databases import fresh_postgres_database, postgres_reachable, postgres_required


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


def test_instances_starting_together_migrate_once_under_the_lock() -> None:
    if not postgres_reachable():
        if postgres_required():
            pytest.fail("PostgreSQL is required under CI but is not reachable")
        pytest.skip("PostgreSQL is not reachable")
    with fresh_postgres_database("todo_migrate") as url:
        engines = [create_db_engine(make_settings(url)) for _ in range(4)]

        async def start_together() -> None:
            try:
                await asyncio.gather(*(run_migrations(engine) for engine in engines))
            finally:
                for engine in engines:
                    await engine.dispose()

        asyncio.run(start_together())
        checker = create_engine(url)
        try:
            assert "users" in inspect(checker).get_table_names()
            check_models(checker)
        finally:
            checker.dispose()
