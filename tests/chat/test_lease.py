"""One turn at a time per conversation: a lease in the database, claimed and released per turn."""

import threading
from collections.abc import Iterator, Sequence
from datetime import datetime, timedelta
from typing import Any

import anyio.to_thread
import httpx2
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, col, select, update

from backend.chat.agent import BUSY_MESSAGE, MAX_LEASE_SECONDS, turn_lease
from backend.chat.models import Conversation, Message
from backend.chat.providers.base import ProviderError, ToolCaller
from backend.chat.providers.local import LocalEngine
from backend.config import Settings
from backend.datetimes import utcnow
from backend.main import create_app
from tests.chat.conftest import FailingProvider, chat_url, fixed_clock, send
from tests.conftest import AuthedUser, dispose_engine, make_settings

# Only a safety net so a broken test cannot hang the run; the gate is opened explicitly.
GATE_WAIT_SECONDS = 30


class GatedProvider:
    """The local engine, but each reply waits at a gate the test opens: a turn held mid-answer."""

    def __init__(self) -> None:
        self.engine = LocalEngine(clock=fixed_clock)
        self.entered = threading.Event()
        self.gate = threading.Event()

    async def reply(
        self, *, history: Sequence[Message], message: str, call_tool: ToolCaller
    ) -> str:
        """Signal that the model runs, wait for the gate, then answer like the local engine."""
        self.entered.set()
        if not await anyio.to_thread.run_sync(self.gate.wait, GATE_WAIT_SECONDS):
            raise ProviderError("The test's gate was never opened")
        return await self.engine.reply(history=history, message=message, call_tool=call_tool)


def post(
    client: TestClient, user: AuthedUser, message: str, conversation_id: int
) -> httpx2.Response:
    """POST one turn of an existing conversation; the raw response."""
    body: dict[str, Any] = {"message": message, "conversation_id": conversation_id}
    return client.post(chat_url(user), json=body, headers=user.headers)


def stored(engine: Engine, conversation_id: int) -> list[tuple[str, str]]:
    """The conversation's messages as (role, content), oldest first, read afresh."""
    with Session(engine) as fresh:
        messages = fresh.exec(
            select(Message)
            .where(Message.conversation_id == conversation_id)
            .order_by(col(Message.id))
        )
        return [(m.role, m.content) for m in messages]


def lease_of(engine: Engine, conversation_id: int) -> datetime | None:
    """The conversation's `busy_until`, read afresh."""
    with Session(engine) as fresh:
        return fresh.exec(
            select(Conversation.busy_until).where(Conversation.id == conversation_id)
        ).one()


def set_lease(engine: Engine, conversation_id: int, busy_until: datetime | None) -> None:
    """Set a conversation's lease directly, as another app instance's turn would."""
    with Session(engine) as fresh:
        fresh.exec(
            update(Conversation)
            .where(col(Conversation.id) == conversation_id)
            .values(busy_until=busy_until)
        )
        fresh.commit()


@pytest.fixture
def gated_pair(settings: Settings, engine: Engine) -> Iterator[tuple[TestClient, TestClient]]:
    """Two app instances on the one test database; the first answers through a gated provider."""
    apps = [create_app(settings), create_app(settings)]
    apps[0].state.chat_provider = GatedProvider()
    apps[1].state.chat_provider = LocalEngine(clock=fixed_clock)
    with TestClient(apps[0]) as first, TestClient(apps[1]) as second:
        yield first, second
    for instance in apps:
        dispose_engine(instance)


class TestConcurrentTurns:
    def test_second_turn_while_one_is_answered_is_409_and_messages_alternate(
        self, gated_pair: tuple[TestClient, TestClient], alice: AuthedUser, engine: Engine
    ) -> None:
        slow, fast = gated_pair
        gated: GatedProvider = slow.app.state.chat_provider  # type: ignore[attr-defined]
        conversation = send(fast, alice, "add buy milk tomorrow")["conversation_id"]
        answers: list[httpx2.Response] = []
        held = threading.Thread(
            target=lambda: answers.append(post(slow, alice, "mark it as done", conversation))
        )
        held.start()
        try:
            assert gated.entered.wait(GATE_WAIT_SECONDS)
            refused = post(fast, alice, "delete it", conversation)
        finally:
            gated.gate.set()
            held.join(GATE_WAIT_SECONDS)
        assert refused.status_code == 409
        assert refused.json() == {
            "detail": BUSY_MESSAGE,
            "code": "conflict",
            "message": BUSY_MESSAGE,
        }
        assert refused.headers["Retry-After"] == "2"
        [answered] = answers
        assert answered.status_code == 200, answered.text
        assert answered.json()["tool_calls"][0]["tool"] == "complete_task"
        messages = stored(engine, conversation)
        assert [role for role, _ in messages] == ["user", "assistant"] * 2
        assert "delete it" not in [content for _, content in messages]

    def test_after_the_held_turn_ends_the_next_turn_succeeds(
        self, gated_pair: tuple[TestClient, TestClient], alice: AuthedUser, engine: Engine
    ) -> None:
        slow, fast = gated_pair
        gated: GatedProvider = slow.app.state.chat_provider  # type: ignore[attr-defined]
        gated.gate.set()
        conversation = send(fast, alice, "add buy milk")["conversation_id"]
        send(slow, alice, "mark it as done", conversation)
        assert lease_of(engine, conversation) is None
        deleted = send(fast, alice, "delete it", conversation)
        assert deleted["tool_calls"][0]["tool"] == "delete_task"
        assert [role for role, _ in stored(engine, conversation)] == ["user", "assistant"] * 3


@pytest.mark.usefixtures("local_engine")
class TestLease:
    def test_a_turn_releases_its_lease(
        self, client: TestClient, alice: AuthedUser, engine: Engine
    ) -> None:
        conversation = send(client, alice, "hello")["conversation_id"]
        assert lease_of(engine, conversation) is None
        send(client, alice, "show my tasks", conversation)
        assert lease_of(engine, conversation) is None

    def test_live_lease_is_409_and_stores_nothing(
        self, client: TestClient, alice: AuthedUser, engine: Engine
    ) -> None:
        conversation = send(client, alice, "hello")["conversation_id"]
        held_until = utcnow() + timedelta(minutes=5)
        set_lease(engine, conversation, held_until)
        response = post(client, alice, "add buy milk", conversation)
        assert response.status_code == 409
        assert response.json()["message"] == BUSY_MESSAGE
        assert len(stored(engine, conversation)) == 2
        assert lease_of(engine, conversation) == held_until

    def test_expired_lease_does_not_block(
        self, client: TestClient, alice: AuthedUser, engine: Engine
    ) -> None:
        conversation = send(client, alice, "hello")["conversation_id"]
        set_lease(engine, conversation, utcnow() - timedelta(seconds=1))
        response = post(client, alice, "add buy milk", conversation)
        assert response.status_code == 200, response.text
        assert len(stored(engine, conversation)) == 4
        assert lease_of(engine, conversation) is None

    def test_another_users_busy_conversation_is_404_not_409(
        self, client: TestClient, alice: AuthedUser, bob: AuthedUser, engine: Engine
    ) -> None:
        conversation = send(client, alice, "hello")["conversation_id"]
        set_lease(engine, conversation, utcnow() + timedelta(minutes=5))
        assert post(client, bob, "hi", conversation).status_code == 404
        set_lease(engine, conversation, None)
        assert post(client, bob, "hi", conversation).status_code == 404
        assert lease_of(engine, conversation) is None
        assert len(stored(engine, conversation)) == 2


class TestLeaseAfterFailure:
    def test_provider_failure_is_502_and_releases_the_lease(
        self, client: TestClient, app: FastAPI, alice: AuthedUser, engine: Engine
    ) -> None:
        app.state.chat_provider = FailingProvider()
        failed = client.post(chat_url(alice), json={"message": "add milk"}, headers=alice.headers)
        assert failed.status_code == 502
        with Session(engine) as fresh:
            conversation = fresh.exec(select(Conversation.id)).one()
        assert conversation is not None
        assert lease_of(engine, conversation) is None
        again = post(client, alice, "add milk again", conversation)
        assert again.status_code == 502
        assert lease_of(engine, conversation) is None
        app.state.chat_provider = LocalEngine(clock=fixed_clock)
        assert post(client, alice, "add bread", conversation).status_code == 200
        roles = [role for role, _ in stored(engine, conversation)]
        assert roles == ["user", "user", "user", "assistant"]


class TestTurnLease:
    def test_covers_every_provider_call_of_a_turn_with_a_margin(self, database_url: str) -> None:
        settings = make_settings(
            database_url, chat_timeout_seconds=10, chat_max_retries=1, chat_max_tool_rounds=2
        )
        assert turn_lease(settings) > timedelta(seconds=10 * 2 * 3)

    def test_is_capped_however_generous_the_settings(self, database_url: str) -> None:
        settings = make_settings(
            database_url, chat_timeout_seconds=600, chat_max_retries=10, chat_max_tool_rounds=20
        )
        assert turn_lease(settings) == timedelta(seconds=MAX_LEASE_SECONDS)
