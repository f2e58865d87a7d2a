"""The turn gate: at most `CHAT_TURN_CONCURRENCY` turns of a worker do their work at once, the
others wait their turn; a turn waiting on its model holds no place; every way a turn ends frees
its place."""

import asyncio
import json
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, suppress
from typing import Any

import anyio.to_thread
import httpx2
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, func, select

from backend.chat.gate import TurnGate, model_wait_ended, model_wait_started
from backend.chat.models import Message
from backend.chat.providers.base import ProviderError, ToolCaller
from backend.chat.providers.local import LocalEngine
from backend.config import Settings
from backend.main import create_app
from tests.chat.conftest import FailingProvider, chat_url, fixed_clock, send
from tests.chat.scripted import ScriptedEndpoint, as_stream, scripted_provider, status, text
from tests.chat.test_chatkit import create, reply_text
from tests.conftest import AuthedUser, dispose_engine

# Only a safety net so a broken test cannot hang the run; every wait ends on an event.
WAIT_SECONDS = 30


def eventually(condition: Callable[[], bool]) -> bool:
    """Whether `condition` comes true (polled) before the safety net's deadline."""
    deadline = time.monotonic() + WAIT_SECONDS
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


class Release:
    """What a held model or provider waits for: the test's go, from another thread."""

    def __init__(self) -> None:
        self.arrived = 0
        self.go = threading.Event()

    async def wait(self) -> None:
        """Count this arrival, then wait for the go."""
        self.arrived += 1
        if not await anyio.to_thread.run_sync(self.go.wait, WAIT_SECONDS):
            raise ProviderError("The test never let the held call go")


class HeldProvider:
    """The local engine, each reply held until the test lets it go: a provider that holds its
    place for the whole turn, as every provider but the Agents SDK's does."""

    def __init__(self) -> None:
        self.release = Release()
        self.engine = LocalEngine(clock=fixed_clock)

    async def reply(
        self, *, history: Sequence[Message], message: str, call_tool: ToolCaller
    ) -> str:
        """Wait for the go, then answer like the local engine."""
        await self.release.wait()
        return await self.engine.reply(history=history, message=message, call_tool=call_tool)


def held_endpoint(release: Release) -> Callable[[httpx2.Request], Any]:
    """A scripted model that answers in text once the test lets it go."""

    async def answer(request: httpx2.Request) -> httpx2.Response:
        await release.wait()
        response = text("Done.")(request)
        return as_stream(response) if json.loads(request.content).get("stream") else response

    return answer


def held_model_client(client: TestClient, settings: Settings) -> tuple[TestClient, Release]:
    """`client`, its app chatting through a scripted model held until the release's go."""
    release = Release()
    client.app.state.chat_provider = scripted_provider(  # type: ignore[attr-defined]
        settings, held_endpoint(release), clock=fixed_clock
    )
    return client, release


@pytest.fixture
def gated(settings: Settings, engine: Engine) -> Iterator[Callable[[int], TestClient]]:
    """Factory: a client of an app of its own whose turn gate has `size` places."""
    with ExitStack() as stack:

        def make(size: int) -> TestClient:
            app = create_app(settings.model_copy(update={"chat_turn_concurrency": size}))
            app.state.chat_provider = LocalEngine(clock=fixed_clock)
            stack.callback(dispose_engine, app)
            return stack.enter_context(TestClient(app))

        yield make


def gate_of(client: TestClient) -> TurnGate:
    """The app's turn gate."""
    gate: TurnGate = client.app.state.turn_gate  # type: ignore[attr-defined]
    return gate


def in_threads(
    *requests: Callable[[], httpx2.Response],
) -> tuple[list[threading.Thread], list[httpx2.Response]]:
    """Send each request from a thread of its own; the threads (started) and their answers."""
    answers: list[httpx2.Response] = []
    threads = [threading.Thread(target=lambda r=r: answers.append(r())) for r in requests]
    for thread in threads:
        thread.start()
    return threads, answers


def joined(threads: list[threading.Thread]) -> None:
    """Wait for the threads' requests to end."""
    for thread in threads:
        thread.join(WAIT_SECONDS)


def stored_messages(engine: Engine) -> int:
    """How many messages are stored, read afresh."""
    with Session(engine) as fresh:
        return fresh.exec(select(func.count()).select_from(Message)).one()


def turn(client: TestClient, user: AuthedUser, message: str, **headers: str) -> httpx2.Response:
    """POST one new conversation's turn."""
    return client.post(
        chat_url(user), json={"message": message}, headers={**user.headers, **headers}
    )


class TestGateBoundsTurns:
    def test_no_more_than_its_size_of_turns_run_the_others_wait_having_stored_nothing(
        self, gated: Callable[[int], TestClient], alice: AuthedUser, engine: Engine
    ) -> None:
        client = gated(2)
        provider = HeldProvider()
        client.app.state.chat_provider = provider  # type: ignore[attr-defined]
        gate = gate_of(client)
        threads, answers = in_threads(
            *(lambda n=n: turn(client, alice, f"add task {n}") for n in range(4))
        )
        try:
            assert eventually(lambda: provider.release.arrived == 2 and gate.queued == 2)
            assert gate.taken == 2
            assert stored_messages(engine) == 2  # the queued turns have not started
        finally:
            provider.release.go.set()
            joined(threads)
        assert sorted(answer.status_code for answer in answers) == [200] * 4
        assert provider.release.arrived == 4
        assert stored_messages(engine) == 8
        assert (gate.taken, gate.queued) == (0, 0)

    def test_other_requests_do_not_wait_at_the_gate(
        self, gated: Callable[[int], TestClient], alice: AuthedUser
    ) -> None:
        client = gated(1)
        provider = HeldProvider()
        client.app.state.chat_provider = provider  # type: ignore[attr-defined]
        threads, answers = in_threads(lambda: turn(client, alice, "add milk"))
        try:
            assert eventually(lambda: provider.release.arrived == 1)
            listed = client.get(f"/api/{alice.id}/conversations", headers=alice.headers)
            created = client.post(
                f"/api/{alice.id}/tasks", json={"title": "Bread"}, headers=alice.headers
            )
            # Answered while the only place is held: neither waited at the gate.
            assert listed.status_code == 200
            assert created.status_code == 201
        finally:
            provider.release.go.set()
            joined(threads)
        assert [answer.status_code for answer in answers] == [200]


class TestModelWaitsHoldNoPlace:
    @pytest.mark.parametrize("accept", ["application/json", "text/event-stream"])
    def test_turns_waiting_on_the_model_all_reach_it_through_one_place(
        self,
        gated: Callable[[int], TestClient],
        settings: Settings,
        alice: AuthedUser,
        engine: Engine,
        accept: str,
    ) -> None:
        client, release = held_model_client(gated(1), settings)
        gate = gate_of(client)
        threads, answers = in_threads(
            *(lambda n=n: turn(client, alice, f"hello {n}", Accept=accept) for n in range(3))
        )
        try:
            assert eventually(lambda: release.arrived == 3)
            assert (gate.taken, gate.queued) == (0, 0)
        finally:
            release.go.set()
            joined(threads)
        assert [answer.status_code for answer in answers] == [200] * 3
        assert all("Done." in answer.text for answer in answers)
        assert stored_messages(engine) == 6
        assert (gate.taken, gate.queued) == (0, 0)

    def test_chatkit_turns_waiting_on_the_model_all_reach_it_through_one_place(
        self, gated: Callable[[int], TestClient], settings: Settings, alice: AuthedUser
    ) -> None:
        client, release = held_model_client(gated(1), settings)
        gate = gate_of(client)
        streams: list[str] = []
        threads = [
            threading.Thread(
                target=lambda m=m: streams.append(reply_text(create(client, alice, m)))
            )
            for m in ("hello", "hi")
        ]
        for thread in threads:
            thread.start()
        try:
            assert eventually(lambda: release.arrived == 2)
            assert (gate.taken, gate.queued) == (0, 0)
        finally:
            release.go.set()
            joined(threads)
        assert streams == ["Done.", "Done."]
        assert (gate.taken, gate.queued) == (0, 0)


class TestEveryEndFreesThePlace:
    def test_a_failed_provider_frees_it(
        self, gated: Callable[[int], TestClient], alice: AuthedUser
    ) -> None:
        client = gated(1)
        client.app.state.chat_provider = FailingProvider()  # type: ignore[attr-defined]
        assert turn(client, alice, "add milk").status_code == 502
        assert gate_of(client).taken == 0
        client.app.state.chat_provider = LocalEngine(clock=fixed_clock)  # type: ignore[attr-defined]
        assert send(client, alice, "add milk")["tool_calls"]

    def test_a_failed_model_request_frees_it(
        self, gated: Callable[[int], TestClient], settings: Settings, alice: AuthedUser
    ) -> None:
        client = gated(1)
        endpoint = ScriptedEndpoint(status(500))
        client.app.state.chat_provider = scripted_provider(  # type: ignore[attr-defined]
            settings, endpoint, clock=fixed_clock, chat_max_retries=0
        )
        assert turn(client, alice, "hello").status_code == 502
        assert turn(client, alice, "hello", Accept="text/event-stream").status_code == 200
        assert len(endpoint.requests) == 2
        assert gate_of(client).taken == 0

    def test_a_refused_turn_frees_it(
        self, gated: Callable[[int], TestClient], alice: AuthedUser, bob: AuthedUser
    ) -> None:
        client = gated(1)
        conversation = send(client, alice, "hello")["conversation_id"]
        body = {"message": "hi", "conversation_id": conversation}
        assert client.post(chat_url(bob), json=body, headers=bob.headers).status_code == 404
        empty = client.post(chat_url(alice), json={"message": ""}, headers=alice.headers)
        assert empty.status_code == 422
        assert gate_of(client).taken == 0
        assert send(client, alice, "show my tasks", conversation)["conversation_id"] == conversation
        assert (gate_of(client).taken, gate_of(client).queued) == (0, 0)


async def holding(gate: TurnGate, entered: asyncio.Event) -> None:
    """Hold a place until cancelled."""
    async with gate.place():
        entered.set()
        await asyncio.Event().wait()


async def settled() -> None:
    """Let every ready task run its next steps."""
    for _ in range(10):
        await asyncio.sleep(0)


class TestTurnGate:
    def test_a_cancelled_turn_frees_its_place_or_its_spot_in_the_queue(self) -> None:
        async def scenario() -> None:
            gate = TurnGate(1)
            first, second = asyncio.Event(), asyncio.Event()
            holder = asyncio.create_task(holding(gate, first))
            await first.wait()
            waiter = asyncio.create_task(holding(gate, second))
            await settled()
            assert (gate.taken, gate.queued) == (1, 1)
            waiter.cancel()
            with suppress(asyncio.CancelledError):
                await waiter
            assert (gate.taken, gate.queued) == (1, 0)
            holder.cancel()
            with suppress(asyncio.CancelledError):
                await holder
            assert (gate.taken, gate.queued) == (0, 0)
            async with gate.place():
                assert gate.taken == 1

        asyncio.run(scenario())

    def test_a_model_wait_lends_the_place_and_waits_its_turn_to_take_it_back(self) -> None:
        async def scenario() -> None:
            gate = TurnGate(1)
            order: list[str] = []
            other_in, other_out = asyncio.Event(), asyncio.Event()

            async def other() -> None:
                async with gate.place():
                    other_in.set()
                    await other_out.wait()
                    order.append("other done")

            async with gate.place():
                model_wait_started()
                assert gate.taken == 0
                task = asyncio.create_task(other())
                await other_in.wait()
                resumed = asyncio.create_task(model_wait_ended())
                await settled()
                assert (gate.taken, gate.queued) == (1, 1)
                other_out.set()
                await resumed
                order.append("turn resumed")
                assert gate.taken == 1
                await task
            assert order == ["other done", "turn resumed"]
            assert gate.taken == 0

        asyncio.run(scenario())

    def test_outside_a_turn_model_waits_change_nothing(self) -> None:
        async def scenario() -> None:
            model_wait_started()
            await model_wait_ended()

        asyncio.run(scenario())
