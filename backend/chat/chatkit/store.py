"""ChatKit's store on our tables: threads are the user's conversations, items their messages.

Every lookup is scoped to the signed-in user: another user's thread is "not found" (404), as a
missing one. Each call runs in a short session of its own, committed, after the request's
session has closed. Messages are written by their turn (`chatkit.turn`), never here.
"""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from anyio.streams.memory import MemoryObjectReceiveStream
from sqlalchemy import asc, desc, tuple_, update
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from backend.chat import service
from backend.chat.chatkit.items import message_id, thread_items
from backend.chat.gate import TurnGate
from backend.chat.models import Conversation, Message
from backend.chat.providers.base import ChatProvider
from backend.config import Settings
from backend.db import open_session
from backend.errors import NotFoundError
from backend.paging import MAX_PAGE_SIZE
from chatkit.store import Store
from chatkit.types import (
    Attachment,
    Page,
    ThreadItem,
    ThreadMetadata,
    ThreadStreamEvent,
)

NOT_STORED = "this server keeps messages only: {} is not supported"


def page_size(limit: int) -> int:
    """ChatKit's `limit`, within 1 to `MAX_PAGE_SIZE` (the client's value is not validated)."""
    return min(max(limit, 1), MAX_PAGE_SIZE)


@dataclass
class ChatKitContext:
    """What one ChatKit request runs with: the signed-in user, the app's engine, provider, turn
    gate and settings; `turn_events` are the events of the turn a new message started."""

    user_id: str
    engine: AsyncEngine
    provider: ChatProvider
    gate: TurnGate
    settings: Settings
    turn_events: MemoryObjectReceiveStream[ThreadStreamEvent] | None = None


def thread_metadata(conversation: Conversation) -> ThreadMetadata:
    """A conversation as ChatKit's thread metadata."""
    return ThreadMetadata(
        id=conversation.chatkit_id,
        title=conversation.title or None,
        created_at=conversation.created_at,
    )


async def owned_conversation(
    session: AsyncSession, *, owner_id: str, thread_id: str
) -> Conversation:
    """The owner's conversation with this ChatKit id; NotFoundError otherwise."""
    found = (
        await session.exec(
            select(Conversation).where(
                col(Conversation.chatkit_id) == thread_id, col(Conversation.user_id) == owner_id
            )
        )
    ).first()
    if found is None:
        raise NotFoundError("Thread not found")
    return found


async def _message(session: AsyncSession, conversation_id: int, item_id: str) -> Message:
    """The conversation's message an item id shows; NotFoundError otherwise."""
    found = (
        await session.exec(
            select(Message).where(
                col(Message.chatkit_id) == message_id(item_id),
                col(Message.conversation_id) == conversation_id,
            )
        )
    ).first()
    if found is None:
        raise NotFoundError("Item not found")
    return found


class DatabaseStore(Store[ChatKitContext]):
    """ChatKit's `Store` on the conversations and messages tables."""

    @asynccontextmanager
    async def _session(self, context: ChatKitContext) -> AsyncIterator[AsyncSession]:
        async with open_session(context.engine) as session:
            yield session
            await session.commit()

    async def load_thread(self, thread_id: str, context: ChatKitContext) -> ThreadMetadata:
        """The user's thread; 404 if it is missing or someone else's."""
        async with self._session(context) as session:
            conversation = await owned_conversation(
                session, owner_id=context.user_id, thread_id=thread_id
            )
            return thread_metadata(conversation)

    async def save_thread(self, thread: ThreadMetadata, context: ChatKitContext) -> None:
        """Rename the user's thread (`threads.update`, its title validated by the route): the
        title is stored on one line, and `thread` shows it as stored. New threads are stored by
        their first turn, never here."""
        title = service.title_from(thread.title or "")
        async with self._session(context) as session:
            await session.exec(
                update(Conversation)
                .where(
                    col(Conversation.chatkit_id) == thread.id,
                    col(Conversation.user_id) == context.user_id,
                )
                .values(title=title)
            )
        thread.title = title

    async def load_thread_items(
        self, thread_id: str, after: str | None, limit: int, order: str, context: ChatKitContext
    ) -> Page[ThreadItem]:
        """One page of the thread's items. Pages hold `limit` messages (an assistant message with
        tool calls is two items), so a message's items are never split across pages."""
        limit = page_size(limit)
        async with self._session(context) as session:
            conversation = await owned_conversation(
                session, owner_id=context.user_id, thread_id=thread_id
            )
            assert conversation.id is not None
            key = col(Message.id)
            query = select(Message).where(col(Message.conversation_id) == conversation.id)
            if after is not None:
                cursor = await _message(session, conversation.id, after)
                query = query.where(key > cursor.id if order == "asc" else key < cursor.id)
            sort = asc if order == "asc" else desc
            messages = list((await session.exec(query.order_by(sort(key)).limit(limit + 1))).all())
        items = [
            item
            for message in messages[:limit]
            for item in (
                thread_items(message, thread_id)
                if order == "asc"
                else reversed(thread_items(message, thread_id))
            )
        ]
        return Page(
            data=items, has_more=len(messages) > limit, after=items[-1].id if items else None
        )

    async def load_threads(
        self, limit: int, after: str | None, order: str, context: ChatKitContext
    ) -> Page[ThreadMetadata]:
        """One page of the user's threads, the latest activity first (`desc`), as the
        conversations list. After a thread deleted meanwhile, whose place is gone, the page is
        empty (the list ends there; reopened, it starts afresh)."""
        limit = page_size(limit)
        async with self._session(context) as session:
            key = tuple_(col(Conversation.updated_at), col(Conversation.id))
            query = select(Conversation).where(col(Conversation.user_id) == context.user_id)
            if after is not None:
                try:
                    cursor = await owned_conversation(
                        session, owner_id=context.user_id, thread_id=after
                    )
                except NotFoundError:
                    return Page(data=[], has_more=False, after=None)
                position = tuple_(cursor.updated_at, cursor.id)
                query = query.where(key > position if order == "asc" else key < position)
            sort = asc if order == "asc" else desc
            ordered = query.order_by(sort(col(Conversation.updated_at)), sort(col(Conversation.id)))
            conversations = list((await session.exec(ordered.limit(limit + 1))).all())
        threads = [thread_metadata(conversation) for conversation in conversations[:limit]]
        return Page(
            data=threads,
            has_more=len(conversations) > limit,
            after=threads[-1].id if threads else None,
        )

    async def add_thread_item(
        self, thread_id: str, item: ThreadItem, context: ChatKitContext
    ) -> None:
        """Messages are stored by their turn (`chatkit.turn`), never here."""
        raise NotImplementedError(NOT_STORED.format("adding an item"))

    async def load_item(self, thread_id: str, item_id: str, context: ChatKitContext) -> ThreadItem:
        """One item of the user's thread; 404 if it is missing or not theirs."""
        async with self._session(context) as session:
            conversation = await owned_conversation(
                session, owner_id=context.user_id, thread_id=thread_id
            )
            assert conversation.id is not None
            message = await _message(session, conversation.id, item_id)
        for item in thread_items(message, thread_id):
            if item.id == item_id:
                return item
        raise NotFoundError("Item not found")  # `wf_` of a reply that made no tool calls

    async def delete_thread(self, thread_id: str, context: ChatKitContext) -> None:
        """Delete the user's thread and its messages (tasks stay); 404 if it is not theirs."""
        async with self._session(context) as session:
            conversation = await owned_conversation(
                session, owner_id=context.user_id, thread_id=thread_id
            )
            assert conversation.id is not None
            await service.delete_conversation(
                session, owner_id=context.user_id, conversation_id=conversation.id
            )

    async def save_item(self, thread_id: str, item: ThreadItem, context: ChatKitContext) -> None:
        """Messages are never edited."""
        raise NotImplementedError(NOT_STORED.format("editing an item"))

    async def delete_thread_item(
        self, thread_id: str, item_id: str, context: ChatKitContext
    ) -> None:
        """Messages are deleted with their thread only."""
        raise NotImplementedError(NOT_STORED.format("deleting an item"))

    async def save_attachment(self, attachment: Attachment, context: ChatKitContext) -> None:
        """No attachments."""
        raise NotImplementedError(NOT_STORED.format("an attachment"))

    async def load_attachment(self, attachment_id: str, context: ChatKitContext) -> Attachment:
        """No attachments."""
        raise NotImplementedError(NOT_STORED.format("an attachment"))

    async def delete_attachment(self, attachment_id: str, context: ChatKitContext) -> Any:
        """No attachments."""
        raise NotImplementedError(NOT_STORED.format("an attachment"))
