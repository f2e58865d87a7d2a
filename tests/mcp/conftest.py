"""A real uvicorn server for MCP tests, and a connected official MCP client."""

import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import httpx2
import jwt
import pytest
from fastapi import FastAPI
from mcp import Client
from mcp.client.streamable_http import streamable_http_client

from backend.config import Settings
from backend.main import create_app
from tests.servers import serve

LIST_TOOLS = {"jsonrpc": "2.0", "id": 1, "method": "tools/list"}


@pytest.fixture
def anyio_backend() -> str:
    """Async tests run on asyncio, like uvicorn."""
    return "asyncio"


@pytest.fixture(scope="module")
def base_url(settings: Settings, app: FastAPI) -> Iterator[str]:
    """A real server for a fresh app on the test database (which `app` has migrated)."""
    with serve(create_app(settings)) as url:
        yield url


@pytest.fixture
def mcp_url(base_url: str) -> str:
    """The MCP endpoint of the test server."""
    return f"{base_url}/mcp"


@asynccontextmanager
async def connect(url: str, token: str | None, *, mode: str = "legacy") -> AsyncIterator[Client]:
    """An official MCP client over streamable HTTP, sending `token` as its bearer token."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    async with (
        httpx2.AsyncClient(headers=headers, timeout=10) as http,
        Client(streamable_http_client(url, http_client=http), mode=mode) as client,
    ):
        yield client


@pytest.fixture(params=["legacy", "auto"])
def era(request: pytest.FixtureRequest) -> str:
    """Client mode: the 2025 initialize handshake, or `auto` (negotiates the 2026 protocol)."""
    mode: str = request.param
    return mode


def expired_token(token: str, settings: Settings) -> str:
    """The same access token, re-signed with the app's key but expired an hour ago."""
    claims = jwt.decode(token, options={"verify_signature": False})
    past = int(time.time()) - 3600
    claims.update(iat=past - 900, exp=past)
    return jwt.encode(claims, settings.jwt_key(), algorithm="HS256")


def post_jsonrpc(
    url: str, message: dict[str, Any], token: str | None = None, **headers: str
) -> httpx.Response:
    """One raw JSON-RPC POST to `/mcp`, as any MCP client sends it, optionally with a token."""
    sent = {"Accept": "application/json, text/event-stream", **headers}
    if token is not None:
        sent["Authorization"] = f"Bearer {token}"
    return httpx.post(url, json=message, headers=sent)
