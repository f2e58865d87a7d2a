"""Chat and conversation routes: validation, ownership, paging, deletion, aliases."""

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, func, select

from backend.chat.models import Conversation, Message
from tests.chat.conftest import Chat, SeedTask, chat_url, conversations_url, stored_task
from tests.conftest import AuthedUser


def count(session: Session, model: type[Conversation] | type[Message]) -> int:
    """Rows in a chat table."""
    return session.exec(select(func.count()).select_from(model)).one()


@pytest.mark.usefixtures("local_engine")
class TestChat:
    def test_first_message_starts_a_titled_conversation(
        self, client: TestClient, alice: AuthedUser
    ) -> None:
        response = client.post(
            chat_url(alice), json={"message": "add buy milk"}, headers=alice.headers
        )
        assert response.status_code == 200
        body = response.json()
        assert set(body) == {"conversation_id", "response", "tool_calls"}
        detail = client.get(
            conversations_url(alice, f"/{body['conversation_id']}"), headers=alice.headers
        ).json()
        assert detail["title"] == "add buy milk"
        assert [m["role"] for m in detail["messages"]] == ["user", "assistant"]
        assert detail["messages"][1]["tool_calls"] == body["tool_calls"]

    def test_me_and_alias_paths_serve_the_same_user(
        self, client: TestClient, alice: AuthedUser
    ) -> None:
        first = client.post(chat_url("me"), json={"message": "add buy milk"}, headers=alice.headers)
        second = client.post(
            "/api/chat",
            json={"message": "mark it as done", "conversation_id": first.json()["conversation_id"]},
            headers=alice.headers,
        )
        assert second.status_code == 200
        assert second.json()["tool_calls"][0]["tool"] == "complete_task"

    def test_conversation_id_may_be_a_numeric_string(
        self, client: TestClient, chat: Chat, alice: AuthedUser
    ) -> None:
        first = chat(alice, "hello")
        response = client.post(
            chat_url(alice),
            json={"message": "help", "conversation_id": str(first["conversation_id"])},
            headers=alice.headers,
        )
        assert response.status_code == 200
        assert response.json()["conversation_id"] == first["conversation_id"]

    @pytest.mark.parametrize(
        "body",
        [
            {"message": ""},
            {"message": "   "},
            {"message": "x" * 4001},
            {"message": "add buy\x00 milk"},
            {},
            {"message": 12},
            {"message": "hi", "conversation_id": "abc"},
            {"message": "hi", "conversation_id": 0},
            {"message": "hi", "conversation_id": 1.5},
            {"message": "hi", "conversation_id": True},
            {"message": "hi", "conversation_id": False},
            {"message": "hi", "conversation_id": "1.0"},
            {"message": "hi", "conversation_id": [1]},
            {"message": "hi", "conversation_id": 2**31},
        ],
    )
    def test_bad_body_is_422_and_stores_nothing(
        self, client: TestClient, alice: AuthedUser, session: Session, body: dict[str, Any]
    ) -> None:
        response = client.post(chat_url(alice), json=body, headers=alice.headers)
        assert response.status_code == 422
        assert response.json()["code"] == "validation_error"
        assert count(session, Conversation) == 0
        assert count(session, Message) == 0

    @pytest.mark.usefixtures("local_engine")
    def test_an_integral_number_is_the_conversation_its_schema_says(
        self, client: TestClient, alice: AuthedUser
    ) -> None:
        # The schema's `integer` (JSON Schema) includes `12.0`: so does the route.
        first = client.post(chat_url(alice), json={"message": "hi"}, headers=alice.headers).json()
        again = {"message": "thanks", "conversation_id": float(first["conversation_id"])}
        response = client.post(chat_url(alice), json=again, headers=alice.headers)
        assert response.status_code == 200
        assert response.json()["conversation_id"] == first["conversation_id"]

    def test_longest_message_is_accepted(self, client: TestClient, alice: AuthedUser) -> None:
        response = client.post(chat_url(alice), json={"message": "x" * 4000}, headers=alice.headers)
        assert response.status_code == 200

    def test_overlong_task_title_is_explained_not_stored(
        self, client: TestClient, alice: AuthedUser
    ) -> None:
        message = ("add " + "buy milk on the shelf in the shop at noon " * 100)[:4000]
        response = client.post(chat_url(alice), json={"message": message}, headers=alice.headers)
        assert response.status_code == 200
        body = response.json()
        assert body["response"].startswith("I couldn't add that task: Invalid arguments: title")
        assert client.get("/api/me/tasks", headers=alice.headers).json() == []

    def test_missing_conversation_is_404_and_stores_nothing(
        self, client: TestClient, alice: AuthedUser, session: Session
    ) -> None:
        response = client.post(
            chat_url(alice),
            json={"message": "hi", "conversation_id": 999999},
            headers=alice.headers,
        )
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"
        assert count(session, Message) == 0

    def test_without_token_is_401(self, client: TestClient, alice: AuthedUser) -> None:
        assert client.post(chat_url(alice), json={"message": "hi"}).status_code == 401


@pytest.mark.usefixtures("local_engine")
class TestChatIsolation:
    def test_another_users_conversation_is_404_and_untouched(
        self, client: TestClient, chat: Chat, alice: AuthedUser, bob: AuthedUser, session: Session
    ) -> None:
        bobs = chat(bob, "add secret plan")
        before = count(session, Message)
        response = client.post(
            chat_url(alice),
            json={"message": "delete it", "conversation_id": bobs["conversation_id"]},
            headers=alice.headers,
        )
        assert response.status_code == 404
        assert count(session, Message) == before
        assert "secret" not in response.text

    def test_another_users_path_is_403(
        self, client: TestClient, alice: AuthedUser, bob: AuthedUser
    ) -> None:
        response = client.post(chat_url(bob), json={"message": "hi"}, headers=alice.headers)
        assert response.status_code == 403

    @pytest.mark.parametrize(
        "sentence", ["complete task {id}", "delete task {id}", "rename task {id} to Mine now"]
    )
    def test_tool_call_on_another_users_task_is_not_found(
        self,
        chat: Chat,
        alice: AuthedUser,
        bob: AuthedUser,
        seed_task: SeedTask,
        session: Session,
        sentence: str,
    ) -> None:
        bobs_task = seed_task(bob, "Bob's secret plan")
        turn = chat(alice, sentence.format(id=bobs_task))
        assert turn["tool_calls"][0]["result"] == {"error": "Task not found"}
        assert turn["response"] == f"I couldn't find task #{bobs_task}."
        task = stored_task(session, bobs_task)
        session.refresh(task)
        assert task.title == "Bob's secret plan"
        assert not task.completed

    def test_listing_shows_only_own_tasks(
        self, chat: Chat, alice: AuthedUser, bob: AuthedUser, seed_task: SeedTask
    ) -> None:
        seed_task(bob, "Bob's secret plan")
        seed_task(alice, "Alice's task")
        turn = chat(alice, "show my tasks")
        assert "secret" not in turn["response"]
        assert turn["tool_calls"][0]["result"]["total"] == 1

    @pytest.mark.parametrize(
        ("method", "suffix"), [("GET", ""), ("GET", "/{id}"), ("DELETE", "/{id}")]
    )
    def test_conversation_routes_on_another_users_path_are_403(
        self,
        client: TestClient,
        chat: Chat,
        alice: AuthedUser,
        bob: AuthedUser,
        method: str,
        suffix: str,
    ) -> None:
        bobs = chat(bob, "hello")
        url = conversations_url(bob, suffix.format(id=bobs["conversation_id"]))
        assert client.request(method, url, headers=alice.headers).status_code == 403

    @pytest.mark.parametrize("method", ["GET", "DELETE"])
    def test_another_users_conversation_by_id_is_404(
        self,
        client: TestClient,
        chat: Chat,
        alice: AuthedUser,
        bob: AuthedUser,
        session: Session,
        method: str,
    ) -> None:
        bobs = chat(bob, "add secret plan")
        url = conversations_url(alice, f"/{bobs['conversation_id']}")
        response = client.request(method, url, headers=alice.headers)
        assert response.status_code == 404
        assert "secret" not in response.text
        assert count(session, Conversation) == 1

    def test_conversation_list_shows_only_own(
        self, client: TestClient, chat: Chat, alice: AuthedUser, bob: AuthedUser
    ) -> None:
        chat(bob, "bob's chat")
        chat(alice, "alice's chat")
        response = client.get(conversations_url(alice), headers=alice.headers)
        assert [c["title"] for c in response.json()] == ["alice's chat"]
        assert response.headers["X-Total-Count"] == "1"


@pytest.mark.usefixtures("local_engine")
class TestListConversations:
    def test_latest_activity_first_with_total(
        self, client: TestClient, chat: Chat, alice: AuthedUser
    ) -> None:
        first = chat(alice, "first")
        chat(alice, "second")
        chat(alice, "hello again", first["conversation_id"])
        response = client.get(conversations_url(alice), headers=alice.headers)
        assert response.status_code == 200
        assert [c["title"] for c in response.json()] == ["first", "second"]
        assert response.headers["X-Total-Count"] == "2"

    def test_pages_with_limit_and_offset(
        self, client: TestClient, chat: Chat, alice: AuthedUser
    ) -> None:
        for title in ("one", "two", "three"):
            chat(alice, title)
        response = client.get(
            conversations_url(alice), params={"limit": 1, "offset": 1}, headers=alice.headers
        )
        assert [c["title"] for c in response.json()] == ["two"]
        assert response.headers["X-Total-Count"] == "3"

    @pytest.mark.parametrize("params", [{"limit": 0}, {"limit": 101}, {"offset": -1}])
    def test_bad_paging_is_422(
        self, client: TestClient, alice: AuthedUser, params: dict[str, int]
    ) -> None:
        response = client.get(conversations_url(alice), params=params, headers=alice.headers)
        assert response.status_code == 422

    def test_alias_without_user_segment(
        self, client: TestClient, chat: Chat, alice: AuthedUser
    ) -> None:
        chat(alice, "hello")
        response = client.get("/api/conversations", headers=alice.headers)
        assert [c["title"] for c in response.json()] == ["hello"]


@pytest.mark.usefixtures("local_engine")
class TestGetConversation:
    def test_messages_oldest_first_with_tool_calls(
        self, client: TestClient, chat: Chat, alice: AuthedUser
    ) -> None:
        first = chat(alice, "add buy milk")
        chat(alice, "show my tasks", first["conversation_id"])
        response = client.get(
            conversations_url(alice, f"/{first['conversation_id']}"), headers=alice.headers
        )
        body = response.json()
        assert body["message_count"] == 4
        assert response.headers["X-Total-Count"] == "4"
        assert [m["content"] for m in body["messages"][::2]] == ["add buy milk", "show my tasks"]
        assert body["messages"][1]["tool_calls"][0]["tool"] == "add_task"
        assert set(body["messages"][0]) == {"id", "role", "content", "tool_calls", "created_at"}

    def test_messages_are_paged(self, client: TestClient, chat: Chat, alice: AuthedUser) -> None:
        first = chat(alice, "hello")
        chat(alice, "help", first["conversation_id"])
        response = client.get(
            conversations_url(alice, f"/{first['conversation_id']}"),
            params={"limit": 2, "offset": 2},
            headers=alice.headers,
        )
        body = response.json()
        assert [m["role"] for m in body["messages"]] == ["user", "assistant"]
        assert body["messages"][0]["content"] == "help"
        assert body["message_count"] == 4

    def test_missing_is_404(self, client: TestClient, alice: AuthedUser) -> None:
        response = client.get(conversations_url(alice, "/999999"), headers=alice.headers)
        assert response.status_code == 404

    @pytest.mark.parametrize(
        ("conversation_id", "status"),
        [
            *[(impossible, 422) for impossible in ("0", "01", str(2**31))],
            # Not a number at all: no route (404), never read leniently as some conversation.
            *[(not_a_number, 404) for not_a_number in ("abc", "1.0", "+1", "1_0", "%201")],
        ],
    )
    def test_impossible_id_is_refused(
        self, client: TestClient, alice: AuthedUser, conversation_id: str, status: int
    ) -> None:
        url = conversations_url(alice, f"/{conversation_id}")
        assert client.get(url, headers=alice.headers).status_code == status
        assert client.delete(url, headers=alice.headers).status_code == status


@pytest.mark.usefixtures("local_engine")
class TestDeleteConversation:
    def test_deletes_it_and_its_messages_but_not_tasks(
        self, client: TestClient, chat: Chat, alice: AuthedUser, session: Session
    ) -> None:
        first = chat(alice, "add buy milk")
        kept = chat(alice, "hello")
        url = conversations_url(alice, f"/{first['conversation_id']}")
        response = client.delete(url, headers=alice.headers)
        assert response.status_code == 204
        assert client.get(url, headers=alice.headers).status_code == 404
        assert count(session, Message) == 2  # only the other conversation's turn
        assert (
            client.get(
                conversations_url(alice, f"/{kept['conversation_id']}"), headers=alice.headers
            ).status_code
            == 200
        )
        tasks = client.get("/api/me/tasks", headers=alice.headers).json()
        assert [task["title"] for task in tasks] == ["Buy milk"]

    def test_continuing_a_deleted_conversation_is_404(
        self, client: TestClient, chat: Chat, alice: AuthedUser
    ) -> None:
        first = chat(alice, "hello")
        client.delete(
            conversations_url(alice, f"/{first['conversation_id']}"), headers=alice.headers
        )
        response = client.post(
            chat_url(alice),
            json={"message": "hi", "conversation_id": first["conversation_id"]},
            headers=alice.headers,
        )
        assert response.status_code == 404


class TestChatDocs:
    def test_routes_are_documented_once_with_examples_and_errors(self, client: TestClient) -> None:
        paths = client.get("/openapi.json").json()["paths"]
        chat_paths = sorted(p for p in paths if "/chat" in p or "/conversations" in p)
        assert chat_paths == [
            "/api/chatkit",
            "/api/{user_id}/chat",
            "/api/{user_id}/conversations",
            "/api/{user_id}/conversations/{conversation_id}",
        ]
        post = paths["/api/{user_id}/chat"]["post"]
        assert post["summary"]
        assert post["description"]
        assert post["requestBody"]["content"]["application/json"]["examples"]
        assert {"401", "403", "404", "422", "502"} <= set(post["responses"])
        listing = paths["/api/{user_id}/conversations"]["get"]
        assert "X-Total-Count" in listing["responses"]["200"]["headers"]
