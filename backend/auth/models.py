"""User family: table, public schema."""

from datetime import datetime
from uuid import uuid4

from sqlmodel import Field, SQLModel

from backend.db import UTCDateTime, utcnow


class UserBase(SQLModel):
    """Fields shared by the user table and its schemas."""

    email: str | None = Field(
        default=None, max_length=320, description="Lower-cased email address."
    )
    name: str | None = Field(default=None, max_length=100, description="Display name.")


class User(UserBase, table=True):
    """A person: our own account (UUID id) or one provisioned from an external token."""

    __tablename__ = "users"

    id: str = Field(default_factory=lambda: str(uuid4()), primary_key=True, max_length=255)
    email: str | None = Field(default=None, max_length=320, unique=True, index=True)
    password_hash: str | None = Field(default=None, max_length=255)
    is_active: bool = True
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class UserPublic(UserBase):
    """A user as the API shows it; never carries the password hash."""

    id: str = Field(description="User id: a UUID for our accounts, the `sub` of external ones.")
    created_at: datetime
