"""Benchmark: cost of checking an access token with and without the user lookup.

For each database (a temporary SQLite file, and Postgres when reachable), prints the
mean time of verifying the JWT alone and of `authenticate_token` (JWT + one primary-key
lookup of the user: MCP's sync path; REST runs the same steps on the event loop), to weigh "no
DB round trip per request" against instant revocation.

    uv run python tests/benchmarks/token_check.py [--calls 2000]
"""

import argparse
import tempfile
import time
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path

from sqlmodel import Session

from backend.auth.deps import authenticate_token
from backend.auth.models import User
from backend.auth.security import create_access_token, decode_access_token
from backend.config import Settings
from backend.db import create_db_engine, run_migrations
from tests.conftest import make_settings
from tests.databases import fresh_postgres_database, postgres_reachable


def mean_microseconds(action: Callable[[], object], calls: int) -> float:
    """Average wall time of one call, after a short warm-up."""
    for _ in range(50):
        action()
    start = time.perf_counter()
    for _ in range(calls):
        action()
    return (time.perf_counter() - start) / calls * 1e6


def measure(label: str, settings: Settings, calls: int) -> None:
    """Print both timings for one database."""
    engine = create_db_engine(settings)
    run_migrations(engine)
    try:
        with Session(engine, expire_on_commit=False) as session:
            user = User(email="bench@example.com")
            session.add(user)
            session.commit()
            token = create_access_token(user_id=user.id, settings=settings)
            jwt_only = mean_microseconds(lambda: decode_access_token(token, settings), calls)

            def with_lookup() -> User:
                session.expunge_all()  # a request starts with an empty session
                found = authenticate_token(token, session=session, settings=settings)
                session.rollback()  # and ends its transaction
                return found

            full = mean_microseconds(with_lookup, calls)
    finally:
        engine.dispose()
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
        measure("sqlite", make_settings(f"sqlite:///{directory / 'bench.db'}"), args.calls)
        if postgres_reachable():
            url = stack.enter_context(fresh_postgres_database("todo_bench"))
            measure("postgres", make_settings(url), args.calls)


if __name__ == "__main__":
    main()
