"""Conversation and Message families: tables, the chat request/response and public schemas."""

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from functools import partial
from typing import Any
from uuid import uuid4

from pydantic import field_validator
from sqlalchemy import JSON, Column, ForeignKey, Index, Integer, String, Text
from sqlmodel import Field, SQLModel

from backend.datetimes import UTCDateTime, utcnow
from backend.fields import MAX_INT_ID, SafeStr

MAX_MESSAGE_CHARS = 4000
MAX_TITLE_CHARS = 200
MAX_CHATKIT_ID_CHARS = 64


def new_chatkit_id(prefix: str) -> str:
    """A fresh ChatKit id such as `thr_<32 hex>` (stable once stored, never reused)."""
    return f"{prefix}_{uuid4().hex}"


def chatkit_id_column() -> "Column[str]":
    """The string id ChatKit knows a row by: unique, so one lookup finds it. The app always
    writes it; a row inserted without one (an instance older than this column, during a rolling
    deploy) gets `thr_<id>`/`msg_<id>` from a trigger (migration 0009) instead of the `''`."""
    return Column(
        String(MAX_CHATKIT_ID_CHARS), nullable=False, unique=True, index=True, server_default=""
    )


@dataclass(frozen=True)
class ChatKitIds:
    """The ids ChatKit knows a turn's rows by, given before they are stored: the thread (used
    when the turn starts the conversation), the user's message and the reply."""

    thread: str
    message: str
    reply: str


class Role(StrEnum):
    """Who wrote a message."""

    USER = "user"
    ASSISTANT = "assistant"


class ToolCallRecord(SQLModel):
    """One tool call the assistant made during a turn, with its result."""

    tool: str = Field(description="Tool name.", schema_extra={"examples": ["add_task"]})
    arguments: dict[str, Any] = Field(
        description="Arguments as the assistant sent them.",
        schema_extra={"examples": [{"title": "Buy milk"}]},
    )
    result: dict[str, Any] = Field(
        description='What the tool answered: the task(s), or `{"error": ...}`.',
        schema_extra={"examples": [{"task": {"id": 7, "title": "Buy milk", "completed": False}}]},
    )


class Conversation(SQLModel, table=True):
    """A chat between one user and the assistant; its title is taken from the first message."""

    __tablename__ = "conversations"
    # Serves both "this user's conversations" and their newest-first order.
    __table_args__ = (Index("ix_conversations_user_id_updated_at", "user_id", "updated_at"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: str = Field(
        sa_column=Column(String(255), ForeignKey("users.id", ondelete="CASCADE"), nullable=False)
    )
    title: str = Field(max_length=MAX_TITLE_CHARS)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    # The turn lease: while in the future, one turn is being answered and others get 409.
    busy_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # Its ChatKit thread id (ChatKit names a thread before it is stored, so not the integer id).
    chatkit_id: str = Field(
        default_factory=partial(new_chatkit_id, "thr"), sa_column=chatkit_id_column()
    )


class Message(SQLModel, table=True):
    """One message of a conversation; an assistant message keeps the tool calls it made."""

    __tablename__ = "messages"
    # "The last N messages of a conversation" is an index range scan backwards on this.
    __table_args__ = (Index("ix_messages_conversation_id_id", "conversation_id", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    conversation_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("conversations.id", ondelete="CASCADE"), nullable=False
        )
    )
    user_id: str = Field(
        sa_column=Column(
            String(255), ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    role: Role = Field(sa_column=Column(String(16), nullable=False))
    content: str = Field(sa_column=Column(Text, nullable=False))
    tool_calls: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    # Its ChatKit item id (ChatKit names an item before it is stored, so not the integer id).
    chatkit_id: str = Field(
        default_factory=partial(new_chatkit_id, "msg"), sa_column=chatkit_id_column()
    )


class ConversationPublic(SQLModel):
    """A conversation as the API shows it."""

    id: int = Field(description="Conversation id.", schema_extra={"examples": [12]})
    title: str = Field(
        description="Taken from the first message.", schema_extra={"examples": ["Add buy milk"]}
    )
    created_at: datetime = Field(description="When the conversation started (UTC).")
    updated_at: datetime = Field(description="Time of the latest turn.")


class MessagePublic(SQLModel):
    """A message as the API shows it."""

    id: int = Field(description="Message id.")
    role: Role = Field(description="`user` or `assistant`.")
    content: str = Field(description="What was said.")
    tool_calls: list[ToolCallRecord] = Field(
        default_factory=list, description="Tool calls made while answering (assistant only)."
    )
    created_at: datetime = Field(description="When the message was stored (UTC).")


class ConversationDetail(ConversationPublic):
    """A conversation with one page of its messages, oldest first."""

    message_count: int = Field(
        description="Messages in the whole conversation.", schema_extra={"examples": [4]}
    )
    messages: list[MessagePublic] = Field(description="One page of messages, oldest first.")


def not_blank(value: str) -> str:
    """Refuse a string of whitespace only."""
    if not value.strip():
        raise ValueError("must not be blank")
    return value


class ThreadTitle(SQLModel):
    """A conversation's new title (ChatKit's rename)."""

    title: SafeStr = Field(min_length=1, max_length=MAX_TITLE_CHARS)

    _check_title = field_validator("title")(not_blank)


class ChatRequest(SQLModel):
    """One user turn."""

    message: SafeStr = Field(
        min_length=1,
        max_length=MAX_MESSAGE_CHARS,
        description="What the user says.",
        schema_extra={"examples": ["Add buy milk tomorrow at 5pm #errands"]},
    )
    conversation_id: int | None = Field(
        default=None,
        ge=1,
        le=MAX_INT_ID,
        description="Continue this conversation (a number or numeric string); omit to start one.",
        schema_extra={"examples": [None]},
    )

    @field_validator("conversation_id", mode="before")
    @classmethod
    def _check_conversation_id(cls, value: Any) -> Any:
        # Lax ints would take `true` as conversation 1 (and "1.0"): an integral number or digits
        # only. JSON Schema's `integer` includes `12.0`, so that is 12, as the schema says.
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if isinstance(value, bool) or not isinstance(value, int | str | None):
            raise ValueError("must be an integer or a numeric string")
        if isinstance(value, str) and not value.strip().isdigit():
            raise ValueError("must be an integer or a numeric string")
        return value

    _check_message = field_validator("message")(not_blank)


class ChatResponse(SQLModel):
    """The assistant's answer to one turn."""

    conversation_id: int = Field(
        description="Pass it back to continue.", schema_extra={"examples": [12]}
    )
    response: str = Field(
        description="The assistant's reply.",
        schema_extra={
            "examples": [
                "Added task #7 “Buy milk”, due Thu 19 Nov 2026 17:00 UTC, tagged #errands."
            ]
        },
    )
    tool_calls: list[ToolCallRecord] = Field(description="Tool calls made during this turn.")
