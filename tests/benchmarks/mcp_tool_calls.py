"""Benchmark: latency of MCP tool calls over streamable HTTP next to the same work over REST.

Run: `uv run python -m tests.benchmarks.mcp_tool_calls [calls] [sqlite|postgres]` (a throwaway
SQLite file, or a throwaway database on the test Postgres server). Prints p50/p95/mean
milliseconds and calls per second for each path.
"""

import asyncio
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import anyio
import httpx
from sqlalchemy import create_engine
from sqlmodel import Session

from backend.auth.models import User
from backend.auth.security import create_access_token
from backend.db import run_migrations
from backend.main import create_app
from tests.conftest import make_settings
from tests.databases import fresh_postgres_database, sqlite_url
from tests.mcp.conftest import connect, serve

DEFAULT_CALLS = 200


def report(label: str, seconds: list[float]) -> None:
    """Print latency percentiles and throughput of one series."""
    ms = sorted(s * 1000 for s in seconds)
    p95 = ms[int(len(ms) * 0.95) - 1]
    print(
        f"{label:<28} n={len(ms):<5} p50={statistics.median(ms):6.2f} ms  "
        f"p95={p95:6.2f} ms  mean={statistics.fmean(ms):6.2f} ms  "
        f"{len(ms) / sum(seconds):7.1f} calls/s"
    )


async def timed(calls: int, action: Callable[[int], Awaitable[object]]) -> list[float]:
    """Run `action` `calls` times in sequence and return each duration."""
    durations = []
    for i in range(calls):
        start = time.perf_counter()
        await action(i)
        durations.append(time.perf_counter() - start)
    return durations


async def bench(base_url: str, token: str, calls: int) -> None:
    """Time add/list through MCP (one client, one POST per call) and through REST."""
    async with connect(f"{base_url}/mcp", token) as client:
        await client.list_tools()

        async def mcp_add(i: int) -> object:
            return await client.call_tool("add_task", {"title": f"MCP task {i}"})

        async def mcp_list(_i: int) -> object:
            return await client.call_tool("list_tasks", {"limit": 20})

        report("MCP add_task", await timed(calls, mcp_add))
        report("MCP list_tasks (20)", await timed(calls, mcp_list))

    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=base_url, headers=headers) as http:

        async def rest_add(i: int) -> object:
            return await http.post("/api/me/tasks", json={"title": f"REST task {i}"})

        async def rest_list(_i: int) -> object:
            return await http.get("/api/me/tasks", params={"limit": 20})

        report("REST POST /tasks", await timed(calls, rest_add))
        report("REST GET /tasks (20)", await timed(calls, rest_list))


@contextmanager
def throwaway_database(backend: str) -> Iterator[str]:
    """A fresh database URL on the chosen backend, removed afterwards."""
    if backend == "postgres":
        with fresh_postgres_database("todo_bench") as url:
            yield url
        return
    with tempfile.TemporaryDirectory() as tmp:
        yield sqlite_url(Path(tmp))


def main() -> None:
    """Serve a fresh app with one user and run the benchmark against it."""
    calls = int(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_CALLS
    backend = sys.argv[2] if len(sys.argv) > 2 else "sqlite"
    with throwaway_database(backend) as url:
        settings = make_settings(url)
        app = create_app(settings)
        asyncio.run(run_migrations(app.state.engine))
        asyncio.run(app.state.engine.dispose())  # its connections belong to that loop
        sync_engine = create_engine(url)
        with Session(sync_engine) as session:
            user = User(email="bench@example.com", name="Bench")
            session.add(user)
            session.commit()
            token = create_access_token(user_id=user.id, settings=settings)
        sync_engine.dispose()
        print(f"database: {backend}  calls per series: {calls}")
        with serve(app) as base_url:
            anyio.run(bench, base_url, token, calls)


if __name__ == "__main__":
    main()
