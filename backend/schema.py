"""Bringing a database's schema up to date: Alembic's configuration and the migration lock."""

import asyncio
import time
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
MIGRATION_LOCK_ID = 0x70D0A91  # arbitrary, stable: one advisory lock for schema upgrades
TRY_MIGRATION_LOCK = text("SELECT pg_try_advisory_xact_lock(:key)")
# How long an instance waits for another's migration, polling so that no single wait on the
# database outlasts DB_STATEMENT_TIMEOUT (which would read as a database that stopped answering).
MIGRATION_LOCK_WAIT = 300.0
MIGRATION_LOCK_POLL = 0.2


class MigrationLockTimeoutError(RuntimeError):
    """Another instance held the migration lock for longer than `MIGRATION_LOCK_WAIT`."""


def alembic_config(connection: Connection | None = None) -> Config:
    """Alembic configuration pointing at our migrations, optionally bound to a connection."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def _upgrade(connection: Connection) -> None:
    command.upgrade(alembic_config(connection), "heads")


async def run_migrations(engine: AsyncEngine) -> None:
    """Upgrade the schema to the latest revision, in one transaction; on Postgres one instance
    at a time (`_take_migration_lock`)."""
    async with engine.connect() as connection:
        if engine.dialect.name == "postgresql":
            await _take_migration_lock(connection)
        # Alembic runs inside the transaction it finds open, and leaves committing to us.
        await connection.run_sync(_upgrade)
        await connection.commit()


async def _take_migration_lock(connection: AsyncConnection) -> None:
    """Begin the migration's transaction holding the migration lock.

    A transaction-level advisory lock, released when the migration commits or fails: a pooler
    in transaction mode (Neon's pooled endpoints, PgBouncer) may run each transaction on another
    server connection, so a session-level lock could be taken on one, left held there, and
    waited for forever on another. While another instance migrates, the lock is tried again.
    """
    deadline = time.monotonic() + MIGRATION_LOCK_WAIT
    while not (await connection.execute(TRY_MIGRATION_LOCK, {"key": MIGRATION_LOCK_ID})).scalar():
        await connection.rollback()
        if time.monotonic() > deadline:
            raise MigrationLockTimeoutError(
                f"another instance has held the migration lock for {MIGRATION_LOCK_WAIT:.0f} s"
            )
        await asyncio.sleep(MIGRATION_LOCK_POLL)
