"""Benchmark: process CPU of one Agents SDK chat turn, by phase, up to the model request.

Run: `uv run python -m tests.benchmarks.turn_cpu [turns] [sqlite|postgres] [--tool-call]
[--profile FILE]` (a throwaway SQLite file, or a throwaway database on the test Postgres server).

`turns` turns of `POST /api/me/chat` run one after another in process (httpx's ASGI transport,
the app's lifespan running) with `CHAT_PROVIDER=openai`, the `openai` client on an
`httpx2.MockTransport` that answers at once in text (`--tool-call`: calls `list_tasks` first,
then answers in text). Each turn's process CPU (`time.process_time`) is split at marks: the app
is entered, `start_turn` returns (auth, lease, history, user message), the provider's `_run` is
entered, `TurnTools` has connected and listed its tools, the first model request reaches the
transport ("waiting" starts there), and the response is back (after every round). Prints the
median and mean CPU milliseconds of each phase over the turns after a warm-up; `--profile FILE`
writes a cProfile of the timed turns (view with `python -m pstats`).
"""

import argparse
import asyncio
import cProfile
import json
import statistics
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import ExitStack, asynccontextmanager
from functools import wraps
from itertools import pairwise
from typing import Any, ParamSpec, TypeVar
from unittest import mock

import httpx
import httpx2

from backend.auth.security import create_access_token
from backend.chat import agent as chat_agent
from backend.chat.providers.agents_sdk import AgentsProvider, TurnTools
from backend.main import create_app
from backend.schema import run_migrations
from tests.benchmarks.tasks_load import add_user
from tests.chat.scripted import calls, scripted_provider, text
from tests.conftest import make_settings
from tests.databases import throwaway_database

WARM_UP = 20
MARKS = ("app entered", "start_turn done", "provider entered", "tools listed", "request sent")
PHASES = (
    "auth + start_turn",
    "route → provider",
    "connect, Agent, run → tools listed",
    "tools listed → request sent",
    "response → stored → HTTP 200",
)
P = ParamSpec("P")
T = TypeVar("T")


class Marks:
    """The process CPU time at each mark of the current turn."""

    def __init__(self) -> None:
        self.at: dict[str, float] = {}

    def __call__(self, name: str) -> None:
        """Record `name` once per turn (the first time it is reached)."""
        self.at.setdefault(name, time.process_time())

    def after(self, name: str, function: Callable[P, Awaitable[T]]) -> Callable[P, Awaitable[T]]:
        """`function`, recording `name` when it returns."""

        @wraps(function)
        async def marked(*args: P.args, **kwargs: P.kwargs) -> T:
            result = await function(*args, **kwargs)
            self(name)
            return result

        return marked

    def before(self, name: str, function: Callable[P, Awaitable[T]]) -> Callable[P, Awaitable[T]]:
        """`function`, recording `name` when it is called."""

        @wraps(function)
        async def marked(*args: P.args, **kwargs: P.kwargs) -> T:
            self(name)
            return await function(*args, **kwargs)

        return marked


def instrument(marks: Marks) -> ExitStack:
    """Patches that record the marks of a turn."""
    stack = ExitStack()
    stack.enter_context(
        mock.patch("backend.chat.router.start_turn", marks.after(MARKS[1], chat_agent.start_turn))
    )
    stack.enter_context(
        mock.patch.object(AgentsProvider, "_run", marks.before(MARKS[2], AgentsProvider._run))
    )
    stack.enter_context(
        mock.patch.object(TurnTools, "list_tools", marks.after(MARKS[3], TurnTools.list_tools))
    )
    return stack


@asynccontextmanager
async def running_app(
    url: str, marks: Marks, *, tool_call: bool
) -> AsyncIterator[tuple[httpx.AsyncClient, str]]:
    """The app on `url` with the scripted provider (which first calls `list_tasks` when
    `tool_call`), its lifespan running; a client and the chat path of a user with a token."""
    settings = make_settings(url)
    app = create_app(settings)
    await run_migrations(app.state.engine)
    answer, call = text("Nothing to do."), calls(("list_tasks", "{}"))

    def endpoint(request: httpx2.Request) -> httpx2.Response:
        marks(MARKS[4])
        answered = json.loads(request.content)["messages"][-1]["role"] == "tool"
        return answer(request) if answered or not tool_call else call(request)

    app.state.chat_provider = scripted_provider(settings, endpoint)
    user_id = add_user(url)
    token = create_access_token(user_id=user_id, settings=settings)

    async def entered(scope: Any, receive: Any, send: Any) -> None:
        marks(MARKS[0])
        await app(scope, receive, send)

    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=entered)
        headers = {"Authorization": f"Bearer {token}"}
        async with httpx.AsyncClient(
            transport=transport, base_url="http://test", headers=headers
        ) as client:
            yield client, f"/api/{user_id}/chat"


async def run(
    turns: int, url: str, profile: cProfile.Profile | None, *, tool_call: bool
) -> list[list[float]]:
    """Time `turns` turns after a warm-up; each turn's phases in CPU milliseconds."""
    marks = Marks()
    timed: list[list[float]] = []
    with instrument(marks):
        async with running_app(url, marks, tool_call=tool_call) as (client, path):
            for turn in range(-WARM_UP, turns):
                marks.at.clear()
                if profile is not None and turn == 0:
                    profile.enable()
                response = await client.post(path, json={"message": "show my tasks"})
                done = time.process_time()
                assert response.status_code == 200, response.text
                points = [marks.at[name] for name in MARKS] + [done]
                if turn >= 0:
                    timed.append([(b - a) * 1000 for a, b in pairwise(points)])
    if profile is not None:
        profile.disable()
    return timed


def main() -> None:
    """Parse options, run, print the phases."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("turns", type=int, nargs="?", default=200)
    parser.add_argument("database", choices=("sqlite", "postgres"), nargs="?", default="postgres")
    parser.add_argument("--tool-call", action="store_true", help="a list_tasks round first")
    parser.add_argument("--profile", help="write a cProfile of the timed turns to this file")
    args = parser.parse_args()
    profile = cProfile.Profile() if args.profile else None
    with throwaway_database(args.database, "turn_cpu") as url:
        timed = asyncio.run(run(args.turns, url, profile, tool_call=args.tool_call))
    if profile is not None:
        profile.dump_stats(args.profile)
    rounds = "a list_tasks round, then text" if args.tool_call else "text"
    print(f"Agents SDK turn CPU, {args.database}, {args.turns} turns, {rounds} (ms: median / mean)")
    columns = list(zip(*timed, strict=True))
    for phase, samples in zip(PHASES, columns, strict=True):
        print(f"  {phase:<34} {statistics.median(samples):6.2f} / {statistics.fmean(samples):6.2f}")
    before = [sum(turn[:4]) for turn in timed]
    total = [sum(turn) for turn in timed]
    print(f"  {'until the request is sent':<34} {statistics.median(before):6.2f} / "
          f"{statistics.fmean(before):6.2f}")  # fmt: skip
    print(f"  {'whole turn':<34} {statistics.median(total):6.2f} / {statistics.fmean(total):6.2f}")


if __name__ == "__main__":
    main()
