"""Statelessness: any app instance can serve any turn, and a turn's cost ignores history length."""

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session

from backend.chat.providers.local import LocalEngine
from backend.config import Settings
from backend.main import create_app
from tests.chat.conftest import SeedTask, fixed_clock, send
from tests.chat.history import seed_conversation
from tests.conftest import AuthedUser
from tests.databases import recorded_statements


@pytest.fixture
def two_clients(settings: Settings, engine: Engine) -> Iterator[tuple[TestClient, TestClient]]:
    """Two app instances, each with its own engines and pools, on the one test database."""
    apps = [create_app(settings), create_app(settings)]
    for instance in apps:
        instance.state.chat_provider = LocalEngine(clock=fixed_clock)
    assert apps[0].state.engine is not apps[1].state.engine
    with TestClient(apps[0]) as first, TestClient(apps[1]) as second:
        yield first, second


class TestStatelessness:
    def test_two_instances_serve_alternate_turns_of_one_conversation(
        self, two_clients: tuple[TestClient, TestClient], alice: AuthedUser
    ) -> None:
        a, b = two_clients
        added = send(a, alice, "add buy milk tomorrow")
        conversation = added["conversation_id"]
        task_id = added["tool_calls"][0]["result"]["task"]["id"]
        done = send(b, alice, "mark it as done", conversation)
        assert done["tool_calls"][0]["arguments"] == {"task_id": task_id, "completed": True}
        renamed = send(a, alice, "rename it to Buy oat milk", conversation)
        assert renamed["tool_calls"][0]["arguments"]["task_id"] == task_id
        listed = send(b, alice, "show completed tasks", conversation)
        assert f"#{task_id} “Buy oat milk”" in listed["response"]
        detail = b.get(f"/api/me/conversations/{conversation}", headers=alice.headers).json()
        assert detail["message_count"] == 8
        assert (
            detail == a.get(f"/api/me/conversations/{conversation}", headers=alice.headers).json()
        )


@pytest.mark.usefixtures("local_engine")
class TestQueriesPerTurn:
    def test_same_query_count_for_5_and_500_messages(
        self,
        client: TestClient,
        app_engine: Engine,
        session: Session,
        alice: AuthedUser,
        seed_task: SeedTask,
    ) -> None:
        short, _ = seed_conversation(session, alice.id, seed_task(alice, "Buy milk"), 5)
        long, _ = seed_conversation(session, alice.id, seed_task(alice, "Buy milk"), 500)
        send(client, alice, "hello")  # warm the pool
        counts = {}
        for name, conversation in (("short", short), ("long", long)):
            for sentence in ("mark it as done", "show my tasks"):
                with recorded_statements(app_engine) as statements:
                    turn = send(client, alice, sentence, conversation)
                assert turn["tool_calls"]
                counts[name, sentence] = len(statements)
        assert counts["short", "show my tasks"] == counts["long", "show my tasks"]
        assert counts["short", "mark it as done"] == counts["long", "mark it as done"]

    def test_history_is_read_with_one_bounded_query(
        self, client: TestClient, app_engine: Engine, session: Session, alice: AuthedUser
    ) -> None:
        conversation, _ = seed_conversation(session, alice.id, 1, 500)
        with recorded_statements(app_engine) as statements:
            send(client, alice, "hello", conversation)
        history = [s for s in statements if "FROM messages" in s]
        assert len(history) == 1
        assert "ORDER BY messages.id DESC" in history[0]
        assert "LIMIT" in history[0]
