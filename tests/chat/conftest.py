"""Chat test helpers: a fixed clock for the local engine, a chat turn helper, seeded tasks."""

import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session

from backend.chat.models import Message
from backend.chat.providers.base import ProviderError, ToolCaller
from backend.chat.providers.local import LocalEngine
from backend.config import Settings
from backend.tasks import listing, summaries
from backend.tasks import service as task_service
from backend.tasks.models import Task, TaskCreate
from backend.tasks.tools import ToolOutcome, run_tool
from tests.chat.scripted import ScriptedEndpoint, Step, UseEndpoint, scripted_provider
from tests.conftest import AuthedUser, InSession

# A Wednesday; every relative date in the chat tests is counted from it.
NOW = datetime(2026, 11, 18, 10, 0, tzinfo=UTC)

Chat = Callable[..., dict[str, Any]]
SeedTask = Callable[..., int]


def fixed_clock() -> datetime:
    """The tests' "now"."""
    return NOW


def chat_url(user: AuthedUser | str) -> str:
    """`/api/{user_id}/chat` for a user (or a literal segment such as `me`)."""
    return f"/api/{user if isinstance(user, str) else user.id}/chat"


def conversations_url(user: AuthedUser | str, suffix: str = "") -> str:
    """`/api/{user_id}/conversations…`."""
    return f"/api/{user if isinstance(user, str) else user.id}/conversations{suffix}"


def post_turn(
    client: TestClient,
    user: AuthedUser,
    message: str,
    conversation_id: int | None = None,
    **headers: str,
) -> httpx.Response:
    """POST one chat turn through HTTP (extra headers added to the user's); the raw response."""
    body: dict[str, Any] = {"message": message}
    if conversation_id is not None:
        body["conversation_id"] = conversation_id
    return client.post(chat_url(user), json=body, headers={**user.headers, **headers})


def send(
    client: TestClient, user: AuthedUser, message: str, conversation_id: int | None = None
) -> dict[str, Any]:
    """One successful chat turn through HTTP; its JSON."""
    response = post_turn(client, user, message, conversation_id)
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    return answer


def stream(
    client: TestClient, user: AuthedUser, message: str, conversation_id: int | None = None
) -> httpx.Response:
    """One chat turn asking for Server-Sent Events; the raw response."""
    return post_turn(client, user, message, conversation_id, Accept="text/event-stream")


def sse_events(body: str) -> list[tuple[str, Any]]:
    """A `text/event-stream` body as (event, parsed JSON data) pairs, in order."""
    events = []
    for block in body.split("\n\n"):
        fields = [line.split(": ", 1) for line in block.splitlines() if line]
        if fields:
            named = dict(fields)
            events.append((named["event"], json.loads(named["data"])))
    return events


@pytest.fixture
def local_engine(app: FastAPI, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The app answers with the local engine, its clock fixed at NOW, and so is the clock of
    the overdue filters its tools run (the list's and the statistics'): one "now" for what the
    engine says and what the tools find."""
    monkeypatch.setattr(listing, "utcnow", fixed_clock)
    monkeypatch.setattr(summaries, "utcnow", fixed_clock)
    previous = app.state.chat_provider
    app.state.chat_provider = LocalEngine(clock=fixed_clock)
    yield
    app.state.chat_provider = previous


@pytest.fixture
def chat(client: TestClient, local_engine: None) -> Chat:
    """Send one message as a user with the local engine; the turn's JSON."""

    def turn(user: AuthedUser, message: str, conversation_id: int | None = None) -> dict[str, Any]:
        return send(client, user, message, conversation_id)

    return turn


@pytest.fixture
def seed_task(in_session: InSession) -> SeedTask:
    """Factory: create a task for a user through the tasks service; its id."""

    def factory(user: AuthedUser, title: str, *, completed: bool = False, **fields: Any) -> int:
        task_in = TaskCreate.model_validate({"title": title, **fields, "completed": completed})
        task = in_session(
            lambda session: task_service.create_task(session, owner_id=user.id, task_in=task_in)
        )
        task_id: int = task["id"]
        return task_id

    return factory


def stored_task(session: Session, task_id: int) -> Task:
    """The task as stored now, read afresh."""
    task = session.get(Task, task_id)
    assert task is not None, f"task {task_id} is gone"
    session.refresh(task)
    return task


@pytest.fixture
def tool(in_session: InSession) -> Callable[..., ToolOutcome]:
    """Run one task tool as `owner_id` (in a session of its own, committed): its outcome."""

    def call(name: str, arguments: Mapping[str, Any] | str, *, owner_id: str) -> ToolOutcome:
        outcome: ToolOutcome = in_session(
            lambda session: run_tool(name, arguments, session=session, owner_id=owner_id)
        )
        return outcome

    return call


@pytest.fixture
def use_endpoint(app: FastAPI, settings: Settings) -> Iterator[UseEndpoint]:
    """Factory: make the app chat through the OpenAI SDK with a scripted endpoint."""
    previous = app.state.chat_provider

    def install(*steps: Step, **overrides: Any) -> ScriptedEndpoint:
        endpoint = ScriptedEndpoint(*steps)
        app.state.chat_provider = scripted_provider(
            settings, endpoint, clock=fixed_clock, **overrides
        )
        return endpoint

    yield install
    app.state.chat_provider = previous


class StreamingOnlyProvider:
    """Base of the test providers that stream: a streamed turn never asks for `reply`."""

    async def reply(
        self, *, history: Sequence[Message], message: str, call_tool: ToolCaller
    ) -> str:
        raise AssertionError("a streamed turn asks for stream_reply")


class FailingProvider:
    """A provider that is down."""

    async def reply(
        self, *, history: Sequence[Message], message: str, call_tool: ToolCaller
    ) -> str:
        """Fail like an unreachable provider."""
        raise ProviderError("The AI provider timed out")
