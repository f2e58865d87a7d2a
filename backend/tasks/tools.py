"""The task tools, defined once for the chat's providers and the MCP server: descriptions,
handlers bound to the owner, and `run_tool` (argument schemas: `tool_arguments`)."""

import json
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ValidationError
from sqlmodel.ext.asyncio.session import AsyncSession

from backend.errors import AppError, describe_errors
from backend.tasks import service as task_service
from backend.tasks.listing import read_page
from backend.tasks.models import TaskCreate, TaskUpdate
from backend.tasks.query import TaskQuery
from backend.tasks.tool_arguments import (
    AddTaskArguments,
    CompleteTaskArguments,
    DeleteTaskArguments,
    ListTasksArguments,
    ToolArguments,
    UpdateTaskArguments,
)
from backend.tasks.views import task_json

# Said once in every description: the spec's clients send a user_id, our models never need to.
USER_ID_NOTE = (
    " An optional user_id is accepted for clients that send one: it must be the signed-in "
    "user's id (or `me`), else the call is an error; the user is always the signed-in one."
)
CHANGE_RESULT = 'Answers {{task_id, status: "{status}", title, {key}}}, {key} being the full task'
TOOL_DESCRIPTIONS: dict[str, str] = {
    "add_task": (
        "Create a task for the user. Give a short title; optionally a description, a priority "
        "(low, medium, high), tags, a due date-time and a recurrence. "
        + CHANGE_RESULT.format(status="created", key="task")
        + "."
        + USER_ID_NOTE
    ),
    "list_tasks": (
        "List the user's tasks, oldest first. Filter by status (all, pending, completed), "
        "priority, one tag, words in the title or description (search), overdue, or a due "
        "window (due_after, due_before). Answers {tasks: [{id, title, completed, ...}], total}, "
        "total counting every match beyond the limit." + USER_ID_NOTE
    ),
    "complete_task": (
        "Mark a task as done by its id (completed=false reopens it). Completing a recurring "
        "task schedules its next occurrence. "
        + CHANGE_RESULT.format(status="completed", key="task")
        + ' (status "updated" when reopened), and next_occurrence, the new task, when one '
        "was scheduled." + USER_ID_NOTE
    ),
    "delete_task": (
        "Delete a task by its id, for good. "
        + CHANGE_RESULT.format(status="deleted", key="deleted")
        + "."
        + USER_ID_NOTE
    ),
    "update_task": (
        "Change a task by its id: title, description, priority, tags, due date or recurrence. "
        "Only the fields given change; due_date null removes the due date. "
        + CHANGE_RESULT.format(status="updated", key="task")
        + "."
        + USER_ID_NOTE
    ),
}


ChangeStatus = Literal["created", "completed", "deleted", "updated"]


def changed(status: ChangeStatus, task: dict[str, Any], key: str = "task") -> dict[str, Any]:
    """The spec's result of a change, `{task_id, status, title}`, with the whole task at `key`."""
    return {"task_id": task["id"], "status": status, "title": task["title"], key: task}


async def _add_task(session: AsyncSession, owner_id: str, args: BaseModel) -> dict[str, Any]:
    task_in = TaskCreate.model_validate(args.model_dump(exclude_none=True))
    task = await task_service.create_task(session, owner_id=owner_id, task_in=task_in)
    return changed("created", task_json(task))


async def _list_tasks(session: AsyncSession, owner_id: str, args: BaseModel) -> dict[str, Any]:
    assert isinstance(args, ListTasksArguments)
    query = TaskQuery.model_validate(
        {
            "status": args.status,
            "priority": args.priority,
            "tags": [args.tag] if args.tag else [],
            "q": args.search,
            "overdue": args.overdue,
            "due_before": args.due_before,
            "due_after": args.due_after,
            "sort": "due_date" if args.overdue else "created_at",
            "order": "asc",
            "limit": args.limit,
            "offset": 0,
        }
    )
    tasks, total = await read_page(await session.connection(), owner_id=owner_id, query=query)
    return {"tasks": [task_json(task) for task in tasks], "total": total}


async def _complete_task(session: AsyncSession, owner_id: str, args: BaseModel) -> dict[str, Any]:
    assert isinstance(args, CompleteTaskArguments)
    task, following = await task_service.set_completed(
        session, owner_id=owner_id, task_id=args.task_id, completed=args.completed
    )
    result = changed("completed" if task["completed"] else "updated", task_json(task))
    if following is not None:
        result["next_occurrence"] = task_json(following)
    return result


async def _delete_task(session: AsyncSession, owner_id: str, args: BaseModel) -> dict[str, Any]:
    assert isinstance(args, DeleteTaskArguments)
    deleted = await task_service.delete_task(session, owner_id=owner_id, task_id=args.task_id)
    return changed("deleted", task_json(deleted), key="deleted")


async def _update_task(session: AsyncSession, owner_id: str, args: BaseModel) -> dict[str, Any]:
    assert isinstance(args, UpdateTaskArguments)
    changes = args.model_dump(exclude_unset=True, exclude={"task_id"})
    task = await task_service.update_task(
        session, owner_id=owner_id, task_id=args.task_id, task_in=TaskUpdate.model_validate(changes)
    )
    return changed("updated", task_json(task))


@dataclass(frozen=True)
class ToolSpec:
    """One tool: its name, description for the model, argument schema and handler."""

    name: str
    description: str
    arguments: type[ToolArguments]
    handler: Callable[[AsyncSession, str, BaseModel], Awaitable[dict[str, Any]]]


@dataclass(frozen=True)
class ToolOutcome:
    """What a tool call gave: a result, or `ok=False` with `{"error": ...}`."""

    ok: bool
    result: dict[str, Any]


TOOLS: tuple[ToolSpec, ...] = (
    ToolSpec("add_task", TOOL_DESCRIPTIONS["add_task"], AddTaskArguments, _add_task),
    ToolSpec("list_tasks", TOOL_DESCRIPTIONS["list_tasks"], ListTasksArguments, _list_tasks),
    ToolSpec(
        "complete_task",
        TOOL_DESCRIPTIONS["complete_task"],
        CompleteTaskArguments,
        _complete_task,
    ),
    ToolSpec("delete_task", TOOL_DESCRIPTIONS["delete_task"], DeleteTaskArguments, _delete_task),
    ToolSpec("update_task", TOOL_DESCRIPTIONS["update_task"], UpdateTaskArguments, _update_task),
)
TOOLS_BY_NAME: Mapping[str, ToolSpec] = {spec.name: spec for spec in TOOLS}


NOT_YOUR_USER_ID = "user_id must be your own user id (or `me`); omit it to act as yourself"


def _error(message: str) -> ToolOutcome:
    return ToolOutcome(ok=False, result={"error": message})


def _invalid_arguments(exc: ValidationError) -> str:
    return "Invalid arguments: " + describe_errors(exc.errors())


def parse_arguments(spec: ToolSpec, arguments: Mapping[str, Any] | str) -> ToolArguments | str:
    """Validate raw arguments (a JSON string or a mapping); the model, or an error message."""
    if isinstance(arguments, str):
        try:
            raw = json.loads(arguments) if arguments.strip() else {}
        except json.JSONDecodeError:
            return "Arguments are not valid JSON"
    else:
        raw = arguments
    if not isinstance(raw, Mapping):
        return "Arguments must be a JSON object"
    try:
        return spec.arguments.model_validate(dict(raw))
    except ValidationError as exc:
        return _invalid_arguments(exc)


async def run_tool(
    name: str, arguments: Mapping[str, Any] | str, *, session: AsyncSession, owner_id: str
) -> ToolOutcome:
    """Run one tool as `owner_id`; bad calls come back as errors.

    The call's work is left in the session's transaction: the caller commits it. A call that
    fails has written nothing (its arguments are checked, and its task found, before any write).
    """
    spec = TOOLS_BY_NAME.get(name)
    if spec is None:
        return _error(f"Unknown tool {name!r}; available: {', '.join(TOOLS_BY_NAME)}")
    parsed = parse_arguments(spec, arguments)
    if isinstance(parsed, str):
        return _error(parsed)
    if parsed.user_id not in (None, "me", owner_id):
        return _error(NOT_YOUR_USER_ID)
    try:
        result = await spec.handler(session, owner_id, parsed)
    except ValidationError as exc:
        return _error(_invalid_arguments(exc))
    except AppError as exc:
        # NotFoundError covers another user's task too, so ids never leak.
        if exc.status_code >= 500:
            raise
        return _error(exc.message)
    return ToolOutcome(ok=True, result=result)
