"""Load benchmark of the tasks API on Postgres, against a raw Starlette + psycopg list endpoint.

Seeds 1,000 tagged tasks for one user in a fresh Postgres database, starts our app and the raw
baseline (tests/benchmarks/raw_tasks_list.py) each under one uvicorn worker, then drives them
with a small keep-alive HTTP/1.1 client on asyncio. Prints requests/s, p50/p99 and server CPU
per request for list (ours and raw, at 1, 4 and 10 connections), list limit=1, get, toggle and
create, then the ours/raw list ratios. Run: `uv run python -m tests.benchmarks.tasks_load`
(`--seconds`, `--rounds`, `--concurrency 1,4,10`, `--crud-concurrency 4`).
"""

import argparse
import asyncio
import json
import os
import random
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy.engine import make_url
from sqlmodel import Session

from backend.auth.models import User
from backend.auth.security import create_access_token
from backend.config import Settings
from backend.db import create_db_engine, run_migrations
from backend.tasks.models import Priority, Tag, Task
from tests.databases import fresh_postgres_database

HOST = "127.0.0.1"
SEED_TASKS = 1000
TAG_NAMES = ["home", "work", "urgent", "errands", "health", "reading", "family", "finance"]
TARGET_LIST_RATIO = 0.6
STARTUP_POLLS = 150
JWT_SECRET = "benchmark-secret-" + "b" * 40

RequestFactory = Callable[[random.Random], bytes]
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class Server:
    """A running uvicorn process."""

    port: int
    pid: int

    def cpu_seconds(self) -> float:
        """User + system CPU time the process (all its threads) has used so far."""
        with open(f"/proc/{self.pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


@dataclass
class Result:
    """Latencies of one scenario."""

    name: str
    concurrency: int
    seconds: float = 0.0
    cpu_seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    errors: int = 0

    @property
    def rate(self) -> float:
        """Requests per second."""
        return len(self.latencies) / self.seconds if self.seconds else 0.0

    def percentile(self, fraction: float) -> float:
        """Latency at `fraction` (0-1), in milliseconds."""
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] * 1000

    @property
    def cpu_ms_per_request(self) -> float:
        """Server CPU per request: unlike req/s, barely moved by other load on the machine."""
        return self.cpu_seconds / len(self.latencies) * 1000 if self.latencies else 0.0

    def line(self) -> str:
        """One row of the results table."""
        return (
            f"{self.name:<22}{self.concurrency:>6}{len(self.latencies):>9}{self.rate:>10.0f}"
            f"{self.percentile(0.5):>10.2f}{self.percentile(0.99):>10.2f}"
            f"{self.cpu_ms_per_request:>9.2f}{self.errors:>8}"
        )


def seed(settings: Settings) -> tuple[str, list[int]]:
    """Migrate, create one user with 1,000 tagged tasks; return the user id and task ids."""
    engine = create_db_engine(settings)
    run_migrations(engine)
    rng = random.Random(42)
    now = datetime.now(UTC)
    with Session(engine, expire_on_commit=False) as session:
        user = User(email="bench@example.com", name="Bench")
        session.add(user)
        session.commit()
        tags = [Tag(user_id=user.id, name=name) for name in TAG_NAMES]
        tasks = [
            Task(
                user_id=user.id,
                title=f"Task {n}: {rng.choice(['write', 'call', 'buy', 'fix'])} something",
                description="Some details about the task " * rng.randint(0, 3) or None,
                priority=rng.choice(list(Priority)),
                due_date=now + timedelta(hours=rng.randint(-200, 800)) if n % 3 else None,
                completed=n % 4 == 0,
                tags=rng.sample(tags, rng.randint(0, 3)),
            )
            for n in range(SEED_TASKS)
        ]
        session.add_all(tasks)
        session.commit()
        ids = [task.id for task in tasks if task.id is not None]
    engine.dispose()
    return user.id, ids


def free_port() -> int:
    """An unused local TCP port."""
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def uvicorn_server(target: list[str], env: dict[str, str], ready_path: str) -> Iterator[Server]:
    """Run `uvicorn <target>` in one process; yield it once `ready_path` answers."""
    port = free_port()
    command = [sys.executable, "-m", "uvicorn", *target, "--host", HOST, "--port", str(port)]
    command += ["--workers", "1", "--no-access-log", "--log-level", "warning"]
    process = subprocess.Popen(command, env={**os.environ, **env})
    try:
        for _ in range(STARTUP_POLLS):
            if process.poll() is not None:
                raise RuntimeError(f"server {target} exited with {process.returncode}")
            if _answers_ok(port, ready_path):
                break
            time.sleep(0.2)
        else:
            raise RuntimeError(f"server {target} did not start")
        yield Server(port, process.pid)
    finally:
        process.terminate()
        process.wait(timeout=10)


def _answers_ok(port: int, path: str) -> bool:
    try:
        with socket.create_connection((HOST, port), timeout=1) as conn:
            conn.sendall(f"GET {path} HTTP/1.1\r\nHost: {HOST}\r\n\r\n".encode())
            return conn.recv(64).startswith(b"HTTP/1.1 200")
    except OSError:
        return False


def http_request(method: str, path: str, token: str | None = None, body: object = None) -> bytes:
    """Raw HTTP/1.1 keep-alive request bytes."""
    payload = json.dumps(body).encode() if body is not None else b""
    lines = [f"{method} {path} HTTP/1.1", f"Host: {HOST}", f"Content-Length: {len(payload)}"]
    if token:
        lines.append(f"Authorization: Bearer {token}")
    if body is not None:
        lines.append("Content-Type: application/json")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + payload


async def read_response(reader: asyncio.StreamReader) -> tuple[int, dict[str, str], bytes]:
    """Status, headers and body of one response (Content-Length framed, as uvicorn sends)."""
    head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in head[1:] if ": " in line)
    headers = {name.lower(): value for name, value in headers.items()}
    body = await reader.readexactly(int(headers.get("content-length", "0")))
    return int(head[0].split()[1]), headers, body


async def fetch(server: Server, request: bytes) -> tuple[int, dict[str, str], bytes]:
    """One request on a fresh connection."""
    reader, writer = await asyncio.open_connection(HOST, server.port)
    writer.write(request)
    response = await read_response(reader)
    writer.close()
    return response


async def drive(
    name: str, server: Server, make: RequestFactory, seconds: float, concurrency: int
) -> Result:
    """`concurrency` keep-alive connections sending requests back to back for `seconds`."""
    result = Result(name, concurrency)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds

    async def connection(seed_value: int) -> None:
        rng = random.Random(seed_value)
        reader, writer = await asyncio.open_connection(HOST, server.port)
        while loop.time() < deadline:
            started = time.perf_counter()
            writer.write(make(rng))
            status, _, _ = await read_response(reader)
            result.latencies.append(time.perf_counter() - started)
            result.errors += status >= 400
        writer.close()

    started, cpu_before = time.perf_counter(), server.cpu_seconds()
    await asyncio.gather(*(connection(n) for n in range(concurrency)))
    result.seconds = time.perf_counter() - started
    result.cpu_seconds = server.cpu_seconds() - cpu_before
    return result


async def check_same_list(ours: Server, raw: Server, user_id: str, token: str) -> None:
    """Both list endpoints must return the same page and total, or the comparison is void."""
    ours_status, ours_headers, ours_body = await fetch(
        ours, http_request("GET", "/api/me/tasks?limit=50", token)
    )
    raw_status, raw_headers, raw_body = await fetch(
        raw, http_request("GET", f"/raw/{user_id}/tasks?limit=50")
    )
    assert ours_status == raw_status == 200
    ours_tasks, raw_tasks = json.loads(ours_body), json.loads(raw_body)
    assert [(t["id"], t["tags"]) for t in ours_tasks] == [(t["id"], t["tags"]) for t in raw_tasks]
    assert ours_headers["x-total-count"] == raw_headers["x-total-count"] == str(SEED_TASKS)


async def benchmark(
    args: argparse.Namespace,
    ours: Server,
    raw: Server,
    user_id: str,
    token: str,
    task_ids: list[int],
) -> list[Result]:
    """Warm up, then measure each scenario; the two list runs alternate to share conditions."""
    await check_same_list(ours, raw, user_id, token)
    list_ours = http_request("GET", "/api/me/tasks?limit=50", token)
    list_raw = http_request("GET", f"/raw/{user_id}/tasks?limit=50")
    # The fixed cost of a request on our stack (token, session, dependencies), for reading
    # the list ratio: the rest of a 50-task page is what the list code itself adds.
    list_one = http_request("GET", "/api/me/tasks?limit=1", token)
    scenarios: list[tuple[str, Server, RequestFactory]] = [
        ("list (ours)", ours, lambda _rng: list_ours),
        ("list (raw baseline)", raw, lambda _rng: list_raw),
        (
            "get",
            ours,
            lambda rng: http_request("GET", f"/api/me/tasks/{rng.choice(task_ids)}", token),
        ),
        ("list limit=1 (ours)", ours, lambda _rng: list_one),
        (
            "toggle",
            ours,
            lambda rng: http_request(
                "PATCH", f"/api/me/tasks/{rng.choice(task_ids)}/complete", token
            ),
        ),
        (
            "create",
            ours,
            lambda rng: http_request(
                "POST",
                "/api/me/tasks",
                token,
                {"title": f"Load {rng.random()}", "priority": "High", "tags": "load,bench"},
            ),
        ),
    ]
    list_pair, others = scenarios[:2], scenarios[2:]
    for name, server, make in scenarios:
        await drive(name, server, make, args.warmup, max(args.concurrency))
    results: dict[tuple[str, int], Result] = {}
    plan = [(pair, level) for level in args.concurrency for pair in [list_pair] * args.rounds]
    plan.append((others, args.crud_concurrency))
    for round_scenarios, level in plan:
        for name, server, make in round_scenarios:
            measured = await drive(name, server, make, args.seconds, level)
            merged = results.setdefault((name, level), Result(name, concurrency=level))
            merged.latencies += measured.latencies
            merged.errors += measured.errors
            merged.seconds += measured.seconds
            merged.cpu_seconds += measured.cpu_seconds
    return list(results.values())


def report(results: list[Result], args: argparse.Namespace) -> None:
    """Print the table and the ours/raw list ratios at each concurrency."""
    print(
        f"\n{SEED_TASKS} tasks on Postgres, 1 uvicorn worker each, {args.seconds:.0f}s runs, "
        f"list runs alternate ours/raw {args.rounds}x per concurrency\n"
    )
    print(
        f"{'scenario':<22}{'conns':>6}{'requests':>9}{'req/s':>10}{'p50 ms':>10}"
        f"{'p99 ms':>10}{'CPU ms':>9}{'errors':>8}"
    )
    for result in results:
        print(result.line())
    by_key = {(result.name, result.concurrency): result for result in results}
    print()
    for level in args.concurrency:
        ours, raw = by_key[("list (ours)", level)], by_key[("list (raw baseline)", level)]
        ratio = ours.rate / raw.rate
        verdict = "OK" if ratio >= TARGET_LIST_RATIO else "BELOW TARGET"
        print(
            f"list ours/raw at {level:>2} connections: throughput {ratio:.2f} "
            f"(target >= {TARGET_LIST_RATIO}: {verdict}), "
            f"p50 {ours.percentile(0.5) / raw.percentile(0.5):.2f}x, "
            f"p99 {ours.percentile(0.99) / raw.percentile(0.99):.2f}x latency, "
            f"CPU per request raw/ours {raw.cpu_ms_per_request / ours.cpu_ms_per_request:.2f}"
        )


def main() -> None:
    """Seed, serve, drive, report."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=4.0, help="per measured run")
    parser.add_argument("--warmup", type=float, default=2.0)
    parser.add_argument("--rounds", type=int, default=3, help="alternating list runs")
    parser.add_argument(
        "--concurrency",
        type=lambda text: [int(part) for part in text.split(",")],
        default=[1, 4, 10],
        help="connections for the list comparison, comma-separated",
    )
    parser.add_argument("--crud-concurrency", type=int, default=4)
    args = parser.parse_args()
    with fresh_postgres_database("todo_bench") as url:
        settings = Settings(_env_file=None, database_url=url, jwt_secret=JWT_SECRET)  # type: ignore[call-arg]
        user_id, task_ids = seed(settings)
        token = create_access_token(user_id=user_id, settings=settings)
        app_env = {"DATABASE_URL": url, "JWT_SECRET": JWT_SECRET, "LOG_LEVEL": "WARNING"}
        raw_dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
        with (
            uvicorn_server(
                ["backend.main:create_app", "--factory"], app_env, "/api/health/ready"
            ) as ours,
            uvicorn_server(
                ["tests.benchmarks.raw_tasks_list:app"],
                {"RAW_DATABASE_DSN": raw_dsn, "RAW_POOL_SIZE": str(settings.db_pool_size)},
                f"/raw/{user_id}/tasks?limit=1",
            ) as raw,
        ):
            results = asyncio.run(benchmark(args, ours, raw, user_id, token, task_ids))
    report(results, args)


if __name__ == "__main__":
    main()
