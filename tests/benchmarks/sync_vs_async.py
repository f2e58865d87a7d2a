"""Measure a sync `def` route against an `async def` route on the same Postgres query.

Run: uv run python -m tests.benchmarks.sync_vs_async
"""

import asyncio

import httpx
from sqlalchemy import create_engine, insert

from tests.benchmarks.loadgen import run_load, uvicorn_server
from tests.benchmarks.sync_async_apps import items, metadata
from tests.databases import fresh_postgres_database

ROWS = 1000
CONCURRENCY_LEVELS = (1, 16, 64)


def main() -> None:
    """Seed a fresh database, serve each variant in turn, print req/s and latencies."""
    with fresh_postgres_database("todo_bench") as url:
        engine = create_engine(url)
        metadata.create_all(engine)
        with engine.begin() as connection:
            connection.execute(
                insert(items), [{"owner": "bench", "title": f"item {i}"} for i in range(ROWS)]
            )
        engine.dispose()
        env = {"BENCH_DATABASE_URL": url}
        for concurrency in CONCURRENCY_LEVELS:
            print(f"-- concurrency {concurrency}")
            for variant in ("sync_app", "async_app"):
                with uvicorn_server(f"tests.benchmarks.sync_async_apps:{variant}", env=env) as base:
                    asyncio.run(run_load("warmup", base, _get, concurrency=concurrency, seconds=1))
                    result = asyncio.run(
                        run_load(variant, base, _get, concurrency=concurrency, seconds=5)
                    )
                    print(result.line())


def _get(client: httpx.AsyncClient, _n: int) -> httpx.Request:
    return client.build_request("GET", "/")


if __name__ == "__main__":
    main()
