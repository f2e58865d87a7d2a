"""The task list's query: filters, sort and page, with the spellings existing clients send."""

from enum import Enum, StrEnum
from typing import Annotated, Any

from pydantic import BeforeValidator
from sqlmodel import Field, SQLModel

from backend.paging import MAX_OFFSET, MAX_PAGE_SIZE
from backend.tasks.fields import DueAfter, DueDate, LenientPriority, SearchText, TagList, lower_enum


class TaskStatus(StrEnum):
    """Which tasks a list shows by completion."""

    all = "all"
    pending = "pending"
    completed = "completed"


class TaskSort(Enum):
    """Fields a task list can be sorted by (a plain Enum: `title` would shadow `str.title`)."""

    created_at = "created_at"
    updated_at = "updated_at"
    due_date = "due_date"
    priority = "priority"
    title = "title"


class SortOrder(StrEnum):
    """Sort direction."""

    asc = "asc"
    desc = "desc"


STATUS_SYNONYMS = {
    "incomplete": "pending",
    "active": "pending",
    "complete": "completed",
}
# The hackathon spec's `created`, and camelCase values (`dueDate`, lower-cased by `lower_enum`).
SORT_SYNONYMS = {
    "created": "created_at",
    "createdat": "created_at",
    "updated": "updated_at",
    "updatedat": "updated_at",
    "duedate": "due_date",
}


def lenient_status(value: Any) -> Any:
    """Any case; `incomplete` and `active` (used by several frontends) mean `pending`,
    `complete` means `completed`."""
    value = lower_enum(value)
    return STATUS_SYNONYMS.get(value, value) if isinstance(value, str) else value


def lenient_sort(value: Any) -> Any:
    """Any case; `created`, `updated` and camelCase names (`dueDate`) mean our fields."""
    value = lower_enum(value)
    return SORT_SYNONYMS.get(value, value) if isinstance(value, str) else value


class TaskQuery(SQLModel):
    """Filters, sort and page of a task list."""

    status: Annotated[TaskStatus, BeforeValidator(lenient_status)] = TaskStatus.all
    priority: LenientPriority | None = None
    tags: TagList = Field(default_factory=list, description="A task must carry all of them.")
    q: SearchText | None = Field(default=None, description="Case-insensitive substring search.")
    due_before: DueDate | None = Field(
        default=None, description="Due at or before; a date alone means the end of that day."
    )
    due_after: DueAfter | None = Field(
        default=None, description="Due at or after; a date alone means the start of that day."
    )
    overdue: bool | None = None
    sort: Annotated[TaskSort, BeforeValidator(lenient_sort)] = TaskSort.created_at
    order: Annotated[SortOrder, BeforeValidator(lower_enum)] = SortOrder.desc
    limit: int = Field(default=50, ge=1, le=MAX_PAGE_SIZE)
    offset: int = Field(default=0, ge=0, le=MAX_OFFSET)
