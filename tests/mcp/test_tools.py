"""The chat's five tools over MCP with the official client; effects checked through the REST API."""

import json
from typing import Any

import httpx
import mcp_types as types
import pytest
from mcp.shared.exceptions import MCPError
from mcp_types.version import HANDSHAKE_PROTOCOL_VERSIONS, MODERN_PROTOCOL_VERSIONS

from backend.tasks.tools import TOOLS
from tests.conftest import AuthedUser
from tests.mcp.conftest import connect, post_jsonrpc

pytestmark = [pytest.mark.anyio, pytest.mark.slow]

TOOL_NAMES = {"add_task", "list_tasks", "complete_task", "delete_task", "update_task"}


async def call(
    url: str, user: AuthedUser, era: str, name: str, arguments: dict[str, Any]
) -> types.CallToolResult:
    """Call one tool as `user` through a fresh official client."""
    async with connect(url, user.token, mode=era) as client:
        return await client.call_tool(name, arguments)


async def rest(
    base_url: str, user: AuthedUser, method: str, path: str = "", **kwargs: Any
) -> httpx.Response:
    """A request to the user's tasks through the REST API."""
    async with httpx.AsyncClient(base_url=base_url, headers=user.headers) as http:
        return await http.request(method, f"/api/me/tasks{path}", **kwargs)


async def create_task(base_url: str, user: AuthedUser, **fields: Any) -> dict[str, Any]:
    """Create a task through the REST API and return its JSON."""
    response = await rest(base_url, user, "POST", json=fields)
    assert response.status_code == 201, response.text
    task: dict[str, Any] = response.json()
    return task


def task_of(result: types.CallToolResult) -> dict[str, Any]:
    """The task a successful tool call answered."""
    assert not result.is_error, result.content
    task: dict[str, Any] = result.structured_content["task"]
    return task


class TestInitialize:
    async def test_handshake_names_the_server_and_offers_tools(
        self, mcp_url: str, alice: AuthedUser, era: str
    ) -> None:
        async with connect(mcp_url, alice.token, mode=era) as client:
            versions = HANDSHAKE_PROTOCOL_VERSIONS if era == "legacy" else MODERN_PROTOCOL_VERSIONS
            assert client.protocol_version in versions
            assert client.server_capabilities.tools is not None
            assert client.instructions is not None
            assert "a user_id argument, if sent, must be theirs" in client.instructions
            assert client.server_info is not None
            assert client.server_info.name == "todo-api"

    def test_server_is_stateless_and_answers_json(self, mcp_url: str, alice: AuthedUser) -> None:
        initialize = {
            "jsonrpc": "2.0",
            "id": 1,
            "method": "initialize",
            "params": {
                "protocolVersion": "2025-11-25",
                "capabilities": {},
                "clientInfo": {"name": "raw-test", "version": "1"},
            },
        }
        response = post_jsonrpc(mcp_url, initialize, alice.token)
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("application/json")
        assert "mcp-session-id" not in response.headers
        assert response.json()["result"]["serverInfo"]["name"] == "todo-api"


class TestListTools:
    async def test_lists_the_five_task_tools(
        self, mcp_url: str, alice: AuthedUser, era: str
    ) -> None:
        async with connect(mcp_url, alice.token, mode=era) as client:
            listing = await client.list_tools()
        assert {tool.name for tool in listing.tools} == TOOL_NAMES

    async def test_schemas_and_descriptions_are_the_chats_definitions(
        self, mcp_url: str, alice: AuthedUser, era: str
    ) -> None:
        async with connect(mcp_url, alice.token, mode=era) as client:
            listing = await client.list_tools()
        served = {tool.name: (tool.description, tool.input_schema) for tool in listing.tools}
        defined = {
            spec.name: (spec.description, spec.arguments.model_json_schema()) for spec in TOOLS
        }
        assert served == defined

    async def test_every_schema_is_an_object_without_a_user_id(
        self, mcp_url: str, alice: AuthedUser
    ) -> None:
        async with connect(mcp_url, alice.token) as client:
            listing = await client.list_tools()
        for tool in listing.tools:
            assert tool.input_schema["type"] == "object"
            assert "user_id" not in tool.input_schema.get("properties", {})
        required = {tool.name: tool.input_schema.get("required", []) for tool in listing.tools}
        assert required["add_task"] == ["title"]
        assert required["complete_task"] == ["task_id"]


class TestAddTask:
    async def test_created_task_is_visible_through_rest(
        self, mcp_url: str, base_url: str, alice: AuthedUser, era: str
    ) -> None:
        arguments = {"title": "Buy milk", "priority": "high", "tags": ["home"]}
        task = task_of(await call(mcp_url, alice, era, "add_task", arguments))
        response = await rest(base_url, alice, "GET", f"/{task['id']}")
        assert response.status_code == 200
        stored = response.json()
        assert stored["title"] == "Buy milk"
        assert stored["priority"] == "high"
        assert stored["tags"] == ["home"]
        assert stored["completed"] is False

    async def test_text_content_carries_the_same_json(
        self, mcp_url: str, alice: AuthedUser, era: str
    ) -> None:
        result = await call(mcp_url, alice, era, "add_task", {"title": "Call mom"})
        assert isinstance(result.content[0], types.TextContent)
        assert json.loads(result.content[0].text) == result.structured_content


class TestListTasks:
    async def test_lists_tasks_created_through_rest_with_filters(
        self, mcp_url: str, base_url: str, alice: AuthedUser, era: str
    ) -> None:
        done = await create_task(base_url, alice, title="Done already")
        pending = await create_task(base_url, alice, title="Still to do")
        completed = await rest(base_url, alice, "PATCH", f"/{done['id']}/complete")
        assert completed.status_code == 200
        result = await call(mcp_url, alice, era, "list_tasks", {"status": "pending"})
        assert not result.is_error
        assert [task["id"] for task in result.structured_content["tasks"]] == [pending["id"]]
        assert result.structured_content["total"] == 1


class TestCompleteTask:
    async def test_completion_is_visible_through_rest(
        self, mcp_url: str, base_url: str, alice: AuthedUser, era: str
    ) -> None:
        task = await create_task(base_url, alice, title="Pay rent")
        assert task_of(await call(mcp_url, alice, era, "complete_task", {"task_id": task["id"]}))
        stored = (await rest(base_url, alice, "GET", f"/{task['id']}")).json()
        assert stored["completed"] is True
        assert stored["completed_at"] is not None

    async def test_completed_false_reopens(
        self, mcp_url: str, base_url: str, alice: AuthedUser, era: str
    ) -> None:
        task = await create_task(base_url, alice, title="Pay rent", completed=True)
        arguments = {"task_id": task["id"], "completed": False}
        assert task_of(await call(mcp_url, alice, era, "complete_task", arguments))
        stored = (await rest(base_url, alice, "GET", f"/{task['id']}")).json()
        assert stored["completed"] is False


class TestDeleteTask:
    async def test_deleted_task_is_gone_from_rest(
        self, mcp_url: str, base_url: str, alice: AuthedUser, era: str
    ) -> None:
        task = await create_task(base_url, alice, title="Old chore")
        result = await call(mcp_url, alice, era, "delete_task", {"task_id": task["id"]})
        assert not result.is_error
        assert result.structured_content["deleted"]["id"] == task["id"]
        assert (await rest(base_url, alice, "GET", f"/{task['id']}")).status_code == 404


class TestUpdateTask:
    async def test_only_the_given_fields_change(
        self, mcp_url: str, base_url: str, alice: AuthedUser, era: str
    ) -> None:
        task = await create_task(base_url, alice, title="Draft", description="Keep this")
        arguments = {"task_id": task["id"], "title": "Final", "priority": "low"}
        assert task_of(await call(mcp_url, alice, era, "update_task", arguments))
        stored = (await rest(base_url, alice, "GET", f"/{task['id']}")).json()
        assert stored["title"] == "Final"
        assert stored["priority"] == "low"
        assert stored["description"] == "Keep this"


class TestIsolation:
    async def test_list_shows_only_the_token_owners_tasks(
        self, mcp_url: str, base_url: str, alice: AuthedUser, bob: AuthedUser, era: str
    ) -> None:
        await create_task(base_url, alice, title="Alice's secret")
        bobs = task_of(await call(mcp_url, bob, era, "add_task", {"title": "Bob's own"}))
        result = await call(mcp_url, bob, era, "list_tasks", {})
        assert [task["id"] for task in result.structured_content["tasks"]] == [bobs["id"]]

    @pytest.mark.parametrize(
        ("tool", "extra"),
        [("complete_task", {}), ("delete_task", {}), ("update_task", {"title": "Hijacked"})],
    )
    async def test_other_users_task_cannot_be_changed(
        self,
        mcp_url: str,
        base_url: str,
        alice: AuthedUser,
        bob: AuthedUser,
        era: str,
        tool: str,
        extra: dict[str, Any],
    ) -> None:
        task = await create_task(base_url, alice, title="Alice's task")
        result = await call(mcp_url, bob, era, tool, {"task_id": task["id"], **extra})
        assert result.is_error
        assert "not found" in result.structured_content["error"].lower()
        after = await rest(base_url, alice, "GET", f"/{task['id']}")
        assert after.status_code == 200
        assert after.json() == task

    async def test_own_user_id_argument_is_accepted_with_the_spec_result(
        self, mcp_url: str, alice: AuthedUser, era: str
    ) -> None:
        arguments = {"title": "Spec-shaped", "user_id": alice.id}
        result = await call(mcp_url, alice, era, "add_task", arguments)
        assert not result.is_error, result.content
        answer = result.structured_content
        assert (answer["status"], answer["title"]) == ("created", "Spec-shaped")
        assert answer["task_id"] == answer["task"]["id"]

    async def test_user_id_argument_is_refused(
        self, mcp_url: str, base_url: str, alice: AuthedUser, bob: AuthedUser, era: str
    ) -> None:
        arguments = {"title": "Planted", "user_id": alice.id}
        result = await call(mcp_url, bob, era, "add_task", arguments)
        assert result.is_error
        assert (await rest(base_url, alice, "GET")).json() == []
        assert (await rest(base_url, bob, "GET")).json() == []


class TestBadInput:
    @pytest.mark.parametrize(
        ("tool", "arguments"),
        [
            ("complete_task", {"task_id": "abc"}),
            ("complete_task", {}),
            ("update_task", {"task_id": -1, "title": "x"}),
            ("add_task", {"title": ""}),
            ("add_task", {"title": "a\x00b"}),
            ("add_task", {"title": "x" * 201}),
            ("add_task", {"title": "x", "due_date": "not a date"}),
            ("list_tasks", {"status": "bogus"}),
        ],
    )
    async def test_malformed_arguments_are_a_tool_error(
        self,
        mcp_url: str,
        base_url: str,
        alice: AuthedUser,
        era: str,
        tool: str,
        arguments: dict[str, Any],
    ) -> None:
        async with connect(mcp_url, alice.token, mode=era) as client:
            result = await client.call_tool(tool, arguments)
            assert result.is_error
            assert result.structured_content["error"].startswith("Invalid arguments")
            # The server keeps serving after a bad call.
            assert not (await client.call_tool("list_tasks", {})).is_error
        assert (await rest(base_url, alice, "GET")).json() == []

    async def test_missing_task_is_a_tool_error(
        self, mcp_url: str, alice: AuthedUser, era: str
    ) -> None:
        result = await call(mcp_url, alice, era, "delete_task", {"task_id": 999_999})
        assert result.is_error
        assert "not found" in result.structured_content["error"].lower()

    async def test_unknown_tool_is_a_protocol_error(
        self, mcp_url: str, alice: AuthedUser, era: str
    ) -> None:
        async with connect(mcp_url, alice.token, mode=era) as client:
            with pytest.raises(MCPError) as raised:
                await client.call_tool("drop_database", {})
            assert raised.value.code == types.INVALID_PARAMS

    def test_non_object_arguments_get_a_json_rpc_error(
        self, mcp_url: str, alice: AuthedUser
    ) -> None:
        request = {
            "jsonrpc": "2.0",
            "id": 7,
            "method": "tools/call",
            "params": {"name": "add_task", "arguments": "title=x"},
        }
        response = post_jsonrpc(mcp_url, request, alice.token)
        assert response.json()["error"]["code"] == types.INVALID_PARAMS
