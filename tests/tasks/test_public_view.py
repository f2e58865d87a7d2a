"""Views built without validation (`to_public`, the list rows) equal the validated view."""

from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient
from pydantic import TypeAdapter
from sqlmodel import Session

from backend.tasks import service as task_service
from backend.tasks.listing import TASK_ROWS, ListShape, list_page, page_statement
from backend.tasks.models import Priority, Recurrence, TaskCreate, TaskPublic, TaskQuery
from tests.conftest import AuthedUser


class TestToPublic:
    def test_equals_validated_view_in_python_and_json(
        self, session: Session, alice: AuthedUser
    ) -> None:
        task_in = TaskCreate(
            title="Pay rent",
            description="before the 5th",
            priority=Priority.high,
            tags=["home", "bills"],
            due_date=datetime(2026, 12, 1, 9, tzinfo=UTC),
            recurrence=Recurrence.monthly,
        )
        task = task_service.create_task(session=session, owner_id=alice.id, task_in=task_in)
        fast = task_service.to_public(task)
        validated = TaskPublic.model_validate(task)
        assert fast == validated
        assert fast.model_dump_json() == validated.model_dump_json()
        assert fast.tags == ["bills", "home"]


class TestListPage:
    @pytest.fixture
    def twenty_tasks(self, session: Session, alice: AuthedUser) -> None:
        for number in range(20):
            task_in = TaskCreate(
                title=f"task {number}",
                description="Ünïcode and 'quotes'" if number % 3 else None,
                priority=list(Priority)[number % 3],
                recurrence=list(Recurrence)[number % 4],
                tags=["even" if number % 2 == 0 else "odd", "all"] if number % 5 else [],
                due_date=datetime(2026, 12, 1 + number % 5, tzinfo=UTC) if number % 4 else None,
            )
            task = task_service.create_task(session=session, owner_id=alice.id, task_in=task_in)
            if number % 6 == 0:
                task_service.set_completed(session=session, task=task)

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
        self, session: Session, alice: AuthedUser, query: TaskQuery
    ) -> None:
        rows, _ = list_page(session=session, owner_id=alice.id, query=query)
        assert rows
        validated = [
            TaskPublic.model_validate(
                task_service.get_task(session=session, owner_id=alice.id, task_id=row["id"])
            )
            for row in rows
        ]
        assert list(rows[0]) == list(TaskPublic.model_fields)  # same JSON key order
        assert TASK_ROWS.dump_json(rows) == TypeAdapter(list[TaskPublic]).dump_json(validated)
        assert TASK_ROWS.dump_python(rows, mode="json") == [
            view.model_dump(mode="json") for view in validated
        ]

    @pytest.mark.usefixtures("twenty_tasks")
    def test_one_statement_per_shape_with_the_values_bound(
        self, session: Session, alice: AuthedUser
    ) -> None:
        first, second = TaskQuery(q="task 1", tags=["odd"]), TaskQuery(q="task 2", tags=["even"])
        dialect = session.get_bind().dialect.name
        assert ListShape.of(first, dialect) == ListShape.of(second, dialect)
        assert page_statement(ListShape.of(first, dialect)) is page_statement(
            ListShape.of(second, dialect)
        )
        first_rows, first_total = list_page(session=session, owner_id=alice.id, query=first)
        second_rows, second_total = list_page(session=session, owner_id=alice.id, query=second)
        # "task 1…" tagged odd (multiples of 5 carry no tags); "task 2…" tagged even.
        assert {row["title"] for row in first_rows} == {f"task {n}" for n in (1, 11, 13, 17, 19)}
        assert [row["title"] for row in second_rows] == ["task 2"]
        assert (first_total, second_total) == (5, 1)

    @pytest.mark.usefixtures("twenty_tasks")
    def test_a_page_past_the_end_counts_only_the_owners_matches(
        self, session: Session, client: TestClient, alice: AuthedUser, bob: AuthedUser
    ) -> None:
        for number in range(7):
            task_in = TaskCreate(title=f"bob's {number}")
            task_service.create_task(session=session, owner_id=bob.id, task_in=task_in)
        pending = task_service.task_stats(session=session, owner_id=alice.id).pending
        assert pending > 0
        rows, total = list_page(
            session=session, owner_id=alice.id, query=TaskQuery(status="pending", offset=500)
        )
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
