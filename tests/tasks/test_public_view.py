"""`to_public` builds without validation, so it must equal the validated view exactly."""

from datetime import UTC, datetime

from sqlmodel import Session

from backend.tasks import service as task_service
from backend.tasks.models import Priority, Recurrence, TaskCreate, TaskPublic
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
