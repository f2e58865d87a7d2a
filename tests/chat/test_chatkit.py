"""`POST /api/chatkit`: the ChatKit protocol's requests as a ChatKit frontend sends them, answered
from our conversations; streamed events parsed with the `openai-chatkit` package's own types."""

import json
import logging
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

import httpx
import pytest
from chatkit.types import (
    AssistantMessageContentPartTextDelta,
    AssistantMessageItem,
    ErrorEvent,
    Page,
    Thread,
    ThreadCreatedEvent,
    ThreadItem,
    ThreadItemAddedEvent,
    ThreadItemDoneEvent,
    ThreadItemRemovedEvent,
    ThreadItemUpdatedEvent,
    ThreadMetadata,
    ThreadStreamEvent,
    UserMessageItem,
    WorkflowItem,
    WorkflowTaskAdded,
)
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import TypeAdapter
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from backend.chat import service
from backend.chat.agent import BUSY_MESSAGE, DELETED_MESSAGE, INTERRUPTED
from backend.chat.chatkit.server import TodoChatKitServer
from backend.chat.models import Conversation, Message
from backend.chat.providers.base import ProviderError, TextSink, ToolCaller
from backend.config import Settings
from backend.datetimes import utcnow
from backend.errors import DB_UNAVAILABLE_MESSAGE
from backend.main import create_app
from backend.tasks.models import Task
from tests.chat.conftest import Chat, SeedTask, StreamingOnlyProvider
from tests.chat.scripted import UseEndpoint, calls, text
from tests.chat.test_lease import lease_of, set_lease
from tests.chat.test_streaming import (
    DeletingProvider,
    FailingProvider,
    leave_mid_stream,
)
from tests.conftest import AuthedUser, dispose_engine, replaced_state

URL = "/api/chatkit"
EVENT: TypeAdapter[ThreadStreamEvent] = TypeAdapter(ThreadStreamEvent)
ITEMS: TypeAdapter[Page[ThreadItem]] = TypeAdapter(Page[ThreadItem])
THREADS: TypeAdapter[Page[Thread]] = TypeAdapter(Page[Thread])


def post(client: TestClient, user: AuthedUser, request: dict[str, Any]) -> httpx.Response:
    """One ChatKit request, as ChatKit.js sends it (a JSON body, the bearer header added by
    the `fetch` the frontend passes)."""
    return client.post(URL, json=request, headers=user.headers)


def user_input(message: str) -> dict[str, Any]:
    """A composer's message."""
    return {
        "content": [{"type": "input_text", "text": message}],
        "attachments": [],
        "inference_options": {},
    }


def events(response: httpx.Response) -> list[ThreadStreamEvent]:
    """A streamed answer's events, each parsed as ChatKit's `ThreadStreamEvent`."""
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/event-stream")
    blocks = [block for block in response.text.split("\n\n") if block]
    assert all(block.startswith("data: ") for block in blocks)
    return [EVENT.validate_json(block.removeprefix("data: ")) for block in blocks]


def create(client: TestClient, user: AuthedUser, message: str) -> list[ThreadStreamEvent]:
    """`threads.create` with a first message; its events."""
    request = {"type": "threads.create", "params": {"input": user_input(message)}}
    return events(post(client, user, request))


def add_message(
    client: TestClient, user: AuthedUser, thread_id: str, message: str
) -> httpx.Response:
    """`threads.add_user_message`; the raw response."""
    params = {"thread_id": thread_id, "input": user_input(message)}
    return post(client, user, {"type": "threads.add_user_message", "params": params})


def thread_id_of(streamed: list[ThreadStreamEvent]) -> str:
    """The id of the thread a `threads.create` stream created."""
    [created] = [event for event in streamed if isinstance(event, ThreadCreatedEvent)]
    return created.thread.id


def done_items(streamed: list[ThreadStreamEvent]) -> list[ThreadItem]:
    """The items a stream completed, in order."""
    return [event.item for event in streamed if isinstance(event, ThreadItemDoneEvent)]


def reply_text(streamed: list[ThreadStreamEvent]) -> str:
    """The text of the assistant message a stream completed."""
    [reply] = [item for item in done_items(streamed) if isinstance(item, AssistantMessageItem)]
    return "".join(part.text for part in reply.content)


def get_thread(client: TestClient, user: AuthedUser, thread_id: str) -> httpx.Response:
    """`threads.get_by_id`; the raw response."""
    return post(client, user, {"type": "threads.get_by_id", "params": {"thread_id": thread_id}})


def rename(client: TestClient, user: AuthedUser, thread_id: str, title: str) -> httpx.Response:
    """`threads.update`; the raw response."""
    params = {"thread_id": thread_id, "title": title}
    return post(client, user, {"type": "threads.update", "params": params})


def list_threads(client: TestClient, user: AuthedUser, **params: Any) -> Page[Thread]:
    """`threads.list`, parsed."""
    response = post(client, user, {"type": "threads.list", "params": params})
    assert response.status_code == 200, response.text
    return THREADS.validate_json(response.content)


def list_items(client: TestClient, user: AuthedUser, thread_id: str, **params: Any) -> Page[Any]:
    """`items.list`, parsed."""
    request = {"type": "items.list", "params": {"thread_id": thread_id, **params}}
    response = post(client, user, request)
    assert response.status_code == 200, response.text
    return ITEMS.validate_json(response.content)


def stored_messages(engine: Engine, thread_id: str) -> list[Message]:
    """The messages of the conversation with this ChatKit id, oldest first, read afresh."""
    with Session(engine) as fresh:
        return list(
            fresh.exec(
                select(Message)
                .join(Conversation, col(Conversation.id) == col(Message.conversation_id))
                .where(col(Conversation.chatkit_id) == thread_id)
                .order_by(col(Message.id))
            )
        )


def task_titles(engine: Engine, user: AuthedUser) -> dict[str, bool]:
    """The user's tasks as {title: completed}, read afresh."""
    with Session(engine) as fresh:
        return {
            t.title: t.completed for t in fresh.exec(select(Task).where(Task.user_id == user.id))
        }


@pytest.fixture
def thread(client: TestClient, local_engine: None, alice: AuthedUser) -> str:
    """Alice's thread, started with "add buy milk"; its id."""
    return thread_id_of(create(client, alice, "add buy milk"))


class TestThreadsCreate:
    def test_a_message_starts_a_thread_and_the_turn_streams_its_tool_calls_and_reply(
        self, client: TestClient, local_engine: None, alice: AuthedUser, engine: Engine
    ) -> None:
        streamed = create(client, alice, "add buy milk")
        thread_id = thread_id_of(streamed)
        assert thread_id.startswith("thr_")
        user_item, workflow, reply = done_items(streamed)
        assert isinstance(user_item, UserMessageItem)
        assert isinstance(workflow, WorkflowItem)
        assert isinstance(reply, AssistantMessageItem)
        [task] = workflow.workflow.tasks
        assert task.type == "custom"
        assert task.title is not None
        assert task.title.endswith("created: Buy milk")
        added = [e.update for e in streamed if isinstance(e, ThreadItemUpdatedEvent)]
        assert [type(update) for update in added] == [
            WorkflowTaskAdded,
            AssistantMessageContentPartTextDelta,
        ]
        assert reply_text(streamed) == "".join(
            u.delta for u in added if isinstance(u, AssistantMessageContentPartTextDelta)
        )
        assert "Buy milk" in reply_text(streamed)
        [created] = [e for e in streamed if isinstance(e, ThreadCreatedEvent)]
        assert created.thread.title == "add buy milk"  # titled after the message, as stored
        assert task_titles(engine, alice) == {"Buy milk": False}
        user_message, answer = stored_messages(engine, thread_id)
        assert (user_message.chatkit_id, user_message.content) == (user_item.id, "add buy milk")
        assert (answer.chatkit_id, answer.content) == (reply.id, reply_text(streamed))
        assert workflow.id == "wf_" + reply.id.removeprefix("msg_")

    def test_the_thread_is_a_conversation_of_the_chat_api(
        self, client: TestClient, thread: str, alice: AuthedUser
    ) -> None:
        [conversation] = client.get("/api/me/conversations", headers=alice.headers).json()
        assert conversation["title"] == "add buy milk"
        detail = client.get(f"/api/me/conversations/{conversation['id']}", headers=alice.headers)
        [_, answer] = detail.json()["messages"]
        assert answer["tool_calls"][0]["result"]["status"] == "created"

    def test_a_blank_message_is_422_and_stores_nothing(
        self, client: TestClient, alice: AuthedUser, engine: Engine
    ) -> None:
        request = {"type": "threads.create", "params": {"input": user_input("   ")}}
        response = post(client, alice, request)
        assert response.status_code == 422
        body = response.json()
        assert body["code"] == "validation_error"
        assert body["detail"][0]["loc"] == ["body", "params", "input", "content"]
        with Session(engine) as fresh:
            assert fresh.exec(select(Conversation)).all() == []

    def test_a_database_failure_is_503_before_any_event_and_stores_nothing(
        self,
        client: TestClient,
        alice: AuthedUser,
        engine: Engine,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        async def unreachable(*_args: Any, **_kwargs: Any) -> Any:
            raise OperationalError("INSERT INTO conversations", {}, Exception("server closed"))

        monkeypatch.setattr(service, "start_conversation", unreachable)
        request = {"type": "threads.create", "params": {"input": user_input("add buy milk")}}
        response = post(client, alice, request)
        assert response.status_code == 503
        assert response.headers["retry-after"].isdigit()
        assert set(response.json()) == {"detail", "code", "message"}
        with Session(engine) as fresh:
            assert fresh.exec(select(Conversation)).all() == []

    def test_the_streamed_thread_and_items_carry_the_stored_utc_times(
        self, client: TestClient, local_engine: None, alice: AuthedUser
    ) -> None:
        streamed = create(client, alice, "add buy milk")
        [created] = [e for e in streamed if isinstance(e, ThreadCreatedEvent)]
        reopened = Thread.model_validate_json(get_thread(client, alice, created.thread.id).content)
        assert created.thread.created_at == reopened.created_at
        assert created.thread.created_at.utcoffset() == timedelta(0)
        user_item, *_ = done_items(streamed)
        stored_user_item, *_ = reopened.items.data
        assert user_item.id == stored_user_item.id
        assert user_item.created_at == stored_user_item.created_at
        assert all(item.created_at.utcoffset() == timedelta(0) for item in done_items(streamed))


class TestThreadsAddUserMessage:
    def test_the_next_turn_reads_the_thread_history(
        self, client: TestClient, thread: str, alice: AuthedUser, engine: Engine
    ) -> None:
        streamed = events(add_message(client, alice, thread, "mark it as done"))
        assert not any(isinstance(event, ThreadCreatedEvent) for event in streamed)
        assert task_titles(engine, alice) == {"Buy milk": True}
        roles = [message.role for message in stored_messages(engine, thread)]
        assert roles == ["user", "assistant", "user", "assistant"]

    def test_a_busy_thread_is_409_with_retry_after_before_any_event_and_stores_nothing(
        self, client: TestClient, thread: str, alice: AuthedUser, engine: Engine
    ) -> None:
        [conversation_id] = {m.conversation_id for m in stored_messages(engine, thread)}
        busy_until = utcnow() + timedelta(minutes=5)
        set_lease(engine, conversation_id, busy_until)
        response = add_message(client, alice, thread, "show my tasks")
        assert response.status_code == 409
        assert response.headers["retry-after"] == "2"
        body = response.json()
        assert (body["code"], body["detail"]) == ("conflict", BUSY_MESSAGE)
        assert len(stored_messages(engine, thread)) == 2
        assert lease_of(engine, conversation_id) == busy_until

    def test_a_message_sent_while_the_thread_is_answered_is_409_and_the_turn_is_whole(
        self, app: FastAPI, client: TestClient, alice: AuthedUser, engine: Engine
    ) -> None:
        provider = InterruptingProvider(app, alice)
        with replaced_state(app, "chat_provider", provider):
            streamed = create(client, alice, "add it")
        [second] = provider.responses
        assert second.status_code == 409
        assert second.headers["retry-after"] == "2"
        assert second.json()["code"] == "conflict"
        assert reply_text(streamed) == "Adding it."
        assert [m.content for m in stored_messages(engine, thread_id_of(streamed))] == [
            "add it",
            "Adding it.",
        ]


class InterruptingProvider(StreamingOnlyProvider):
    """Streams a first delta, then, while its turn holds the thread, has the same user send
    another message to it through the app (as a second tab would), then finishes."""

    def __init__(self, app: FastAPI, user: AuthedUser) -> None:
        self.app = app
        self.user = user
        self.responses: list[httpx.Response] = []

    async def stream_reply(
        self, *, history: Sequence[Message], message: str, call_tool: ToolCaller, on_text: TextSink
    ) -> str:
        on_text("Adding ")
        transport = httpx.ASGITransport(app=self.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as tab:
            listed = await tab.post(
                URL, json={"type": "threads.list", "params": {}}, headers=self.user.headers
            )
            [thread] = listed.json()["data"]
            params = {"thread_id": thread["id"], "input": user_input("show my tasks")}
            request = {"type": "threads.add_user_message", "params": params}
            self.responses.append(await tab.post(URL, json=request, headers=self.user.headers))
        on_text("it.")
        return "Adding it."


class TestProviderFailure:
    def test_an_error_event_and_the_message_and_the_calls_made_are_kept(
        self, app: FastAPI, client: TestClient, alice: AuthedUser, engine: Engine
    ) -> None:
        with replaced_state(app, "chat_provider", FailingProvider()):
            streamed = create(client, alice, "add something")
        error = streamed[-1]
        assert isinstance(error, ErrorEvent)
        assert error.message == (
            "The AI provider is unreachable; your message was saved, please try again"
        )
        thread_id = thread_id_of(streamed)
        user_message, interrupted = stored_messages(engine, thread_id)
        assert user_message.content == "add something"
        assert interrupted.content == INTERRUPTED
        assert lease_of(engine, interrupted.conversation_id) is None
        items = list_items(client, alice, thread_id, order="asc").data
        assert [item.type for item in items] == ["user_message", "workflow", "assistant_message"]
        assert [item.id for item in done_items(streamed)] == [item.id for item in items]
        assert reply_text(streamed) == INTERRUPTED
        assert task_titles(engine, alice) == {"Made before the failure": False}

    def test_text_streamed_before_the_failure_is_removed_as_it_was_not_stored(
        self, app: FastAPI, client: TestClient, alice: AuthedUser, engine: Engine
    ) -> None:
        with replaced_state(app, "chat_provider", FailingAfterText()):
            streamed = create(client, alice, "hello")
        [added] = [e.item.id for e in streamed if isinstance(e, ThreadItemAddedEvent)]
        removed = [e for e in streamed if isinstance(e, ThreadItemRemovedEvent)]
        assert [e.item_id for e in removed] == [added]
        assert isinstance(streamed[-1], ErrorEvent)
        assert [m.content for m in stored_messages(engine, thread_id_of(streamed))] == ["hello"]


class FailingAfterText(StreamingOnlyProvider):
    """Streams some text, then fails as an unreachable provider would."""

    async def stream_reply(
        self, *, history: Sequence[Message], message: str, call_tool: ToolCaller, on_text: TextSink
    ) -> str:
        on_text("Hel")
        raise ProviderError("The AI provider is unreachable")


USER_SECRET = "my secret plan"


class DatabaseLostMidTurn(StreamingOnlyProvider):
    """Streams some text, then the database goes away: every statement fails, as a driver
    would fail them (its error quoting the statement and what the user typed)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.monkeypatch = monkeypatch

    async def stream_reply(
        self, *, history: Sequence[Message], message: str, call_tool: ToolCaller, on_text: TextSink
    ) -> str:
        async def lost(_session: Any, statement: Any, *_args: Any, **_kwargs: Any) -> Any:
            raise OperationalError(str(statement), {"title": message}, Exception("server closed"))

        self.monkeypatch.setattr(AsyncSession, "exec", lost)
        self.monkeypatch.setattr(AsyncSession, "execute", lost)
        on_text("Sure")
        return "Sure."


class TestDatabaseLostMidStream:
    def test_an_error_event_without_retry_and_no_sql_or_user_text_in_the_logs(
        self,
        app: FastAPI,
        client: TestClient,
        alice: AuthedUser,
        engine: Engine,
        monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture,
    ) -> None:
        with (
            replaced_state(app, "chat_provider", DatabaseLostMidTurn(monkeypatch)),
            caplog.at_level(logging.INFO),
        ):
            streamed = create(client, alice, USER_SECRET)
            monkeypatch.undo()
        errors = [event for event in streamed if isinstance(event, ErrorEvent)]
        assert errors
        assert [(e.message, e.allow_retry) for e in errors] == [(DB_UNAVAILABLE_MESSAGE, False)]
        logged = "\n".join(record.getMessage() for record in caplog.records)
        assert USER_SECRET not in logged
        assert "conversations" not in logged
        assert [record for record in caplog.records if record.exc_info] == []
        assert [m.content for m in stored_messages(engine, thread_id_of(streamed))] == [USER_SECRET]

    def test_the_sdk_logs_an_error_by_its_type_only(self, caplog: pytest.LogCaptureFixture) -> None:
        TodoChatKitServer()  # installs the filter on the SDK's logger
        error = OperationalError(
            "UPDATE conversations SET title=%(t)s", {"t": USER_SECRET}, Exception("server closed")
        )
        with caplog.at_level(logging.INFO, logger="chatkit"):
            try:
                raise error
            except OperationalError as exc:
                logging.getLogger("chatkit").exception(exc)
                logging.getLogger("chatkit").exception("Error while generating streamed response")
        assert [record.getMessage() for record in caplog.records] == [
            "OperationalError",
            "Error while generating streamed response: OperationalError",
        ]
        assert [record for record in caplog.records if record.exc_info] == []


class TestThreadDeletedMidTurn:
    def test_the_stream_ends_with_an_error_event_saying_so_not_a_database_outage(
        self, app: FastAPI, client: TestClient, alice: AuthedUser
    ) -> None:
        with replaced_state(app, "chat_provider", DeletingProvider(app, alice)):
            streamed = create(client, alice, "hello")
        error = streamed[-1]
        assert isinstance(error, ErrorEvent)
        assert (error.message, error.allow_retry) == (DELETED_MESSAGE, False)
        [added] = [e.item.id for e in streamed if isinstance(e, ThreadItemAddedEvent)]
        assert [e.item_id for e in streamed if isinstance(e, ThreadItemRemovedEvent)] == [added]
        assert list_threads(client, alice).data == []


class TestReadingThreads:
    def test_items_have_the_ids_the_stream_gave_them(
        self, client: TestClient, local_engine: None, alice: AuthedUser
    ) -> None:
        streamed = create(client, alice, "add buy milk")
        thread_id = thread_id_of(streamed)
        response = get_thread(client, alice, thread_id)
        assert response.status_code == 200
        reopened = Thread.model_validate_json(response.content)
        assert reopened.title == "add buy milk"
        assert [item.id for item in reopened.items.data] == [
            item.id for item in done_items(streamed)
        ]

    def test_items_page_by_message_in_both_orders(
        self, client: TestClient, thread: str, alice: AuthedUser
    ) -> None:
        events(add_message(client, alice, thread, "hello"))
        every = [item.id for item in list_items(client, alice, thread, order="asc").data]
        assert len(every) == len(set(every)) == 5  # user, workflow + reply, user, reply
        first = list_items(client, alice, thread, order="asc", limit=2)
        assert ([item.id for item in first.data], first.has_more) == (every[:3], True)
        rest = list_items(client, alice, thread, order="asc", limit=2, after=first.after)
        assert ([item.id for item in rest.data], rest.has_more) == (every[3:], False)
        newest = list_items(client, alice, thread, order="desc", limit=1)
        assert [item.id for item in newest.data] == every[-1:]
        older = list_items(client, alice, thread, order="desc", limit=1, after=newest.after)
        assert ([item.id for item in older.data], older.has_more) == ([every[3]], True)

    def test_threads_are_listed_latest_activity_first_and_paged(
        self, client: TestClient, local_engine: None, alice: AuthedUser
    ) -> None:
        first = thread_id_of(create(client, alice, "add one"))
        second = thread_id_of(create(client, alice, "add two"))
        events(add_message(client, alice, first, "show my tasks"))
        page = list_threads(client, alice, limit=1)
        assert ([t.id for t in page.data], page.has_more) == ([first], True)
        rest = list_threads(client, alice, limit=1, after=page.after)
        assert ([t.id for t in rest.data], rest.has_more) == ([second], False)
        assert [t.id for t in list_threads(client, alice, order="asc").data] == [second, first]

    def test_paging_after_a_thread_deleted_meanwhile_is_an_empty_page_not_404(
        self, client: TestClient, local_engine: None, alice: AuthedUser
    ) -> None:
        thread_id_of(create(client, alice, "add one"))
        thread_id_of(create(client, alice, "add two"))
        page = list_threads(client, alice, limit=1)
        assert page.has_more
        assert page.after is not None
        request = {"type": "threads.delete", "params": {"thread_id": page.after}}
        assert post(client, alice, request).status_code == 200
        rest = list_threads(client, alice, limit=1, after=page.after)
        assert (rest.data, rest.has_more) == ([], False)

    def test_a_conversation_started_with_the_json_route_is_a_thread(
        self, client: TestClient, chat: Chat, alice: AuthedUser, seed_task: SeedTask
    ) -> None:
        seed_task(alice, "Buy milk")
        chat(alice, "mark buy milk as done")
        [listed] = list_threads(client, alice).data
        assert listed.title == "mark buy milk as done"
        items = list_items(client, alice, listed.id, order="asc").data
        assert [item.type for item in items] == ["user_message", "workflow", "assistant_message"]


class TestRenameDeleteFeedback:
    def test_rename(self, client: TestClient, thread: str, alice: AuthedUser) -> None:
        response = rename(client, alice, thread, "Errands")
        assert response.status_code == 200
        assert ThreadMetadata.model_validate_json(response.content).title == "Errands"
        [conversation] = client.get("/api/me/conversations", headers=alice.headers).json()
        assert conversation["title"] == "Errands"

    def test_rename_stores_the_title_on_one_line_and_answers_it_as_stored(
        self, client: TestClient, thread: str, alice: AuthedUser
    ) -> None:
        response = rename(client, alice, thread, "  Errands\n for   Saturday ")
        assert response.status_code == 200
        assert ThreadMetadata.model_validate_json(response.content).title == "Errands for Saturday"
        reopened = Thread.model_validate_json(get_thread(client, alice, thread).content)
        assert reopened.title == "Errands for Saturday"

    @pytest.mark.parametrize(
        ("title", "error"),
        [
            ("", "string_too_short"),
            ("   ", "value_error"),
            ("a" * 201, "string_too_long"),
            ("bad\x00title", "value_error"),
        ],
    )
    def test_a_bad_title_is_422_and_changes_nothing(
        self,
        client: TestClient,
        thread: str,
        alice: AuthedUser,
        title: str,
        error: str,
    ) -> None:
        response = rename(client, alice, thread, title)
        assert response.status_code == 422
        body = response.json()
        assert body["code"] == "validation_error"
        assert [(e["type"], e["loc"]) for e in body["detail"]] == [
            (error, ["body", "params", "title"])
        ]
        assert [t.title for t in list_threads(client, alice).data] == ["add buy milk"]

    def test_delete_removes_the_thread_not_the_tasks(
        self, client: TestClient, thread: str, alice: AuthedUser, engine: Engine
    ) -> None:
        response = post(client, alice, {"type": "threads.delete", "params": {"thread_id": thread}})
        assert (response.status_code, response.json()) == (200, {})
        assert get_thread(client, alice, thread).status_code == 404
        assert list_threads(client, alice).data == []
        assert stored_messages(engine, thread) == []
        assert task_titles(engine, alice) == {"Buy milk": False}

    def test_feedback_on_an_item(self, client: TestClient, thread: str, alice: AuthedUser) -> None:
        [*_, reply] = list_items(client, alice, thread, order="asc").data
        params = {"thread_id": thread, "item_ids": [reply.id], "kind": "positive"}
        response = post(client, alice, {"type": "items.feedback", "params": params})
        assert (response.status_code, response.json()) == (200, {})


class TestIsolation:
    @pytest.mark.parametrize(
        ("request_type", "params"),
        [
            ("threads.get_by_id", {}),
            ("items.list", {}),
            ("threads.update", {"title": "Mine now"}),
            ("threads.delete", {}),
            ("items.feedback", {"item_ids": [], "kind": "negative"}),
            ("threads.add_user_message", {"input": user_input("delete everything")}),
        ],
    )
    def test_another_users_thread_is_404_and_untouched(
        self,
        client: TestClient,
        thread: str,
        alice: AuthedUser,
        bob: AuthedUser,
        engine: Engine,
        request_type: str,
        params: dict[str, Any],
    ) -> None:
        request = {"type": request_type, "params": {"thread_id": thread, **params}}
        response = post(client, bob, request)
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"
        assert len(stored_messages(engine, thread)) == 2
        [listed] = list_threads(client, alice).data
        assert (listed.id, listed.title) == (thread, "add buy milk")
        assert task_titles(engine, alice) == {"Buy milk": False}

    def test_threads_list_shows_only_your_own(
        self, client: TestClient, thread: str, bob: AuthedUser
    ) -> None:
        assert list_threads(client, bob).data == []


class TestRequestErrors:
    def test_no_token_is_401(self, client: TestClient) -> None:
        response = client.post(URL, json={"type": "threads.list", "params": {}})
        assert response.status_code == 401

    @pytest.mark.parametrize(
        "body",
        [{"type": "threads.explode", "params": {}}, {"type": "threads.get_by_id"}, []],
    )
    def test_bad_payload_is_422_in_our_error_format(
        self, client: TestClient, alice: AuthedUser, body: Any
    ) -> None:
        response = client.post(URL, json=body, headers=alice.headers)
        assert response.status_code == 422
        assert set(response.json()) == {"detail", "code", "message"}

    def test_a_request_this_server_does_not_serve_is_422(
        self, client: TestClient, thread: str, alice: AuthedUser, engine: Engine
    ) -> None:
        params = {"thread_id": thread, "item_id": "msg_1"}
        response = post(client, alice, {"type": "threads.retry_after_item", "params": params})
        assert response.status_code == 422
        [error] = response.json()["detail"]
        assert error["type"] == "union_tag_invalid"
        assert len(stored_messages(engine, thread)) == 2

    def test_a_message_with_attachments_is_422_and_stores_nothing(
        self, client: TestClient, thread: str, alice: AuthedUser, engine: Engine
    ) -> None:
        params = {"thread_id": thread, "input": {**user_input("see this"), "attachments": ["a"]}}
        response = post(client, alice, {"type": "threads.add_user_message", "params": params})
        assert response.status_code == 422
        assert response.json()["message"] == (
            "Invalid request: params.input.attachments: Attachments are not supported"
        )
        assert len(stored_messages(engine, thread)) == 2


class TestContentType:
    @pytest.mark.parametrize("content_type", ["text/plain;charset=UTF-8", None])
    def test_the_body_is_json_whatever_its_content_type(
        self,
        client: TestClient,
        local_engine: None,
        alice: AuthedUser,
        content_type: str | None,
    ) -> None:
        request = {"type": "threads.create", "params": {"input": user_input("add buy milk")}}
        headers = {**alice.headers, **({"Content-Type": content_type} if content_type else {})}
        streamed = events(client.post(URL, content=json.dumps(request), headers=headers))
        thread_id = thread_id_of(streamed)
        listed = client.post(
            URL, content=json.dumps({"type": "threads.list", "params": {}}), headers=headers
        )
        assert listed.status_code == 200, listed.text
        assert [t.id for t in THREADS.validate_json(listed.content).data] == [thread_id]

    def test_a_body_that_is_not_json_is_422(self, client: TestClient, alice: AuthedUser) -> None:
        headers = {**alice.headers, "Content-Type": "text/plain"}
        response = client.post(URL, content=b"threads.list", headers=headers)
        assert response.status_code == 422
        assert response.json()["message"] == "Invalid request: body is not valid JSON"


class TestDocs:
    def test_documented_with_its_requests_examples_and_errors(self, client: TestClient) -> None:
        post = client.get("/openapi.json").json()["paths"][URL]["post"]
        assert post["summary"]
        assert "useChatKit" in post["description"]
        body = post["requestBody"]["content"]["application/json"]
        assert set(body["examples"]) == {"create", "list"}
        served = body["schema"]["discriminator"]["mapping"]
        assert set(served) == {
            "threads.create",
            "threads.add_user_message",
            "threads.get_by_id",
            "threads.list",
            "threads.update",
            "threads.delete",
            "items.list",
            "items.feedback",
        }
        assert {"401", "404", "422", "503"} <= set(post["responses"])
        assert set(post["responses"]["200"]["content"]) == {"application/json", "text/event-stream"}


class TestClientLeavingMidStream:
    @pytest.mark.parametrize("spec_version", ["2.3", "2.4"])
    def test_the_turn_finishes_and_is_stored_after_the_client_leaves(
        self,
        app: FastAPI,
        client: TestClient,
        alice: AuthedUser,
        engine: Engine,
        spec_version: str,
    ) -> None:
        body = {"type": "threads.create", "params": {"input": user_input("add it")}}
        chunks, finished = leave_mid_stream(
            client,
            app,
            alice,
            spec_version,
            path=URL,
            body=json.dumps(body).encode(),
            delta=b"text_delta",
        )
        assert finished
        streamed = [EVENT.validate_json(c.removeprefix(b"data: ")) for c in chunks]
        assert [event.type for event in streamed] == [
            "thread.created",
            "thread.item.done",  # the user's message
            "stream_options",
            "thread.item.added",  # the reply
            "thread.item.updated",  # its first delta: the client leaves
        ]
        thread_id = thread_id_of(streamed)
        assert [m.content for m in stored_messages(engine, thread_id)] == ["add it", "Adding it."]
        [conversation_id] = {m.conversation_id for m in stored_messages(engine, thread_id)}
        assert lease_of(engine, conversation_id) is None
        assert task_titles(engine, alice) == {"Added after the client left": False}


class TestRestart:
    def test_threads_are_listed_and_reopened_by_a_fresh_app(
        self, client: TestClient, thread: str, alice: AuthedUser, settings: Settings
    ) -> None:
        before = Thread.model_validate_json(get_thread(client, alice, thread).content)
        restarted = create_app(settings)
        try:
            with TestClient(restarted) as fresh:
                assert [t.id for t in list_threads(fresh, alice).data] == [thread]
                after = Thread.model_validate_json(get_thread(fresh, alice, thread).content)
                streamed = events(add_message(fresh, alice, thread, "mark it as done"))
        finally:
            dispose_engine(restarted)
        assert after == before
        assert "Buy milk" in reply_text(streamed)


class TestAgentsSdkProvider:
    def test_a_tool_call_changes_the_tasks_and_shows_in_the_stream(
        self,
        client: TestClient,
        use_endpoint: UseEndpoint,
        alice: AuthedUser,
        engine: Engine,
    ) -> None:
        use_endpoint(calls(("add_task", '{"title": "Buy milk"}')), text("Added “Buy milk”."))
        streamed = create(client, alice, "add buy milk")
        [workflow] = [item for item in done_items(streamed) if isinstance(item, WorkflowItem)]
        [task] = workflow.workflow.tasks
        assert task.title is not None
        assert task.title.endswith("created: Buy milk")
        assert reply_text(streamed) == "Added “Buy milk”."
        assert task_titles(engine, alice) == {"Buy milk": False}
        assert [m.content for m in stored_messages(engine, thread_id_of(streamed))] == [
            "add buy milk",
            "Added “Buy milk”.",
        ]
