"""`POST /chat` with `Accept: text/event-stream`: events, their order, errors, disconnects."""

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

import anyio
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from backend.chat import service
from backend.chat.agent import DELETED_MESSAGE
from backend.chat.models import ChatResponse, Message
from backend.chat.providers.base import ProviderError, TextSink, ToolCaller
from backend.chat.streaming import wants_event_stream
from backend.datetimes import utcnow
from backend.db import open_session
from tests.chat.conftest import (
    Chat,
    SeedTask,
    StreamingOnlyProvider,
    chat_url,
    sse_events,
    stream,
)
from tests.chat.test_lease import lease_of, set_lease, stored
from tests.conftest import AuthedUser, replaced_state


def conversation_json(client: TestClient, user: AuthedUser, conversation_id: int) -> Any:
    """The conversation as `GET /conversations/{id}` shows it."""
    response = client.get(f"/api/me/conversations/{conversation_id}", headers=user.headers)
    assert response.status_code == 200
    return response.json()


class TestAcceptHeader:
    @pytest.mark.parametrize(
        ("accept", "streams"),
        [
            ("text/event-stream", True),
            ("application/json, text/event-stream;q=0.9", True),
            ("application/json", False),
            ("*/*", False),
            ("", False),
            ("text/event-streams", False),
        ],
    )
    def test_only_a_listed_event_stream_streams(self, accept: str, streams: bool) -> None:
        assert wants_event_stream(accept) is streams


class TestLocalEngineStream:
    def test_tool_calls_then_the_reply_then_done_equal_to_the_json_body(
        self, client: TestClient, local_engine: None, alice: AuthedUser, seed_task: SeedTask
    ) -> None:
        seed_task(alice, "Buy milk")
        response = stream(client, alice, "mark buy milk as done")
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        assert response.headers["cache-control"] == "no-cache"
        events = sse_events(response.text)
        names = [name for name, _ in events]
        assert names == ["tool_call", "tool_call", "delta", "done"]
        done = events[-1][1]
        assert ChatResponse.model_validate(done).model_dump(mode="json") == done
        assert [data for name, data in events if name == "tool_call"] == done["tool_calls"]
        assert (
            "".join(data["text"] for name, data in events if name == "delta") == (done["response"])
        )
        [*_, answer] = conversation_json(client, alice, done["conversation_id"])["messages"]
        assert (answer["content"], answer["tool_calls"]) == (done["response"], done["tool_calls"])

    def test_the_json_route_answers_the_same_body_for_the_same_turn(
        self, client: TestClient, chat: Chat, alice: AuthedUser, bob: AuthedUser
    ) -> None:
        streamed = sse_events(stream(client, alice, "hello").text)[-1][1]
        answered = chat(bob, "hello")
        assert {**streamed, "conversation_id": 0} == {**answered, "conversation_id": 0}

    def test_a_conversation_goes_on_between_streamed_and_json_turns(
        self, client: TestClient, chat: Chat, alice: AuthedUser
    ) -> None:
        first = sse_events(stream(client, alice, "add buy milk").text)[-1][1]
        conversation_id = first["conversation_id"]
        chat(alice, "mark it as done", conversation_id)
        last = sse_events(stream(client, alice, "show my tasks", conversation_id).text)[-1][1]
        assert last["conversation_id"] == conversation_id
        roles = [m["role"] for m in conversation_json(client, alice, conversation_id)["messages"]]
        assert roles == ["user", "assistant"] * 3


class TestErrorsBeforeTheStream:
    def test_busy_conversation_is_a_plain_409(
        self,
        client: TestClient,
        chat: Chat,
        alice: AuthedUser,
        engine: Engine,
    ) -> None:
        conversation_id = chat(alice, "hello")["conversation_id"]
        set_lease(engine, conversation_id, utcnow() + timedelta(minutes=5))
        response = stream(client, alice, "again", conversation_id)
        assert response.status_code == 409
        assert response.headers["retry-after"] == "2"
        assert response.json()["code"] == "conflict"
        assert len(stored(engine, conversation_id)) == 2

    def test_someone_elses_conversation_is_a_plain_404(
        self, client: TestClient, chat: Chat, alice: AuthedUser, bob: AuthedUser
    ) -> None:
        conversation_id = chat(alice, "hello")["conversation_id"]
        response = stream(client, bob, "hi", conversation_id)
        assert response.status_code == 404
        assert response.headers["content-type"] == "application/json"

    def test_no_token_is_a_plain_401(self, client: TestClient, alice: AuthedUser) -> None:
        response = client.post(
            chat_url(alice), json={"message": "hi"}, headers={"Accept": "text/event-stream"}
        )
        assert response.status_code == 401


class FailingProvider:
    """Adds a task, then fails as an unreachable provider would."""

    async def reply(
        self, *, history: Sequence[Message], message: str, call_tool: ToolCaller
    ) -> str:
        await call_tool("add_task", {"title": "Made before the failure"})
        raise ProviderError("The AI provider is unreachable")


class TestErrorsInTheStream:
    def test_provider_failure_is_an_error_event_with_the_502_body_and_the_message_kept(
        self, app: FastAPI, client: TestClient, alice: AuthedUser, engine: Engine
    ) -> None:
        with replaced_state(app, "chat_provider", FailingProvider()):
            response = stream(client, alice, "add something")
        assert response.status_code == 200
        events = sse_events(response.text)
        assert [name for name, _ in events] == ["tool_call", "error"]
        error = events[-1][1]
        message = "The AI provider is unreachable; your message was saved, please try again"
        assert error == {
            "status": 502,
            "detail": message,
            "code": "bad_gateway",
            "message": message,
        }
        conversation_id = client.get("/api/me/conversations", headers=alice.headers).json()[0]["id"]
        assert [role for role, _ in stored(engine, conversation_id)] == ["user", "assistant"]
        assert lease_of(engine, conversation_id) is None


class GatedStreamingProvider(StreamingOnlyProvider):
    """Streams a first delta, waits until the client has gone, then adds a task and finishes."""

    def __init__(self, client_gone: anyio.Event) -> None:
        self.client_gone = client_gone
        self.finished = False

    async def stream_reply(
        self, *, history: Sequence[Message], message: str, call_tool: ToolCaller, on_text: TextSink
    ) -> str:
        on_text("Adding ")
        await self.client_gone.wait()
        await call_tool("add_task", {"title": "Added after the client left"})
        on_text("it.")
        self.finished = True
        return "Adding it."


async def leave_after_first_delta(
    app: FastAPI,
    user: AuthedUser,
    client_gone: anyio.Event,
    spec_version: str,
    *,
    path: str = "/api/me/chat",
    body: bytes = b'{"message": "add it"}',
    delta: bytes = b"event: delta",
) -> list[bytes]:
    """Drive one streamed turn through the ASGI app; the client leaves at the first chunk
    holding `delta` (a disconnect message, or a failing send under ASGI 2.4). The body chunks
    it got."""
    scope = {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": spec_version},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [
            (b"host", b"testserver"),
            (b"authorization", user.headers["Authorization"].encode()),
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
            (b"accept", b"text/event-stream"),
        ],
        "client": ("127.0.0.1", 1),
        "server": ("testserver", 80),
        "state": {},
    }
    received: list[bytes] = []
    requested = False

    async def receive() -> dict[str, Any]:
        nonlocal requested
        if not requested:
            requested = True
            return {"type": "http.request", "body": body, "more_body": False}
        await client_gone.wait()
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        if client_gone.is_set():  # a client that has gone receives nothing
            if spec_version == "2.4":
                raise OSError("the client has gone")
            return
        if message["type"] == "http.response.body" and message.get("body"):
            received.append(message["body"])
            if delta in message["body"]:
                client_gone.set()

    await app(scope, receive, send)
    return received


def leave_mid_stream(
    client: TestClient, app: FastAPI, user: AuthedUser, spec_version: str, **request: Any
) -> tuple[list[bytes], bool]:
    """One streamed turn, on a provider that goes on only once the client has left at its first
    delta (`leave_after_first_delta`, `request` its path, body and delta); the chunks the
    client got, and whether the provider then finished."""
    assert client.portal is not None

    async def scenario() -> tuple[list[bytes], bool]:
        client_gone = anyio.Event()
        provider = GatedStreamingProvider(client_gone)
        with replaced_state(app, "chat_provider", provider):
            chunks = await leave_after_first_delta(app, user, client_gone, spec_version, **request)
        return chunks, provider.finished

    return client.portal.call(scenario)


class TestClientLeavingMidStream:
    @pytest.mark.parametrize("spec_version", ["2.3", "2.4"])
    def test_turn_finishes_and_is_stored_after_the_client_leaves(
        self,
        app: FastAPI,
        client: TestClient,
        alice: AuthedUser,
        engine: Engine,
        spec_version: str,
    ) -> None:
        chunks, finished = leave_mid_stream(client, app, alice, spec_version)
        assert finished
        assert sse_events(b"".join(chunks).decode()) == [("delta", {"text": "Adding "})]
        [conversation] = client.get("/api/me/conversations", headers=alice.headers).json()
        assert stored(engine, conversation["id"]) == [
            ("user", "add it"),
            ("assistant", "Adding it."),
        ]
        assert lease_of(engine, conversation["id"]) is None
        tasks = client.get("/api/me/tasks", headers=alice.headers).json()
        assert [task["title"] for task in tasks] == ["Added after the client left"]


class DeletingProvider:
    """Answers after the user has deleted the conversation meanwhile (from another tab)."""

    def __init__(self, app: FastAPI, user: AuthedUser) -> None:
        self.app = app
        self.user = user

    async def reply(
        self, *, history: Sequence[Message], message: str, call_tool: ToolCaller
    ) -> str:
        async with open_session(self.app.state.engine) as session:
            conversations, _ = await service.list_conversations(
                session, owner_id=self.user.id, limit=10, offset=0
            )
            for conversation in conversations:
                assert conversation.id is not None
                await service.delete_conversation(
                    session, owner_id=self.user.id, conversation_id=conversation.id
                )
            await session.commit()
        return "Done."


class TestConversationDeletedMidTurn:
    def test_the_stream_ends_with_a_404_error_event_not_a_database_outage(
        self, app: FastAPI, client: TestClient, alice: AuthedUser
    ) -> None:
        with replaced_state(app, "chat_provider", DeletingProvider(app, alice)):
            response = stream(client, alice, "hello")
        assert response.status_code == 200
        events = sse_events(response.text)
        assert [name for name, _ in events] == ["delta", "error"]
        error = events[-1][1]
        assert (error["status"], error["code"]) == (404, "not_found")
        assert error["message"] == DELETED_MESSAGE
        assert client.get("/api/me/conversations", headers=alice.headers).json() == []

    def test_the_json_turn_is_404(
        self, app: FastAPI, client: TestClient, alice: AuthedUser
    ) -> None:
        with replaced_state(app, "chat_provider", DeletingProvider(app, alice)):
            response = client.post(
                chat_url(alice), json={"message": "hello"}, headers=alice.headers
            )
        assert response.status_code == 404
        assert response.json()["message"] == DELETED_MESSAGE
