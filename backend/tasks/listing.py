"""The task list: one prebuilt statement per filter shape, its rows straight to view dicts.

The list is the busiest route, so it skips what it does not need. Its SQL depends only on
which filters are given and on the sort (the `ListShape`), never on their values, which are
bound as parameters: each shape's statement is built once and reused, so SQLAlchemy neither
rebuilds the query nor recomputes its cache key per request. It runs on the Core connection
(no ORM objects), each row's tags ride along as a JSON array, and a row becomes a view dict
(`backend.tasks.views`).
"""

from collections.abc import Sequence
from functools import lru_cache
from typing import Any, NamedTuple

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlmodel import col, func

from backend.datetimes import utcnow
from backend.driver import fetch
from backend.tasks.fields import Priority
from backend.tasks.models import Tag, Task, TaskTagLink
from backend.tasks.query import SortOrder, TaskQuery, TaskSort, TaskStatus
from backend.tasks.views import TaskView, to_view, view_columns

PRIORITY_RANK = {Priority.low: 0, Priority.medium: 1, Priority.high: 2}
LIKE_ESCAPE = "\\"
SHAPES_KEPT = 256  # distinct filter/sort combinations whose statements stay built


class ListShape(NamedTuple):
    """What a list statement's SQL depends on; the filter values are bound at execution."""

    dialect: str
    status: TaskStatus
    priority: bool
    tags: bool
    search: bool
    due_before: bool
    due_after: bool
    overdue: bool | None
    sort: TaskSort
    order: SortOrder

    @classmethod
    def of(cls, query: TaskQuery, dialect: str) -> "ListShape":
        """The shape of `query` on a database of this dialect."""
        return cls(
            dialect=dialect,
            status=query.status,
            priority=query.priority is not None,
            tags=bool(query.tags),
            search=bool(_needle(query)),
            due_before=query.due_before is not None,
            due_after=query.due_after is not None,
            overdue=query.overdue,
            sort=query.sort,
            order=query.order,
        )


async def read_page(
    connection: AsyncConnection, *, owner_id: str, query: TaskQuery
) -> tuple[list[TaskView], int]:
    """One page of the owner's tasks as views, and the total matching.

    One statement: the page carries its total and each row's tags; only a page past the end
    needs a second one, the count.
    """
    shape, params = _plan(query, owner_id=owner_id, dialect=connection.dialect.name)
    rows = await fetch(connection, page_statement(shape), params)
    if rows or not query.offset:
        return [to_view(row, shape.dialect) for row in rows], _total(rows)
    count: int = (await fetch(connection, count_statement(shape), params))[0][0]
    return [], count


def _plan(query: TaskQuery, *, owner_id: str, dialect: str) -> tuple[ListShape, dict[str, Any]]:
    return ListShape.of(query, dialect), _parameters(owner_id=owner_id, query=query)


def _total(rows: Sequence[Sequence[Any]]) -> int:
    # Every row carries the window count; no rows on the first page means none match.
    return int(rows[0][-1]) if rows else 0


@lru_cache(maxsize=SHAPES_KEPT)
def page_statement(shape: ListShape) -> sa.Select[Any]:
    """The page query of a shape: the view's columns and the total, filtered, sorted, paged."""
    return (
        sa.select(*view_columns(shape.dialect), func.count().over())
        .where(*_conditions(shape))
        .order_by(*_ordering(shape))
        .limit(sa.bindparam("limit"))
        .offset(sa.bindparam("offset"))
    )


@lru_cache(maxsize=SHAPES_KEPT)
def count_statement(shape: ListShape) -> sa.Select[Any]:
    """How many of the owner's tasks match a shape's filters."""
    return sa.select(func.count()).select_from(Task).where(*_conditions(shape))


def _parameters(*, owner_id: str, query: TaskQuery) -> dict[str, Any]:
    params: dict[str, Any] = {"owner_id": owner_id, "limit": query.limit, "offset": query.offset}
    if query.priority is not None:
        params["priority"] = query.priority
    if query.tags:
        params["tags"] = query.tags
        params["tag_count"] = len(query.tags)
    if needle := _needle(query):
        params["pattern"] = f"%{_escape_like(needle)}%"
    if query.due_before is not None:
        params["due_before"] = query.due_before
    if query.due_after is not None:
        params["due_after"] = query.due_after
    if query.overdue is not None:
        params["now"] = utcnow()
    return params


def _conditions(shape: ListShape) -> list[Any]:
    conditions: list[Any] = [col(Task.user_id) == sa.bindparam("owner_id")]
    if shape.status is not TaskStatus.all:
        conditions.append(col(Task.completed) == (shape.status is TaskStatus.completed))
    if shape.priority:
        conditions.append(col(Task.priority) == sa.bindparam("priority"))
    if shape.tags:
        tagged = (
            sa.select(col(TaskTagLink.task_id))
            .join(Tag, col(Tag.id) == TaskTagLink.tag_id)
            .where(
                col(Tag.user_id) == sa.bindparam("owner_id"),
                col(Tag.name).in_(sa.bindparam("tags", expanding=True)),
            )
            .group_by(col(TaskTagLink.task_id))
            .having(func.count() == sa.bindparam("tag_count"))
        )
        conditions.append(col(Task.id).in_(tagged))
    if shape.search:
        conditions.append(col(Task.search_text).like(sa.bindparam("pattern"), LIKE_ESCAPE))
    if shape.due_before:
        conditions.append(col(Task.due_date) <= sa.bindparam("due_before"))
    if shape.due_after:
        conditions.append(col(Task.due_date) >= sa.bindparam("due_after"))
    if shape.overdue is not None:
        overdue = _overdue(sa.bindparam("now"))
        conditions.append(overdue if shape.overdue else ~overdue)
    return conditions


def _overdue(now: Any) -> Any:
    due = col(Task.due_date)
    return sa.and_(~col(Task.completed), due.is_not(None), due < now)


def _ordering(shape: ListShape) -> list[Any]:
    descending = shape.order is SortOrder.desc

    def directed(expression: Any) -> Any:
        return expression.desc() if descending else expression.asc()

    keys: list[Any] = []
    if shape.sort is TaskSort.due_date:
        keys.append(col(Task.due_date).is_(None))  # tasks without a due date last, either way
        keys.append(directed(col(Task.due_date)))
    elif shape.sort is TaskSort.priority:
        keys.append(directed(sa.case(PRIORITY_RANK, value=col(Task.priority))))
    elif shape.sort is TaskSort.title:
        # The case-folded title, compared byte-wise on both databases (collations differ).
        key = col(Task.search_text)
        keys.append(directed(key.collate("C") if shape.dialect == "postgresql" else key))
    else:
        keys.append(directed(col(getattr(Task, shape.sort.value))))
    keys.append(directed(col(Task.id)))  # ties broken by id: pages never repeat or skip
    return keys


def _needle(query: TaskQuery) -> str:
    return (query.q or "").strip().casefold()


def _escape_like(text: str) -> str:
    for special in (LIKE_ESCAPE, "%", "_"):
        text = text.replace(special, LIKE_ESCAPE + special)
    return text
