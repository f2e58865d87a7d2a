"""Request bodies that are not one JSON-RPC message get a short, clean 400."""

import httpx
import pytest

from tests.conftest import AuthedUser
from tests.mcp.conftest import LIST_TOOLS

NOT_ONE_MESSAGE = (
    "Invalid Request: the body must be one JSON-RPC 2.0 message object (batches are not supported)"
)


def post_raw(url: str, body: bytes, user: AuthedUser) -> httpx.Response:
    """POST raw bytes to `/mcp` as a JSON-RPC client would, with the user's token."""
    headers = {
        **user.headers,
        "Accept": "application/json, text/event-stream",
        "Content-Type": "application/json",
    }
    return httpx.post(url, content=body, headers=headers)


class TestMessageShape:
    @pytest.mark.parametrize(
        "body",
        [
            b'[{"jsonrpc": "2.0", "id": 1, "method": "tools/list"}]',
            b'{"jsonrpc": "2.0", "id": 1}',
            b'{"hello": "world"}',
            b"42",
        ],
        ids=["batch", "no-method", "not-json-rpc", "number"],
    )
    def test_not_one_message_is_400_with_a_short_message(
        self, mcp_url: str, alice: AuthedUser, body: bytes
    ) -> None:
        response = post_raw(mcp_url, body, alice)
        assert response.status_code == 400
        assert response.json() == {
            "jsonrpc": "2.0",
            "id": None,
            "error": {"code": -32600, "message": NOT_ONE_MESSAGE},
        }

    def test_malformed_json_is_a_parse_error(self, mcp_url: str, alice: AuthedUser) -> None:
        response = post_raw(mcp_url, b'{"jsonrpc": ', alice)
        assert response.status_code == 400
        assert response.json()["error"] == {
            "code": -32700,
            "message": "Parse error: the body is not JSON",
        }

    def test_one_message_is_still_served(self, mcp_url: str, alice: AuthedUser) -> None:
        response = httpx.post(
            mcp_url,
            json=LIST_TOOLS,
            headers={**alice.headers, "Accept": "application/json, text/event-stream"},
        )
        assert response.status_code == 200
        names = [tool["name"] for tool in response.json()["result"]["tools"]]
        assert names == ["add_task", "list_tasks", "complete_task", "delete_task", "update_task"]
