"""Every task query but the list (`listing`), scoped by owner: create, get, update, complete,
delete, tags, stats.

Functions that take a `Task` expect one obtained from `get_task` (or the `OwnedTask`
dependency), so ownership is already checked. Writes commit before returning.
"""

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as postgres_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col, func, select

from backend.db import utcnow
from backend.errors import NotFoundError
from backend.tasks.models import (
    Priority,
    PriorityCounts,
    Recurrence,
    Tag,
    TagPublic,
    Task,
    TaskCreate,
    TaskPublic,
    TaskStats,
    TaskTagLink,
    TaskUpdate,
)
from backend.tasks.recurrence import next_due

PUBLIC_FIELDS = [name for name in TaskPublic.model_fields if name != "tags"]


def to_public(task: Task) -> TaskPublic:
    """The API view of a task; equal to `TaskPublic.model_validate(task)`, built faster."""
    # A stored task is already valid: no need to run the lenient input validators on output.
    if task.id is None:
        raise ValueError("a task has no public view before it is saved")
    fields = {name: getattr(task, name) for name in PUBLIC_FIELDS}
    return TaskPublic.model_construct(**fields, tags=[tag.name for tag in task.tags])


def create_task(*, session: Session, owner_id: str, task_in: TaskCreate) -> Task:
    """Create a task for `owner_id`, creating any of its tags the user does not have yet."""
    task = Task(**task_in.model_dump(exclude={"tags", "completed"}), user_id=owner_id)
    task.recurrence_anchor_day = _anchor_day(task.due_date)
    task.tags = _user_tags(session=session, owner_id=owner_id, names=task_in.tags)
    session.add(task)
    # Created done: the same completion rule as every other path (a recurring task schedules).
    _apply_completion(session=session, task=task, completed=task_in.completed)
    session.commit()
    return task


def get_task(*, session: Session, owner_id: str, task_id: int) -> Task:
    """The owner's task; NotFoundError if it is missing or belongs to someone else."""
    task = session.exec(select(Task).where(Task.id == task_id, Task.user_id == owner_id)).first()
    if task is None:
        raise NotFoundError("Task not found")
    return task


def public_task(*, session: Session, owner_id: str, task_id: int) -> TaskPublic:
    """The API view of the owner's task (its tags loaded in the session); NotFoundError if it is
    missing or belongs to someone else."""
    return to_public(get_task(session=session, owner_id=owner_id, task_id=task_id))


def update_task(*, session: Session, task: Task, task_in: TaskUpdate) -> Task:
    """Apply the fields sent; `completed` follows the same rule as `set_completed`."""
    changes = task_in.model_dump(exclude_unset=True)
    completed = changes.pop("completed", None)
    _claim(session=session, task=task)
    if "tags" in changes:
        names = changes.pop("tags") or []
        task.tags = _user_tags(session=session, owner_id=task.user_id, names=names)
    previous_due = task.due_date
    for name, value in changes.items():
        setattr(task, name, value)
    if task.due_date != previous_due:  # a full-body PUT resending the date keeps the anchor
        task.recurrence_anchor_day = _anchor_day(task.due_date)
    if completed is not None:
        _apply_completion(session=session, task=task, completed=completed)
    return _save(session=session, task=task)


def set_completed(*, session: Session, task: Task, completed: bool | None = None) -> Task:
    """Set completion (`None` toggles); completing a recurring task creates its next occurrence."""
    _claim(session=session, task=task)
    target = not task.completed if completed is None else completed
    _apply_completion(session=session, task=task, completed=target)
    return _save(session=session, task=task)


def delete_task(*, session: Session, task: Task) -> None:
    """Delete the task (tag links cascade); NotFoundError if a concurrent request deleted it."""
    # One statement scoped by id and owner: of concurrent deletes exactly one removes the row.
    stmt = sa.delete(Task).where(col(Task.id) == task.id, col(Task.user_id) == task.user_id)
    deleted = session.connection().execute(stmt).rowcount
    session.commit()
    session.expunge(task)
    if deleted == 0:
        raise NotFoundError("Task not found")


def _claim(*, session: Session, task: Task) -> None:
    """Lock the task's row and re-read it before a write; a task deleted meanwhile is a 404.

    The claim is an UPDATE of the row: it takes the row lock on Postgres and the write lock
    on SQLite, so concurrent writes to one task apply one after the other on fresh state (two
    toggles never both complete it, two tag updates never insert the same link), and a
    delete either finished first (0 rows: 404) or waits for this write to commit.
    """
    claim = sa.update(Task).where(col(Task.id) == task.id).values(updated_at=utcnow())
    if session.connection().execute(claim).rowcount == 0:
        session.rollback()
        raise NotFoundError("Task not found")
    session.refresh(task)


def list_tags(*, session: Session, owner_id: str) -> list[TagPublic]:
    """The owner's tags in use, by name, with how many tasks carry each."""
    stmt = (
        select(Tag.name, func.count())
        .join(TaskTagLink, col(TaskTagLink.tag_id) == Tag.id)
        .where(Tag.user_id == owner_id)
        .group_by(col(Tag.id), col(Tag.name))
        .order_by(col(Tag.name))
    )
    return [TagPublic(name=name, count=count) for name, count in session.exec(stmt)]


def task_stats(*, session: Session, owner_id: str) -> TaskStats:
    """Counts of the owner's tasks: total, completed, pending, overdue and per priority."""
    done = col(Task.completed)
    overdue = sa.and_(~done, col(Task.due_date) < utcnow())
    per_priority = [func.count().filter(col(Task.priority) == level) for level in Priority]
    stmt = select(
        func.count(), func.count().filter(done), func.count().filter(overdue), *per_priority
    ).where(Task.user_id == owner_id)
    row: tuple[int, ...] = tuple(session.exec(stmt).one())
    total, completed, overdue_count = row[:3]
    return TaskStats(
        total=total,
        completed=completed,
        pending=total - completed,
        overdue=overdue_count,
        by_priority=PriorityCounts.model_validate(dict(zip(Priority, row[3:], strict=True))),
    )


def _save(*, session: Session, task: Task) -> Task:
    task.updated_at = utcnow()
    session.add(task)
    session.commit()
    return task


def _apply_completion(*, session: Session, task: Task, completed: bool) -> None:
    # Only a pending → done transition schedules the next occurrence, and only the first one:
    # un-completing and completing again reuses the occurrence already scheduled.
    if completed == task.completed:
        return
    task.completed = completed
    task.completed_at = utcnow() if completed else None
    if completed and task.recurrence != Recurrence.none and task.next_occurrence_id is None:
        following = _next_occurrence(task)
        if following is not None:
            session.add(following)
            session.flush()  # assigns the occurrence's id
            task.next_occurrence_id = following.id


def _next_occurrence(task: Task) -> Task | None:
    # Without a due date the next one is due a period after completion.
    base = task.due_date or task.completed_at or utcnow()
    anchor_day = task.recurrence_anchor_day or base.day
    due = next_due(base, Recurrence(task.recurrence), anchor_day)
    if due is None:
        return None
    return Task(
        recurrence_anchor_day=anchor_day,
        user_id=task.user_id,
        title=task.title,
        description=task.description,
        priority=task.priority,
        recurrence=task.recurrence,
        due_date=due,
        tags=list(task.tags),
    )


def _anchor_day(due_date: datetime | None) -> int | None:
    # A new due date starts a new series anchor; the occurrences a series schedules keep it.
    return due_date.day if due_date is not None else None


def _user_tags(*, session: Session, owner_id: str, names: Sequence[str]) -> list[Tag]:
    """The owner's Tag rows for `names`, inserting missing ones (race-free: ON CONFLICT)."""
    if not names:
        return []
    insert = postgres_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    session.execute(
        insert(Tag)
        .values([{"user_id": owner_id, "name": name} for name in names])
        .on_conflict_do_nothing(index_elements=["user_id", "name"])
    )
    stmt = select(Tag).where(Tag.user_id == owner_id, col(Tag.name).in_(names))
    return sorted(session.exec(stmt).all(), key=lambda tag: tag.name)
