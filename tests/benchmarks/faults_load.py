"""Failures under load: a slow AI provider, and a database that stops answering.

`slow-provider`: our app (one uvicorn worker, Postgres) chats through the OpenAI-compatible
provider with a scripted endpoint that answers each completion after `--delay` seconds (5);
`--turns` (100) chat turns are sent at once (from a process of their own) while a second client
creates tasks one after another. Prints the creates' latencies by phase of the turns (starting:
until the last turn's model request reaches the endpoint; waiting: until the first answer
reaches its client; answering) against the bar (every create under 100 ms, in every phase), and
how the turns ended (the bar: none fails for lack of a connection). `--gate N` sets
`CHAT_TURN_CONCURRENCY`; `--warm` sends one chat turn before them (a worker that has chatted);
`--verbose` lists every create.

`frozen-db`: our app on a throwaway cluster with `--clients` (20) clients listing tasks in a
loop; the cluster's processes are stopped (SIGSTOP, sockets open) for `--freeze` seconds (10),
then let go. Prints how the requests sent during the freeze ended (503 within the configured
bound, or not) and how long after SIGCONT service came back.

Run: `uv run python -m tests.benchmarks.faults_load slow-provider|frozen-db`.
"""

import argparse
import asyncio
import multiprocessing
import os
import statistics
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from multiprocessing.connection import Connection

import httpx

from backend.auth.security import create_access_token
from backend.config import Settings
from backend.db import create_db_engine
from backend.schema import run_migrations
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


# A turn as the chatting process reports it: when its answer came (Unix time), its status (None
# for a client error) and its error message, if any.
TurnResult = tuple[float, int | None, str]


async def timed_turn(
    client: httpx.AsyncClient, url: str, message: str, headers: dict[str, str]
) -> TurnResult:
    """One chat turn, as the chatting process reports it."""
    try:
        response = await client.post(url, json={"message": message}, headers=headers)
    except httpx.HTTPError as exc:
        return time.time(), None, type(exc).__name__
    error = "" if response.status_code == 200 else response.json().get("message", "")
    return time.time(), response.status_code, error


def chat_from_another_process(
    base: str, url: str, headers: dict[str, str], turns: int, results: Connection
) -> None:
    """Send `turns` chat turns at once; send back when they went out, then how each ended.

    In a process of its own: a hundred requests cost their client CPU too, which in the creates'
    process would delay the creates' own sending and timing (100 users are 100 clients)."""

    async def chat() -> None:
        limits = httpx.Limits(max_connections=turns + 10)
        async with httpx.AsyncClient(base_url=base, timeout=120, limits=limits) as client:
            results.send(time.time())
            ended = await asyncio.gather(
                *(timed_turn(client, url, f"hi {n}", headers) for n in range(turns))
            )
        results.send(ended)

    asyncio.run(chat())


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
            **({"CHAT_TURN_CONCURRENCY": str(args.gate)} if args.gate else {}),
        )
        with (
            scripted_provider(provider_target, provider_env),
            ours(env) as server,
        ):
            base = f"http://{HOST}:{server.port}"
            async with httpx.AsyncClient(base_url=base, timeout=120) as client:
                await client.get("/api/health")  # the creates' connection, open beforehand
                if args.warm:
                    await client.post(
                        f"/api/{user_id}/chat", json={"message": "warm-up"}, headers=headers
                    )
                spawn = multiprocessing.get_context("spawn")
                results, results_sent = spawn.Pipe(duplex=False)
                chatting = spawn.Process(
                    target=chat_from_another_process,
                    args=(base, f"/api/{user_id}/chat", headers, args.turns, results_sent),
                )
                chatting.start()
                start_wall: float = await asyncio.to_thread(results.recv)
                start = time.monotonic() - (time.time() - start_wall)
                creates: list[tuple[float, float, int]] = []  # (sent at, ms, status)
                while not results.poll():
                    sent = time.monotonic() - start
                    body = {"title": f"Created while chatting {len(creates)}"}
                    response = await client.post(
                        f"/api/{user_id}/tasks", json=body, headers=headers
                    )
                    took = (time.monotonic() - start - sent) * 1000
                    creates.append((sent, took, response.status_code))
                    await asyncio.sleep(0.05)
                ended: list[TurnResult] = results.recv()
                chatting.join()
            async with httpx.AsyncClient(base_url=f"http://{HOST}:{provider_port}") as provider:
                arrivals = (await provider.get("/arrivals")).json()
                arrived = [at - start_wall for at in arrivals if at >= start_wall]
        turns = [(at - start_wall, status, error) for at, status, error in ended]
        report(args, creates, turns, arrived)


def report(
    args: argparse.Namespace,
    creates: list[tuple[float, float, int]],
    turns: list[TurnResult],
    arrived: list[float],
) -> None:
    """The creates' latencies in each phase of the turns, and how the turns ended (all times in
    seconds after the turns were sent)."""
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    # "none": the app's code from before the gate (a before/after comparison on one script).
    gate = args.gate or getattr(settings, "chat_turn_concurrency", "none")
    print(
        f"slow provider ({args.delay:.0f} s a completion), {args.turns} concurrent turns, "
        f"one worker, Postgres, pool {settings.db_pool_size}, turn gate {gate}"
    )
    answered = [at for at, status, _ in turns if status is not None]
    # Phases by what the turns did: until the last one's model request reached the provider,
    # until the first answer reached its client, then while they answer.
    last_request = max(arrived, default=0.0)
    first_answer = min(answered, default=float("inf"))
    print(
        f"model requests reached the provider from {min(arrived, default=0):.2f} to "
        f"{last_request:.2f} s; answers reached the clients from {first_answer:.2f} to "
        f"{max(answered, default=0):.2f} s"
    )
    phases = {
        "turns starting": (0.0, last_request),
        "all turns waiting on the provider": (last_request, first_answer),
        "turns answering": (first_answer, float("inf")),
    }
    for phase, (first, last) in phases.items():
        taken = [(ms, status) for sent, ms, status in creates if first <= sent < last]
        if not taken:
            print(f"creates, {phase} ({first:.2f}-{last:.2f} s): none sent")
            continue
        latencies = [ms for ms, _ in taken]
        verdict = "OK" if max(latencies) < CREATE_BAR_MS else "MISSED"
        print(
            f"creates, {phase} ({first:.2f}-{last:.2f} s): {len(taken)}, statuses "
            f"{sorted({st for _, st in taken})}, p50 {statistics.median(latencies):.1f} ms, "
            f"max {max(latencies):.1f} ms (bar < {CREATE_BAR_MS} ms: {verdict})"
        )
    statuses = [status for _, status, _ in turns if status is not None]
    errors = sorted({error for _, _, error in turns if error})
    print(
        f"chat turns: {statuses.count(200)}/{args.turns} answered 200; statuses "
        f"{sorted(set(statuses))}; client errors {len(turns) - len(statuses)}"
        + (f"; errors: {errors}" if errors else "")
    )
    if args.verbose:
        print("creates (sent at s, ms):", [(round(at, 2), round(ms)) for at, ms, _ in creates])


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
    parser.add_argument("--gate", type=int, default=0, help="CHAT_TURN_CONCURRENCY (0: default)")
    parser.add_argument("--verbose", action="store_true", help="list every create")
    parser.add_argument("--warm", action="store_true", help="one chat turn first")
    args = parser.parse_args()
    run = slow_provider if args.scenario == "slow-provider" else frozen_db
    asyncio.run(run(args))


if __name__ == "__main__":
    main()
