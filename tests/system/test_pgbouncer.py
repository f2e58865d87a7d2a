"""Behind a pooler in transaction mode (Neon's pooled endpoints, PgBouncer): many clients at once
over real HTTP, every kind of request, each transaction possibly on another server connection.
A pooler that keeps no prepared statements needs `DB_PREPARED_STATEMENTS=false`; without it, the
log says so (and clients get a plain 500 or 503)."""

import asyncio
import logging
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import pytest

from backend.db import create_db_engine
from backend.main import create_app
from backend.schema import run_migrations
from tests.conftest import make_settings
from tests.databases import fresh_postgres_database, require_postgres
from tests.pgbouncer import pgbouncer
from tests.servers import serve

pytestmark = pytest.mark.slow

CLIENTS = 24
PASSWORD = "correct horse battery staple"


@contextmanager
def api_behind_pgbouncer(*, prepared_statements: bool) -> Iterator[str]:
    """The API under uvicorn on a fresh database reached through PgBouncer; its base URL."""
    require_postgres()
    with fresh_postgres_database("todo_pgbouncer") as direct, pgbouncer(direct) as pooled:
        settings = make_settings(pooled, db_prepared_statements=prepared_statements)

        async def migrate() -> None:  # through the pooler, as `todo-api serve` does
            engine = create_db_engine(settings)
            try:
                await run_migrations(engine)
            finally:
                await engine.dispose()

        asyncio.run(migrate())
        with serve(create_app(settings)) as base_url:
            yield base_url


async def signed_up(client: httpx.AsyncClient, email: str) -> dict[str, str]:
    """Register `email` over HTTP; headers carrying its access token."""
    response = await client.post("/api/auth/register", json={"email": email, "password": PASSWORD})
    assert response.status_code == 201, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


async def one_users_day(client: httpx.AsyncClient, headers: dict[str, str], n: int) -> None:
    """Every kind of request a frontend sends, each checked."""
    created = await client.post(
        "/api/me/tasks",
        json={"title": f"Task {n}", "priority": "high", "tags": "work, home"},
        headers=headers,
    )
    assert created.status_code == 201, created.text
    task = f"/api/me/tasks/{created.json()['id']}"
    for method, path, body, expected in [
        ("GET", task, None, 200),
        ("GET", "/api/me/tasks?limit=5&sort=due_date", None, 200),
        ("PATCH", f"{task}/complete", None, 200),
        ("PUT", task, {"title": f"Task {n}, renamed", "completed": False}, 200),
        ("GET", "/api/me/tasks/stats", None, 200),
        ("GET", "/api/me/tags", None, 200),
        ("POST", "/api/me/chat", {"message": f"add water plant {n} tomorrow"}, 200),
        ("GET", "/api/me/conversations", None, 200),
        ("DELETE", task, None, 200),
        ("GET", task, None, 404),
    ]:
        response = await client.request(method, path, json=body, headers=headers)
        assert response.status_code == expected, (method, path, response.text)


def test_every_kind_of_request_from_many_clients_at_once() -> None:
    with api_behind_pgbouncer(prepared_statements=False) as base_url:

        async def clients_at_once() -> None:
            async with httpx.AsyncClient(base_url=base_url, timeout=60) as client:
                users = [await signed_up(client, f"user{n}@example.com") for n in range(2)]
                await asyncio.gather(
                    *(one_users_day(client, users[n % 2], n) for n in range(CLIENTS))
                )
                for headers in users:
                    listed = await client.get("/api/me/tasks?limit=100", headers=headers)
                    assert listed.status_code == 200
                    titles = sorted(task["title"] for task in listed.json())
                    # What is left of each day: the plant the assistant added.
                    assert len(titles) == CLIENTS // 2
                    assert all(title.lower().startswith("water plant") for title in titles)

        asyncio.run(clients_at_once())


def test_a_pooler_that_keeps_no_prepared_statements_is_named_in_the_log(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with (
        caplog.at_level(logging.ERROR, logger="backend.errors"),
        api_behind_pgbouncer(prepared_statements=True) as base_url,
    ):

        async def the_same_read_many_times() -> list[httpx.Response]:
            async with httpx.AsyncClient(base_url=base_url, timeout=60) as client:
                headers = await signed_up(client, "ada@example.com")
                reads = [client.get("/api/me/tasks", headers=headers) for _ in range(200)]
                return list(await asyncio.gather(*reads))

        responses = asyncio.run(the_same_read_many_times())
    failed = [response for response in responses if response.status_code != 200]
    assert failed, "the pooler kept every prepared statement: nothing was tested"
    for response in failed:  # a lost statement (500), or a connection PgBouncer then closed (503)
        assert (response.status_code, response.json()["code"]) in [
            (500, "internal_error"),
            (503, "service_unavailable"),
        ]
        assert "prepared" not in response.text
        assert "SELECT" not in response.text
    hints = [record.getMessage() for record in caplog.records]
    assert any("set DB_PREPARED_STATEMENTS=false" in hint for hint in hints), hints
