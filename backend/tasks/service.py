"""Every task query, scoped by owner: create, get, list, update, complete, delete, tags, stats.

Functions that take a `Task` expect one obtained from `get_task` (or the `OwnedTask`
dependency), so ownership is already checked. Writes commit before returning.
"""

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Row
from sqlalchemy.dialects.postgresql import insert as postgres_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col, func, select

from backend.db import utcnow
from backend.errors import NotFoundError
from backend.tasks.models import (
    Priority,
    Recurrence,
    SortOrder,
    Tag,
    TagPublic,
    Task,
    TaskCreate,
    TaskPublic,
    TaskQuery,
    TaskSort,
    TaskStats,
    TaskStatus,
    TaskTagLink,
    TaskUpdate,
)
from backend.tasks.recurrence import next_due

TOTAL_LABEL = "total_count"
TAGS_LABEL = "tag_names"
VIEW_FIELDS = list(TaskPublic.model_fields)  # the JSON key order of a view
VIEW_FIELDS_SET = frozenset(VIEW_FIELDS)
PUBLIC_FIELDS = [name for name in VIEW_FIELDS if name != "tags"]
PRIORITY_RANK = {Priority.low: 0, Priority.medium: 1, Priority.high: 2}
LIKE_ESCAPE = "\\"


def _tag_names_json(aggregate: Any) -> Any:
    """Each page row's tag names as one JSON array: the tags ride on the page query."""
    names = (
        sa.select(aggregate)
        .join(TaskTagLink, col(TaskTagLink.tag_id) == Tag.id)
        .where(col(TaskTagLink.task_id) == Task.id)
        .scalar_subquery()
    )
    return sa.type_coerce(names, sa.JSON).label(TAGS_LABEL)


# Ordered like the `Task.tags` relationship: by name in the database's collation on Postgres;
# SQLite before 3.44 cannot order inside an aggregate, so its names are sorted in Python
# (its BINARY collation is code-point order, the same as `sorted`).
TAG_NAMES_POSTGRES = _tag_names_json(func.json_agg(col(Tag.name)).aggregate_order_by(col(Tag.name)))
TAG_NAMES_SQLITE = _tag_names_json(func.json_group_array(col(Tag.name)))


def to_public(task: Task) -> TaskPublic:
    """The API view of a task; equal to `TaskPublic.model_validate(task)`, built faster."""
    # A stored task is already valid: skipping validation halves the cost of a page of 50
    # (the lenient input validators would otherwise run on output too).
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


def list_tasks(*, session: Session, owner_id: str, query: TaskQuery) -> tuple[list[Task], int]:
    """One page of the owner's tasks (tags loaded) and the total matching the filters.

    The total rides on the page query as a window count, so a page is two queries
    (tasks, then their tags); only a page past the end needs a separate count.
    """
    rows, total = _page(session=session, owner_id=owner_id, query=query, columns=[Task])
    return [row[0] for row in rows], total


def list_public_tasks(
    *, session: Session, owner_id: str, query: TaskQuery
) -> tuple[list[TaskPublic], int]:
    """The page `list_tasks` returns, read as plain rows straight into public views.

    The list route's path: same filters and order in ONE statement (each row's tags as a
    JSON array from a correlated subquery, which Postgres runs only for the rows past the
    LIMIT), without building ORM objects that would only become `TaskPublic` and be dropped.
    """
    is_postgres = session.get_bind().dialect.name == "postgresql"
    tag_names = TAG_NAMES_POSTGRES if is_postgres else TAG_NAMES_SQLITE
    columns = [tag_names if name == "tags" else col(getattr(Task, name)) for name in VIEW_FIELDS]
    rows, total = _page(session=session, owner_id=owner_id, query=query, columns=columns)
    views = []
    for row in rows:
        fields = dict(zip(VIEW_FIELDS, row, strict=False))
        tags: list[str] = fields["tags"] or []  # a task without tags aggregates to NULL on Postgres
        if not is_postgres:
            tags.sort()
        fields["tags"] = tags
        views.append(TaskPublic.model_construct(_fields_set=set(VIEW_FIELDS_SET), **fields))
    return views, total


def _page(
    *, session: Session, owner_id: str, query: TaskQuery, columns: Sequence[Any]
) -> tuple[Sequence[Row[Any]], int]:
    conditions = _filters(owner_id=owner_id, query=query)
    total_column = func.count().over().label(TOTAL_LABEL)
    stmt = (
        sa.select(*columns, total_column)
        .where(*conditions)
        .order_by(*_ordering(session=session, query=query))
        .limit(query.limit)
        .offset(query.offset)
    )
    rows = session.execute(stmt).all()
    if rows:
        return rows, int(rows[0][-1])
    if query.offset == 0:
        return [], 0
    total = session.exec(select(func.count()).select_from(Task).where(*conditions)).one()
    return [], total


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
        by_priority=dict(zip(Priority, row[3:], strict=True)),
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


def _filters(*, owner_id: str, query: TaskQuery) -> list[Any]:
    conditions: list[Any] = [Task.user_id == owner_id]
    if query.status is not TaskStatus.all:
        conditions.append(col(Task.completed) == (query.status is TaskStatus.completed))
    if query.priority is not None:
        conditions.append(Task.priority == query.priority)
    if query.tags:
        tagged = (
            select(TaskTagLink.task_id)
            .join(Tag, col(Tag.id) == TaskTagLink.tag_id)
            .where(Tag.user_id == owner_id, col(Tag.name).in_(query.tags))
            .group_by(col(TaskTagLink.task_id))
            .having(func.count() == len(query.tags))
        )
        conditions.append(col(Task.id).in_(tagged))
    needle = (query.q or "").strip().casefold()
    if needle:
        conditions.append(col(Task.search_text).like(f"%{_escape_like(needle)}%", LIKE_ESCAPE))
    if query.due_before is not None:
        conditions.append(col(Task.due_date) <= query.due_before)
    if query.due_after is not None:
        conditions.append(col(Task.due_date) >= query.due_after)
    if query.overdue is not None:
        conditions.append(_overdue(utcnow()) if query.overdue else ~_overdue(utcnow()))
    return conditions


def _overdue(now: datetime) -> Any:
    due = col(Task.due_date)
    return sa.and_(~col(Task.completed), due.is_not(None), due < now)


def _ordering(*, session: Session, query: TaskQuery) -> list[Any]:
    descending = query.order is SortOrder.desc

    def directed(expression: Any) -> Any:
        return expression.desc() if descending else expression.asc()

    keys: list[Any] = []
    if query.sort is TaskSort.due_date:
        keys.append(col(Task.due_date).is_(None))  # tasks without a due date last, either way
        keys.append(directed(col(Task.due_date)))
    elif query.sort is TaskSort.priority:
        keys.append(directed(sa.case(PRIORITY_RANK, value=col(Task.priority))))
    elif query.sort is TaskSort.title:
        keys.append(directed(_title_key(session)))
    else:
        keys.append(directed(col(getattr(Task, query.sort.value))))
    keys.append(directed(col(Task.id)))  # ties broken by id: pages never repeat or skip
    return keys


def _title_key(session: Session) -> Any:
    # The case-folded title, compared byte-wise on both databases (Postgres collations differ).
    key = col(Task.search_text)
    return key.collate("C") if session.get_bind().dialect.name == "postgresql" else key


def _escape_like(text: str) -> str:
    for special in (LIKE_ESCAPE, "%", "_"):
        text = text.replace(special, LIKE_ESCAPE + special)
    return text
