"""Every conversation query, scoped by owner: start, get, lease, list, history, add, delete.

Functions flush, never commit, except the lease's: a lease must be visible to other instances
before the turn's slow provider call (see `lease_conversation`)."""

from collections.abc import Sequence
from datetime import datetime
from typing import Any, TypeVar, cast

from sqlalchemy import ColumnElement, CursorResult, UnaryExpression, or_, update
from sqlmodel import col, delete, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from backend.chat.models import (
    MAX_TITLE_CHARS,
    Conversation,
    ConversationDetail,
    ConversationPublic,
    Message,
    MessagePublic,
    Role,
)
from backend.datetimes import utcnow
from backend.ownership import owned

Row = TypeVar("Row", Conversation, Message)


def title_from(message: str) -> str:
    """A conversation title: the first message on one line, shortened with an ellipsis."""
    line = " ".join(message.split())
    return line if len(line) <= MAX_TITLE_CHARS else line[: MAX_TITLE_CHARS - 1] + "…"


async def start_conversation(
    session: AsyncSession,
    *,
    owner_id: str,
    first_message: str,
    busy_until: datetime,
    chatkit_id: str | None = None,
) -> Conversation:
    """A new conversation titled after its first message, leased to the turn that starts it;
    `chatkit_id` is the thread id ChatKit gave it, if any."""
    conversation = Conversation(
        user_id=owner_id, title=title_from(first_message), busy_until=busy_until
    )
    if chatkit_id is not None:
        conversation.chatkit_id = chatkit_id
    session.add(conversation)
    await session.flush()
    return conversation


async def get_conversation(
    session: AsyncSession, *, owner_id: str, conversation_id: int
) -> Conversation:
    """The owner's conversation; NotFoundError if it is missing or someone else's."""
    return await owned(
        session, Conversation, row_id=conversation_id, owner_id=owner_id, thing="Conversation"
    )


async def conversation_exists(session: AsyncSession, *, conversation_id: int) -> bool:
    """Whether the conversation is still stored (a turn's owner may delete it meanwhile)."""
    found = await session.exec(
        select(Conversation.id).where(col(Conversation.id) == conversation_id)
    )
    return found.first() is not None


async def lease_conversation(
    session: AsyncSession, *, owner_id: str, conversation_id: int, busy_until: datetime
) -> bool:
    """Lease the owner's conversation to one turn unless a live lease holds it; committed.

    One compare-and-set UPDATE, so of two turns racing on any number of app instances exactly
    one wins; a lease left by a crashed process stops counting once it expires.
    """
    now = utcnow()
    leased = await session.exec(
        update(Conversation)
        .where(
            col(Conversation.id) == conversation_id,
            col(Conversation.user_id) == owner_id,
            or_(col(Conversation.busy_until).is_(None), col(Conversation.busy_until) < now),
        )
        .values(busy_until=busy_until)
    )
    await session.commit()
    return cast(CursorResult[Any], leased).rowcount == 1


async def release_conversation(
    session: AsyncSession, *, conversation_id: int, busy_until: datetime
) -> None:
    """End a turn's lease; a lease that expired and was taken by another turn is left alone.

    Written in the turn's transaction, with its answer; the turn commits it.
    """
    await session.exec(
        update(Conversation)
        .where(
            col(Conversation.id) == conversation_id,
            col(Conversation.busy_until) == busy_until,
        )
        .values(busy_until=None)
    )


async def _page(
    session: AsyncSession,
    model: type[Row],
    condition: ColumnElement[bool],
    order: Sequence[UnaryExpression[Any]],
    limit: int,
    offset: int,
) -> tuple[list[Row], int]:
    """One page of `model` rows matching `condition`, and how many match in all."""
    total = (await session.exec(select(func.count()).select_from(model).where(condition))).one()
    page = await session.exec(
        select(model).where(condition).order_by(*order).limit(limit).offset(offset)
    )
    return list(page.all()), total


async def list_conversations(
    session: AsyncSession, *, owner_id: str, limit: int, offset: int
) -> tuple[list[Conversation], int]:
    """One page of the owner's conversations, latest activity first, and their total."""
    return await _page(
        session,
        Conversation,
        col(Conversation.user_id) == owner_id,
        [col(Conversation.updated_at).desc(), col(Conversation.id).desc()],
        limit,
        offset,
    )


async def recent_messages(
    session: AsyncSession, *, conversation_id: int, limit: int
) -> list[Message]:
    """The last `limit` messages, oldest first: one backwards range scan of the index."""
    newest_first = await session.exec(
        select(Message)
        .where(Message.conversation_id == conversation_id)
        .order_by(col(Message.id).desc())
        .limit(limit)
    )
    return list(reversed(newest_first.all()))


async def list_messages(
    session: AsyncSession, *, conversation_id: int, limit: int, offset: int
) -> tuple[list[Message], int]:
    """One page of a conversation's messages, oldest first, and their total."""
    return await _page(
        session,
        Message,
        col(Message.conversation_id) == conversation_id,
        [col(Message.id).asc()],
        limit,
        offset,
    )


async def conversation_views(
    session: AsyncSession, *, owner_id: str, limit: int, offset: int
) -> tuple[list[ConversationPublic], int]:
    """One page of the owner's conversations as the API shows them, and their total."""
    conversations, total = await list_conversations(
        session, owner_id=owner_id, limit=limit, offset=offset
    )
    return [ConversationPublic.model_validate(item) for item in conversations], total


async def conversation_detail(
    session: AsyncSession, *, owner_id: str, conversation_id: int, limit: int, offset: int
) -> ConversationDetail:
    """The owner's conversation with one page of its messages, as the API shows it;
    NotFoundError if the conversation is missing or someone else's."""
    conversation = await get_conversation(
        session, owner_id=owner_id, conversation_id=conversation_id
    )
    assert conversation.id is not None
    messages, total = await list_messages(
        session, conversation_id=conversation.id, limit=limit, offset=offset
    )
    return ConversationDetail(
        **ConversationPublic.model_validate(conversation).model_dump(),
        message_count=total,
        messages=[MessagePublic.model_validate(message) for message in messages],
    )


async def add_message(
    session: AsyncSession,
    *,
    conversation_id: int,
    owner_id: str,
    role: Role,
    content: str,
    tool_calls: Sequence[dict[str, Any]] = (),
    chatkit_id: str | None = None,
) -> Message:
    """Store a message and mark its conversation active; `chatkit_id` is the item id ChatKit
    gave it, if any."""
    message = Message(
        conversation_id=conversation_id,
        user_id=owner_id,
        role=role,
        content=content,
        tool_calls=list(tool_calls),
        created_at=utcnow(),
    )
    if chatkit_id is not None:
        message.chatkit_id = chatkit_id
    session.add(message)
    await session.exec(
        update(Conversation)
        .where(col(Conversation.id) == conversation_id)
        .values(updated_at=message.created_at)
    )
    return message


async def delete_conversation(
    session: AsyncSession, *, owner_id: str, conversation_id: int
) -> None:
    """Delete the owner's conversation and all its messages; NotFoundError if it is missing or
    someone else's."""
    conversation = await get_conversation(
        session, owner_id=owner_id, conversation_id=conversation_id
    )
    await session.exec(delete(Message).where(col(Message.conversation_id) == conversation.id))
    await session.delete(conversation)
