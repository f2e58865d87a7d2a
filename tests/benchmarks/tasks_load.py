"""Load benchmark of the task routes on Postgres with wrk, against the same SQL by hand.

Seeds 1,000 tagged tasks for one user in a fresh Postgres database (then `ANALYZE`), starts our
app and the raw baseline (tests/benchmarks/raw_tasks.py) each under one uvicorn worker, and runs
wrk (one thread) against each in turn: every row alternates ours and raw over several rounds.
Prints, per scenario and connection count, the median req/s, p50/p99 latency and server CPU ms
per request of each, their ratio, and how many Postgres sessions each opened during its runs.

Run: `uv run python -m tests.benchmarks.tasks_load` (`--seconds`, `--rounds`, `--levels`, `--only`,
`--floors`); needs wrk (`apt-get install wrk`). `--floors` adds two more servers to the get rows
(tests/benchmarks/get_floors.py): FastAPI with our middleware serving raw's handler, and the
same with our pool and driver path but no logic of the route's own.
"""

import argparse
import asyncio
import json
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url
from sqlmodel import Session

from backend.auth.models import User
from backend.auth.security import create_access_token
from backend.config import Settings
from backend.db import create_db_engine
from backend.schema import run_migrations
from backend.tasks.fields import Priority
from backend.tasks.models import Tag, Task, search_text
from tests.databases import fresh_postgres_database

HOST = "127.0.0.1"
SEED_TASKS = 1000
TAG_NAMES = ["home", "work", "urgent", "errands", "health", "reading", "family", "finance"]
STARTUP_POLLS = 150
JWT_SECRET = "benchmark-secret-" + "b" * 40
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
FLOORS = ("framework", "framework_and_pool")  # tests/benchmarks/get_floors.py
# Lua for wrk: each scenario sets the method, path (a random seeded task where it takes one)
# and body; {ids} is the seeded task ids.
SCENARIOS = {
    "list 50": 'wrk.path = "/api/{user}/tasks?limit=50"',
    "get": """
ids = {{{ids}}}
request = function() return wrk.format("GET", "/api/{user}/tasks/" .. ids[math.random(#ids)]) end
""",
    "toggle": """
ids = {{{ids}}}
request = function()
  return wrk.format("PATCH", "/api/{user}/tasks/" .. ids[math.random(#ids)] .. "/complete")
end
""",
    "create": """
wrk.method = "POST"
wrk.path = "/api/{user}/tasks"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{{"title": "Load test", "priority": "High", "tags": "load,bench"}}'
""",
}


@dataclass(frozen=True)
class Server:
    """A running uvicorn process."""

    name: str
    port: int
    pid: int

    def cpu_seconds(self) -> float:
        """User + system CPU time the process (all its threads) has used so far."""
        with open(f"/proc/{self.pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


@dataclass(frozen=True)
class Run:
    """One wrk run against one server."""

    rate: float
    p50_ms: float
    p99_ms: float
    cpu_ms: float
    errors: int
    sessions: int


def add_user(url: str) -> str:
    """The benchmarks' one user, added to a migrated database; its id."""
    engine = create_engine(url)
    with Session(engine) as session:
        user = User(email="bench@example.com", name="Bench")
        session.add(user)
        session.commit()
        user_id = user.id
    engine.dispose()
    return user_id


def seed(url: str) -> tuple[str, list[int]]:
    """Create one user with 1,000 tagged tasks, then ANALYZE; the user id and task ids."""
    user_id = add_user(url)
    engine = create_engine(url)
    rng = random.Random(42)
    now = datetime.now(UTC)
    with Session(engine, expire_on_commit=False) as session:
        tags = [Tag(user_id=user_id, name=name) for name in TAG_NAMES]
        tasks = []
        for n in range(SEED_TASKS):
            title = f"Task {n}: {rng.choice(['write', 'call', 'buy', 'fix'])} something"
            description = "Some details about the task " * rng.randint(0, 3) or None
            tasks.append(
                Task(
                    user_id=user_id,
                    title=title,
                    description=description,
                    search_text=search_text(title, description),
                    priority=rng.choice(list(Priority)),
                    due_date=now + timedelta(hours=rng.randint(-200, 800)) if n % 3 else None,
                    completed=n % 4 == 0,
                    tags=rng.sample(tags, rng.randint(0, 3)),
                )
            )
        session.add_all(tasks)
        session.commit()
        ids = [task.id for task in tasks if task.id is not None]
    with engine.connect() as connection:
        connection.exec_driver_sql("COMMIT")
        connection.exec_driver_sql("ANALYZE")
    engine.dispose()
    return user_id, ids


async def migrate(settings: Settings) -> None:
    """The real migrations, as `todo-api serve` runs them."""
    engine = create_db_engine(settings)
    await run_migrations(engine)
    await engine.dispose()


def _get(server: Server, path: str, token: str) -> tuple[Any, str | None]:
    request = urllib.request.Request(
        f"http://{HOST}:{server.port}{path}", headers={"Authorization": f"Bearer {token}"}
    )
    with urllib.request.urlopen(request) as response:  # noqa: S310 (our own local server)
        return json.loads(response.read()), response.headers["X-Total-Count"]


def same_answers(servers: list[Server], user_id: str, task_id: int, token: str) -> None:
    """Every server must answer the same page and total, and the same task, or the comparison
    is void (the floors serve one task only)."""
    lists = [_get(server, f"/api/{user_id}/tasks?limit=50", token) for server in servers[:2]]
    pages = [([(task["id"], task["tags"]) for task in page], total) for page, total in lists]
    assert pages[0] == pages[1], "ours and raw answer different lists"
    tasks = [_get(server, f"/api/{user_id}/tasks/{task_id}", token)[0] for server in servers]
    shown = [(task["id"], task["title"], task["tags"], task["completed"]) for task in tasks]
    assert all(one == shown[0] for one in shown), f"the servers answer different tasks: {shown}"


def free_port() -> int:
    """An unused local TCP port."""
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        port: int = probe.getsockname()[1]
        return port


def _answers_ok(port: int, path: str) -> bool:
    try:
        with socket.create_connection((HOST, port), timeout=1) as conn:
            conn.sendall(f"GET {path} HTTP/1.1\r\nHost: {HOST}\r\n\r\n".encode())
            return conn.recv(64).startswith(b"HTTP/1.1 200")
    except OSError:
        return False


@contextmanager
def uvicorn_server(
    name: str, target: list[str], env: dict[str, str], ready_path: str
) -> Iterator[Server]:
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
        yield Server(name, port, process.pid)
    finally:
        process.terminate()
        process.wait(timeout=10)


def sessions_opened(dsn: str) -> int:
    """How many sessions the benchmark database has had so far (pg_stat_database)."""
    with psycopg.connect(dsn, autocommit=True) as connection:
        row = connection.execute(
            "SELECT sessions FROM pg_stat_database WHERE datname = current_database()"
        ).fetchone()
    return int(row[0]) if row else 0


def _milliseconds(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    if match is None:
        raise ValueError(f"unexpected wrk latency {text!r}")
    value, unit = match.groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def wrk(server: Server, script: Path, token: str, connections: int, seconds: float) -> Run:
    """One wrk run; its rate, latency percentiles and errors, and the server's CPU per request."""
    command = [
        "wrk", "-t1", f"-c{connections}", f"-d{round(seconds)}s", "--latency", "-s", str(script),
        "-H", f"Authorization: Bearer {token}", f"http://{HOST}:{server.port}",
    ]  # fmt: skip
    cpu_before = server.cpu_seconds()
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    cpu = server.cpu_seconds() - cpu_before
    requests = int(re.search(r"(\d+) requests in", output).group(1))  # type: ignore[union-attr]
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    p50 = re.search(r"^\s+50%\s+(\S+)", output, re.M).group(1)  # type: ignore[union-attr]
    p99 = re.search(r"^\s+99%\s+(\S+)", output, re.M).group(1)  # type: ignore[union-attr]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(r"Socket errors: .*", output)
    if socket_errors:
        print(f"  {server.name}: {socket_errors.group(0)}", file=sys.stderr)
    return Run(
        rate=rate,
        p50_ms=_milliseconds(p50),
        p99_ms=_milliseconds(p99),
        cpu_ms=cpu / requests * 1000 if requests else 0.0,
        errors=int(errors.group(1)) if errors else 0,
        sessions=0,
    )


def measure(
    servers: list[Server], script: Path, token: str, level: int, args: argparse.Namespace, dsn: str
) -> dict[str, list[Run]]:
    """`args.rounds` rounds, each one run per server in turn (ours, raw, ours, raw, ...)."""
    runs: dict[str, list[Run]] = {server.name: [] for server in servers}
    for server in servers:  # warm-up, not counted
        wrk(server, script, token, level, args.warmup)
    for _ in range(args.rounds):
        for server in servers:
            before = sessions_opened(dsn)
            run = wrk(server, script, token, level, args.seconds)
            opened = sessions_opened(dsn) - before - 1  # our own probe counts as one
            runs[server.name].append(
                Run(run.rate, run.p50_ms, run.p99_ms, run.cpu_ms, run.errors, opened)
            )
    return runs


def median(runs: list[Run], field: str) -> float:
    """The median of one field over runs."""
    return statistics.median(getattr(run, field) for run in runs)


def report_row(scenario: str, level: int, runs: dict[str, list[Run]]) -> str:
    """One table row: ours and raw medians and their ratios."""
    ours, raw = runs["ours"], runs["raw"]
    cells = [f"{scenario:<9}{level:>5}"]
    for side in (ours, raw):
        cells.append(
            f"{median(side, 'rate'):>8.0f}{median(side, 'p50_ms'):>8.1f}"
            f"{median(side, 'p99_ms'):>8.1f}{median(side, 'cpu_ms'):>7.2f}"
        )
    cells.append(
        f"{median(ours, 'rate') / median(raw, 'rate'):>7.2f}"
        f"{median(ours, 'cpu_ms') / median(raw, 'cpu_ms'):>7.2f}"
        f"{median(ours, 'p99_ms') / median(ours, 'p50_ms'):>8.2f}"
        f"{max(run.sessions for run in ours):>6}{sum(run.errors for run in ours):>6}"
    )
    return "".join(cells)


def floor_row(name: str, runs: list[Run], raw: list[Run]) -> str:
    """A floor's line under a get row: its medians, and its rate and CPU against raw's."""
    return (
        f"  {name:<18}{median(runs, 'rate'):>8.0f}{median(runs, 'p50_ms'):>8.1f}"
        f"{median(runs, 'p99_ms'):>8.1f}{median(runs, 'cpu_ms'):>7.2f}"
        f"{median(runs, 'rate') / median(raw, 'rate'):>7.2f}"
        f"{median(runs, 'cpu_ms') / median(raw, 'cpu_ms'):>7.2f}"
    )


def main() -> None:
    """Seed, serve, drive, report."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=5.0, help="per measured run")
    parser.add_argument("--warmup", type=float, default=2.0)
    parser.add_argument("--rounds", type=int, default=3, help="alternating runs per row")
    parser.add_argument(
        "--levels",
        type=lambda text: [int(part) for part in text.split(",")],
        default=[1, 10, 32, 128],
        help="connections, comma-separated: each scenario runs at each",
    )
    parser.add_argument("--only", default=None, help="comma-separated scenarios to run")
    parser.add_argument(
        "--floors", action="store_true", help="alternate the get floors with ours and raw"
    )
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed: apt-get install wrk")
    with fresh_postgres_database("todo_bench") as url:
        settings = Settings(_env_file=None, database_url=url, jwt_secret=JWT_SECRET)  # type: ignore[call-arg]
        asyncio.run(migrate(settings))
        user_id, task_ids = seed(url)
        token = create_access_token(user_id=user_id, settings=settings)
        dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
        app_env = {
            "DATABASE_URL": url,
            "JWT_SECRET": JWT_SECRET,
            "LOG_LEVEL": "WARNING",
            "ENVIRONMENT": "production",
            "RATE_LIMIT_ENABLED": "false",
        }
        raw_env = {"RAW_DATABASE_DSN": dsn, "RAW_POOL_SIZE": str(settings.db_pool_size)}
        ready = f"/api/{user_id}/tasks?limit=1"
        with (
            uvicorn_server(
                "ours", ["backend.main:create_app", "--factory"], app_env, "/api/health"
            ) as ours,
            uvicorn_server("raw", ["tests.benchmarks.raw_tasks:app"], raw_env, ready) as raw,
            ExitStack() as floors_running,
            tempfile.TemporaryDirectory() as scripts,
        ):
            floors = [
                floors_running.enter_context(
                    uvicorn_server(
                        name,
                        [f"tests.benchmarks.get_floors:{name}", "--factory"],
                        app_env | raw_env,
                        "/api/health",
                    )
                )
                for name in (FLOORS if args.floors else ())
            ]
            same_answers([ours, raw, *floors], user_id, task_ids[0], token)
            rows = [(name, level) for name in SCENARIOS for level in args.levels]
            if args.only:
                rows = [row for row in rows if row[0] in args.only.split(",")]
            print(
                f"\n{SEED_TASKS} tasks on Postgres (ANALYZEd), 1 uvicorn worker each, wrk -t1, "
                f"{args.seconds:.0f}s runs, ours/raw alternated {args.rounds}x, medians\n"
            )
            print(
                f"{'route':<9}{'conns':>5}{'ours/s':>8}{'p50':>8}{'p99':>8}{'CPUms':>7}"
                f"{'raw/s':>8}{'p50':>8}{'p99':>8}{'CPUms':>7}{'rate':>7}{'CPU':>7}"
                f"{'p99/50':>8}{'sess':>6}{'errs':>6}"
            )
            for scenario, level in rows:
                script = Path(scripts) / f"{scenario.replace(' ', '_')}.lua"
                ids = ",".join(map(str, task_ids))
                script.write_text(SCENARIOS[scenario].format(user=user_id, ids=ids))
                floored = floors if scenario == "get" else []
                runs = measure([ours, raw, *floored], script, token, level, args, dsn)
                print(report_row(scenario, level, runs), flush=True)
                for floor in floored:
                    print(floor_row(floor.name, runs[floor.name], runs["raw"]), flush=True)
    print(
        "\nrate: ours/raw req/s; CPU: ours/raw CPU ms per request; p99/50: ours; sess: Postgres "
        "sessions ours opened in its busiest run; errs: ours' non-2xx responses. Floors "
        "(indented, --floors): their rate and CPU against raw's."
    )
    print(json.dumps({"python": sys.version.split()[0], "cores": os.cpu_count()}))


if __name__ == "__main__":
    main()
