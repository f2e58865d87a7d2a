"""Every task query but the list (`listing`) and the dashboards' (`summaries`), scoped by owner:
get, create, update, complete, delete.

Statements are built from the SQLModel tables and run on the session's connection; results are
view dicts (`backend.tasks.views`). A write reads the owner's task once, locked
(`SELECT … FOR UPDATE` on Postgres; SQLite's write transactions hold its write lock), then
writes it with one UPDATE. Functions flush, never commit: the request's session owns the
transaction.
"""

from collections.abc import Sequence
from datetime import datetime
from functools import lru_cache
from typing import Any, NamedTuple

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from backend.datetimes import utcnow
from backend.driver import fetch
from backend.errors import NotFoundError
from backend.tasks.fields import Recurrence
from backend.tasks.models import Task, TaskCreate, TaskTagLink, TaskUpdate, search_text
from backend.tasks.recurrence import next_due
from backend.tasks.views import VIEW_FIELDS, TaskView, as_view, to_view, view_columns
from backend.tasks.write_statements import (
    bound,
    insert_statement,
    links_statement,
    tag_ids_statement,
    tag_upsert_statement,
    update_statement,
)

TASK_NOT_FOUND = "Task not found"
# Read with a task to write it: which occurrence it scheduled, the day its series is due on.
BOOKKEEPING = ("next_occurrence_id", "recurrence_anchor_day")
BY_ID_AND_OWNER = (
    col(Task.id) == sa.bindparam("task_id"),
    col(Task.user_id) == sa.bindparam("owner_id"),
)


class LockedTask(NamedTuple):
    """A task read for a write: its view and its recurrence bookkeeping."""

    view: TaskView
    next_occurrence_id: int | None
    recurrence_anchor_day: int | None


@lru_cache(maxsize=4)
def _task_statement(dialect: str, *, for_update: bool) -> sa.Select[Any]:
    if not for_update:
        return sa.select(*view_columns(dialect)).where(*BY_ID_AND_OWNER)
    bookkeeping = [col(getattr(Task, name)) for name in BOOKKEEPING]
    locked = sa.select(*view_columns(dialect), *bookkeeping).where(*BY_ID_AND_OWNER)
    return locked.with_for_update(of=sa.inspect(Task).local_table)


async def read_task(connection: AsyncConnection, *, owner_id: str, task_id: int) -> TaskView:
    """The owner's task; NotFoundError if it is missing or belongs to someone else."""
    row = await _owned_row(connection, owner_id=owner_id, task_id=task_id, for_update=False)
    return to_view(row, connection.dialect.name)


async def _lock(connection: AsyncConnection, *, owner_id: str, task_id: int) -> LockedTask:
    """The owner's task, locked for this transaction; NotFoundError if missing or not theirs."""
    row = await _owned_row(connection, owner_id=owner_id, task_id=task_id, for_update=True)
    return LockedTask(to_view(row, connection.dialect.name), *row[len(VIEW_FIELDS) :])


async def _owned_row(
    connection: AsyncConnection, *, owner_id: str, task_id: int, for_update: bool
) -> Sequence[Any]:
    statement = _task_statement(connection.dialect.name, for_update=for_update)
    rows = await fetch(connection, statement, {"task_id": task_id, "owner_id": owner_id})
    if not rows:
        raise NotFoundError(TASK_NOT_FOUND)
    return rows[0]


async def create_task(session: AsyncSession, *, owner_id: str, task_in: TaskCreate) -> TaskView:
    """Create a task for `owner_id`, creating any of its tags the user does not have yet."""
    connection = await session.connection()
    now = utcnow()
    view: TaskView = {
        **task_in.model_dump(exclude={"tags", "completed"}),
        "user_id": owner_id,
        "tags": list(task_in.tags),
        "completed": False,
        "completed_at": None,
        "created_at": now,
        "updated_at": now,
    }
    anchor_day = _anchor_day(view["due_date"])
    values = {**view, "recurrence_anchor_day": anchor_day}
    # Created done: the same completion rule as every other path (a recurring task schedules).
    completion = await _completion(
        connection, values, completed=task_in.completed, anchor_day=anchor_day
    )
    completion.pop("following", None)
    values.update(completion)
    view["id"] = await _insert(connection, values)
    view.update({name: values[name] for name in ("completed", "completed_at")})
    view["tags"] = sorted(view["tags"])
    return as_view(view)


async def update_task(
    session: AsyncSession, *, owner_id: str, task_id: int, task_in: TaskUpdate
) -> TaskView:
    """Apply the fields sent; `completed` follows the same rule as `set_completed`."""
    connection = await session.connection()
    task = await _lock(connection, owner_id=owner_id, task_id=task_id)
    changes = task_in.model_dump(exclude_unset=True)
    completed = changes.pop("completed", None)
    tags = changes.pop("tags", None) if "tags" in changes else task.view["tags"]
    view = {**task.view, **changes, "tags": sorted(tags or [])}
    values = dict(changes)
    anchor_day = task.recurrence_anchor_day
    if view["due_date"] != task.view["due_date"]:  # a full-body PUT resending it keeps the anchor
        values["recurrence_anchor_day"] = anchor_day = _anchor_day(view["due_date"])
    if "title" in changes or "description" in changes:
        values["search_text"] = search_text(view["title"], view["description"])
    if completed is not None and task.next_occurrence_id is None:
        completion = await _completion(connection, view, completed=completed, anchor_day=anchor_day)
        completion.pop("following", None)
        values.update(completion)
    elif completed is not None:
        values.update(_completion_stamp(view, completed))
    if "tags" in task_in.model_fields_set:
        await connection.execute(sa.delete(TaskTagLink).where(col(TaskTagLink.task_id) == task_id))
        await _link_tags(connection, owner_id=owner_id, task_id=task_id, names=view["tags"])
    return await _save(connection, view, values)


async def set_completed(
    session: AsyncSession, *, owner_id: str, task_id: int, completed: bool | None = None
) -> tuple[TaskView, TaskView | None]:
    """Set completion (`None` toggles): the task, and the next occurrence completing a
    recurring task created (None if it created none)."""
    connection = await session.connection()
    task = await _lock(connection, owner_id=owner_id, task_id=task_id)
    target = not task.view["completed"] if completed is None else completed
    view = dict(task.view)
    if task.next_occurrence_id is not None:
        values = _completion_stamp(view, target)
    else:
        values = await _completion(
            connection, view, completed=target, anchor_day=task.recurrence_anchor_day
        )
    following = values.pop("following", None)
    return await _save(connection, view, values), following


async def delete_task(session: AsyncSession, *, owner_id: str, task_id: int) -> TaskView:
    """Delete the owner's task (tag links cascade) and return what it was; NotFoundError if it
    is missing or someone else's."""
    connection = await session.connection()
    task = await _lock(connection, owner_id=owner_id, task_id=task_id)
    params = {"task_id": task_id, "owner_id": owner_id}
    await connection.execute(sa.delete(Task).where(*BY_ID_AND_OWNER), params)
    return task.view


async def _save(connection: AsyncConnection, view: TaskView, values: dict[str, Any]) -> TaskView:
    """Write `values` to the locked task `view` shows (and stamp `updated_at`); the new view."""
    values["updated_at"] = view["updated_at"] = utcnow()
    view.update({name: value for name, value in values.items() if name in view})
    statement = update_statement(tuple(values))
    await fetch(connection, statement, {"task_id": view["id"], **bound(values)})
    return view


def _completion_stamp(view: TaskView, completed: bool) -> dict[str, Any]:
    """The columns a completion change writes, if it changes anything."""
    if completed == view["completed"]:
        return {}
    return {"completed": completed, "completed_at": utcnow() if completed else None}


async def _completion(
    connection: AsyncConnection, task: dict[str, Any], *, completed: bool, anchor_day: int | None
) -> dict[str, Any]:
    """The columns a completion change writes; a pending → done transition of a recurring task
    that has scheduled none yet inserts its next occurrence (under `following`, its view).

    Un-completing and completing again reuses the occurrence already scheduled: callers pass
    only tasks whose `next_occurrence_id` is still unset.
    """
    values = _completion_stamp(task, completed)
    if not values.get("completed") or task["recurrence"] == Recurrence.none:
        return values
    base = task["due_date"] or values["completed_at"]  # no due date: a period after completion
    anchor = anchor_day or base.day
    due = next_due(base, Recurrence(task["recurrence"]), anchor)
    if due is None:
        return values
    now = utcnow()
    following: TaskView = {
        **{name: task[name] for name in ("title", "description", "priority", "recurrence")},
        "user_id": task["user_id"],
        "tags": sorted(task["tags"]),
        "due_date": due,
        "completed": False,
        "completed_at": None,
        "created_at": now,
        "updated_at": now,
    }
    following["id"] = await _insert(connection, {**following, "recurrence_anchor_day": anchor})
    return {**values, "next_occurrence_id": following["id"], "following": as_view(following)}


async def _insert(connection: AsyncConnection, values: dict[str, Any]) -> int:
    """Insert a task (and link its tags) from a view's values plus bookkeeping; its id."""
    columns = {name: value for name, value in values.items() if name not in ("id", "tags")}
    columns["search_text"] = search_text(values["title"], values["description"])
    rows = await fetch(connection, insert_statement(tuple(columns)), bound(columns))
    task_id: int = rows[0][0]
    await _link_tags(connection, owner_id=values["user_id"], task_id=task_id, names=values["tags"])
    return task_id


async def _link_tags(
    connection: AsyncConnection, *, owner_id: str, task_id: int, names: Sequence[str]
) -> None:
    """Give the task these tags of the owner's, inserting missing ones (race-free: ON CONFLICT)."""
    if not names:
        return
    dialect = connection.dialect.name
    params = {"owner_id": owner_id, **{f"name_{n}": name for n, name in enumerate(names)}}
    await fetch(connection, tag_upsert_statement(dialect, len(names)), params)
    tag_ids = await fetch(connection, tag_ids_statement(len(names)), params)
    links = {f"tag_{n}": tag_id for n, (tag_id,) in enumerate(tag_ids)}
    await fetch(connection, links_statement(len(links)), {"task_id": task_id, **links})


def _anchor_day(due_date: datetime | None) -> int | None:
    # A new due date starts a new series anchor; the occurrences a series schedules keep it.
    return due_date.day if due_date is not None else None
