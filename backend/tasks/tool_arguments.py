"""The task tools' arguments: lenient field types and one pydantic model a tool, whose JSON
schema the model is shown and which checks what it sends."""

from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field
from pydantic.json_schema import SkipJsonSchema

from backend.fields import MAX_INT_ID
from backend.paging import MAX_PAGE_SIZE
from backend.tasks.fields import (
    Description,
    DueAfter,
    DueDate,
    LenientPriority,
    LenientRecurrence,
    SearchText,
    TagList,
    TagName,
    Title,
    strip_text,
)

LIST_LIMIT_DEFAULT = 20

# The tasks feature's lenient field types: NUL refused, enums in any case, a date alone is the
# end of that day, tags as a list or "a, b".
TaskId = Annotated[
    int, Field(ge=1, le=MAX_INT_ID, description="The task's id, as list_tasks shows it.")
]
TitleArg = Annotated[Title, Field(description="Short title, 1-200 characters.")]
DescriptionArg = Annotated[Description, Field(description="Longer notes, up to 2000 characters.")]
PriorityArg = Annotated[LenientPriority, Field(description="low, medium or high.")]
TagsArg = Annotated[TagList, Field(description='Short labels, e.g. ["work", "home"].')]
DueDateArg = Annotated[
    DueDate,
    Field(
        description="ISO 8601 date-time, UTC when no offset is given; a date alone "
        "means the end of that day."
    ),
]
DueAfterArg = Annotated[
    DueAfter,
    Field(
        description="ISO 8601 date-time, UTC when no offset is given; a date alone "
        "means the start of that day."
    ),
]
# One tag name, checked here so a bad one is reported as `tag` (not as the query's `tags.0`).
TagFilterArg = Annotated[TagName, BeforeValidator(strip_text)]
RecurrenceArg = Annotated[LenientRecurrence, Field(description="none, daily, weekly or monthly.")]


class ToolArguments(BaseModel):
    """Base of every tool's arguments: unknown keys are refused; `user_id` is only checked.

    `user_id` is left out of the schema (a model has no use for it, and would guess) and out of
    dumps (it never reaches a task): `run_tool` refuses one that is not the owner's.
    """

    model_config = ConfigDict(extra="forbid")

    user_id: SkipJsonSchema[str | None] = Field(default=None, exclude=True)


class AddTaskArguments(ToolArguments):
    """Arguments of `add_task`."""

    title: TitleArg
    description: DescriptionArg | None = None
    priority: PriorityArg | None = None
    tags: TagsArg | None = None
    due_date: DueDateArg | None = None
    recurrence: RecurrenceArg | None = None


class ListTasksArguments(ToolArguments):
    """Arguments of `list_tasks`."""

    status: Literal["all", "pending", "completed"] = Field(
        default="all", description="Which tasks by completion."
    )
    priority: PriorityArg | None = None
    tag: TagFilterArg | None = Field(default=None, description="Only tasks with this tag.")
    search: SearchText | None = Field(
        default=None, description="Words to find in the title or description."
    )
    overdue: bool | None = Field(default=None, description="Only pending tasks past due.")
    due_before: DueDateArg | None = None
    due_after: DueAfterArg | None = None
    limit: int = Field(default=LIST_LIMIT_DEFAULT, ge=1, le=MAX_PAGE_SIZE)


class CompleteTaskArguments(ToolArguments):
    """Arguments of `complete_task`."""

    task_id: TaskId
    completed: bool = Field(default=True, description="false reopens the task.")


class DeleteTaskArguments(ToolArguments):
    """Arguments of `delete_task`."""

    task_id: TaskId


class UpdateTaskArguments(ToolArguments):
    """Arguments of `update_task`: only the fields given change; `due_date: null` clears it."""

    task_id: TaskId
    title: TitleArg | None = None
    description: DescriptionArg | None = None
    priority: PriorityArg | None = None
    tags: TagsArg | None = None
    due_date: DueDateArg | None = None
    recurrence: RecurrenceArg | None = None
