"""`/mcp`: the REST API's bearer tokens only, DNS-rebinding protection, POST only."""

import httpx
import jwt
import pytest
from fastapi import FastAPI
from mcp.shared.exceptions import MCPError
from sqlalchemy import Engine
from sqlmodel import Session

from backend.auth.deps import authenticate_token
from backend.config import Settings
from backend.db import open_session
from backend.errors import UnauthorizedError
from backend.main import create_app
from tests.conftest import AuthedUser, make_settings
from tests.mcp.conftest import LIST_TOOLS, connect, expired_token, post_jsonrpc, serve
from tests.system.test_sessions import counting_checkouts

pytestmark = pytest.mark.slow


def post_mcp(url: str, token: str | None = None, **headers: str) -> httpx.Response:
    """A raw `tools/list` request."""
    return post_jsonrpc(url, LIST_TOOLS, token, **headers)


def assert_unauthorized(response: httpx.Response) -> None:
    """401 with a bearer challenge and the app's error format."""
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert response.json()["code"] == "unauthorized"


@pytest.mark.anyio
@pytest.mark.parametrize("token", ["a.b.c", "not-a-jwt", "eyJhbGciOiJIUzI1NiJ9.e30.c2ln"])
async def test_a_bad_token_touches_no_database(
    app: FastAPI, app_engine: Engine, token: str
) -> None:
    # Verified before any connection is checked out: junk tokens cannot drain the pool, and a
    # database outage does not turn their 401 into a 503.
    with counting_checkouts(app_engine) as checkouts:
        async with open_session(app.state.engine) as session:
            with pytest.raises(UnauthorizedError):
                await authenticate_token(token, session=session, settings=app.state.settings)
    assert checkouts == []


class TestAuthentication:
    def test_valid_token_is_served(self, mcp_url: str, alice: AuthedUser) -> None:
        response = post_mcp(mcp_url, alice.token)
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("application/json")
        assert len(response.json()["result"]["tools"]) == 5

    def test_no_token_is_401(self, mcp_url: str) -> None:
        assert_unauthorized(post_mcp(mcp_url))

    def test_malformed_token_is_401(self, mcp_url: str) -> None:
        assert_unauthorized(post_mcp(mcp_url, "not-a-jwt"))

    def test_non_bearer_scheme_is_401(self, mcp_url: str, alice: AuthedUser) -> None:
        assert_unauthorized(post_mcp(mcp_url, Authorization=f"Basic {alice.token}"))

    def test_expired_token_is_401(
        self, mcp_url: str, alice: AuthedUser, settings: Settings
    ) -> None:
        assert_unauthorized(post_mcp(mcp_url, expired_token(alice.token, settings)))

    def test_token_signed_with_another_key_is_401(self, mcp_url: str, alice: AuthedUser) -> None:
        claims = jwt.decode(alice.token, options={"verify_signature": False})
        forged = jwt.encode(claims, "another-secret-" + "y" * 40, algorithm="HS256")
        assert_unauthorized(post_mcp(mcp_url, forged))

    def test_deactivated_users_token_is_401(
        self, mcp_url: str, alice: AuthedUser, session: Session
    ) -> None:
        alice.user.is_active = False
        session.add(alice.user)
        session.commit()
        assert_unauthorized(post_mcp(mcp_url, alice.token))

    @pytest.mark.anyio
    async def test_official_client_without_token_cannot_connect(self, mcp_url: str) -> None:
        with pytest.RaisesGroup(MCPError, flatten_subgroups=True):
            async with connect(mcp_url, None) as client:
                await client.list_tools()

    @pytest.mark.anyio
    async def test_official_client_with_expired_token_cannot_connect(
        self, mcp_url: str, alice: AuthedUser, settings: Settings
    ) -> None:
        with pytest.RaisesGroup(MCPError, flatten_subgroups=True):
            async with connect(mcp_url, expired_token(alice.token, settings)) as client:
                await client.list_tools()


class TestTransportSecurity:
    def test_unknown_host_is_refused(self, mcp_url: str, alice: AuthedUser) -> None:
        response = post_mcp(mcp_url, alice.token, Host="attacker.example")
        assert response.status_code == 421

    def test_unknown_browser_origin_is_refused(self, mcp_url: str, alice: AuthedUser) -> None:
        response = post_mcp(mcp_url, alice.token, Origin="http://attacker.example")
        assert response.status_code == 403

    def test_configured_hostname_and_origin_are_served(
        self, database_url: str, app: FastAPI, alice: AuthedUser
    ) -> None:
        settings = make_settings(
            database_url,
            mcp_allowed_hosts=["todo.example.com"],
            mcp_allowed_origins=["https://app.example.com"],
        )
        with serve(create_app(settings)) as base_url:
            url = f"{base_url}/mcp"
            served = post_mcp(
                url, alice.token, Host="todo.example.com", Origin="https://app.example.com"
            )
            local = post_mcp(url, alice.token)
        assert served.status_code == 200
        assert len(served.json()["result"]["tools"]) == 5
        assert local.status_code == 421


class TestMethods:
    @pytest.mark.parametrize("method", ["GET", "DELETE"])
    def test_only_post_is_served(self, mcp_url: str, alice: AuthedUser, method: str) -> None:
        # Stateless: no server-push stream to hold open, no session to end.
        headers = {**alice.headers, "Accept": "text/event-stream"}
        response = httpx.request(method, mcp_url, headers=headers, timeout=5)
        assert response.status_code == 405
        assert response.headers["Allow"] == "POST"
        assert response.json()["code"] == "method_not_allowed"
