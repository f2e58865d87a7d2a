"""Every table module, imported so that SQLModel.metadata knows them all (used by Alembic)."""

from backend.auth.models import RefreshToken, User
from backend.tasks.models import Tag, Task, TaskTagLink

__all__ = ["RefreshToken", "Tag", "Task", "TaskTagLink", "User"]
