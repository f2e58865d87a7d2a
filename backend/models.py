"""Every table module, imported so that SQLModel.metadata knows them all (used by Alembic)."""

from backend.auth.models import RefreshToken, User

__all__ = ["RefreshToken", "User"]
