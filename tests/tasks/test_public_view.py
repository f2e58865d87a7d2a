"""Views built from rows without validation (every task route's, the list's) equal the view
pydantic validates from the ORM object."""

from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient
from pydantic import TypeAdapter
from sqlmodel import Session
from sqlmodel.ext.asyncio.session import AsyncSession

from backend.tasks import service as task_service
from backend.tasks import summaries
from backend.tasks.fields import Priority, Recurrence
from backend.tasks.listing import ListShape, page_statement, read_page
from backend.tasks.models import Task, TaskCreate, TaskPublic
from backend.tasks.query import TaskQuery
from backend.tasks.views import TASK_ROWS, TaskView
from tests.conftest import AuthedUser, InSession
from tests.tasks.conftest import CreateTask


def validated_view(session: Session, task_id: int) -> TaskPublic:
    """The task's view as pydantic validates it from the ORM object (its tags relationship)."""
    task = session.get(Task, task_id)
    assert task is not None
    session.refresh(task)
    return TaskPublic.model_validate(task)


def list_page(in_session: InSession, owner_id: str, query: TaskQuery) -> tuple[list[TaskView], int]:
    """`read_page` on a session's connection."""

    async def page(db: AsyncSession) -> tuple[list[TaskView], int]:
        return await read_page(await db.connection(), owner_id=owner_id, query=query)

    result: tuple[list[TaskView], int] = in_session(page)
    return result


class TestTaskRoutes:
    def test_create_get_update_toggle_answer_the_validated_view(
        self, client: TestClient, session: Session, alice: AuthedUser
    ) -> None:
        body = {
            "title": "Pay rent",
            "description": "before the 5th",
            "priority": "high",
            "tags": ["home", "bills"],
            "due_date": "2026-12-01T09:00:00Z",
            "recurrence": "monthly",
        }
        created = client.post("/api/me/tasks", json=body, headers=alice.headers).json()
        url = f"/api/me/tasks/{created['id']}"
        answers = [
            created,
            client.get(url, headers=alice.headers).json(),
            client.patch(url, json={"tags": "b, a"}, headers=alice.headers).json(),
            client.patch(url + "/complete", headers=alice.headers).json(),
        ]
        assert created["tags"] == ["bills", "home"]
        assert answers[-1]["completed"] is True
        assert answers[-1] == validated_view(session, created["id"]).model_dump(mode="json")
        for answer in answers:
            assert list(answer) == list(TaskPublic.model_fields)  # same JSON key order


class TestListPage:
    @pytest.fixture
    def twenty_tasks(self, in_session: InSession, alice: AuthedUser) -> None:
        for number in range(20):
            task_in = TaskCreate(
                title=f"task {number}",
                description="Ünïcode and 'quotes'" if number % 3 else None,
                priority=list(Priority)[number % 3],
                recurrence=list(Recurrence)[number % 4],
                tags=["even" if number % 2 == 0 else "odd", "all"] if number % 5 else [],
                due_date=datetime(2026, 12, 1 + number % 5, tzinfo=UTC) if number % 4 else None,
            )
            task_in.completed = number % 6 == 0
            in_session(
                lambda db, task_in=task_in: task_service.create_task(
                    db, owner_id=alice.id, task_in=task_in
                )
            )

    @pytest.mark.parametrize(
        "query",
        [
            TaskQuery(),
            TaskQuery(sort="priority", order="asc", limit=7, offset=3),
            TaskQuery(tags=["even"], q="task 1", sort="due_date"),
            TaskQuery(status="completed", sort="title"),
        ],
        ids=["default", "paged", "filtered", "completed"],
    )
    @pytest.mark.usefixtures("twenty_tasks")
    def test_rows_serialise_exactly_like_validated_views(
        self, session: Session, in_session: InSession, alice: AuthedUser, query: TaskQuery
    ) -> None:
        rows, _ = list_page(in_session, alice.id, query)
        assert rows
        validated = [validated_view(session, row["id"]) for row in rows]
        assert list(rows[0]) == list(TaskPublic.model_fields)  # same JSON key order
        assert TASK_ROWS.dump_json(rows) == TypeAdapter(list[TaskPublic]).dump_json(validated)
        assert TASK_ROWS.dump_python(rows, mode="json") == [
            view.model_dump(mode="json") for view in validated
        ]

    @pytest.mark.usefixtures("twenty_tasks")
    def test_one_statement_per_shape_with_the_values_bound(
        self, session: Session, in_session: InSession, alice: AuthedUser
    ) -> None:
        first, second = TaskQuery(q="task 1", tags=["odd"]), TaskQuery(q="task 2", tags=["even"])
        dialect = session.get_bind().dialect.name
        assert ListShape.of(first, dialect) == ListShape.of(second, dialect)
        assert page_statement(ListShape.of(first, dialect)) is page_statement(
            ListShape.of(second, dialect)
        )
        first_rows, first_total = list_page(in_session, alice.id, first)
        second_rows, second_total = list_page(in_session, alice.id, second)
        # "task 1…" tagged odd (multiples of 5 carry no tags); "task 2…" tagged even.
        assert {row["title"] for row in first_rows} == {f"task {n}" for n in (1, 11, 13, 17, 19)}
        assert [row["title"] for row in second_rows] == ["task 2"]
        assert (first_total, second_total) == (5, 1)

    @pytest.mark.usefixtures("twenty_tasks")
    def test_a_page_past_the_end_counts_only_the_owners_matches(
        self,
        in_session: InSession,
        client: TestClient,
        alice: AuthedUser,
        bob: AuthedUser,
        create_task: CreateTask,
    ) -> None:
        for number in range(7):
            create_task(bob, f"bob's {number}")
        stats = in_session(lambda db: summaries.task_stats(db, owner_id=alice.id))
        pending = stats.pending
        assert pending > 0
        rows, total = list_page(in_session, alice.id, TaskQuery(status="pending", offset=500))
        assert (rows, total) == ([], pending)
        response = client.get(
            "/api/me/tasks", params={"status": "pending", "offset": 500}, headers=alice.headers
        )
        assert response.json() == []
        assert response.headers["X-Total-Count"] == str(pending)

    def test_rows_serialise_like_task_public_because_it_has_no_custom_serialisation(
        self,
    ) -> None:
        # TASK_ROWS mirrors TaskPublic's field types only: a serializer or a serialisation alias
        # added to TaskPublic would make the list's JSON differ from every other route's.
        decorators = TaskPublic.__pydantic_decorators__
        assert not decorators.field_serializers
        assert not decorators.model_serializers
        assert all(
            field.serialization_alias is None and field.alias is None
            for field in TaskPublic.model_fields.values()
        )
