"""`to_public` builds without validation, so it must equal the validated view exactly."""

from datetime import UTC, datetime

import pytest
from sqlmodel import Session

from backend.tasks import service as task_service
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


class TestListPublicTasks:
    @pytest.mark.parametrize(
        "query",
        [
            TaskQuery(),
            TaskQuery(sort="priority", order="asc", limit=7, offset=3),
            TaskQuery(tags=["even"], q="task 1", sort="due_date"),
            TaskQuery(offset=500),
        ],
        ids=["default", "paged", "filtered", "past-the-end"],
    )
    def test_route_path_matches_orm_path(
        self, session: Session, alice: AuthedUser, query: TaskQuery
    ) -> None:
        for number in range(20):
            task_in = TaskCreate(
                title=f"task {number}",
                priority=list(Priority)[number % 3],
                tags=["even" if number % 2 == 0 else "odd", "all"],
                due_date=datetime(2026, 12, 1 + number % 5, tzinfo=UTC) if number % 4 else None,
            )
            task_service.create_task(session=session, owner_id=alice.id, task_in=task_in)
        tasks, total = task_service.list_tasks(session=session, owner_id=alice.id, query=query)
        views, view_total = task_service.list_public_tasks(
            session=session, owner_id=alice.id, query=query
        )
        assert view_total == total
        assert [view.model_dump() for view in views] == [
            TaskPublic.model_validate(task).model_dump() for task in tasks
        ]
