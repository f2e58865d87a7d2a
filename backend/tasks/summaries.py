"""What the dashboards read: the user's tags with their counts, and task statistics."""

from sqlmodel import Field, SQLModel


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
