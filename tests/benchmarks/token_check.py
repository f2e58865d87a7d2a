"""Benchmark: cost of checking an access token with and without the user lookup.

For each database (a temporary SQLite file, and Postgres when reachable), prints the
mean time of verifying the JWT alone and of `authenticate_token` (JWT + one primary-key
lookup of the user, as MCP runs them; REST runs the same steps as dependencies), to weigh "no
DB round trip per request" against instant revocation.

    uv run python tests/benchmarks/token_check.py [--calls 2000]
"""

import argparse
import asyncio
import tempfile
import time
from collections.abc import Awaitable, Callable
from contextlib import ExitStack
from pathlib import Path

from backend.auth.deps import authenticate_token
from backend.auth.models import User, UserRow
from backend.auth.security import create_access_token, decode_access_token
from backend.config import Settings
from backend.db import create_db_engine, open_session
from backend.schema import run_migrations
from tests.conftest import make_settings
from tests.databases import fresh_postgres_database, postgres_reachable


async def mean_microseconds(action: Callable[[], Awaitable[object]], calls: int) -> float:
    """Average wall time of one call, after a short warm-up."""
    for _ in range(50):
        await action()
    start = time.perf_counter()
    for _ in range(calls):
        await action()
    return (time.perf_counter() - start) / calls * 1e6


async def measure(label: str, settings: Settings, calls: int) -> None:
    """Print both timings for one database."""
    engine = create_db_engine(settings)
    await run_migrations(engine)
    try:
        async with open_session(engine) as session:
            user = User(email="bench@example.com")
            session.add(user)
            await session.commit()
        token = create_access_token(user_id=user.id, settings=settings)

        async def jwt_alone() -> object:
            return decode_access_token(token, settings)

        async def with_lookup() -> UserRow:
            async with open_session(engine) as session:  # a request starts with a new session
                return await authenticate_token(token, session=session, settings=settings)

        jwt_only = await mean_microseconds(jwt_alone, calls)
        full = await mean_microseconds(with_lookup, calls)
    finally:
        await engine.dispose()
    print(
        f"{label:9} JWT only {jwt_only:7.1f} us   JWT + user lookup {full:7.1f} us"
        f"   lookup adds {full - jwt_only:7.1f} us"
    )


def main() -> None:
    """Run on SQLite, then on Postgres if it is reachable."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=2000)
    args = parser.parse_args()
    with ExitStack() as stack:
        directory = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        sqlite = make_settings(f"sqlite:///{directory / 'bench.db'}")
        asyncio.run(measure("sqlite", sqlite, args.calls))
        if postgres_reachable():
            url = stack.enter_context(fresh_postgres_database("todo_bench"))
            asyncio.run(measure("postgres", make_settings(url), args.calls))


if __name__ == "__main__":
    main()
