"""Hot statements run on the driver's connection: SQLAlchemy builds them, psycopg runs them.

Every request runs a few statements (the token's user, then the route's), and SQLAlchemy's
execution around each (cache key, execution context, result objects, the async bridge) costs
about twice what psycopg itself spends. On Postgres, `fetch` compiles a statement once and runs
the SQL on the session's own connection, inside its transaction: psycopg's types already give
what the views need (aware datetimes, JSON as lists, booleans). On SQLite (the development
database, whose driver returns datetimes and JSON as text) it runs through SQLAlchemy.

Errors keep SQLAlchemy's shape, so the handlers that turn a lost database into a 503 see the
same exceptions from either path, and a broken connection is invalidated, never reused.
"""

from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache
from typing import Any, NamedTuple

import anyio
import psycopg
from sqlalchemy import exc
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql import Delete, Insert, Select, Update

Statement = Select[Any] | Insert | Update | Delete
# Prebuilt statements (the list's shapes, the task and user lookups, the writes' column sets).
COMPILED_KEPT = 1024


class DriverSQL(NamedTuple):
    """A statement compiled for psycopg: its SQL, the values of the literals it binds, the
    column types' conversions of bound values (`UTCDateTime`'s naive-as-UTC, JSON, …), and
    whether it answers rows (known here: asking the cursor builds its column descriptions)."""

    sql: str
    defaults: dict[str, Any]
    processors: Mapping[str, Callable[[Any], Any]]
    returns_rows: bool


@lru_cache(maxsize=COMPILED_KEPT)
def _compiled(statement: Statement, dialect: Dialect) -> DriverSQL | None:
    """`statement` compiled once, or None if its SQL depends on its values (expanding IN)."""
    compiled = statement.compile(dialect=dialect)
    # Values SQLAlchemy fills in itself: rendered per execution (expanding IN) or computed in
    # Python (a column's default left out of an INSERT, an `onupdate`).
    if (
        compiled.post_compile_params
        or compiled.literal_execute_params
        or compiled.insert_prefetch
        or compiled.update_prefetch
    ):
        return None
    literals = {
        name: bind.effective_value
        for bind, name in compiled.bind_names.items()
        if not bind.required
    }
    processors = {
        name: process
        for bind, name in compiled.bind_names.items()
        if (process := bind.type.bind_processor(dialect)) is not None
    }
    return DriverSQL(compiled.string, literals, processors, bool(statement.exported_columns))


async def fetch(
    connection: AsyncConnection,
    statement: Statement,
    params: Mapping[str, Any] | None = None,
) -> Sequence[Sequence[Any]]:
    """The rows `statement` answers (none for a write without RETURNING), bound to `params`.

    `statement` must be built once and reused (module constants, cached builders): it is
    compiled once per object. Runs in the connection's transaction, if it has one.
    """
    compiled = (
        _compiled(statement, connection.dialect)
        if connection.dialect.name == "postgresql"
        else None
    )
    if compiled is None:
        result = await connection.execute(statement, params)
        return result.all() if result.returns_rows else []
    values = {**compiled.defaults, **(params or {})}
    for name, process in compiled.processors.items():
        if name in values:
            values[name] = process(values[name])
    driver = await _driver_connection(connection)
    try:
        cursor = await driver.execute(compiled.sql, values)
        return await cursor.fetchall() if compiled.returns_rows else []
    except psycopg.Error as error:
        raise await _translated(connection, driver, compiled.sql, error) from error
    except BaseException:
        # Cancelled mid-statement: psycopg cancels the query, or closes a connection it cannot
        # bring back, which SQLAlchemy must then not hand out again.
        if driver.broken or driver.closed:
            with anyio.CancelScope(shield=True):
                await connection.invalidate()
        raise


async def _driver_connection(connection: AsyncConnection) -> Any:
    """The psycopg connection under `connection`; without a trip through SQLAlchemy's greenlet
    when it is open (the session's first statement or `connection()` opened it)."""
    sync = connection.sync_connection
    if sync is None or sync.invalidated or sync.closed:
        return (await connection.get_raw_connection()).driver_connection
    return sync.connection.driver_connection


async def _translated(
    connection: AsyncConnection, driver: Any, sql: str, error: psycopg.Error
) -> exc.StatementError:
    """`error` as SQLAlchemy raises it; a lost connection invalidated, and with it every pooled
    connection opened before (the server restarted, or the network dropped them all), as
    SQLAlchemy does."""
    lost = connection.dialect.is_disconnect(error, driver, None)  # type: ignore[arg-type]
    sync = connection.sync_connection
    if lost and sync is not None and not sync.invalidated:
        connection.sync_engine.pool._invalidate(sync.connection, error, _checkin=False)
        await connection.invalidate()
    return exc.DBAPIError.instance(
        sql,
        None,
        error,
        psycopg.Error,
        hide_parameters=True,
        connection_invalidated=lost,
        dialect=connection.dialect,
    )
