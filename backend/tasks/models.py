"""Task family (table, create, update, public, deleted), the per-user Tag table and its link;
the list's query is in `query.py`, the dashboards' views in `summaries.py`."""

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any

import sqlalchemy as sa
from pydantic import BeforeValidator, StrictBool, model_validator
from sqlmodel import Field, Relationship, SQLModel

from backend.datetimes import UTCDateTime, utcnow
from backend.fields import nullability
from backend.tasks.fields import (
    MAX_TAG_LENGTH,
    Description,
    DueDate,
    LenientPriority,
    LenientRecurrence,
    Priority,
    Recurrence,
    TagList,
    Title,
)
from backend.tasks.query import TaskStatus, lenient_status

# Other names existing frontends send for task input fields: camelCase, the hackathon's.
FIELD_SYNONYMS = {
    "dueDate": "due_date",
    "recurrence_pattern": "recurrence",
    "recurrencePattern": "recurrence",
}


def _completed_from_status(status: Any) -> bool:
    value = lenient_status(status)
    if value not in (TaskStatus.completed, TaskStatus.pending):
        raise ValueError("status must be `completed` or `pending`")
    return bool(value == TaskStatus.completed)


def canonical_task_fields(data: Any) -> Any:
    """A task body with its fields under our names: `dueDate` as `due_date`,
    `recurrence_pattern` as `recurrence`, `status: completed|pending` as `completed`.

    Both spellings with different values are a 422 rather than a silent choice.
    """
    if not isinstance(data, dict):
        return data
    data = dict(data)
    renamed = [
        (synonym, name, data.pop(synonym))
        for synonym, name in FIELD_SYNONYMS.items()
        if synonym in data
    ]
    if data.get("status") is not None:
        renamed.append(("status", "completed", _completed_from_status(data["status"])))
    data.pop("status", None)  # `null` is no status at all
    for synonym, name, value in renamed:
        if name in data and data[name] != value:
            raise ValueError(f"`{synonym}` and `{name}` disagree; send one of them")
        data[name] = value
    return data


def _enum_column(enum: type[StrEnum]) -> sa.Enum:
    # A VARCHAR, not a native Postgres enum: same schema on SQLite, no ALTER TYPE to add a value.
    return sa.Enum(enum, native_enum=False, length=10)


class TaskTagLink(SQLModel, table=True):
    """Which tags a task carries."""

    __tablename__ = "task_tags"

    task_id: int = Field(foreign_key="tasks.id", primary_key=True, ondelete="CASCADE")
    tag_id: int = Field(foreign_key="tags.id", primary_key=True, index=True, ondelete="CASCADE")


class Tag(SQLModel, table=True):
    """A user's tag; a name is unique per user, so filtering is a join on both databases."""

    __tablename__ = "tags"
    __table_args__ = (sa.UniqueConstraint("user_id", "name", name="uq_tags_user_id_name"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: str = Field(foreign_key="users.id", ondelete="CASCADE", max_length=255)
    name: str = Field(max_length=MAX_TAG_LENGTH)


class TaskBase(SQLModel):
    """Fields a client sets, shared by the table and its schemas."""

    title: Title = Field(max_length=200, description="1-200 characters, trimmed.")
    description: Description | None = Field(
        default=None, max_length=2000, description="Up to 2000 characters."
    )
    priority: LenientPriority = Field(
        default=Priority.medium,
        sa_type=_enum_column(Priority),
        description="`low`, `medium` or `high` (any case accepted).",
    )
    due_date: DueDate | None = Field(
        default=None,
        sa_type=UTCDateTime,
        description="When the task is due, in UTC. A naive datetime is taken as UTC; "
        "a date alone (`2026-12-01`) as the end of that day, 23:59:59 UTC.",
    )
    recurrence: LenientRecurrence = Field(
        default=Recurrence.none,
        sa_type=_enum_column(Recurrence),
        description="`none`, `daily`, `weekly` or `monthly`: completing a recurring task "
        "schedules its next occurrence.",
    )


class Task(TaskBase, table=True):
    """A user's task. `search_text` is the case-folded title and description for `q`."""

    __tablename__ = "tasks"
    __table_args__ = (
        sa.Index("ix_tasks_user_id_created_at", "user_id", "created_at"),
        sa.Index("ix_tasks_user_id_updated_at", "user_id", "updated_at"),
        sa.Index("ix_tasks_user_id_due_date", "user_id", "due_date"),
        sa.Index("ix_tasks_user_id_completed", "user_id", "completed"),
        sa.Index("ix_tasks_user_id_priority", "user_id", "priority"),
    )

    id: int | None = Field(default=None, primary_key=True)
    user_id: str = Field(foreign_key="users.id", ondelete="CASCADE", max_length=255)
    completed: bool = False
    completed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # The occurrence completing this task scheduled: set once, so re-completing adds no copy.
    next_occurrence_id: int | None = Field(
        default=None, foreign_key="tasks.id", ondelete="SET NULL"
    )
    # The day of month a monthly series is due on: after Feb 28, a Jan 31 series is due Mar 31.
    recurrence_anchor_day: int | None = Field(default=None, sa_type=sa.SmallInteger)
    search_text: str = Field(default="", sa_type=sa.Text)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    tags: list[Tag] = Relationship(
        link_model=TaskTagLink,
        sa_relationship_kwargs={"order_by": "Tag.name", "lazy": "selectin"},
    )


def search_text(title: str, description: str | None) -> str:
    """The case-folded title and description `q` searches: folded in Python, not with SQL
    lower(), which folds only ASCII on SQLite (`q` would differ between the databases)."""
    return f"{title}\n{description or ''}".casefold()


@sa.event.listens_for(Task, "before_insert")
@sa.event.listens_for(Task, "before_update")
def _fill_search_text(_mapper: Any, _connection: Any, task: Task) -> None:
    # ORM writes (tests, seeds); the service's Core statements call search_text themselves.
    task.search_text = search_text(task.title, task.description)


DEFAULTED_ON_CREATE = ("priority", "recurrence", "tags", "completed")


class TaskCreate(TaskBase):
    """A new task. Unknown fields are ignored; `tags` may be a list or a comma-separated string."""

    @model_validator(mode="before")
    @classmethod
    def _lenient_input(cls, data: Any) -> Any:
        data = canonical_task_fields(data)
        # Form-based frontends send every field, unset ones as null: take those as omitted.
        if isinstance(data, dict):
            return {k: v for k, v in data.items() if v is not None or k not in DEFAULTED_ON_CREATE}
        return data

    tags: TagList = Field(
        default_factory=list,
        description="Up to 10 tags, each 1-30 characters; trimmed, lower-cased, deduplicated.",
    )
    completed: StrictBool = Field(
        default=False,
        description="Create the task already done (`completed_at` is set; a recurring task "
        "schedules its next occurrence, as on every completing path).",
    )

    model_config = {
        "json_schema_extra": nullability(
            accepted=DEFAULTED_ON_CREATE,
            examples=[
                {
                    "title": "Buy groceries",
                    "description": "Milk, eggs, bread",
                    "priority": "high",
                    "tags": ["errands", "home"],
                    "due_date": "2026-12-01T17:00:00Z",
                    "recurrence": "weekly",
                }
            ],
        )
    }


NOT_NULLABLE = ("title", "priority", "completed")


class TaskUpdate(SQLModel):
    """A partial update: only the fields sent are applied; `null` clears an optional field."""

    title: Title | None = Field(
        default=None, max_length=200, description="New title, 1-200 characters (not null)."
    )
    description: Description | None = Field(
        default=None, max_length=2000, description="New description; `null` clears it."
    )
    priority: LenientPriority | None = Field(
        default=None, description="`low`, `medium` or `high`, any case (not null)."
    )
    due_date: DueDate | None = Field(
        default=None,
        description="New due date (naive = UTC, a date alone = 23:59:59 UTC); `null` clears it.",
    )
    recurrence: LenientRecurrence | None = Field(
        default=None,
        description="`none`, `daily`, `weekly` or `monthly`; `null` means `none` (it stops "
        "repeating).",
    )
    tags: TagList | None = Field(default=None, description="Replaces the task's tags.")
    completed: StrictBool | None = Field(
        default=None,
        description="Completing a recurring task schedules its next occurrence.",
    )

    model_config = {
        "json_schema_extra": nullability(
            refused=NOT_NULLABLE,
            examples=[{"title": "Buy groceries and fruit", "priority": "medium"}],
        )
    }

    @model_validator(mode="before")
    @classmethod
    def _canonical_names(cls, data: Any) -> Any:
        data = canonical_task_fields(data)
        # An edit form clearing the repeat sends `null`: the task stops repeating.
        if isinstance(data, dict) and "recurrence" in data and data["recurrence"] is None:
            data["recurrence"] = Recurrence.none
        return data

    @model_validator(mode="after")
    def _required_fields_not_null(self) -> "TaskUpdate":
        nulled = [name for name in NOT_NULLABLE if name in self.model_fields_set]
        nulled = [name for name in nulled if getattr(self, name) is None]
        if nulled:
            raise ValueError(f"{', '.join(nulled)} cannot be null")
        return self


def _tag_names(value: Any) -> Any:
    # Lets TaskPublic.model_validate(task) read the Tag rows of the relationship as names.
    if isinstance(value, list):
        return [item.name if isinstance(item, Tag) else item for item in value]
    return value


class TaskPublic(TaskBase):
    """A task as the API returns it."""

    id: int = Field(description="The task's id.")
    user_id: str = Field(description="The owner's user id.")
    tags: Annotated[list[str], BeforeValidator(_tag_names)] = Field(description="Sorted by name.")
    completed: bool = Field(description="Whether the task is done.")
    completed_at: datetime | None = Field(
        description="When it was last completed (UTC); `null` while pending."
    )
    created_at: datetime = Field(description="When the task was created (UTC).")
    updated_at: datetime = Field(description="When the task last changed (UTC).")

    model_config = {
        "json_schema_extra": {
            "examples": [
                {
                    "id": 1,
                    "user_id": "6eeaefdc-1463-4217-8d2a-8abe3826a3bc",
                    "title": "Buy groceries",
                    "description": "Milk, eggs, bread",
                    "completed": False,
                    "completed_at": None,
                    "priority": "high",
                    "tags": ["errands", "home"],
                    "due_date": "2026-12-01T17:00:00Z",
                    "recurrence": "weekly",
                    "created_at": "2026-11-21T09:30:00Z",
                    "updated_at": "2026-11-21T09:30:00Z",
                }
            ]
        }
    }


class TaskDeleted(SQLModel):
    """The answer to a delete: a small JSON body, not an empty 204 (see the tasks spec)."""

    id: int = Field(description="The deleted task's id.")
    deleted: bool = Field(default=True, description="Always `true`.")

    model_config = {"json_schema_extra": {"examples": [{"id": 1, "deleted": True}]}}


class CompletionUpdate(SQLModel):
    """Optional body of `PATCH /tasks/{id}/complete`: set instead of toggle."""

    completed: StrictBool | None = Field(default=None, description="Omit the body to toggle.")
