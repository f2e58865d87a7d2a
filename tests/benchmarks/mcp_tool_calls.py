"""Benchmark: latency of MCP tool calls over streamable HTTP next to the same work over REST, and
the Agents SDK's per-turn MCP session in process next to the same over HTTP.

Run: `uv run python -m tests.benchmarks.mcp_tool_calls [calls] [sqlite|postgres] [rounds]` (a
throwaway SQLite file, or a throwaway database on the test Postgres server).

Part 1 (`calls` per series): MCP add/list through one streamable-HTTP client next to REST.
Part 2 (`rounds` turns per path, the paths alternating): a chat turn's tool session as the Agents
SDK opens it. "in-process" is `TurnTools` (`backend/chat/providers/agents_sdk.py`) on a
`ToolRecorder` with its own session, exactly as a turn runs it; "HTTP" is the SDK's
`MCPServerStreamableHttp` on our `/mcp`, whose connect includes minting the per-turn access token
(`create_access_token`) a real per-turn design would need. Each turn times its connect + list
(once per turn), `TURN_CALLS` add_task and list_tasks calls, and its close.

Prints p50/p95/mean wall milliseconds, the mean process CPU milliseconds (`time.process_time`:
the uvicorn server runs in a thread of this process, so the HTTP figures include the server's
CPU) and calls per second for each series.
"""

import asyncio
import statistics
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from typing import TypeVar

import anyio
import httpx
from agents.mcp import MCPServerStreamableHttp
from agents.mcp.server import _MCPServerWithClientSession

from backend.auth.security import create_access_token
from backend.chat.agent import ToolRecorder
from backend.chat.providers.agents_sdk import TurnTools
from backend.config import Settings
from backend.db import create_db_engine, open_session
from backend.main import create_app
from backend.schema import run_migrations
from tests.benchmarks.tasks_load import add_user
from tests.conftest import make_settings
from tests.databases import throwaway_database
from tests.mcp.conftest import connect
from tests.servers import serve

DEFAULT_CALLS = 200
DEFAULT_ROUNDS = 20
# Tool calls of each kind per turn (a busy turn; most make one to three).
TURN_CALLS = 5
TURN_STEPS = ("connect + list", "add_task", "list_tasks (20)", "close")

T = TypeVar("T")


@dataclass
class Samples:
    """Wall and process-CPU seconds of each run of one step."""

    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)

    async def time(self, work: Awaitable[T]) -> T:
        """Await `work`, recording how long it took."""
        wall, cpu = time.perf_counter(), time.process_time()
        result = await work
        self.wall.append(time.perf_counter() - wall)
        self.cpu.append(time.process_time() - cpu)
        return result


def report(label: str, samples: Samples) -> None:
    """Print latency percentiles, mean CPU and throughput of one series."""
    ms = sorted(s * 1000 for s in samples.wall)
    p95 = ms[int(len(ms) * 0.95) - 1]
    print(
        f"{label:<36} n={len(ms):<5} p50={statistics.median(ms):7.2f} ms  "
        f"p95={p95:7.2f} ms  mean={statistics.fmean(ms):7.2f} ms  "
        f"cpu={statistics.fmean(samples.cpu) * 1000:6.2f} ms  "
        f"{len(ms) / sum(samples.wall):7.1f} /s"
    )


async def timed(calls: int, action: Callable[[int], Awaitable[object]]) -> Samples:
    """Run `action` `calls` times in sequence and return each duration."""
    samples = Samples()
    for i in range(calls):
        await samples.time(action(i))
    return samples


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


# Makes one turn's tool session, not yet connected; what the turn must release goes on the stack.
TurnOpener = Callable[[AsyncExitStack], _MCPServerWithClientSession]


async def run_turn(label: str, open_tools: TurnOpener, steps: dict[str, Samples]) -> None:
    """One turn's tool session: connect + list, `TURN_CALLS` adds and lists, close; timed."""

    async def connect_and_list(stack: AsyncExitStack) -> _MCPServerWithClientSession:
        tools = open_tools(stack)
        await tools.connect()
        await tools.list_tools()
        return tools

    async with AsyncExitStack() as stack:
        tools = await steps["connect + list"].time(connect_and_list(stack))
        try:
            for i in range(TURN_CALLS):
                add = tools.call_tool("add_task", {"title": f"{label} task {i}"})
                await steps["add_task"].time(add)
                await steps["list_tasks (20)"].time(tools.call_tool("list_tasks", {"limit": 20}))
        finally:
            await steps["close"].time(tools.cleanup())


@asynccontextmanager
async def in_process_turns(settings: Settings, user_id: str) -> AsyncIterator[TurnOpener]:
    """Turns as the chat runs them: `TurnTools` on a `ToolRecorder` with a session of its own,
    on an engine of this event loop (the server's engine belongs to its thread's loop)."""
    engine = create_db_engine(settings)

    def open_tools(stack: AsyncExitStack) -> _MCPServerWithClientSession:
        session = open_session(engine)
        stack.push_async_callback(session.close)
        return TurnTools(ToolRecorder(session=session, owner_id=user_id))

    try:
        yield open_tools
    finally:
        await engine.dispose()


def http_turns(base_url: str, settings: Settings, user_id: str) -> TurnOpener:
    """Turns over our `/mcp` as the SDK would open them, each with a freshly minted token."""

    def open_tools(_stack: AsyncExitStack) -> _MCPServerWithClientSession:
        token = create_access_token(user_id=user_id, settings=settings)
        return MCPServerStreamableHttp(
            {"url": f"{base_url}/mcp", "headers": {"Authorization": f"Bearer {token}"}},
            cache_tools_list=True,
            use_structured_content=True,
        )

    return open_tools


async def bench_turns(base_url: str, settings: Settings, user_id: str, rounds: int) -> None:
    """Alternate in-process and HTTP turns (the order swapping each round) and report each."""
    results = {path: {step: Samples() for step in TURN_STEPS} for path in ("in-process", "HTTP")}
    async with in_process_turns(settings, user_id) as in_process:
        openers = {"in-process": in_process, "HTTP": http_turns(base_url, settings, user_id)}
        for path, opener in openers.items():  # warm-up, not recorded
            await run_turn(path, opener, {step: Samples() for step in TURN_STEPS})
        for round_ in range(rounds):
            order = list(openers) if round_ % 2 == 0 else list(reversed(openers))
            for path in order:
                await run_turn(path, openers[path], results[path])
    print(f"per-turn tool session, {rounds} turns per path, {TURN_CALLS} calls of each per turn")
    for step in TURN_STEPS:
        for path, steps in results.items():
            report(f"{path} {step}", steps[step])


def main() -> None:
    """Serve a fresh app with one user and run the benchmark against it."""
    calls = int(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_CALLS
    backend = sys.argv[2] if len(sys.argv) > 2 else "sqlite"
    rounds = int(sys.argv[3]) if len(sys.argv) > 3 else DEFAULT_ROUNDS
    with throwaway_database(backend) as url:
        settings = make_settings(url)
        app = create_app(settings)
        asyncio.run(run_migrations(app.state.engine))
        asyncio.run(app.state.engine.dispose())  # its connections belong to that loop
        user_id = add_user(url)
        token = create_access_token(user_id=user_id, settings=settings)
        print(f"database: {backend}  calls per series: {calls}")
        with serve(app) as base_url:
            anyio.run(bench, base_url, token, calls)
            anyio.run(bench_turns, base_url, settings, user_id, rounds)


if __name__ == "__main__":
    main()
