"""User family, stored refresh and personal access tokens, and the auth request/response schemas."""

from datetime import datetime
from typing import Annotated, Any, Literal, NamedTuple
from uuid import uuid4

from pydantic import AfterValidator, EmailStr, StringConstraints, model_validator
from pydantic.config import JsonDict
from pydantic.json_schema import SkipJsonSchema
from sqlalchemy import bindparam
from sqlmodel import Field, SQLModel, col, select

from backend.auth.passwords import LoginPassword, NewPassword
from backend.datetimes import UTCDateTime, utcnow
from backend.fields import SafeStr

MAX_EMAIL_LENGTH = 320
MAX_NAME_LENGTH = 100
MAX_OPAQUE_TOKEN_LENGTH = 4096  # generous: a misplaced JWT must get 401, not 422

# Lower-cased so that case variants of one address are one account (and hit the unique index).
Email = Annotated[EmailStr, AfterValidator(str.lower)]
DisplayName = Annotated[
    SafeStr, StringConstraints(strip_whitespace=True, max_length=MAX_NAME_LENGTH)
]
OpaqueToken = Annotated[
    SafeStr, StringConstraints(min_length=1, max_length=MAX_OPAQUE_TOKEN_LENGTH)
]


class UserBase(SQLModel):
    """Fields shared by the user table and its schemas."""

    email: str | None = Field(
        default=None, max_length=MAX_EMAIL_LENGTH, description="Lower-cased email address."
    )
    name: str | None = Field(default=None, max_length=MAX_NAME_LENGTH, description="Display name.")


class User(UserBase, table=True):
    """A person: our own account (UUID id) or one provisioned from an external token."""

    __tablename__ = "users"

    id: str = Field(default_factory=lambda: str(uuid4()), primary_key=True, max_length=255)
    email: str | None = Field(default=None, max_length=MAX_EMAIL_LENGTH, unique=True, index=True)
    password_hash: str | None = Field(default=None, max_length=255)
    is_active: bool = True
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class UserRow(NamedTuple):
    """A user as a request sees them: the columns of their row, a plain value in no session
    (the current user, read on every request; a `User` costs far more to build)."""

    id: str
    email: str | None
    name: str | None
    is_active: bool
    created_at: datetime


# Built once (`backend.driver` compiles it once): the user lookup every request runs.
USER_ROW_BY_ID = select(*(col(getattr(User, name)) for name in UserRow._fields)).where(
    col(User.id) == bindparam("user_id")
)


USER_EXAMPLE: JsonDict = {
    "id": "5b0c3c8e-1d2a-4c57-9a51-3f1f0e6b2a10",
    "email": "ada@example.com",
    "name": "Ada",
    "created_at": "2026-01-01T12:00:00Z",
}


class UserPublic(UserBase):
    """A user as the API shows it; never carries the password hash."""

    id: str = Field(
        description="User id: a UUID for our accounts, the `sub` of external ones.",
        schema_extra={"examples": ["5b0c3c8e-1d2a-4c57-9a51-3f1f0e6b2a10"]},
    )
    created_at: datetime = Field(description="When the account was created (UTC).")

    model_config = {"json_schema_extra": {"examples": [USER_EXAMPLE]}}


class UserCreate(SQLModel):
    """Registration body: `name` is optional and `full_name` is accepted for it."""

    email: Email = Field(description="Email address; stored lower-cased.")
    password: NewPassword = Field(
        description="At least 8 characters, at most 72 bytes of UTF-8, no NUL characters."
    )
    name: DisplayName | None = Field(
        default=None, description="Display name (`full_name` is accepted too)."
    )

    @model_validator(mode="before")
    @classmethod
    def _accept_full_name(cls, data: Any) -> Any:
        # Several existing frontends send `full_name`; it is the same thing.
        if isinstance(data, dict) and data.get("name") is None and "full_name" in data:
            return {**data, "name": data["full_name"]}
        return data

    model_config = {
        "json_schema_extra": {
            "examples": [
                {"email": "ada@example.com", "password": "correct horse battery", "name": "Ada"}
            ]
        }
    }


class Credentials(SQLModel):
    """Email and password, as `/login` takes them in JSON."""

    email: Email = Field(description="The account's email address (any case).")
    password: LoginPassword = Field(description="The account's password.")

    model_config = {
        "json_schema_extra": {
            "examples": [{"email": "ada@example.com", "password": "correct horse battery"}]
        }
    }


class RefreshRequest(SQLModel):
    """A refresh token in the body; when absent, the `refresh_token` cookie is used."""

    refresh_token: OpaqueToken | None = Field(
        default=None, description="The refresh token from the last token response."
    )


class TokenResponse(SQLModel):
    """A fresh access/refresh token pair, with the user they belong to.

    `token` repeats `access_token` for the login forms that store `response.token`; it is left
    out of the documented schema (a compatibility alias, listed in the README).
    """

    access_token: str = Field(description="Bearer token for `Authorization: Bearer …`.")
    token: SkipJsonSchema[str] = Field(description="The same as `access_token`.")
    refresh_token: str = Field(description="Opaque, single-use token for `POST /refresh`.")
    token_type: str = Field(default="bearer", description="Always `bearer`.")
    expires_in: int = Field(description="Seconds until the access token expires.")
    user: UserPublic = Field(description="The account the tokens belong to.")

    model_config = {
        "json_schema_extra": {
            "examples": [
                {
                    "access_token": "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9…",
                    "refresh_token": "Jx0n7c3mS2bQ…",
                    "token_type": "bearer",
                    "expires_in": 900,
                    "user": USER_EXAMPLE,
                }
            ]
        }
    }


class RefreshToken(SQLModel, table=True):
    """A stored refresh token (only its SHA-256); tokens rotated from one login share a family."""

    __tablename__ = "refresh_tokens"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True, index=True)
    family_id: str = Field(max_length=32, index=True)
    user_id: str = Field(foreign_key="users.id", ondelete="CASCADE", index=True, max_length=255)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


# What a personal access token opens: the task tools (`/mcp`) only, or the whole API too.
TokenScope = Literal["tasks", "api"]
MAX_TOKEN_NAME_LENGTH = 100
MAX_TOKEN_DAYS = 366


class PersonalAccessToken(SQLModel, table=True):
    """A named, long-lived credential for clients with a fixed header; only its SHA-256 is kept.

    Revoking deletes the row, so the next request with it is refused.
    """

    __tablename__ = "personal_access_tokens"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True, index=True)
    user_id: str = Field(foreign_key="users.id", ondelete="CASCADE", index=True, max_length=255)
    name: str = Field(max_length=MAX_TOKEN_NAME_LENGTH)
    scope: str = Field(max_length=16)
    prefix: str = Field(max_length=32)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    expires_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class PersonalAccessTokenCreate(SQLModel):
    """A new personal access token's name, scope and lifetime."""

    model_config = {
        "json_schema_extra": {
            "examples": [{"name": "IDE assistant", "scope": "tasks", "expires_in_days": 90}]
        }
    }

    name: Annotated[
        SafeStr,
        StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_TOKEN_NAME_LENGTH),
    ] = Field(description="What the token is for, e.g. `Claude Desktop`.")
    scope: TokenScope = Field(
        default="tasks",
        description="`tasks`: the task tools at `/mcp` only; `api`: the REST API as well.",
    )
    expires_in_days: int | None = Field(
        default=None,
        ge=1,
        le=MAX_TOKEN_DAYS,
        description="Days until the token stops working; omit for a token that does not expire.",
    )


class PersonalAccessTokenPublic(SQLModel):
    """A personal access token as its owner sees it listed (never the token itself)."""

    id: int = Field(description="The token's id, to revoke it.")
    name: str = Field(description="What the token is for.")
    scope: TokenScope = Field(description="`tasks` (`/mcp` only) or `api` (REST API too).")
    prefix: str = Field(description="The token's first characters, to recognise it.")
    created_at: datetime = Field(description="When it was created.")
    expires_at: datetime | None = Field(description="When it stops working; null: never.")


class PersonalAccessTokenCreated(PersonalAccessTokenPublic):
    """A token just created: the only time its value is shown."""

    token: str = Field(description="The token, for `Authorization: Bearer …`; shown only once.")
