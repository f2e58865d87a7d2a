"""The request's session: one connection per request, reads in autocommit, a write one
transaction committed when the route returns (rolled back on error), the connection back in the
pool before the response is sent."""

import asyncio
from collections.abc import Iterator
from concurrent import futures
from contextlib import contextmanager
from datetime import datetime
from typing import Any, cast

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from psycopg.pq import TransactionStatus
from sqlalchemy import Engine, bindparam, event, literal_column, select, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import ConnectionPoolEntry
from sqlalchemy.util.concurrency import greenlet_spawn
from sqlmodel import Session
from starlette.requests import Request

from backend.config import Settings
from backend.datetimes import UTCDateTime
from backend.db import HandoffQueue, create_db_engine, get_session
from backend.driver import fetch
from backend.errors import ConflictError
from backend.main import create_app
from backend.schema import run_migrations
from backend.tasks import router as task_router
from backend.tasks import service as task_service
from backend.tasks import summaries
from tests.auth.conftest import register
from tests.chat.history import seed_conversation
from tests.conftest import AuthedUser, make_settings
from tests.databases import postgres_database_in_zone, require_postgres
from tests.tasks.conftest import tasks_url

pytestmark = pytest.mark.anyio


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


def http_scope(method: str, path: str, user: AuthedUser, body: bytes = b"") -> dict[str, Any]:
    """An ASGI HTTP scope as a server would pass it."""
    headers = [(b"host", b"testserver"), (b"authorization", f"Bearer {user.token}".encode())]
    if body:
        headers.append((b"content-type", b"application/json"))
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": headers,
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }


@pytest.mark.parametrize(("method", "transaction"), [("GET", False), ("POST", True)])
async def test_reads_run_in_autocommit_and_writes_in_a_transaction(
    app: FastAPI, method: str, transaction: bool
) -> None:
    request = Request({"type": "http", "app": app, "method": method, "headers": [], "path": "/"})
    sessions = get_session(request)
    session = await anext(sessions)
    try:
        connection = await session.connection()
        await connection.execute(text("SELECT 1"))
        driver: Any = (await connection.get_raw_connection()).driver_connection
        if connection.dialect.name == "postgresql":
            assert driver.autocommit is True  # the driver never opens one by itself
            in_transaction = driver.info.transaction_status == TransactionStatus.INTRANS
        else:
            assert driver.isolation_level is None
            in_transaction = driver.in_transaction
        assert in_transaction is transaction
    finally:
        await sessions.aclose()
    assert app.state.engine.sync_engine.pool.checkedout() == 0
    await app.state.engine.dispose()  # its connections belong to this test's event loop


@pytest.mark.parametrize("left_open", [True, False])
async def test_a_connection_is_rolled_back_on_return_only_inside_a_transaction(
    app: FastAPI, left_open: bool
) -> None:
    # Connections live in autocommit mode: one whose transaction was left open (a failed
    # write, a cancelled request) is rolled back when it is returned; any other is returned
    # as it is, without a call to the driver's rollback.
    engine = app.state.engine
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite keeps SQLAlchemy's own reset")
    connection = await engine.connect()
    driver: Any = (await connection.get_raw_connection()).driver_connection
    rollbacks: list[int] = []
    rollback = driver.rollback

    async def counted_rollback() -> None:
        rollbacks.append(1)
        await rollback()

    driver.rollback = counted_rollback
    if left_open:
        await driver.execute("BEGIN")
        await driver.execute("CREATE TABLE left_open (id int)")
    else:
        await driver.execute("SELECT 1")
    await connection.close()
    assert driver.info.transaction_status == TransactionStatus.IDLE
    assert rollbacks == ([1] if left_open else [])
    async with engine.connect() as other:
        found = await other.scalar(text("SELECT to_regclass('left_open') IS NOT NULL"))
    assert found is False
    await engine.dispose()  # its connections belong to this test's event loop


class TestConnectionsPerRequest:
    @pytest.mark.parametrize(
        ("method", "path", "shows"),
        [
            ("GET", "/tasks", '"title":"Write the report"'),
            ("GET", "/tasks/{task}", '"title":"Write the report"'),
            ("GET", "/tasks/stats", '"total":1'),
            ("GET", "/tags", '"name":"work"'),
            ("GET", "/conversations", '"id":{conversation}'),
            ("GET", "/conversations/{conversation}", '"content":"hello"'),
            ("PATCH", "/tasks/{task}/complete", '"completed":true'),
            ("DELETE", "/tasks/{task}", ""),
        ],
    )
    def test_a_request_takes_one_connection_for_its_user_and_its_work(
        self,
        client: TestClient,
        app_engine: Engine,
        alice: AuthedUser,
        method: str,
        path: str,
        shows: str,
    ) -> None:
        task = {"title": "Write the report", "tags": ["work"]}
        created = client.post(tasks_url(alice), json=task, headers=alice.headers).json()
        chat = client.post("/api/me/chat", json={"message": "hello"}, headers=alice.headers)
        ids = {"task": created["id"], "conversation": chat.json()["conversation_id"]}
        url = "/api/me" + path.format(**ids)
        with counting_checkouts(app_engine) as checkouts:
            response = client.request(method, url, headers=alice.headers)
        assert response.status_code in (200, 204), response.text
        assert shows.format(**ids) in response.text
        assert len(checkouts) == 1
        assert app_engine.pool.checkedout() == 0  # type: ignore[attr-defined]

    def test_a_database_error_inside_a_request_is_503_and_releases_the_connection(
        self,
        client: TestClient,
        app_engine: Engine,
        alice: AuthedUser,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        async def failing(*_args: Any, **_kwargs: Any) -> Any:
            raise OperationalError("SELECT count(*) FROM tasks", {}, Exception("server closed"))

        monkeypatch.setattr(summaries, "task_stats", failing)
        response = client.get(tasks_url(alice, "/stats"), headers=alice.headers)
        assert response.status_code == 503
        assert response.headers["Retry-After"].isdigit()
        assert "SELECT" not in response.text
        assert app_engine.pool.checkedout() == 0  # type: ignore[attr-defined]

    @pytest.mark.parametrize("path", ["", "/{task}", "/999999"])
    @pytest.mark.parametrize("failure", [None, "database", "cancelled"])
    def test_the_hot_reads_give_their_connection_back_however_they_end(
        self,
        client: TestClient,
        app_engine: Engine,
        alice: AuthedUser,
        monkeypatch: pytest.MonkeyPatch,
        path: str,
        failure: str | None,
    ) -> None:
        # The list and one task open their connection in their body (`reading`), not through
        # the session dependency: a 200, a 404, a lost database (503) and a cancelled request
        # (the client gone) all return it.
        created = client.post(tasks_url(alice), json={"title": "Mine"}, headers=alice.headers)
        errors = {"database": OperationalError("SELECT", {}, Exception("server closed"))}

        async def failing(*_args: Any, **_kwargs: Any) -> Any:
            raise errors.get(failure or "", asyncio.CancelledError())

        if failure is not None:
            monkeypatch.setattr(task_router, "read_page", failing)
            monkeypatch.setattr(task_service, "read_task", failing)
        url = tasks_url(alice, path.format(task=created.json()["id"]))
        with counting_checkouts(app_engine) as checkouts:
            if failure == "cancelled":
                # The test client's portal hands the cancellation back as its own kind.
                with pytest.raises(futures.CancelledError):
                    client.get(url, headers=alice.headers)
            else:
                response = client.get(url, headers=alice.headers)
                expected = 503 if failure else 404 if path == "/999999" else 200
                assert response.status_code == expected, response.text
        assert len(checkouts) == 1
        assert app_engine.pool.checkedout() == 0  # type: ignore[attr-defined]

    @pytest.mark.parametrize("token", [None, "garbage"])
    def test_no_valid_token_touches_no_database(
        self, client: TestClient, app_engine: Engine, token: str | None
    ) -> None:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        with counting_checkouts(app_engine) as checkouts:
            assert client.get("/api/tasks", headers=headers).status_code == 401
            assert client.post("/api/me/tasks", json={}, headers=headers).status_code == 401
        assert checkouts == []


def test_a_write_that_fails_after_writing_leaves_nothing(
    client: TestClient, alice: AuthedUser, monkeypatch: pytest.MonkeyPatch
) -> None:
    created = {"title": "Keep me", "priority": "low"}
    task = client.post(tasks_url(alice), json=created, headers=alice.headers).json()
    real = task_service.update_task

    async def write_then_fail(*args: Any, **kwargs: Any) -> Any:
        await real(*args, **kwargs)
        raise ConflictError("changed my mind")

    monkeypatch.setattr(task_service, "update_task", write_then_fail)
    url = tasks_url(alice, f"/{task['id']}")
    response = client.patch(url, json={"title": "Gone", "tags": ["x"]}, headers=alice.headers)
    assert response.status_code == 409
    assert client.get(url, headers=alice.headers).json() == task


@pytest.mark.parametrize(("method", "body"), [("GET", b""), ("POST", b'{"title": "Slow reader"}')])
async def test_the_connection_is_back_before_the_response_is_sent(
    app: FastAPI, alice: AuthedUser, method: str, body: bytes
) -> None:
    # A client slow to read its response must not keep a connection from the pool; a write is
    # committed before its answer says it happened.
    pool: Any = app.state.engine.sync_engine.pool
    started: list[tuple[int, int]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            started.append((message["status"], pool.checkedout()))

    try:
        await app(http_scope(method, tasks_url(alice), alice, body), receive, send)
    finally:
        await app.state.engine.dispose()
    assert started == [(201 if body else 200, 0)]


@pytest.mark.parametrize(("ping_after_idle", "status"), [(0.0, 200), (3600.0, 503)])
def test_a_connection_dropped_while_idle_is_replaced_when_it_is_pinged(
    settings: Settings, sync_engine: Engine, alice: AuthedUser, ping_after_idle: float, status: int
) -> None:
    # Neon's idle suspend closes pooled connections; one that idled past DB_PING_AFTER_IDLE is
    # pinged before use and replaced. (Without the ping, the request meets the dead one: 503.)
    if sync_engine.dialect.name != "postgresql":
        pytest.skip("SQLite has no server to drop connections")
    app = create_app(settings.model_copy(update={"db_ping_after_idle": ping_after_idle}))
    with TestClient(app) as client:
        assert client.get("/api/me/tasks", headers=alice.headers).status_code == 200
        with sync_engine.connect() as admin:
            admin.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE"
                    " application_name = 'todo-api' AND datname = current_database()"
                )
            )
        assert client.get("/api/me/tasks", headers=alice.headers).status_code == status
        # The dead connection was thrown away, not put back: the next request gets a new one.
        assert client.get("/api/me/tasks", headers=alice.headers).status_code == 200


def test_after_a_database_restart_one_request_fails_not_one_per_pooled_connection(
    settings: Settings, sync_engine: Engine, alice: AuthedUser
) -> None:
    # A lost connection marks every pooled connection opened before it stale (the server
    # restarted, or the network dropped them all), as SQLAlchemy's own path does.
    if sync_engine.dialect.name != "postgresql":
        pytest.skip("SQLite has no server to drop connections")
    app = create_app(settings.model_copy(update={"db_ping_after_idle": 3600.0}))
    with TestClient(app) as client:
        assert client.portal is not None

        async def fill_the_pool() -> None:
            engine = app.state.engine
            async with engine.connect(), engine.connect(), engine.connect():
                pass

        client.portal.call(fill_the_pool)
        assert app.state.engine.pool.checkedin() == 3
        with sync_engine.connect() as admin:
            admin.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE"
                    " application_name = 'todo-api' AND datname = current_database()"
                )
            )
        tasks = [client.get("/api/me/tasks", headers=alice.headers) for _ in range(4)]
    assert [response.status_code for response in tasks] == [503, 200, 200, 200]


@pytest.mark.parametrize("zone", ["Europe/Berlin", "Africa/Casablanca"])
def test_a_server_outside_utc_still_answers_utc_times(zone: str) -> None:
    # Rows read on the driver (`backend.driver`) carry the server's TimeZone unless converted
    # (Casablanca: +00:00 in 2000, +01:00 now).
    require_postgres()
    with postgres_database_in_zone(zone) as url:
        app = create_app(make_settings(url))
        asyncio.run(run_migrations(app.state.engine))
        with TestClient(app) as client:
            headers = {"Authorization": f"Bearer {register(client)['access_token']}"}
            task = {"title": "Summer", "due_date": "2026-07-01T12:00:00+02:00"}
            created = client.post("/api/me/tasks", json=task, headers=headers).json()
            listed = client.get("/api/me/tasks", headers=headers).json()[0]
            fetched = client.get(f"/api/me/tasks/{created['id']}", headers=headers).json()
    for task in (listed, fetched):
        assert task["due_date"] == "2026-07-01T10:00:00Z"
        assert task["created_at"] == created["created_at"]
        assert task["created_at"].endswith("Z")


async def test_a_returned_connection_goes_to_the_request_that_waited_longest(
    settings: Settings,
) -> None:
    # More requests than connections: one that waited is served before one that just arrived
    # (else, at 128 connections, a few requests waited seconds while the rest went through).
    engine = create_db_engine(settings.model_copy(update={"db_pool_size": 1}))
    order: list[str] = []

    async def take(name: str) -> None:
        async with engine.connect():
            order.append(name)

    try:
        if engine.dialect.name != "postgresql":
            pytest.skip(
                "the first-come-first-served pool is Postgres's (SQLite writes one at a time)"
            )
        first = await engine.connect()
        waiter = asyncio.create_task(take("waited"))
        await asyncio.sleep(0.05)
        await first.close()
        await take("arrived")  # in the same tick the connection came back
        await waiter
    finally:
        await engine.dispose()
    assert order == ["waited", "arrived"]


async def test_a_connection_handed_to_a_cancelled_request_stays_in_the_pool() -> None:
    # The connection is handed to a waiter whose request is cancelled in the same step. Python
    # 3.11's wait_for then returns it anyway; 3.12's raises, and the queue must keep it, or the
    # pool is one connection short for good.
    queue = HandoffQueue(maxsize=1)
    waiting = asyncio.create_task(greenlet_spawn(queue.get, True, 5.0))
    await asyncio.sleep(0.01)
    connection: Any = object()
    queue.put_nowait(cast(ConnectionPoolEntry, connection))
    waiting.cancel()
    try:
        kept = await waiting
    except asyncio.CancelledError:
        kept = queue.get_nowait()
    assert kept is connection


def test_stored_json_that_pydantic_core_refuses_still_reads(
    client: TestClient, session: Session, sync_engine: Engine, alice: AuthedUser
) -> None:
    # A model's tool-call arguments may hold a lone surrogate escape: Postgres' json keeps it,
    # `json.loads` reads it, pydantic-core's parser (the fast path) refuses it.
    conversation_id, message_id = seed_conversation(session, alice.id, task_id=1, size=2)
    with sync_engine.begin() as connection:
        connection.execute(
            text("UPDATE messages SET tool_calls = :calls WHERE id = :id"),
            {
                "calls": '[{"tool": "add_task", "arguments": {"title": "a \\ud83d"}}]',
                "id": message_id,
            },
        )
    response = client.post(
        "/api/me/chat",
        json={"message": "show my tasks", "conversation_id": conversation_id},
        headers=alice.headers,
    )
    assert response.status_code == 200, response.text


async def test_a_naive_datetime_bound_on_the_driver_path_is_taken_as_utc() -> None:
    # Statements run on psycopg directly still get their column types' conversions: a naive
    # datetime is UTC (`UTCDateTime`), not the session's zone.
    require_postgres()
    with postgres_database_in_zone("America/New_York") as url:
        engine = create_db_engine(make_settings(url))
        try:
            await run_migrations(engine)
            statement = select(literal_column("1")).where(
                bindparam("noon", type_=UTCDateTime)
                == literal_column("TIMESTAMPTZ '2026-07-01 12:00:00+00'")
            )
            async with engine.connect() as connection:
                rows = await fetch(connection, statement, {"noon": datetime(2026, 7, 1, 12)})
        finally:
            await engine.dispose()
    assert rows == [(1,)]
