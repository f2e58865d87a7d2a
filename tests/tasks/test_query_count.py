"""No N+1: listing tasks takes the same small number of queries for 1 or 100 tagged tasks."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session
from sqlmodel.ext.asyncio.session import AsyncSession

from backend.tasks.listing import read_page
from backend.tasks.models import Tag, Task
from backend.tasks.query import TaskQuery
from backend.tasks.views import TaskView
from tests.conftest import AuthedUser, InSession
from tests.databases import recorded_statements
from tests.tasks.conftest import tasks_url

MAX_LIST_QUERIES = 2  # the token's user, then the page with its total and tags


@contextmanager
def count_queries(engine: Engine) -> Iterator[list[str]]:
    """Record every query the engine sends while the block runs (BEGIN, transaction control,
    is not one)."""
    with recorded_statements(engine) as statements:
        yield statements
        statements[:] = [statement for statement in statements if not statement.startswith("BEGIN")]


def seed_tagged_tasks(session: Session, owner_id: str, count: int) -> None:
    """`count` tasks, each carrying two of the user's three tags."""
    tags = [Tag(user_id=owner_id, name=name) for name in ("home", "work", "urgent")]
    session.add_all(
        Task(user_id=owner_id, title=f"task {n}", tags=[tags[n % 3], tags[(n + 1) % 3]])
        for n in range(count)
    )
    session.commit()


class TestListQueryCount:
    @pytest.mark.parametrize("count", [1, 100])
    @pytest.mark.parametrize(
        "params",
        [{"limit": 100}, {"limit": 100, "tag": "work", "q": "task", "sort": "priority"}],
        ids=["plain", "filtered"],
    )
    def test_list_is_constant_queries_whatever_its_length(
        self,
        client: TestClient,
        app_engine: Engine,
        session: Session,
        alice: AuthedUser,
        count: int,
        params: dict[str, Any],
    ) -> None:
        seed_tagged_tasks(session, alice.id, count)
        with count_queries(app_engine) as statements:
            response = client.get(tasks_url(alice), params=params, headers=alice.headers)
        assert response.status_code == 200
        body = response.json()
        assert len(body) == int(response.headers["X-Total-Count"]) > 0
        assert all(len(task["tags"]) == 2 for task in body)
        assert len(statements) <= MAX_LIST_QUERIES, statements
        assert any("FROM tasks" in statement for statement in statements)

    def test_page_past_the_end_still_reports_the_total(
        self,
        client: TestClient,
        app_engine: Engine,
        session: Session,
        alice: AuthedUser,
    ) -> None:
        seed_tagged_tasks(session, alice.id, 5)
        with count_queries(app_engine) as statements:
            response = client.get(tasks_url(alice), params={"offset": 50}, headers=alice.headers)
        assert response.json() == []
        assert response.headers["X-Total-Count"] == "5"
        # Only past the end is the total a query of its own: the user, the page, the count.
        assert len(statements) == MAX_LIST_QUERIES + 1, statements


class TestListPageQueryCount:
    @pytest.mark.parametrize("count", [1, 100])
    def test_a_page_with_its_tags_and_total_is_one_query(
        self,
        app_engine: Engine,
        in_session: InSession,
        session: Session,
        alice: AuthedUser,
        count: int,
    ) -> None:
        seed_tagged_tasks(session, alice.id, count)

        async def page(db: AsyncSession) -> tuple[list[TaskView], int]:
            return await read_page(
                await db.connection(), owner_id=alice.id, query=TaskQuery(limit=100)
            )

        with count_queries(app_engine) as statements:
            views, total = in_session(page)
        assert len(views) == total == count
        assert all(len(view["tags"]) == 2 for view in views)
        assert len(statements) == 1, statements
