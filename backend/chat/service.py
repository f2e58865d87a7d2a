"""Every conversation query, scoped by owner: start, get, lease, list, history, add, delete."""

from collections.abc import Sequence
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, CursorResult, UnaryExpression, or_, update
from sqlmodel import Session, col, delete, func, select

from backend.chat.models import (
    MAX_TITLE_CHARS,
    Conversation,
    ConversationDetail,
    ConversationPublic,
    Message,
    MessagePublic,
    Role,
)
from backend.db import utcnow
from backend.errors import NotFoundError

Row = TypeVar("Row", Conversation, Message)


def title_from(message: str) -> str:
    """A conversation title: the first message on one line, shortened with an ellipsis."""
    line = " ".join(message.split())
    return line if len(line) <= MAX_TITLE_CHARS else line[: MAX_TITLE_CHARS - 1] + "…"


def start_conversation(
    *, session: Session, owner_id: str, first_message: str, busy_until: datetime
) -> Conversation:
    """A new conversation titled after its first message, leased to the turn that starts it."""
    conversation = Conversation(
        owner_id=owner_id, title=title_from(first_message), busy_until=busy_until
    )
    session.add(conversation)
    session.flush()
    return conversation


def get_conversation(*, session: Session, owner_id: str, conversation_id: int) -> Conversation:
    """The owner's conversation; NotFoundError if it is missing or someone else's."""
    conversation = session.exec(
        select(Conversation).where(
            Conversation.id == conversation_id, Conversation.owner_id == owner_id
        )
    ).first()
    if conversation is None:
        raise NotFoundError("Conversation not found")
    return conversation


def claim_conversation(
    *, session: Session, owner_id: str, conversation_id: int, busy_until: datetime
) -> bool:
    """Lease the owner's conversation to one turn unless a live lease holds it; committed.

    One compare-and-set UPDATE, so of two turns racing on any number of app instances exactly
    one wins; a lease left by a crashed process stops counting once it expires.
    """
    now = utcnow()
    claimed: CursorResult[Any] = session.exec(
        update(Conversation)
        .where(
            col(Conversation.id) == conversation_id,
            col(Conversation.owner_id) == owner_id,
            or_(col(Conversation.busy_until).is_(None), col(Conversation.busy_until) < now),
        )
        .values(busy_until=busy_until)
    )
    session.commit()
    return claimed.rowcount == 1


def release_conversation(*, session: Session, conversation_id: int, busy_until: datetime) -> None:
    """End a turn's lease; a lease that expired and was taken by another turn is left alone."""
    session.rollback()  # a turn that failed mid-transaction must not block the release
    session.exec(
        update(Conversation)
        .where(
            col(Conversation.id) == conversation_id,
            col(Conversation.busy_until) == busy_until,
        )
        .values(busy_until=None)
    )
    session.commit()


def _page(
    session: Session,
    model: type[Row],
    condition: ColumnElement[bool],
    order: Sequence[UnaryExpression[Any]],
    limit: int,
    offset: int,
) -> tuple[list[Row], int]:
    """One page of `model` rows matching `condition`, and how many match in all."""
    total = session.exec(select(func.count()).select_from(model).where(condition)).one()
    page = session.exec(
        select(model).where(condition).order_by(*order).limit(limit).offset(offset)
    ).all()
    return list(page), total


def list_conversations(
    *, session: Session, owner_id: str, limit: int, offset: int
) -> tuple[list[Conversation], int]:
    """One page of the owner's conversations, latest activity first, and their total."""
    return _page(
        session,
        Conversation,
        col(Conversation.owner_id) == owner_id,
        [col(Conversation.updated_at).desc(), col(Conversation.id).desc()],
        limit,
        offset,
    )


def recent_messages(*, session: Session, conversation_id: int, limit: int) -> list[Message]:
    """The last `limit` messages, oldest first: one backwards range scan of the index."""
    newest_first = session.exec(
        select(Message)
        .where(Message.conversation_id == conversation_id)
        .order_by(col(Message.id).desc())
        .limit(limit)
    ).all()
    return list(reversed(newest_first))


def list_messages(
    *, session: Session, conversation_id: int, limit: int, offset: int
) -> tuple[list[Message], int]:
    """One page of a conversation's messages, oldest first, and their total."""
    return _page(
        session,
        Message,
        col(Message.conversation_id) == conversation_id,
        [col(Message.id).asc()],
        limit,
        offset,
    )


def conversation_views(
    *, session: Session, owner_id: str, limit: int, offset: int
) -> tuple[list[ConversationPublic], int]:
    """One page of the owner's conversations as the API shows them, and their total."""
    conversations, total = list_conversations(
        session=session, owner_id=owner_id, limit=limit, offset=offset
    )
    return [ConversationPublic.model_validate(item) for item in conversations], total


def conversation_detail(
    *, session: Session, owner_id: str, conversation_id: int, limit: int, offset: int
) -> ConversationDetail:
    """The owner's conversation with one page of its messages, as the API shows it;
    NotFoundError if the conversation is missing or someone else's."""
    conversation = get_conversation(
        session=session, owner_id=owner_id, conversation_id=conversation_id
    )
    assert conversation.id is not None
    messages, total = list_messages(
        session=session, conversation_id=conversation.id, limit=limit, offset=offset
    )
    return ConversationDetail(
        **ConversationPublic.model_validate(conversation).model_dump(),
        message_count=total,
        messages=[MessagePublic.model_validate(message) for message in messages],
    )


def add_message(
    *,
    session: Session,
    conversation: Conversation,
    role: Role,
    content: str,
    tool_calls: Sequence[dict[str, Any]] = (),
) -> Message:
    """Store a message and mark the conversation active; committed before returning."""
    assert conversation.id is not None
    message = Message(
        conversation_id=conversation.id,
        owner_id=conversation.owner_id,
        role=role,
        content=content,
        tool_calls=list(tool_calls),
    )
    conversation.updated_at = message.created_at = utcnow()
    session.add(conversation)
    session.add(message)
    session.commit()
    return message


def delete_conversation(*, session: Session, conversation: Conversation) -> None:
    """Delete the conversation and all its messages."""
    session.exec(delete(Message).where(col(Message.conversation_id) == conversation.id))
    session.delete(conversation)
    session.commit()
