"""The prebuilt statements a task write runs (`backend.driver`): one per set of columns written
(or number of tags linked), each value bound under a `v_` name (a column's own name is reserved).
"""

from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as postgres_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import col

from backend.tasks.fields import MAX_TAGS
from backend.tasks.models import Tag, Task, TaskTagLink


def bound(values: dict[str, Any]) -> dict[str, Any]:
    """The parameters binding `values` to the statements' `v_` names."""
    return {f"v_{name}": value for name, value in values.items()}


def _column_binds(names: Sequence[str]) -> dict[str, Any]:
    table = Task.__table__.columns  # type: ignore[attr-defined]
    return {name: sa.bindparam(f"v_{name}", type_=table[name].type) for name in names}


@lru_cache(maxsize=64)
def update_statement(names: tuple[str, ...]) -> sa.Update:
    """The UPDATE of these columns of the task `task_id`."""
    return (
        sa.update(Task).where(col(Task.id) == sa.bindparam("task_id")).values(_column_binds(names))
    )


@lru_cache(maxsize=16)
def insert_statement(names: tuple[str, ...]) -> sa.Insert:
    """The INSERT of a task with these columns, returning its id."""
    return sa.insert(Task).values(_column_binds(names)).returning(col(Task.id))


@lru_cache(maxsize=2 * MAX_TAGS)
def tag_upsert_statement(dialect: str, count: int) -> sa.Insert:
    """The INSERT of `count` of the owner's tags by name, skipping those the owner already has."""
    insert = postgres_insert if dialect == "postgresql" else sqlite_insert
    rows: list[dict[str, Any]] = [
        {"user_id": sa.bindparam("owner_id"), "name": sa.bindparam(f"name_{n}")}
        for n in range(count)
    ]
    return insert(Tag).values(rows).on_conflict_do_nothing(index_elements=["user_id", "name"])


@lru_cache(maxsize=MAX_TAGS)
def tag_ids_statement(count: int) -> sa.Select[Any]:
    """The ids of `count` of the owner's tags, by name."""
    names: list[sa.BindParameter[Any]] = [sa.bindparam(f"name_{n}") for n in range(count)]
    return sa.select(col(Tag.id)).where(
        col(Tag.user_id) == sa.bindparam("owner_id"), col(Tag.name).in_(names)
    )


@lru_cache(maxsize=MAX_TAGS)
def links_statement(count: int) -> sa.Insert:
    """The INSERT of `count` tag links of the task `task_id`."""
    rows: list[dict[str, Any]] = [
        {"task_id": sa.bindparam("task_id"), "tag_id": sa.bindparam(f"tag_{n}")}
        for n in range(count)
    ]
    return sa.insert(TaskTagLink).values(rows)
