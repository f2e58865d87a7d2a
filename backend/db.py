"""The database: one async engine per app (Neon-ready pool, bounded waits), the request's
session (it owns the transaction), and the migrations runner."""

import asyncio
import json
import time
from collections import deque
from collections.abc import AsyncIterator
from datetime import UTC, datetime, tzinfo
from functools import partial
from typing import Annotated, Any

import psycopg
import pydantic_core
from fastapi import Depends, Request
from psycopg.abc import Buffer
from psycopg.pq import TransactionStatus
from psycopg.types.datetime import TimestamptzLoader
from psycopg.types.json import set_json_loads
from sqlalchemy import event, exc
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import AsyncAdaptedQueuePool, ConnectionPoolEntry, PoolResetState
from sqlalchemy.util.concurrency import await_
from sqlalchemy.util.queue import AsyncAdaptedQueue, Empty
from sqlmodel.ext.asyncio.session import AsyncSession

from backend.config import Settings

LIBPQ_WITH_PGBOUNCER_PREPARE = 170000
SQLITE_BUSY_TIMEOUT = 30  # seconds a connection waits for another's write lock
READ_METHODS = frozenset({"GET", "HEAD"})
# The execution option that makes a session's connection begin a transaction (see `_begin`).
TRANSACTIONAL = "todo_transactional"
# What psycopg's wait raises when its timeout expires (private, but a stable OperationalError).
WAIT_TIMEOUT = psycopg.errors._WaitTimeout
UTC_ZONES = frozenset({"UTC", "Etc/UTC", "UCT", "Etc/UCT", "Universal", "Etc/Universal", "Zulu"})


class BoundedConnection(psycopg.AsyncConnection[Any]):
    """A psycopg connection whose every wait on the server is bounded by `answer_within`.

    A database that stops answering without closing its sockets (a frozen process, a stalled
    pooler, a partition the kernel has not noticed) would otherwise hold each request forever:
    TCP timeouts never fire while the peer's kernel still acknowledges. Past the bound the
    connection is closed, so SQLAlchemy invalidates it, and the statement fails as an
    `OperationalError` (a 503). Closing first matters: a cancelled psycopg wait would try to
    cancel the query on the frozen server, and wait again, for up to ten more seconds.
    """

    answer_within: float | None = None

    async def wait(
        self,
        gen: Any,
        interval: float = 0.1,
        timeout: float | None = None,  # noqa: ASYNC109 (psycopg's own signature)
    ) -> Any:
        """psycopg's wait for the server, with the connection's bound as its timeout."""
        try:
            return await super().wait(gen, interval, timeout or self.answer_within)
        except WAIT_TIMEOUT as error:
            self.pgconn.finish()
            raise psycopg.OperationalError(
                f"the database did not answer within {self.answer_within} s"
            ) from error


class UTCTimestamptzLoader(TimestamptzLoader):
    """`timestamptz` read in UTC, whatever the server's `TimeZone` (statements run on the
    driver, `backend.driver`, bypass `UTCDateTime`, which does it on SQLAlchemy's path)."""

    def load(self, data: Buffer) -> datetime:
        """The instant in UTC."""
        return super().load(data).astimezone(UTC)


def _is_utc(zone: tzinfo) -> bool:
    # By name: a zone at +00:00 on some date (Africa/Casablanca, Europe/London) is not UTC.
    return zone is UTC or getattr(zone, "key", None) in UTC_ZONES


def _json_loads(data: str | bytes) -> Any:
    """JSON parsed by pydantic-core (~3 µs a row less than `json.loads`, which still reads what
    it refuses: a lone surrogate escape, `"\\ud83d"`, that Postgres' `json` keeps)."""
    try:
        return pydantic_core.from_json(data)
    except ValueError:
        return json.loads(data)


async def connect_bounded(*args: Any, answer_within: float, **kwargs: Any) -> BoundedConnection:
    """Open a `BoundedConnection` (the psycopg dialect's `async_creator_fn`), reading
    `timestamptz` in UTC (a server's `TimeZone` setting would otherwise show in the API) and JSON
    with pydantic-core's parser."""
    connection = await BoundedConnection.connect(*args, **kwargs)
    connection.answer_within = answer_within
    set_json_loads(_json_loads, connection)  # a task's tags, stored tool calls
    if not _is_utc(connection.info.timezone):
        connection.adapters.register_loader("timestamptz", UTCTimestamptzLoader)
    return connection


class HandoffQueue(AsyncAdaptedQueue[ConnectionPoolEntry]):
    """The pool's queue, first come first served: a returned connection goes straight to the
    longest waiter, and nobody takes one while others wait.

    SQLAlchemy's queue lets a newcomer take a connection that was just returned while the waiter
    it woke has yet to run; that waiter queues again at the back. Under more requests than
    connections, a few then waited seconds while the rest were served at once (p99 30x p50).
    """

    def __init__(self, maxsize: int = 0, use_lifo: bool = False) -> None:
        super().__init__(maxsize, use_lifo)
        self._waiters: deque[asyncio.Future[ConnectionPoolEntry]] = deque()

    def put_nowait(self, item: ConnectionPoolEntry) -> None:
        """Hand `item` to the first waiter still waiting, or keep it."""
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(item)
                return
        super().put_nowait(item)

    def get(self, block: bool = True, timeout: float | None = None) -> ConnectionPoolEntry:
        """A connection; if others are waiting, after them (`Empty` past `timeout`)."""
        if not self._waiters and not self.empty():
            item: ConnectionPoolEntry = self.get_nowait()
            return item
        if not block:
            raise Empty()
        waiter: asyncio.Future[ConnectionPoolEntry] = asyncio.get_running_loop().create_future()
        self._waiters.append(waiter)
        try:
            return await_(asyncio.wait_for(waiter, timeout))
        except BaseException as error:
            if waiter.done() and not waiter.cancelled():
                # Handed a connection just as the wait ended (timeout, cancelled request): pass
                # it on, or the pool would be one connection short for good.
                self.put_nowait(waiter.result())
            if waiter in self._waiters:
                self._waiters.remove(waiter)
            if isinstance(error, TimeoutError):
                raise Empty() from error
            raise


class HandoffPool(AsyncAdaptedQueuePool):
    """The async queue pool with a first-come-first-served queue (`HandoffQueue`); Postgres's
    (SQLite keeps SQLAlchemy's choice: a file's queue pool, or the one connection of `:memory:`)."""

    _queue_class = HandoffQueue


def create_db_engine(settings: Settings) -> AsyncEngine:
    """The app's one engine (psycopg's async driver on Postgres, aiosqlite on SQLite), its
    sessions transactional; `read_only` gives the same pool without transactions.

    Connections stay in the driver's autocommit mode for their whole life, and a transactional
    session's first statement is preceded by an explicit BEGIN (`_begin`): a read costs no BEGIN
    and ROLLBACK round trips, and no connection's mode is switched back and forth on checkout.
    """
    if settings.is_sqlite:
        url = make_url(settings.database_url).set(drivername="sqlite+aiosqlite")
        engine = create_async_engine(
            url, isolation_level="AUTOCOMMIT", connect_args={"timeout": SQLITE_BUSY_TIMEOUT}
        )
        event.listen(engine.sync_engine, "connect", _configure_sqlite)
    else:
        engine = create_async_engine(
            settings.database_url,
            isolation_level="AUTOCOMMIT",
            poolclass=HandoffPool,
            pool_size=settings.db_pool_size,
            max_overflow=settings.db_max_overflow,
            pool_timeout=settings.db_pool_timeout,
            pool_recycle=settings.db_pool_recycle,
            pool_reset_on_return=None,  # `_end_open_transaction` instead
            connect_args=postgres_connect_args(settings, libpq_version=psycopg.pq.version()),
        )
        event.listen(engine.sync_engine, "reset", _end_open_transaction)
        event.listen(engine.sync_engine, "checkin", _note_checkin)
        event.listen(engine.sync_engine, "checkout", partial(_ping_if_idle, settings=settings))
    event.listen(engine.sync_engine, "begin", _begin)
    return engine.execution_options(**{TRANSACTIONAL: True})


def postgres_connect_args(settings: Settings, *, libpq_version: int) -> dict[str, Any]:
    """psycopg connect arguments: bounded connects and answers, keepalives, and no prepares
    when turned off or with libpq < 17."""
    connect_args: dict[str, Any] = {
        "async_creator_fn": partial(connect_bounded, answer_within=settings.db_statement_timeout),
        "connect_timeout": settings.db_connect_timeout,
        "application_name": "todo-api",
        # A peer that vanished (its kernel too) is noticed by TCP within seconds, not hours.
        "keepalives": 1,
        "keepalives_idle": settings.db_connect_timeout,
        "keepalives_interval": 1,
        "keepalives_count": 3,
        "tcp_user_timeout": round(settings.db_statement_timeout * 1000),
    }
    if not settings.db_prepared_statements or libpq_version < LIBPQ_WITH_PGBOUNCER_PREPARE:
        # PgBouncer in transaction mode keeps prepared statements only from 1.21 on (Neon's
        # pooled endpoints do), and only for a libpq that closes them (17).
        connect_args["prepare_threshold"] = None
    return connect_args


def _end_open_transaction(
    dbapi_connection: Any, _record: ConnectionPoolEntry, state: PoolResetState
) -> None:
    """Roll back a connection coming back to the pool only if a transaction is still open on
    it (a write that failed before its session ended it, a cancelled request).

    Connections live in autocommit mode, so after a read or a committed write there is nothing
    to roll back: SQLAlchemy's default reset would still call the driver's `rollback()`, a trip
    through its greenlet bridge on every request. Like the default, nothing is done for a
    connection being garbage-collected outside the event loop (`asyncio_safe` false).
    """
    driver: psycopg.AsyncConnection[Any] = dbapi_connection.driver_connection
    if state.asyncio_safe and driver.info.transaction_status != TransactionStatus.IDLE:
        dbapi_connection.rollback()


def _note_checkin(_dbapi_connection: Any, record: ConnectionPoolEntry) -> None:
    record.info["checked_in"] = time.monotonic()


def _ping_if_idle(
    dbapi_connection: Any, record: ConnectionPoolEntry, _proxy: Any, *, settings: Settings
) -> None:
    """Ping a connection that sat idle in the pool before handing it out.

    Neon closes idle connections and restarts computes; a connection in steady use needs no
    ping (a round trip on every checkout), one idle past `DB_PING_AFTER_IDLE` gets one. A failed
    ping makes the pool discard it and hand out a fresh connection instead.
    """
    idle = time.monotonic() - record.info.get("checked_in", time.monotonic())
    if idle < settings.db_ping_after_idle:
        return
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("SELECT 1")
    except Exception as error:
        raise exc.DisconnectionError() from error
    finally:
        cursor.close()


def _configure_sqlite(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _begin(connection: Connection) -> None:
    if not connection.get_execution_options().get(TRANSACTIONAL, False):
        return
    # On SQLite a transaction takes the write lock up front (IMMEDIATE): read-then-write in a
    # deferred one fails at once with "database is locked" when another writer got in between.
    immediate = connection.dialect.name == "sqlite"
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def read_only(engine: AsyncEngine) -> AsyncEngine:
    """The engine as read-only requests use it: the same pool, no transaction (autocommit)."""
    return engine.execution_options(**{TRANSACTIONAL: False})


def open_session(engine: AsyncEngine) -> AsyncSession:
    """A session for work outside a request (MCP tool calls, the CLI)."""
    return AsyncSession(engine, expire_on_commit=False)


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    """The request's session; it owns the transaction.

    Committed when the route returns, rolled back on any error, and closed (its connection back
    in the pool) before the response is sent. `GET`/`HEAD` requests read without a transaction
    (`read_only`: each statement stands alone), so theirs has nothing to commit. Services only
    flush; the chat turn commits mid-way, and says why.
    """
    state = request.app.state
    transactional = request.method not in READ_METHODS
    engine = state.engine if transactional else state.read_engine
    async with AsyncSession(engine, expire_on_commit=False) as session:
        try:
            yield session
        except BaseException:
            await session.rollback()
            raise
        if transactional:
            await session.commit()


# scope="function": committed before the response goes out, so a failed commit is the answer,
# and a client slow to read its response holds no connection.
SessionDep = Annotated[AsyncSession, Depends(get_session, scope="function")]
