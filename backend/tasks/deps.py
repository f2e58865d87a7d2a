"""Task dependencies: the owned task of a path (404 for anyone else's) and the list query."""

from typing import Annotated

from fastapi import Depends, Path, Query
from pydantic import BaseModel, Field

from backend.auth.deps import CurrentUser
from backend.db import SessionDep
from backend.errors import validated
from backend.fields import MAX_INT_ID
from backend.openapi import SYNONYM
from backend.paging import MAX_OFFSET, MAX_PAGE_SIZE
from backend.tasks import service as task_service
from backend.tasks.fields import DATE_OR_DATETIME
from backend.tasks.models import (
    STATUS_SYNONYMS,
    Priority,
    SortOrder,
    Task,
    TaskQuery,
    TaskSort,
    TaskStatus,
)

TaskID = Annotated[int, Path(description="The task's id.", ge=1, le=MAX_INT_ID, examples=[1])]


async def task_id_path(task_id: TaskID) -> int:
    """The path's task id. A dependency, not a parameter, so that OpenAPI lists it after
    `user_id` (the path's order, which generated clients follow)."""
    return task_id


TaskIdPath = Annotated[int, Depends(task_id_path)]


def get_owned_task(task_id: TaskID, user: CurrentUser, session: SessionDep) -> Task:
    """The current user's task with this id; 404 if missing or someone else's."""
    return task_service.get_task(session=session, owner_id=user.id, task_id=task_id)


OwnedTask = Annotated[Task, Depends(get_owned_task)]


class TaskListParams(BaseModel):
    """The query string of `GET /tasks`, as documented; `to_query` gives the validated query.

    One model rather than one parameter each: FastAPI validates it in a single pass.
    """

    status: str = Field(
        default=TaskStatus.all.value,
        description="`all`, `pending` or `completed` (`incomplete`/`active` mean pending).",
        json_schema_extra={"enum": [*(s.value for s in TaskStatus), *STATUS_SYNONYMS]},
    )
    priority: str | None = Field(
        default=None,
        description="Only tasks of this priority.",
        json_schema_extra={"enum": [p.value for p in Priority]},
    )
    tag: list[str] | None = Field(
        default=None,
        description="Repeatable; a task must carry every tag given.",
        examples=[["work"]],
    )
    tags: str | None = Field(
        default=None,
        description="The same as `tag`, comma-separated: `tags=work,home`.",
        json_schema_extra=SYNONYM,
    )
    q: str | None = Field(
        default=None,
        description="Case-insensitive search in title and description.",
        max_length=200,
    )
    due_before: str | None = Field(
        default=None,
        description="Due at or before (a date alone means the end of that day, UTC).",
        json_schema_extra=DATE_OR_DATETIME,
    )
    due_after: str | None = Field(
        default=None,
        description="Due at or after (a date alone means the start of that day, UTC).",
        json_schema_extra=DATE_OR_DATETIME,
    )
    overdue: bool | None = Field(
        default=None, description="`true`: pending tasks past their due date."
    )
    sort: str = Field(
        default=TaskSort.created_at.value,
        description="Sort field.",
        json_schema_extra={"enum": [s.value for s in TaskSort]},
    )
    sort_by: str | None = Field(
        default=None, description="The same as `sort`.", json_schema_extra=SYNONYM
    )
    order: str = Field(
        default=SortOrder.desc.value,
        description="Sort direction.",
        json_schema_extra={"enum": [o.value for o in SortOrder]},
    )
    limit: int = Field(default=50, ge=1, le=MAX_PAGE_SIZE, description="Page size.")
    offset: int = Field(default=0, ge=0, le=MAX_OFFSET, description="Tasks to skip.")

    def to_query(self) -> TaskQuery:
        """The validated `TaskQuery`, synonyms folded in; a bad value is a 422 on its field."""
        tag_names = [*(self.tag or []), *(self.tags.split(",") if self.tags else [])]
        raw = self.model_dump(exclude={"tag", "tags", "sort_by"})
        raw["tags"] = [name for name in tag_names if name.strip()]
        if self.sort_by is not None:
            raw["sort"] = self.sort_by
        return validated(TaskQuery, raw, location="query")


async def get_task_query(params: Annotated[TaskListParams, Query()]) -> TaskQuery:
    """The list's filters, sort and page as one validated `TaskQuery`."""
    # `async` on purpose: pure validation, no I/O, so it skips a hop through the threadpool.
    return params.to_query()
