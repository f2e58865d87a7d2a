"""A database outage answers 503 with Retry-After, and the app recovers by itself: a database
that is down (connections refused) and one that stops answering (frozen, sockets open)."""

import asyncio
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import httpx2
import pytest
from fastapi.testclient import TestClient

from backend.auth.models import User
from backend.auth.security import create_access_token
from backend.db import open_session
from backend.main import create_app
from backend.schema import run_migrations
from tests.conftest import make_settings
from tests.pgcluster import ThrowawayCluster, throwaway_cluster

RECOVERY_SECONDS = 20
# Only a safety net: without bounded waits a request on a frozen database never returns.
HANG_GUARD_SECONDS = 60


@contextmanager
def client_as_ada(
    cluster: ThrowawayCluster, **settings: float
) -> Iterator[tuple[TestClient, dict[str, str]]]:
    """A client of an app on the cluster, and headers for its user `ada`."""
    app = create_app(make_settings(cluster.url, **settings))

    async def prepare() -> None:
        await run_migrations(app.state.engine)
        async with open_session(app.state.engine) as session:
            session.add(User(id="ada", email="ada@example.com"))
            await session.commit()
        await app.state.engine.dispose()

    asyncio.run(prepare())
    token = create_access_token(user_id="ada", settings=app.state.settings)
    with TestClient(app) as client:
        yield client, {"Authorization": f"Bearer {token}"}


def answered(request: Callable[[], httpx2.Response]) -> httpx2.Response:
    """The response to a request that must come back at all (run with a hang guard)."""
    responses: list[httpx2.Response] = []
    worker = threading.Thread(target=lambda: responses.append(request()), daemon=True)
    worker.start()
    worker.join(HANG_GUARD_SECONDS)
    assert responses, "the request hung on the frozen database"
    return responses[0]


def wait_until_ready(client: TestClient) -> int | None:
    """Poll readiness until it is 200 or RECOVERY_SECONDS pass; the last status."""
    deadline = time.monotonic() + RECOVERY_SECONDS
    status = None
    while time.monotonic() < deadline:
        status = client.get("/api/health/ready").status_code
        if status == 200:
            break
        time.sleep(0.2)
    return status


def assert_unavailable(response: httpx2.Response) -> None:
    """A plain 503 with Retry-After, nothing internal in it."""
    assert response.status_code == 503, response.text
    assert response.headers["Retry-After"].isdigit()
    assert response.json()["code"] == "service_unavailable"
    assert "psycopg" not in response.text
    assert "SELECT" not in response.text


@pytest.mark.slow
def test_readiness_follows_the_database_without_an_app_restart() -> None:
    with (
        throwaway_cluster() as cluster,
        client_as_ada(cluster, db_connect_timeout=2) as (client, headers),
    ):
        assert client.get("/api/health/ready").status_code == 200
        assert client.get("/api/me/tasks", headers=headers).status_code == 200

        cluster.stop()
        assert_unavailable(client.get("/api/health/ready"))
        assert client.get("/api/health").status_code == 200  # liveness needs no DB
        assert_unavailable(client.get("/api/me/tasks", headers=headers))

        cluster.start()
        assert wait_until_ready(client) == 200
        assert client.get("/api/me/tasks", headers=headers).status_code == 200


@pytest.mark.slow
def test_a_frozen_database_is_503_not_a_hang_and_service_returns_when_it_thaws() -> None:
    bounds = {"db_statement_timeout": 1.0, "db_connect_timeout": 1, "db_pool_timeout": 1.0}
    with throwaway_cluster() as cluster, client_as_ada(cluster, **bounds) as (client, headers):
        created = client.post("/api/me/tasks", json={"title": "Before"}, headers=headers)
        assert created.status_code == 201
        cluster.freeze()
        try:
            assert_unavailable(answered(lambda: client.get("/api/me/tasks", headers=headers)))
            write = {"title": "During"}
            assert_unavailable(
                answered(lambda: client.post("/api/me/tasks", json=write, headers=headers))
            )
            assert_unavailable(answered(lambda: client.get("/api/health/ready")))
            assert client.get("/api/health").status_code == 200
        finally:
            cluster.thaw()
        assert wait_until_ready(client) == 200
        listed = client.get("/api/me/tasks", headers=headers)
        assert [task["title"] for task in listed.json()] == ["Before"]  # the 503 wrote nothing


@pytest.mark.slow
def test_every_kind_of_client_gets_503_on_a_frozen_database_and_nothing_is_half_stored() -> None:
    # Chat (JSON, SSE, ChatKit), conversations, sign-in and MCP each wait on the database
    # somewhere else than the task routes: each must answer within its bounds, and a chat turn
    # that could not finish must leave neither its message nor its task behind.
    bounds = {"db_statement_timeout": 1.0, "db_connect_timeout": 1, "db_pool_timeout": 1.0}
    with throwaway_cluster() as cluster, client_as_ada(cluster, **bounds) as (client, headers):
        first = client.post("/api/me/chat", json={"message": "add buy milk"}, headers=headers)
        conversation = first.json()["conversation_id"]
        turn = {"message": "add eggs", "conversation_id": conversation}
        mcp_call = {"jsonrpc": "2.0", "id": 1, "method": "tools/call",
                    "params": {"name": "list_tasks", "arguments": {}}}  # fmt: skip
        mcp_headers = {**headers, "Accept": "application/json, text/event-stream"}
        password = {"email": "ada@example.com", "password": "not-the-password"}
        requests: list[Callable[[], httpx2.Response]] = [
            lambda: client.post("/api/me/chat", json=turn, headers=headers),
            lambda: client.post(
                "/api/me/chat", json=turn, headers={**headers, "Accept": "text/event-stream"}
            ),
            lambda: client.post("/api/chatkit", json={"type": "threads.list"}, headers=headers),
            lambda: client.get("/api/me/conversations", headers=headers),
            lambda: client.get("/api/me/tasks/stats", headers=headers),
            lambda: client.post("/api/auth/login", json=password),
            lambda: client.post("/mcp", json=mcp_call, headers=mcp_headers),
        ]
        cluster.freeze()
        try:
            for request in requests:
                assert_unavailable(answered(request))
        finally:
            cluster.thaw()
        assert wait_until_ready(client) == 200
        stored = client.get(f"/api/me/conversations/{conversation}", headers=headers).json()
        assert [message["content"] for message in stored["messages"]][::2] == ["add buy milk"]
        listed = client.get("/api/me/tasks", headers=headers)
        assert [task["title"] for task in listed.json()] == ["Buy milk"]
