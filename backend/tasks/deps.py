"""Task dependencies: the owned task of a path (404 for anyone else's) and the list query."""

from typing import Annotated

from fastapi import Depends, Path, Query
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError

from backend.auth.deps import CurrentUser
from backend.db import SessionDep
from backend.tasks import service as task_service
from backend.tasks.models import (
    MAX_OFFSET,
    MAX_PAGE_SIZE,
    Priority,
    SortOrder,
    Task,
    TaskQuery,
    TaskSort,
    TaskStatus,
)

MAX_TASK_ID = 2**31 - 1  # the Postgres `integer` range: a larger id is a 422, not a 500

TaskID = Annotated[int, Path(description="The task's id.", ge=1, le=MAX_TASK_ID, examples=[1])]


def get_owned_task(task_id: TaskID, user: CurrentUser, session: SessionDep) -> Task:
    """The current user's task with this id; 404 if missing or someone else's."""
    return task_service.get_task(session=session, owner_id=user.id, task_id=task_id)


OwnedTask = Annotated[Task, Depends(get_owned_task)]


async def get_task_query(
    status: Annotated[
        str,
        Query(
            description="`all`, `pending` or `completed` (`incomplete`/`active` mean pending).",
            json_schema_extra={"enum": [s.value for s in TaskStatus]},
        ),
    ] = TaskStatus.all.value,
    priority: Annotated[
        str | None,
        Query(
            description="Only tasks of this priority.",
            json_schema_extra={"enum": [p.value for p in Priority]},
        ),
    ] = None,
    tag: Annotated[
        list[str] | None,
        Query(description="Repeatable; a task must carry every tag given.", examples=[["work"]]),
    ] = None,
    tags: Annotated[str | None, Query(include_in_schema=False)] = None,
    q: Annotated[
        str | None,
        Query(description="Case-insensitive search in title and description.", max_length=200),
    ] = None,
    due_before: Annotated[
        str | None,
        Query(description="Due at or before (a date alone means the end of that day, UTC)."),
    ] = None,
    due_after: Annotated[
        str | None,
        Query(description="Due at or after (a date alone means the start of that day, UTC)."),
    ] = None,
    overdue: Annotated[
        bool | None, Query(description="`true`: pending tasks past their due date.")
    ] = None,
    sort: Annotated[
        str,
        Query(description="Sort field.", json_schema_extra={"enum": [s.value for s in TaskSort]}),
    ] = TaskSort.created_at.value,
    sort_by: Annotated[str | None, Query(include_in_schema=False)] = None,
    order: Annotated[
        str,
        Query(
            description="Sort direction.", json_schema_extra={"enum": [o.value for o in SortOrder]}
        ),
    ] = SortOrder.desc.value,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE, description="Page size.")] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET, description="Tasks to skip.")] = 0,
) -> TaskQuery:
    """Collect the list parameters (and their synonyms) into one validated `TaskQuery`."""
    # `async` on purpose: pure validation, no I/O, so it skips a hop through the threadpool.
    tag_names = [*(tag or []), *(tags.split(",") if tags else [])]
    raw = {
        "status": status,
        "priority": priority,
        "tags": [name for name in tag_names if name.strip()],
        "q": q,
        "due_before": due_before,
        "due_after": due_after,
        "overdue": overdue,
        "sort": sort_by if sort_by is not None else sort,
        "order": order,
        "limit": limit,
        "offset": offset,
    }
    try:
        return TaskQuery.model_validate(raw)
    except ValidationError as exc:
        errors = [{**error, "loc": ("query", *error["loc"])} for error in exc.errors()]
        raise RequestValidationError(errors) from None
