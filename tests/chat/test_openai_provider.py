"""`CHAT_PROVIDER=openai`: the Agents SDK agent, its tools over in-process MCP, through the real
`openai` client against a scripted OpenAI-compatible endpoint."""

import json
from typing import Any

import httpx2
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, select

from backend.chat.models import Message
from backend.chat.providers import build_provider
from backend.chat.providers.agents_sdk import AgentsProvider, inline_refs
from backend.chat.providers.local import LocalEngine
from backend.config import Settings
from backend.mcp.server import describe_tools
from backend.tasks.models import Task
from tests.chat.conftest import SeedTask, sse_events, stored_task, stream
from tests.chat.conftest import post_turn as post
from tests.chat.history import seed_conversation
from tests.chat.scripted import Step, UseEndpoint, calls, status, text, timeout
from tests.conftest import AuthedUser


def tool_messages(request: dict[str, Any]) -> list[dict[str, Any]]:
    """The `tool` role messages of a chat-completions request, results parsed (the content is
    text, or a list of text parts)."""
    return [
        {**m, "content": json.loads(as_text(m["content"]))}
        for m in request["messages"]
        if m["role"] == "tool"
    ]


def as_text(content: str | list[dict[str, str]]) -> str:
    """A message's content as one text."""
    return content if isinstance(content, str) else "".join(part["text"] for part in content)


def stored(session: Session) -> list[tuple[str, str]]:
    """Every stored message as (role, content), oldest first."""
    session.expire_all()
    return [(m.role, m.content) for m in session.exec(select(Message).order_by(Message.id))]


class TestToolCalls:
    def test_single_tool_call_then_answer(
        self, client: TestClient, use_endpoint: UseEndpoint, alice: AuthedUser, session: Session
    ) -> None:
        call_arguments = '{"title": "Buy milk", "priority": "HIGH", "tags": "errands"}'
        endpoint = use_endpoint(calls(("add_task", call_arguments)), text("Added “Buy milk”."))
        response = post(client, alice, "add buy milk, it's important")
        assert response.status_code == 200
        body = response.json()
        assert body["response"] == "Added “Buy milk”."
        [call] = body["tool_calls"]
        assert call["tool"] == "add_task"
        assert call["arguments"] == {"title": "Buy milk", "priority": "HIGH", "tags": "errands"}
        task = call["result"]["task"]
        assert (task["title"], task["priority"], task["tags"]) == ("Buy milk", "high", ["errands"])
        assert task["user_id"] == alice.id
        echoed = endpoint.requests[1]["messages"][-2]
        assert echoed == {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {
                    "id": "call_r2_0",
                    "type": "function",
                    "function": {"name": "add_task", "arguments": call_arguments},
                }
            ],
        }
        assert [m["tool_call_id"] for m in tool_messages(endpoint.requests[1])] == ["call_r2_0"]
        assert tool_messages(endpoint.requests[1])[0]["content"]["task"]["id"] == task["id"]

    def test_request_carries_model_prompt_tools_key_and_timeout(
        self, client: TestClient, use_endpoint: UseEndpoint, alice: AuthedUser
    ) -> None:
        endpoint = use_endpoint(text("Hello!"), chat_timeout_seconds=7.5)
        assert post(client, alice, "hi").status_code == 200
        request = endpoint.requests[0]
        assert request["model"] == "test-model"
        assert request["messages"][0]["role"] == "system"
        assert "Wednesday 2026-11-18 10:00 UTC" in request["messages"][0]["content"]
        assert request["messages"][-1] == {"role": "user", "content": "hi"}
        names = [tool["function"]["name"] for tool in request["tools"]]
        assert names == ["add_task", "list_tasks", "complete_task", "delete_task", "update_task"]
        # The descriptions state the user_id rule; the parameters never ask for one.
        parameters = [tool["function"]["parameters"] for tool in request["tools"]]
        assert "user_id" not in json.dumps(parameters)
        assert "$ref" not in json.dumps(request["tools"])
        assert endpoint.authorizations[0] == "Bearer test-key"
        assert endpoint.timeouts[0]["read"] == 7.5

    def test_several_rounds_until_an_answer(
        self,
        client: TestClient,
        use_endpoint: UseEndpoint,
        alice: AuthedUser,
        seed_task: SeedTask,
        session: Session,
    ) -> None:
        milk = seed_task(alice, "Buy milk")
        endpoint = use_endpoint(
            calls(("list_tasks", '{"search": "milk", "status": "pending"}')),
            calls(("complete_task", json.dumps({"task_id": milk}))),
            text("Done!"),
        )
        body = post(client, alice, "I bought the milk").json()
        assert [c["tool"] for c in body["tool_calls"]] == ["list_tasks", "complete_task"]
        assert body["tool_calls"][0]["result"]["tasks"][0]["id"] == milk
        assert len(endpoint.requests) == 3
        assert stored_task(session, milk).completed

    @pytest.mark.parametrize(
        ("arguments", "complaint"),
        [
            ('{"title": "Buy milk"', "Invalid JSON input"),
            ('["Buy milk"]', "expected a JSON object"),
        ],
    )
    def test_malformed_arguments_go_back_as_a_tool_error(
        self,
        client: TestClient,
        use_endpoint: UseEndpoint,
        alice: AuthedUser,
        session: Session,
        arguments: str,
        complaint: str,
    ) -> None:
        # The SDK parses the arguments before any MCP call: it answers the model itself, and
        # nothing reaches the tools (so nothing is recorded).
        endpoint = use_endpoint(calls(("add_task", arguments)), text("Sorry."))
        response = post(client, alice, "add buy milk")
        assert response.status_code == 200
        assert response.json()["tool_calls"] == []
        [answer] = [m for m in endpoint.requests[1]["messages"] if m["role"] == "tool"]
        assert complaint in as_text(answer["content"])
        assert session.exec(select(Task)).all() == []

    @pytest.mark.parametrize(
        ("arguments", "complaint"),
        [
            ('{"title": "", "priority": "extreme"}', "priority"),
            ('{"title": "Buy milk", "user_id": "someone-else"}', "user_id"),
            ('{"title": "Buy\\u0000 milk"}', "NUL"),
        ],
    )
    def test_invalid_values_go_back_as_a_tool_error(
        self,
        client: TestClient,
        use_endpoint: UseEndpoint,
        alice: AuthedUser,
        session: Session,
        arguments: str,
        complaint: str,
    ) -> None:
        endpoint = use_endpoint(calls(("add_task", arguments)), text("Sorry."))
        response = post(client, alice, "add buy milk")
        assert response.status_code == 200
        error = response.json()["tool_calls"][0]["result"]["error"]
        assert complaint in error
        assert tool_messages(endpoint.requests[1])[0]["content"] == {"error": error}
        assert session.exec(select(Task)).all() == []

    def test_unknown_tool_goes_back_as_a_tool_error(
        self, client: TestClient, use_endpoint: UseEndpoint, alice: AuthedUser
    ) -> None:
        endpoint = use_endpoint(calls(("drop_database", "{}")), text("I can't do that."))
        body = post(client, alice, "drop the database").json()
        assert body["response"] == "I can't do that."
        assert body["tool_calls"] == []
        [answer] = [m for m in endpoint.requests[1]["messages"] if m["role"] == "tool"]
        assert as_text(answer["content"]) == "Tool 'drop_database' not found."

    def test_another_users_task_is_not_found(
        self,
        client: TestClient,
        use_endpoint: UseEndpoint,
        alice: AuthedUser,
        bob: AuthedUser,
        seed_task: SeedTask,
        session: Session,
    ) -> None:
        bobs = seed_task(bob, "Bob's secret plan")
        use_endpoint(calls(("delete_task", json.dumps({"task_id": bobs}))), text("Not found."))
        body = post(client, alice, f"delete task {bobs}").json()
        assert body["tool_calls"][0]["result"] == {"error": "Task not found"}
        assert stored_task(session, bobs)

    def test_tool_rounds_are_bounded(
        self, client: TestClient, use_endpoint: UseEndpoint, alice: AuthedUser
    ) -> None:
        endpoint = use_endpoint(calls(("list_tasks", "{}")), chat_max_tool_rounds=3)
        response = post(client, alice, "loop forever")
        assert response.status_code == 200
        assert response.json()["response"].startswith("I stopped after 3 rounds of tool calls")
        assert len(response.json()["tool_calls"]) == 3
        assert len(endpoint.requests) == 3

    def test_next_turn_replays_stored_tool_calls(
        self, client: TestClient, use_endpoint: UseEndpoint, alice: AuthedUser
    ) -> None:
        endpoint = use_endpoint(
            calls(("add_task", '{"title": "Buy milk"}')), text("Added."), text("It's task 1.")
        )
        first = post(client, alice, "add buy milk").json()
        task_id = first["tool_calls"][0]["result"]["task"]["id"]
        post(client, alice, "what did you add?", first["conversation_id"])
        replayed = endpoint.requests[2]["messages"]
        assert [m["role"] for m in replayed] == [
            "system", "user", "assistant", "tool", "assistant", "user",
        ]  # fmt: skip
        assert replayed[2]["tool_calls"][0]["function"]["name"] == "add_task"
        assert json.loads(replayed[3]["content"])["task"]["id"] == task_id
        assert replayed[4]["content"] == "Added."


class TestNoConnectionHeldWhileTheModelRuns:
    @pytest.mark.parametrize(
        ("tool", "arguments"),
        [
            ("list_tasks", "{}"),
            ("list_tasks", '{"search": "milk", "status": "pending"}'),
            ("add_task", '{"title": "Buy bread"}'),
            ("complete_task", '{"task_id": 999999}'),  # not found: rolled back
            ("update_task", '{"task_id": 999999, "priority": "extreme"}'),  # invalid value
        ],
    )
    def test_pool_has_no_checked_out_connection_during_each_model_call(
        self,
        client: TestClient,
        use_endpoint: UseEndpoint,
        alice: AuthedUser,
        seed_task: SeedTask,
        engine: Engine,
        tool: str,
        arguments: str,
    ) -> None:
        seed_task(alice, "Buy milk")
        checked_out: list[int] = []

        def observed(step: Step) -> Step:
            """A slow model's call: while it runs, the turn must hold no pooled connection."""

            def handle(request: httpx2.Request) -> httpx2.Response:
                checked_out.append(engine.pool.checkedout())  # type: ignore[attr-defined]
                return step(request)

            return handle

        use_endpoint(
            observed(calls((tool, arguments))),
            observed(calls(("list_tasks", "{}"))),
            observed(text("Done.")),
        )
        response = post(client, alice, "do things with my tasks")
        assert response.status_code == 200, response.text
        assert [call["tool"] for call in response.json()["tool_calls"]] == [tool, "list_tasks"]
        assert checked_out == [0, 0, 0]


class TestProviderFailures:
    def test_429_then_success_is_retried(
        self, client: TestClient, use_endpoint: UseEndpoint, alice: AuthedUser
    ) -> None:
        endpoint = use_endpoint(status(429), text("Hello!"))
        response = post(client, alice, "hi")
        assert response.status_code == 200
        assert response.json()["response"] == "Hello!"
        assert len(endpoint.requests) == 2

    def test_500_until_give_up_is_502_and_keeps_the_message(
        self, client: TestClient, use_endpoint: UseEndpoint, alice: AuthedUser, session: Session
    ) -> None:
        endpoint = use_endpoint(status(500), chat_max_retries=2)
        response = post(client, alice, "add buy milk")
        assert response.status_code == 502
        body = response.json()
        assert body["code"] == "bad_gateway"
        assert body["message"] == (
            "The AI provider answered HTTP 500; your message was saved, please try again"
        )
        assert "scripted failure" not in response.text
        assert len(endpoint.requests) == 3
        assert stored(session) == [("user", "add buy milk")]

    def test_conversation_goes_on_after_a_failure(
        self, client: TestClient, use_endpoint: UseEndpoint, alice: AuthedUser, session: Session
    ) -> None:
        use_endpoint(status(503), chat_max_retries=0)
        assert post(client, alice, "first try").status_code == 502
        [conversation_id] = {m.conversation_id for m in session.exec(select(Message))}
        endpoint = use_endpoint(text("Back again."))
        assert post(client, alice, "second try", conversation_id).status_code == 200
        sent = [m["content"] for m in endpoint.requests[0]["messages"] if m["role"] == "user"]
        assert sent == ["first try", "second try"]

    def test_timeout_is_502_and_keeps_the_message(
        self, client: TestClient, use_endpoint: UseEndpoint, alice: AuthedUser, session: Session
    ) -> None:
        endpoint = use_endpoint(timeout, chat_max_retries=1)
        response = post(client, alice, "hi")
        assert response.status_code == 502
        assert response.json()["message"].startswith("The AI provider timed out")
        assert len(endpoint.requests) == 2
        assert stored(session) == [("user", "hi")]

    def test_rejected_key_is_502_without_retry(
        self, client: TestClient, use_endpoint: UseEndpoint, alice: AuthedUser
    ) -> None:
        endpoint = use_endpoint(status(401), chat_max_retries=2)
        response = post(client, alice, "hi")
        assert response.status_code == 502
        assert "HTTP 401" in response.json()["message"]
        assert "test-key" not in response.text
        assert len(endpoint.requests) == 1

    def test_failure_after_a_tool_call_keeps_the_call_on_record(
        self, client: TestClient, use_endpoint: UseEndpoint, alice: AuthedUser, session: Session
    ) -> None:
        use_endpoint(calls(("add_task", '{"title": "Buy milk"}')), status(500), chat_max_retries=0)
        assert post(client, alice, "add buy milk").status_code == 502
        messages = session.exec(select(Message).order_by(Message.id)).all()
        assert [m.role for m in messages] == ["user", "assistant"]
        assert messages[1].tool_calls[0]["tool"] == "add_task"
        assert [t.title for t in session.exec(select(Task))] == ["Buy milk"]


class TestStreaming:
    def test_text_streams_in_deltas_after_the_tool_calls_and_done_is_the_json_body(
        self, client: TestClient, use_endpoint: UseEndpoint, alice: AuthedUser
    ) -> None:
        arguments = '{"title": "Buy milk", "priority": "high"}'
        endpoint = use_endpoint(calls(("add_task", arguments)), text("Added it for you."))
        response = stream(client, alice, "add buy milk")
        assert response.status_code == 200
        events = sse_events(response.text)
        assert [name for name, _ in events] == [
            "tool_call",
            "delta",
            "delta",
            "delta",
            "delta",
            "done",
        ]
        assert [data["text"] for name, data in events if name == "delta"] == [
            "Added ", "it ", "for ", "you.",
        ]  # fmt: skip
        done = events[-1][1]
        assert done["response"] == "Added it for you."
        assert done["tool_calls"] == [events[0][1]]
        assert done["tool_calls"][0]["arguments"] == {"title": "Buy milk", "priority": "high"}
        assert done["tool_calls"][0]["result"]["status"] == "created"
        assert [request["stream"] for request in endpoint.requests] == [True, True]
        [call] = endpoint.requests[1]["messages"][-2]["tool_calls"]
        assert call == {
            "id": "call_r2_0", "type": "function",
            "function": {"name": "add_task", "arguments": arguments},
        }  # fmt: skip

    def test_provider_failure_is_an_error_event_and_the_message_is_kept(
        self, client: TestClient, use_endpoint: UseEndpoint, alice: AuthedUser, session: Session
    ) -> None:
        use_endpoint(status(500), chat_max_retries=0)
        events = sse_events(stream(client, alice, "add buy milk").text)
        assert [name for name, _ in events] == ["error"]
        assert events[0][1]["status"] == 502
        assert events[0][1]["message"].startswith("The AI provider answered HTTP 500")
        assert stored(session) == [("user", "add buy milk")]

    def test_tool_rounds_are_bounded_when_streaming(
        self, client: TestClient, use_endpoint: UseEndpoint, alice: AuthedUser
    ) -> None:
        endpoint = use_endpoint(calls(("list_tasks", "{}")), chat_max_tool_rounds=2)
        events = sse_events(stream(client, alice, "loop").text)
        assert [name for name, _ in events] == ["tool_call", "tool_call", "delta", "done"]
        assert events[-1][1]["response"].startswith("I stopped after 2 rounds")
        assert len(endpoint.requests) == 2


class TestHistoryWindow:
    def test_only_the_last_n_messages_are_sent(
        self,
        client: TestClient,
        use_endpoint: UseEndpoint,
        alice: AuthedUser,
        settings: Settings,
        session: Session,
    ) -> None:
        conversation, _ = seed_conversation(session, alice.id, task_id=1, size=50)
        endpoint = use_endpoint(text("Sure."))
        assert post(client, alice, "and now?", conversation).status_code == 200
        sent = endpoint.requests[0]["messages"]
        stored_ones = [m for m in sent[1:-1] if m["role"] != "tool" and m.get("content")]
        assert len(stored_ones) == settings.chat_history_limit
        assert stored_ones[0]["content"].startswith(f"message {50 - settings.chat_history_limit} ")
        assert sent[-1] == {"role": "user", "content": "and now?"}


class TestProviderChoice:
    def test_chat_provider_setting_picks_the_provider(self, settings: Settings) -> None:
        chosen = build_provider(settings.model_copy(update={"chat_provider": "openai"}))
        assert isinstance(chosen, AgentsProvider)
        assert isinstance(build_provider(settings), LocalEngine)

    def test_tracing_is_off_unless_asked_for(self, settings: Settings) -> None:
        quiet = AgentsProvider(settings.model_copy(update={"chat_provider": "openai"}))
        traced = AgentsProvider(settings.model_copy(update={"openai_agents_tracing": True}))
        assert quiet._run_config.tracing_disabled is True
        assert traced._run_config.tracing_disabled is False


class TestToolsComeFromMCP:
    def test_the_model_is_offered_the_mcp_servers_tools(
        self, client: TestClient, use_endpoint: UseEndpoint, alice: AuthedUser
    ) -> None:
        endpoint = use_endpoint(text("Hello!"))
        assert post(client, alice, "hi").status_code == 200
        offered = {
            tool["function"]["name"]: (
                tool["function"]["description"],
                tool["function"]["parameters"],
            )
            for tool in endpoint.requests[0]["tools"]
        }
        served = {
            tool.name: (tool.description, inline_refs(tool.input_schema))
            for tool in describe_tools()
        }
        assert offered == served

    @pytest.mark.parametrize("whose", ["own", "other"])
    def test_a_user_id_argument_is_checked_never_obeyed(
        self,
        client: TestClient,
        use_endpoint: UseEndpoint,
        alice: AuthedUser,
        bob: AuthedUser,
        session: Session,
        whose: str,
    ) -> None:
        claimed = alice.id if whose == "own" else bob.id
        arguments = json.dumps({"title": "Buy milk", "user_id": claimed})
        use_endpoint(calls(("add_task", arguments)), text("Done."))
        [call] = post(client, alice, "add buy milk").json()["tool_calls"]
        owners = [task.user_id for task in session.exec(select(Task))]
        if whose == "own":
            assert call["result"]["status"] == "created"
            assert owners == [alice.id]
        else:
            assert "user_id must be your own user id" in call["result"]["error"]
            assert owners == []
