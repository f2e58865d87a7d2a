"""RFC 9728: a 401 from `/mcp` names the protected-resource metadata, and the official client's
discovery finds and reads it."""

import httpx2
import pytest
from fastapi.testclient import TestClient
from mcp.client.auth.utils import (
    build_protected_resource_metadata_discovery_urls,
    extract_resource_metadata_from_www_auth,
    handle_protected_resource_response,
)
from mcp.shared.auth import ProtectedResourceMetadata

from backend.config import Settings
from backend.main import create_app
from tests.conftest import AuthedUser, dispose_engine
from tests.mcp.conftest import LIST_TOOLS

pytestmark = [pytest.mark.slow, pytest.mark.anyio]


async def discover(mcp_url: str, token: str | None = None) -> list[ProtectedResourceMetadata]:
    """What the official client's discovery reads after a 401, at each URL it tries, in order."""
    headers = {"Accept": "application/json, text/event-stream"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    async with httpx2.AsyncClient(timeout=10) as http:
        refused = await http.post(mcp_url, json=LIST_TOOLS, headers=headers)
        assert refused.status_code == 401
        pointer = extract_resource_metadata_from_www_auth(refused)
        assert pointer is not None
        found = []
        for url in build_protected_resource_metadata_discovery_urls(pointer, mcp_url):
            metadata = await handle_protected_resource_response(await http.get(url))
            assert metadata is not None, url
            found.append(metadata)
        return found


class TestDiscovery:
    async def test_client_finds_the_metadata_from_the_401_and_the_well_known_paths(
        self, mcp_url: str, base_url: str
    ) -> None:
        found = await discover(mcp_url)
        assert len(found) == 3  # the challenge's URL, the path-based and the root well-known
        assert all(metadata == found[0] for metadata in found)
        metadata = found[0]
        assert str(metadata.resource) == mcp_url
        assert [str(url) for url in metadata.authorization_servers] == [base_url]
        assert metadata.bearer_methods_supported == ["header"]
        assert metadata.scopes_supported == ["tasks", "api"]

    async def test_a_bad_token_gets_the_same_challenge(
        self, mcp_url: str, alice: AuthedUser
    ) -> None:
        assert len(await discover(mcp_url, alice.token + "x")) == 3


def test_external_issuer_is_the_authorization_server(settings: Settings) -> None:
    issuer = "https://auth.example.com"
    app = create_app(settings.model_copy(update={"auth_issuer": issuer}))
    with TestClient(app) as client:
        response = client.get("/.well-known/oauth-protected-resource/mcp")
    dispose_engine(app)
    assert response.status_code == 200
    body = response.json()
    assert body["authorization_servers"] == [issuer]
    assert body["resource"] == "http://testserver/mcp"
    assert "jwks_uri" not in body  # unset fields are left out, not null
