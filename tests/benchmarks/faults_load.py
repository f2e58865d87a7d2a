"""Failures under load: a slow AI provider, and a database that stops answering.

`slow-provider`: our app (one uvicorn worker, Postgres) chats through the OpenAI-compatible
provider with a scripted endpoint that answers each completion after `--delay` seconds (5);
`--turns` (100) chat turns are sent at once while a second client creates tasks one after
another. Prints the creates' latencies by phase (the bar: all under 100 ms while the turns wait
on the provider) and how many turns failed (the bar: none for lack of a connection).

`frozen-db`: our app on a throwaway cluster with `--clients` (20) clients listing tasks in a
loop; the cluster's processes are stopped (SIGSTOP, sockets open) for `--freeze` seconds (10),
then let go. Prints how the requests sent during the freeze ended (503 within the configured
bound, or not) and how long after SIGCONT service came back.

Run: `uv run python -m tests.benchmarks.faults_load slow-provider|frozen-db`.
"""

import argparse
import asyncio
import os
import statistics
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx

from backend.auth.security import create_access_token
from backend.config import Settings
from backend.db import create_db_engine, run_migrations
from tests.benchmarks.tasks_load import (
    HOST,
    JWT_SECRET,
    Server,
    add_user,
    free_port,
    uvicorn_server,
)
from tests.databases import fresh_postgres_database
from tests.pgcluster import throwaway_cluster

CREATE_BAR_MS = 100


async def migrate_and_add_user(url: str) -> str:
    """The schema, and one user; its id."""
    settings = Settings(_env_file=None, database_url=url, jwt_secret=JWT_SECRET)  # type: ignore[call-arg]
    engine = create_db_engine(settings)
    await run_migrations(engine)
    await engine.dispose()
    return add_user(url)


def token_for(user_id: str) -> dict[str, str]:
    """Bearer headers for the user."""
    settings = Settings(_env_file=None, jwt_secret=JWT_SECRET)  # type: ignore[call-arg]
    return {"Authorization": "Bearer " + create_access_token(user_id=user_id, settings=settings)}


def app_env(url: str, **settings: str) -> dict[str, str]:
    """Our app's environment: the database, the shared secret, quiet logs."""
    return {
        "DATABASE_URL": url,
        "JWT_SECRET": JWT_SECRET,
        "LOG_LEVEL": "WARNING",
        "ENVIRONMENT": "production",
        **settings,
    }


@contextmanager
def ours(env: dict[str, str]) -> Iterator[Server]:
    """Our app under uvicorn."""
    with uvicorn_server("ours", ["backend.main:create_app", "--factory"], env, "/api/health") as s:
        yield s


def percentile(samples: list[float], fraction: float) -> float:
    """The sample at `fraction` of the sorted list (nearest rank)."""
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


async def slow_provider(args: argparse.Namespace) -> None:
    """100 chat turns on a provider answering in 5 s, creates alongside."""
    with fresh_postgres_database("todo_faults") as url:
        user_id = await migrate_and_add_user(url)
        headers = token_for(user_id)
        provider_port = free_port()
        provider_env = {"SCRIPTED_DELAY_SECONDS": str(args.delay)}
        provider_target = ["tests.benchmarks.scripted_provider:app", "--port", str(provider_port)]
        env = app_env(
            url,
            CHAT_PROVIDER="openai",
            OPENAI_BASE_URL=f"http://{HOST}:{provider_port}/v1",
            OPENAI_API_KEY="scripted",
            CHAT_TIMEOUT_SECONDS=str(args.delay * 4),
            CHAT_MAX_RETRIES="0",
        )
        with (
            scripted_provider(provider_target, provider_env),
            ours(env) as server,
        ):
            base = f"http://{HOST}:{server.port}"
            limits = httpx.Limits(max_connections=args.turns + 10)
            async with httpx.AsyncClient(base_url=base, timeout=120, limits=limits) as client:
                turns = [
                    client.post(
                        f"/api/{user_id}/chat", json={"message": f"hi {n}"}, headers=headers
                    )
                    for n in range(args.turns)
                ]
                chatting = asyncio.gather(*turns, return_exceptions=True)
                creates: list[tuple[float, float, int]] = []  # (sent at, ms, status)
                start = time.monotonic()
                while not chatting.done():
                    sent = time.monotonic() - start
                    body = {"title": f"Created while chatting {len(creates)}"}
                    response = await client.post(
                        f"/api/{user_id}/tasks", json=body, headers=headers
                    )
                    took = (time.monotonic() - start - sent) * 1000
                    creates.append((sent, took, response.status_code))
                    await asyncio.sleep(0.05)
                results = await chatting
        answered = [r for r in results if isinstance(r, httpx.Response)]
        chat_codes = sorted({r.status_code for r in answered})
        print(
            f"slow provider ({args.delay:.0f} s a completion), {args.turns} concurrent turns, "
            f"one worker, Postgres, pool {Settings().db_pool_size}"
        )
        # The turns reach the provider within the first second or two (their user messages
        # stored, their connections back); they answer from `delay` s on.
        phases = {
            "turns starting (0-1 s)": (0.0, 1.0),
            "all turns waiting on the provider": (1.0, args.delay),
            "turns answering": (args.delay, float("inf")),
        }
        for phase, (first, last) in phases.items():
            taken = [(ms, status) for sent, ms, status in creates if first <= sent < last]
            if not taken:
                continue
            latencies = [ms for ms, _ in taken]
            verdict = "OK" if max(latencies) < CREATE_BAR_MS else "MISSED"
            print(
                f"creates, {phase}: {len(taken)}, statuses {sorted({st for _, st in taken})}, "
                f"p50 {statistics.median(latencies):.1f} ms, max {max(latencies):.1f} ms "
                f"(bar < {CREATE_BAR_MS} ms: {verdict})"
            )
        print(
            f"chat turns: {sum(r.status_code == 200 for r in answered)}/{args.turns} answered 200; "
            f"statuses {chat_codes}; client errors {len(results) - len(answered)}"
        )


@contextmanager
def scripted_provider(target: list[str], env: dict[str, str]) -> Iterator[None]:
    """The scripted OpenAI-compatible endpoint under uvicorn."""
    import subprocess

    command = [sys.executable, "-m", "uvicorn", *target, "--host", HOST, "--log-level", "warning"]
    process = subprocess.Popen(command, env={**os.environ, **env})
    try:
        time.sleep(1.5)
        yield
    finally:
        process.terminate()
        process.wait(timeout=10)


async def frozen_db(args: argparse.Namespace) -> None:
    """Clients listing in a loop while the database is frozen, then thawed."""
    with throwaway_cluster() as cluster:
        user_id = await migrate_and_add_user(cluster.url)
        headers = token_for(user_id)
        bound = {"DB_STATEMENT_TIMEOUT": "2", "DB_CONNECT_TIMEOUT": "2", "DB_POOL_TIMEOUT": "2"}
        with ours(app_env(cluster.url, **bound)) as server:
            base = f"http://{HOST}:{server.port}"
            events: list[tuple[float, float, int]] = []  # (sent at, took, status)

            async def client_loop(client: httpx.AsyncClient, until: float) -> None:
                while time.monotonic() < until:
                    sent = time.monotonic()
                    try:
                        status = (await client.get("/api/me/tasks", headers=headers)).status_code
                    except httpx.HTTPError:
                        status = 0
                    events.append((sent, time.monotonic() - sent, status))
                    await asyncio.sleep(0.05)

            async with httpx.AsyncClient(base_url=base, timeout=60) as client:
                start = time.monotonic()
                frozen_at = start + 3
                thawed_at = frozen_at + args.freeze
                loops = asyncio.gather(
                    *(client_loop(client, thawed_at + 8) for _ in range(args.clients))
                )
                await asyncio.sleep(frozen_at - time.monotonic())
                cluster.freeze()
                await asyncio.sleep(thawed_at - time.monotonic())
                cluster.thaw()
                await loops
        during = [e for e in events if frozen_at <= e[0] < thawed_at]
        worst = max((took for _, took, _ in during), default=0.0)
        statuses = sorted({status for _, _, status in during})
        back = [sent + took for sent, took, status in events if status == 200 and sent >= thawed_at]
        recovered = min(back) - thawed_at if back else float("inf")
        print(
            f"frozen database: {args.clients} clients, {args.freeze:.0f} s freeze, bounds "
            f"statement/connect/pool {bound['DB_STATEMENT_TIMEOUT']}/"
            f"{bound['DB_CONNECT_TIMEOUT']}/{bound['DB_POOL_TIMEOUT']} s"
        )
        print(
            f"requests sent during the freeze: {len(during)}, statuses {statuses}, "
            f"slowest answer {worst:.2f} s"
        )
        print(f"first 200 after SIGCONT: {recovered:.2f} s later")


def main() -> None:
    """Run one scenario."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("scenario", choices=["slow-provider", "frozen-db"])
    parser.add_argument("--turns", type=int, default=100)
    parser.add_argument("--delay", type=float, default=5.0)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--freeze", type=float, default=10.0)
    args = parser.parse_args()
    run = slow_provider if args.scenario == "slow-provider" else frozen_db
    asyncio.run(run(args))


if __name__ == "__main__":
    main()
