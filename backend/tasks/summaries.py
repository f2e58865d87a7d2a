"""What the dashboards read: the user's tags with their counts, and task statistics (the views
and their owner-scoped queries)."""

import sqlalchemy as sa
from sqlmodel import Field, SQLModel, col, func
from sqlmodel.ext.asyncio.session import AsyncSession

from backend.datetimes import utcnow
from backend.tasks.fields import Priority
from backend.tasks.models import Tag, Task, TaskTagLink


class TagPublic(SQLModel):
    """A tag with the number of the user's tasks carrying it."""

    name: str = Field(description="The tag, lower-cased.")
    count: int = Field(description="How many of your tasks carry it.")

    model_config = {"json_schema_extra": {"examples": [{"name": "work", "count": 3}]}}


class PriorityCounts(SQLModel):
    """How many tasks have each priority."""

    low: int = Field(description="Tasks of low priority.")
    medium: int = Field(description="Tasks of medium priority.")
    high: int = Field(description="Tasks of high priority.")


class TaskStats(SQLModel):
    """Counts for dashboards."""

    total: int = Field(description="All your tasks.")
    completed: int = Field(description="Tasks done.")
    pending: int = Field(description="Tasks not done yet.")
    overdue: int = Field(description="Pending tasks whose due date has passed.")
    by_priority: PriorityCounts = Field(description="Task counts per priority.")

    model_config = {
        "json_schema_extra": {
            "examples": [
                {
                    "total": 12,
                    "completed": 5,
                    "pending": 7,
                    "overdue": 2,
                    "by_priority": {"low": 3, "medium": 6, "high": 3},
                }
            ]
        }
    }


async def list_tags(session: AsyncSession, *, owner_id: str) -> list[TagPublic]:
    """The owner's tags in use, by name, with how many tasks carry each."""
    stmt = (
        sa.select(col(Tag.name), func.count())
        .join(TaskTagLink, col(TaskTagLink.tag_id) == Tag.id)
        .where(col(Tag.user_id) == owner_id)
        .group_by(col(Tag.id), col(Tag.name))
        .order_by(col(Tag.name))
    )
    rows = (await (await session.connection()).execute(stmt)).all()
    return [TagPublic(name=name, count=count) for name, count in rows]


async def task_stats(session: AsyncSession, *, owner_id: str) -> TaskStats:
    """Counts of the owner's tasks: total, completed, pending, overdue and per priority."""
    done = col(Task.completed)
    overdue = sa.and_(~done, col(Task.due_date) < utcnow())
    per_priority = [func.count().filter(col(Task.priority) == level) for level in Priority]
    stmt = sa.select(
        func.count(), func.count().filter(done), func.count().filter(overdue), *per_priority
    ).where(col(Task.user_id) == owner_id)
    row: tuple[int, ...] = tuple((await (await session.connection()).execute(stmt)).one())
    total, completed, overdue_count = row[:3]
    return TaskStats(
        total=total,
        completed=completed,
        pending=total - completed,
        overdue=overdue_count,
        by_priority=PriorityCounts.model_validate(dict(zip(Priority, row[3:], strict=True))),
    )
