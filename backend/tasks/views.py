"""A task as the API shows it, read straight from rows: the view's columns, rows to dicts, and
their JSON (no ORM objects on the hot paths)."""

from collections.abc import Sequence
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from fastapi import Response
from pydantic import TypeAdapter
from sqlmodel import col, func
from typing_extensions import TypedDict  # pydantic needs this one before Python 3.12

from backend.tasks.models import Tag, Task, TaskPublic, TaskTagLink

VIEW_FIELDS = list(TaskPublic.model_fields)  # the JSON key order of a task
TaskView = dict[str, Any]


def _row_type() -> Any:
    # A TypedDict with TaskPublic's fields, so the two can never drift apart; validators do
    # not matter here: the adapters only serialise rows the database holds as valid. Its enums
    # are their text, as the driver reads them (a member serialises as the same text).
    fields = {
        name: str if _is_text_enum(field.annotation) else field.annotation
        for name, field in TaskPublic.model_fields.items()
    }
    row_type: Any = TypedDict
    return row_type("TaskRow", fields)


def _is_text_enum(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, StrEnum)


TASK_ROW_TYPE = _row_type()
TASK_ROW: TypeAdapter[TaskView] = TypeAdapter(TASK_ROW_TYPE)
TASK_ROWS: TypeAdapter[list[TaskView]] = TypeAdapter(list[TASK_ROW_TYPE])  # type: ignore[valid-type]


def tag_names(dialect: str) -> Any:
    """A task's tag names as a JSON array, ordered like `Task.tags` (by name)."""
    # Postgres orders inside the aggregate; SQLite before 3.44 cannot, so `to_view` sorts (its
    # BINARY collation is code-point order, the same as `sorted`).
    name = col(Tag.name)
    aggregate = (
        func.json_agg(name).aggregate_order_by(name)
        if dialect == "postgresql"
        else func.json_group_array(name)
    )
    names = (
        sa.select(aggregate)
        .join(TaskTagLink, col(TaskTagLink.tag_id) == Tag.id)
        .where(col(TaskTagLink.task_id) == Task.id)
        .scalar_subquery()
    )
    return sa.type_coerce(names, sa.JSON)


def view_columns(dialect: str) -> list[Any]:
    """The columns of a task's view, in `VIEW_FIELDS` order, tags as one JSON column."""
    return [
        tag_names(dialect) if name == "tags" else col(getattr(Task, name)) for name in VIEW_FIELDS
    ]


def to_view(row: Sequence[Any], dialect: str) -> TaskView:
    """A row of `view_columns` (extra columns after them are ignored) as a view dict."""
    view = dict(zip(VIEW_FIELDS, row, strict=False))
    tags: list[str] = view["tags"] or []  # no tags aggregate to NULL on Postgres
    if dialect != "postgresql":
        tags.sort()
    view["tags"] = tags
    return view


def as_view(values: dict[str, Any]) -> TaskView:
    """A view from a task's values (extra keys dropped), its keys in `VIEW_FIELDS` order."""
    return {name: values[name] for name in VIEW_FIELDS}


def task_json(view: TaskView) -> dict[str, Any]:
    """A view as JSON-ready values (ISO datetimes, enum values), as tools answer it."""
    json_view: dict[str, Any] = TASK_ROW.dump_python(view, mode="json")
    return json_view


def task_response(
    view: TaskView, *, status_code: int = 200, headers: dict[str, str] | None = None
) -> Response:
    """A view as the route's JSON response, serialised once (exactly like a `TaskPublic`)."""
    return Response(
        TASK_ROW.dump_json(view),
        status_code=status_code,
        media_type="application/json",
        headers=headers,
    )
