"""Reads on the event loop: the async engine reads in autocommit; the token's user and a GET
route's data share one of its connections; a route that works in a worker thread holds none."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, event
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine

from backend.db import Reads
from backend.tasks import service as task_service
from tests.conftest import AuthedUser
from tests.tasks.conftest import tasks_url


@contextmanager
def counting_checkouts(engine: Engine) -> Iterator[list[int]]:
    """One entry per connection the engine's pool hands out while the block runs."""
    checkouts: list[int] = []

    def record(*_args: Any) -> None:
        checkouts.append(1)

    event.listen(engine, "checkout", record)
    try:
        yield checkouts
    finally:
        event.remove(engine, "checkout", record)


def _async_engine(app: FastAPI) -> AsyncEngine:
    engine: AsyncEngine = app.state.async_engine
    return engine


class TestAsyncEngine:
    @pytest.mark.anyio
    async def test_its_connections_are_in_autocommit(self, app: FastAPI) -> None:
        engine = _async_engine(app)
        try:
            async with engine.connect() as connection:
                driver: Any = (await connection.get_raw_connection()).driver_connection
                if engine.dialect.name == "postgresql":
                    assert driver.autocommit is True
                else:
                    assert driver.isolation_level is None  # sqlite3's autocommit
        finally:
            await engine.dispose()  # its connections belong to this test's event loop

    @pytest.mark.anyio
    async def test_reads_take_one_connection_and_give_it_back(self, app: FastAPI) -> None:
        engine = _async_engine(app)
        reads = Reads(engine)
        try:
            await reads.release()  # nothing taken yet: nothing to give back
            first = await reads.connection()
            assert await reads.connection() is first
            assert engine.sync_engine.pool.checkedout() == 1  # type: ignore[attr-defined]
            await reads.release()
            assert engine.sync_engine.pool.checkedout() == 0  # type: ignore[attr-defined]
            assert first.closed
        finally:
            await engine.dispose()


class TestConnectionsPerRequest:
    @pytest.mark.parametrize(
        ("path", "shows"),
        [
            ("/tasks", '"title":"Write the report"'),
            ("/tasks/{task}", '"title":"Write the report"'),
            ("/tasks/stats", '"total":1'),
            ("/tags", '"name":"work"'),
            ("/conversations", '"id":{conversation}'),
            ("/conversations/{conversation}", '"content":"hello"'),
        ],
    )
    def test_a_read_takes_one_loop_connection_for_its_user_and_its_data(
        self,
        client: TestClient,
        app: FastAPI,
        engine: Engine,
        alice: AuthedUser,
        path: str,
        shows: str,
    ) -> None:
        task = {"title": "Write the report", "tags": ["work"]}
        created = client.post(tasks_url(alice), json=task, headers=alice.headers).json()
        chat = client.post("/api/me/chat", json={"message": "hello"}, headers=alice.headers)
        ids = {"task": created["id"], "conversation": chat.json()["conversation_id"]}
        with (
            counting_checkouts(_async_engine(app).sync_engine) as on_the_loop,
            counting_checkouts(engine) as in_threads,
        ):
            response = client.get("/api/me" + path.format(**ids), headers=alice.headers)
        assert response.status_code == 200, response.text
        assert shows.format(**ids) in response.text
        assert len(on_the_loop) == 1
        assert in_threads == []
        assert _async_engine(app).sync_engine.pool.checkedout() == 0  # type: ignore[attr-defined]

    def test_a_database_error_inside_a_read_is_503_and_releases_the_connection(
        self, client: TestClient, app: FastAPI, alice: AuthedUser, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        def failing(**_kwargs: Any) -> Any:
            raise OperationalError("SELECT count(*) FROM tasks", {}, Exception("server closed"))

        monkeypatch.setattr(task_service, "task_stats", failing)
        response = client.get(tasks_url(alice, "/stats"), headers=alice.headers)
        assert response.status_code == 503
        assert response.headers["Retry-After"].isdigit()
        assert "SELECT" not in response.text
        assert _async_engine(app).sync_engine.pool.checkedout() == 0  # type: ignore[attr-defined]

    @pytest.mark.parametrize("token", [None, "garbage"])
    def test_no_valid_token_touches_no_database(
        self, client: TestClient, app: FastAPI, engine: Engine, token: str | None
    ) -> None:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        with (
            counting_checkouts(_async_engine(app).sync_engine) as on_the_loop,
            counting_checkouts(engine) as in_threads,
        ):
            # The `/api/tasks` alias has no path check before the route's own dependencies.
            assert client.get("/api/tasks", headers=headers).status_code == 401
        assert on_the_loop == in_threads == []

    @pytest.mark.parametrize("route", ["create", "delete"])
    def test_a_route_in_a_worker_thread_holds_no_loop_connection(
        self,
        client: TestClient,
        app: FastAPI,
        alice: AuthedUser,
        monkeypatch: pytest.MonkeyPatch,
        route: str,
    ) -> None:
        # Its user was read on the event loop; that connection must be back in the pool
        # before the route's own work starts in a worker thread.
        held: list[int] = []
        created = client.post(tasks_url(alice), json={"title": "x"}, headers=alice.headers).json()
        name = f"{route}_task"
        real = getattr(task_service, name)

        def spying(**kwargs: Any) -> Any:
            held.append(_async_engine(app).sync_engine.pool.checkedout())  # type: ignore[attr-defined]
            return real(**kwargs)

        monkeypatch.setattr(task_service, name, spying)
        if route == "create":
            response = client.post(tasks_url(alice), json={"title": "y"}, headers=alice.headers)
        else:
            response = client.delete(tasks_url(alice, f"/{created['id']}"), headers=alice.headers)
        assert response.status_code in (200, 201), response.text
        assert held == [0]


@pytest.mark.anyio
async def test_the_list_gives_its_connection_back_before_sending(
    app: FastAPI, alice: AuthedUser
) -> None:
    # A client slow to read its response must not keep a connection from the pool.
    pool: Any = _async_engine(app).sync_engine.pool
    started: list[tuple[int, int]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            started.append((message["status"], pool.checkedout()))

    path = tasks_url(alice)
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"testserver"), (b"authorization", f"Bearer {alice.token}".encode())],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }
    try:
        await app(scope, receive, send)
    finally:
        await _async_engine(app).dispose()
    assert started == [(200, 0)]
