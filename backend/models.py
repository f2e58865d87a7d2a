"""Every table module, imported so that SQLModel.metadata knows them all (used by Alembic)."""

from backend.auth.models import PersonalAccessToken, RefreshToken, User
from backend.chat.models import Conversation, Message
from backend.tasks.models import Tag, Task, TaskTagLink

__all__ = [
    "Conversation",
    "Message",
    "PersonalAccessToken",
    "RefreshToken",
    "Tag",
    "Task",
    "TaskTagLink",
    "User",
]
