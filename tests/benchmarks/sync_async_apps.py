"""Two equivalent endpoints for the sync-vs-async measurement: same query, same database."""

import os
from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI
from sqlalchemy import Column, Integer, MetaData, String, Table, create_engine, select
from sqlalchemy.ext.asyncio import create_async_engine

DATABASE = os.environ.get("BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1/postgres")
metadata = MetaData()
items = Table(
    "bench_items",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("owner", String(36), index=True),
    Column("title", String(200)),
)
QUERY = select(items).where(items.c.owner == "bench").order_by(items.c.id).limit(50)


def _rows(rows: Sequence[Any]) -> list[dict[str, Any]]:
    return [dict(row._mapping) for row in rows]


sync_app = FastAPI()
sync_engine = create_engine(DATABASE, pool_size=10, max_overflow=30)


@sync_app.get("/")
def sync_list() -> list[dict[str, Any]]:
    """Sync route: runs in the threadpool with a pooled sync connection."""
    with sync_engine.connect() as connection:
        return _rows(connection.execute(QUERY).all())


async_app = FastAPI()
async_engine = create_async_engine(
    DATABASE.replace("+psycopg", "+psycopg_async"), pool_size=10, max_overflow=30
)


@async_app.get("/")
async def async_list() -> list[dict[str, Any]]:
    """Async route: runs on the event loop with psycopg's async driver."""
    async with async_engine.connect() as connection:
        return _rows((await connection.execute(QUERY)).all())
