"""Task routes: thin handlers over the task service (mounted under `/api/{user_id}` and `/api`)."""

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Body, Query, Request, Response, status

from backend.auth.deps import CurrentUser, reading
from backend.auth.identity import RequestCredentials
from backend.db import SessionDep
from backend.error_docs import error_responses, invalid, invalid_id, not_found
from backend.jsonbody import JSONRoute
from backend.paging import PAGE_TOO_LARGE, TOTAL_COUNT_HEADER, total_count_response
from backend.tasks import service as task_service
from backend.tasks import summaries
from backend.tasks.deps import TASK_PATH, TaskIdPath, TaskListParams
from backend.tasks.listing import read_page
from backend.tasks.models import CompletionUpdate, TaskCreate, TaskDeleted, TaskPublic, TaskUpdate
from backend.tasks.summaries import TagPublic, TaskStats
from backend.tasks.views import TASK_ROWS, task_response

router = APIRouter(tags=["tasks"], route_class=JSONRoute)

TASK_NOT_FOUND = not_found("Task", "No task with this id is yours.")
BAD_TITLE = invalid(
    (("body", "title"), "string_too_long", "String should have at most 200 characters")
)
BAD_TASK_ID = invalid_id("task_id")
BAD_USER_ID = invalid(
    (("path", "user_id"), "string_too_long", "String should have at most 255 characters")
)
LOCATION_HEADER = {
    "description": "The task's URL: `/api/{user_id}/tasks/{id}`.",
    "schema": {"type": "string", "format": "uri-reference"},
}
# The first example is what "Try it out" sends: `{}` toggles, like no body at all.
TOGGLE_EXAMPLES = {
    "toggle": {"summary": "Toggle", "value": {}},
    "done": {"summary": "Mark done", "value": {"completed": True}},
    "pending": {"summary": "Mark pending", "value": {"completed": False}},
}
LIST_ERRORS = error_responses(401, 403, PAGE_TOO_LARGE, 503)
READ_ERRORS = error_responses(401, 403, BAD_USER_ID, 503)
CREATE_ERRORS = error_responses(401, 403, 413, BAD_TITLE, 503)
TASK_ERRORS = error_responses(401, 403, TASK_NOT_FOUND, BAD_TASK_ID, 503)
WRITE_ERRORS = error_responses(401, 403, TASK_NOT_FOUND, 413, BAD_TITLE, 503)


@router.get(
    "/tasks",
    summary="List tasks",
    response_model=list[TaskPublic],
    responses={
        **LIST_ERRORS,
        200: total_count_response("How many tasks match the filters, across all pages."),
    },
)
async def list_tasks(
    request: Request, credentials: RequestCredentials, params: Annotated[TaskListParams, Query()]
) -> Response:
    """Your tasks, filtered, sorted and paged; the total is in the `X-Total-Count` header.

    Try `status=pending&priority=high&tag=work&sort=due_date&order=asc`. Ties in the sort
    order are broken by id, so paging with `offset` never repeats or skips a task.
    """
    async with reading(request, credentials) as reader:
        query = params.to_query()
        tasks, total = await read_page(reader.connection, owner_id=reader.user.id, query=query)
    # Serialised once here: returning the rows would make FastAPI validate every task again.
    body = TASK_ROWS.dump_json(tasks)
    return Response(body, media_type="application/json", headers={TOTAL_COUNT_HEADER: str(total)})


@router.get(TASK_PATH, summary="Get a task", response_model=TaskPublic, responses=TASK_ERRORS)
async def get_task(
    request: Request, credentials: RequestCredentials, task_id: TaskIdPath
) -> Response:
    """One of your tasks; another user's task is 404, exactly like a missing one."""
    async with reading(request, credentials) as reader:
        view = await task_service.read_task(
            reader.connection, owner_id=reader.user.id, task_id=task_id
        )
    return task_response(view)


@router.post(
    "/tasks",
    summary="Create a task",
    status_code=status.HTTP_201_CREATED,
    response_model=TaskPublic,
    responses={
        **CREATE_ERRORS,
        201: {"headers": {"Location": LOCATION_HEADER}},
    },
)
async def create_task(task_in: TaskCreate, user: CurrentUser, session: SessionDep) -> Response:
    """Create a task. Only `title` is required; `tags` may be a list or `"a, b"`."""
    task = await task_service.create_task(session, owner_id=user.id, task_in=task_in)
    location = f"/api/{quote(user.id, safe='')}/tasks/{task['id']}"
    return task_response(task, status_code=status.HTTP_201_CREATED, headers={"Location": location})


@router.get("/tasks/stats", summary="Task statistics", responses=READ_ERRORS)
async def task_stats(user: CurrentUser, session: SessionDep) -> TaskStats:
    """Counts for a dashboard: total, completed, pending, overdue and per priority."""
    return await summaries.task_stats(session, owner_id=user.id)


@router.get("/tags", summary="List your tags", responses=READ_ERRORS)
async def list_tags(user: CurrentUser, session: SessionDep) -> list[TagPublic]:
    """The tags on your tasks, by name, with how many tasks carry each."""
    return await summaries.list_tags(session, owner_id=user.id)


@router.put(
    TASK_PATH,
    summary="Update a task with PUT (same as PATCH)",
    operation_id="putTask",
    response_model=TaskPublic,
    responses=WRITE_ERRORS,
)
@router.patch(
    TASK_PATH,
    summary="Update a task (fields sent)",
    response_model=TaskPublic,
    responses=WRITE_ERRORS,
)
async def update_task(
    task_id: TaskIdPath, task_in: TaskUpdate, user: CurrentUser, session: SessionDep
) -> Response:
    """Change only the fields sent (PUT and PATCH alike); `null` clears `description`,
    `due_date` or `tags`. Setting `completed: true` on a recurring task schedules the next one.
    """
    task = await task_service.update_task(
        session, owner_id=user.id, task_id=task_id, task_in=task_in
    )
    return task_response(task)


@router.patch(
    f"{TASK_PATH}/complete",
    summary="Toggle completion",
    response_model=TaskPublic,
    responses=WRITE_ERRORS,
    openapi_extra={"requestBody": {"content": {"application/json": {"examples": TOGGLE_EXAMPLES}}}},
)
@router.patch(f"{TASK_PATH}/toggle", include_in_schema=False)
async def toggle_complete(
    task_id: TaskIdPath,
    user: CurrentUser,
    session: SessionDep,
    body: Annotated[CompletionUpdate | None, Body(examples=[{"completed": True}])] = None,
) -> Response:
    """Toggle completion, or set it with `{"completed": true|false}`.

    Completing a recurring task creates its next occurrence (same fields, due date advanced
    by a day, a week or a month); un-completing never creates another.
    """
    completed = body.completed if body is not None else None
    task, _following = await task_service.set_completed(
        session, owner_id=user.id, task_id=task_id, completed=completed
    )
    return task_response(task)


@router.delete(TASK_PATH, summary="Delete a task", responses=TASK_ERRORS)
async def delete_task(task_id: TaskIdPath, user: CurrentUser, session: SessionDep) -> TaskDeleted:
    """Delete one of your tasks for good; the answer is `{"id": …, "deleted": true}`."""
    await task_service.delete_task(session, owner_id=user.id, task_id=task_id)
    return TaskDeleted(id=task_id)
