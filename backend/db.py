"""Database engines (Neon-ready pools: worker threads' and event loop's), sessions, the request's
reads on the loop, the UTC datetime type and the migrations runner."""

from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any, TypeVar

import anyio
import psycopg
from alembic import command
from alembic.config import Config
from fastapi import Depends, Request
from sqlalchemy import DateTime, Engine, create_engine, event, text
from sqlalchemy.engine import Dialect, make_url
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine
from sqlalchemy.types import TypeDecorator
from sqlmodel import Session
from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.concurrency import run_in_threadpool

from backend.config import Settings

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
MIGRATION_LOCK_ID = 0x70D0A91  # arbitrary, stable: one advisory lock for schema upgrades
LIBPQ_WITH_PGBOUNCER_PREPARE = 170000
T = TypeVar("T")
SQLITE_BUSY_TIMEOUT = 30  # seconds a connection waits for another's write lock
SQLITE_CONNECT_ARGS = {"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT}


def utcnow() -> datetime:
    """The current time, timezone-aware in UTC."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """`timestamptz` on Postgres; on SQLite, stored as UTC and given back its UTC offset."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def create_db_engine(settings: Settings) -> Engine:
    """Build the engine of an app's worker threads (the ORM sessions) from its settings."""
    if settings.is_sqlite:
        engine = create_engine(settings.database_url, connect_args=SQLITE_CONNECT_ARGS)
        event.listen(engine, "connect", _configure_sqlite)
        return engine
    return create_engine(settings.database_url, **_postgres_options(settings))


def create_async_db_engine(settings: Settings) -> AsyncEngine:
    """Build the engine of an app's reads on the event loop, its connections in autocommit.

    It serves what a request reads without a worker thread: the user behind a token on every
    request, and every `GET` route's data. A second pool beside the threads' one; on Postgres
    sized by the same settings (SQLite keeps SQLAlchemy's defaults). Both are lazy: an instance
    opens only the connections its load needs.
    """
    if settings.is_sqlite:
        url = make_url(settings.database_url).set(drivername="sqlite+aiosqlite")
        engine = create_async_engine(
            url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT}, isolation_level="AUTOCOMMIT"
        )
        event.listen(engine.sync_engine, "connect", _configure_sqlite)
        return engine
    return create_async_engine(
        settings.database_url, isolation_level="AUTOCOMMIT", **_postgres_options(settings)
    )


def _postgres_options(settings: Settings) -> dict[str, Any]:
    # Neon closes idle connections and restarts computes: every checkout is pinged first.
    return {
        "pool_pre_ping": True,
        "pool_recycle": settings.db_pool_recycle,
        "pool_size": settings.db_pool_size,
        "max_overflow": settings.db_max_overflow,
        "pool_timeout": settings.db_connect_timeout,
        "connect_args": postgres_connect_args(settings, libpq_version=psycopg.pq.version()),
    }


def postgres_connect_args(settings: Settings, *, libpq_version: int) -> dict[str, Any]:
    """psycopg connect arguments: a connect timeout, and no prepares with libpq < 17."""
    connect_args: dict[str, Any] = {
        "connect_timeout": settings.db_connect_timeout,
        "application_name": "todo-api",
    }
    if libpq_version < LIBPQ_WITH_PGBOUNCER_PREPARE:
        # Pooled Neon endpoints run PgBouncer in transaction mode: no server-side prepares.
        connect_args["prepare_threshold"] = None
    return connect_args


def _configure_sqlite(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


async def get_session(request: Request) -> AsyncIterator[Session]:
    """A session on the app's engine for one request: a route that writes, in a worker thread,
    in one transaction. (Reads are served on the event loop: see `Reads`.)

    `async` because opening a session does no I/O: it saves the threadpool hop FastAPI gives a
    sync dependency. Closing does I/O (a ROLLBACK) only while a database transaction is open,
    so only then does it go to the threadpool.
    """
    session = Session(request.app.state.engine, expire_on_commit=False)
    try:
        yield session
    finally:
        if session.in_transaction():
            await run_in_threadpool(session.close)
        else:
            session.close()


SessionDep = Annotated[Session, Depends(get_session)]


class Reads:
    """A request's reads on the event loop: one connection of the async engine, taken on first use.

    The token's user lookup and a route that reads on the event loop share it, so the request
    takes one connection from the pool (and pings it once). Unless such a route has claimed it,
    the lookup gives it back at once: a sync route then works in a worker thread on its own
    session, and an idle connection must not wait for it.
    """

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._connection: AsyncConnection | None = None
        self.claimed = False

    async def claim(self) -> AsyncConnection:
        """The connection, kept for the route until it returns."""
        self.claimed = True
        return await self.connection()

    async def connection(self) -> AsyncConnection:
        """The request's connection, taken from the pool if it has none yet."""
        if self._connection is None:
            self._connection = await self._engine.connect()
        return self._connection

    async def release(self) -> None:
        """Give the connection back to the pool, if one is held (autocommit: no I/O to undo)."""
        if self._connection is None:
            return
        connection, self._connection = self._connection, None  # released once, even on error
        with anyio.CancelScope(shield=True):  # a cancelled request still returns it
            await connection.close()


async def get_reads(request: Request) -> AsyncIterator[Reads]:
    """The request's `Reads`, released when the route returns, before its response is sent."""
    reads = Reads(request.app.state.async_engine)
    try:
        yield reads
    finally:
        await reads.release()


# scope="function": a client slow to read a response must not keep a connection from the pool.
ReadsDep = Annotated[Reads, Depends(get_reads, scope="function")]


async def run_on_loop(session: AsyncSession, work: Callable[..., T], **kwargs: Any) -> T:
    """`work(session=<sync session>, **kwargs)`: sync ORM code (a keyword-only service function)
    run on an async session, on the event loop. SQLAlchemy bridges its I/O to the loop
    (`run_sync`), so no worker thread waits on it."""
    return await session.run_sync(lambda sync_session: work(session=sync_session, **kwargs))


def open_session(engine: Engine) -> Session:
    """A session on an engine for work outside a route's own session (MCP, the CLI, provisioning
    an external user)."""
    return Session(engine, expire_on_commit=False)


def alembic_config(engine: Engine | None = None) -> Config:
    """Alembic configuration pointing at our migrations, optionally bound to an engine."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if engine is not None:
        config.attributes["engine"] = engine
    return config


def run_migrations(engine: Engine) -> None:
    """Upgrade the schema to the latest revision; on Postgres under an advisory lock."""
    config = alembic_config(engine)
    if engine.dialect.name != "postgresql":
        command.upgrade(config, "heads")
        return
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as lock_conn:
        lock_conn.execute(text("SELECT pg_advisory_lock(:key)"), {"key": MIGRATION_LOCK_ID})
        try:
            command.upgrade(config, "heads")
        finally:
            lock_conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": MIGRATION_LOCK_ID})
