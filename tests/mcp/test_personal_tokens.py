"""A personal access token on `/mcp`: the official client works with it until it is revoked."""

import httpx
import pytest
from mcp.shared.exceptions import MCPError

from tests.conftest import AuthedUser
from tests.mcp.conftest import LIST_TOOLS, connect, post_jsonrpc

pytestmark = [pytest.mark.slow, pytest.mark.anyio]


async def create_token(base_url: str, user: AuthedUser, scope: str) -> tuple[int, str]:
    """A personal access token made through the REST API: its id and value."""
    async with httpx.AsyncClient(base_url=base_url, headers=user.headers) as http:
        response = await http.post("/api/auth/tokens", json={"name": "IDE", "scope": scope})
    assert response.status_code == 201, response.text
    return response.json()["id"], response.json()["token"]


@pytest.mark.parametrize("scope", ["tasks", "api"])
async def test_token_works_until_revoked_then_401(
    base_url: str, mcp_url: str, alice: AuthedUser, scope: str
) -> None:
    token_id, token = await create_token(base_url, alice, scope)
    async with connect(mcp_url, token) as client:
        added = await client.call_tool("add_task", {"title": "From my IDE"})
    assert not added.is_error
    assert added.structured_content["task"]["user_id"] == alice.id
    async with httpx.AsyncClient(base_url=base_url, headers=alice.headers) as http:
        assert (await http.delete(f"/api/auth/tokens/{token_id}")).status_code == 204
    refused = post_jsonrpc(mcp_url, LIST_TOOLS, token)
    assert refused.status_code == 401
    assert "resource_metadata=" in refused.headers["WWW-Authenticate"]
    with pytest.RaisesGroup(MCPError, flatten_subgroups=True):
        async with connect(mcp_url, token) as client:
            await client.list_tools()
