"""One chat turn: load history, store the user message, run the provider, store the answer."""

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel.ext.asyncio.session import AsyncSession

from backend.chat import service
from backend.chat.models import (
    ChatKitIds,
    ChatRequest,
    ChatResponse,
    Conversation,
    ConversationPublic,
    Message,
    MessagePublic,
    Role,
    ToolCallRecord,
)
from backend.chat.providers.base import ChatProvider, ProviderError, StreamingChatProvider
from backend.config import Settings
from backend.datetimes import utcnow
from backend.errors import BadGatewayError, ConflictError, NotFoundError
from backend.tasks.tools import ToolOutcome, run_tool

MAX_RAW_ARGUMENTS = 2000
INTERRUPTED = "(The AI provider failed before answering; the tool calls above were made.)"
DELETED_MESSAGE = "The conversation was deleted before its answer could be stored"
BUSY_MESSAGE = "Another message in this conversation is still being answered; retry shortly"
BUSY_RETRY_AFTER_SECONDS = 2
# Slack for the database writes around the provider calls and the retry backoff between them.
LEASE_MARGIN_SECONDS = 60
# A crashed turn blocks its conversation at most this long, however generous the settings.
MAX_LEASE_SECONDS = 900
# Where a streamed turn's progress goes: an event name ("delta", "tool_call") and its data.
Emit = Callable[[str, dict[str, Any]], None]


def recorded_arguments(arguments: Mapping[str, Any] | str) -> dict[str, Any]:
    """Arguments as stored: the JSON object sent, or the malformed text under `raw`."""
    if not isinstance(arguments, str):
        return dict(arguments)
    try:
        parsed = json.loads(arguments)
    except json.JSONDecodeError:
        parsed = None
    return parsed if isinstance(parsed, dict) else {"raw": arguments[:MAX_RAW_ARGUMENTS]}


@dataclass
class ToolRecorder:
    """Runs tools as the turn's owner, commits each, and remembers it for the stored message."""

    session: AsyncSession
    owner_id: str
    emit: Emit | None = None
    calls: list[dict[str, Any]] = field(default_factory=list)

    async def __call__(self, name: str, arguments: Mapping[str, Any] | str) -> ToolOutcome:
        """Run one tool call and record it with its result."""
        outcome = await run_tool(name, arguments, session=self.session, owner_id=self.owner_id)
        # Committed at once: the model's next round may take seconds, and no connection may be
        # held (nor a task row locked) meanwhile.
        await self.session.commit()
        record = ToolCallRecord(
            tool=name, arguments=recorded_arguments(arguments), result=outcome.result
        )
        self.calls.append(record.model_dump(mode="json"))
        if self.emit is not None:
            self.emit("tool_call", self.calls[-1])
        return outcome


def turn_lease(settings: Settings) -> timedelta:
    """How long a turn may hold its conversation: its worst-case provider time, capped."""
    worst = (
        settings.chat_timeout_seconds
        * (settings.chat_max_retries + 1)
        * (settings.chat_max_tool_rounds + 1)
    )
    return timedelta(seconds=min(worst + LEASE_MARGIN_SECONDS, MAX_LEASE_SECONDS))


async def _take_conversation(
    session: AsyncSession,
    owner_id: str,
    chat_in: ChatRequest,
    busy_until: datetime,
    chatkit: ChatKitIds | None,
) -> Conversation:
    """The turn's conversation, started or leased; 404 if not the owner's, 409 if busy."""
    if chat_in.conversation_id is None:
        return await service.start_conversation(
            session,
            owner_id=owner_id,
            first_message=chat_in.message,
            busy_until=busy_until,
            chatkit_id=None if chatkit is None else chatkit.thread,
        )
    leased = await service.lease_conversation(
        session, owner_id=owner_id, conversation_id=chat_in.conversation_id, busy_until=busy_until
    )
    conversation = await service.get_conversation(
        session, owner_id=owner_id, conversation_id=chat_in.conversation_id
    )
    if not leased:
        raise ConflictError(BUSY_MESSAGE, headers={"Retry-After": str(BUSY_RETRY_AFTER_SECONDS)})
    return conversation


@dataclass(frozen=True)
class Turn:
    """A started turn: its conversation leased until `busy_until`, the user message committed
    (`conversation` and `user_message` as they were stored)."""

    conversation_id: int
    owner_id: str
    message: str
    history: list[Message]
    busy_until: datetime
    conversation: ConversationPublic
    user_message: MessagePublic
    chatkit: ChatKitIds | None = None


async def _end_failed_turn(
    session: AsyncSession, conversation_id: int, busy_until: datetime
) -> None:
    """Roll back what a failed turn left unsaved, and end its lease all the same (committed)."""
    await session.rollback()
    await service.release_conversation(
        session, conversation_id=conversation_id, busy_until=busy_until
    )
    await session.commit()


async def start_turn(
    session: AsyncSession,
    *,
    owner_id: str,
    chat_in: ChatRequest,
    history_limit: int,
    lease: timedelta,
    chatkit: ChatKitIds | None = None,
) -> Turn:
    """Take the conversation (404 if not the owner's, 409 if busy), read its recent history and
    store the user message, committed: a provider failure later loses nothing the user said, and
    no connection is held while the model thinks.

    The conversation is leased to this turn until `answer_turn` ends it (a committed column,
    not a lock, so no connection is held meanwhile): a concurrent turn on it gets 409 instead of
    interleaving its messages with this one's. A ChatKit turn passes the ids ChatKit gave its
    rows (`chatkit`).
    """
    busy_until = utcnow() + lease
    conversation = await _take_conversation(session, owner_id, chat_in, busy_until, chatkit)
    assert conversation.id is not None
    conversation_id = conversation.id  # a plain value: rollbacks expire ORM objects
    try:
        history = (
            []
            if chat_in.conversation_id is None
            else await service.recent_messages(
                session, conversation_id=conversation_id, limit=history_limit
            )
        )
        message = await service.add_message(
            session,
            conversation_id=conversation_id,
            owner_id=owner_id,
            role=Role.USER,
            content=chat_in.message,
            chatkit_id=None if chatkit is None else chatkit.message,
        )
        await session.flush()
        stored = ConversationPublic.model_validate(conversation)
        user_message = MessagePublic.model_validate(message)
        await session.commit()
    except BaseException:
        await _end_failed_turn(session, conversation_id, busy_until)
        raise
    return Turn(
        conversation_id=conversation_id,
        owner_id=owner_id,
        message=chat_in.message,
        history=history,
        busy_until=busy_until,
        conversation=stored,
        user_message=user_message,
        chatkit=chatkit,
    )


async def answer_turn(
    session: AsyncSession, turn: Turn, *, provider: ChatProvider, emit: Emit | None = None
) -> ChatResponse:
    """Run the provider with the tools, store its answer and end the lease (left for the caller
    to commit); on failure the lease ends at once, and a conversation deleted meanwhile is
    NotFoundError. `emit` receives the turn's progress: text deltas and each tool call with its
    result."""
    try:
        answer = await _answer(session, turn, provider, emit)
        await session.flush()  # a conversation deleted meanwhile fails here, not at the commit
    except BaseException as exc:
        await _end_failed_turn(session, turn.conversation_id, turn.busy_until)
        if isinstance(exc, IntegrityError) and not await service.conversation_exists(
            session, conversation_id=turn.conversation_id
        ):
            raise NotFoundError(DELETED_MESSAGE) from exc
        raise
    await service.release_conversation(
        session, conversation_id=turn.conversation_id, busy_until=turn.busy_until
    )
    return answer


async def _reply(
    provider: ChatProvider, turn: Turn, recorder: ToolRecorder, emit: Emit | None
) -> str:
    """The provider's reply, streamed into `emit` when there is one (in one delta when the
    provider cannot stream)."""
    if emit is None:
        return await provider.reply(history=turn.history, message=turn.message, call_tool=recorder)
    if isinstance(provider, StreamingChatProvider):
        return await provider.stream_reply(
            history=turn.history,
            message=turn.message,
            call_tool=recorder,
            on_text=lambda delta: emit("delta", {"text": delta}),
        )
    reply = await provider.reply(history=turn.history, message=turn.message, call_tool=recorder)
    if reply:
        emit("delta", {"text": reply})
    return reply


async def _answer(
    session: AsyncSession, turn: Turn, provider: ChatProvider, emit: Emit | None
) -> ChatResponse:
    """Run the provider with the tools, store and return its answer."""
    store = partial(
        service.add_message,
        session,
        conversation_id=turn.conversation_id,
        owner_id=turn.owner_id,
        chatkit_id=None if turn.chatkit is None else turn.chatkit.reply,
    )
    recorder = ToolRecorder(session=session, owner_id=turn.owner_id, emit=emit)
    try:
        reply = await _reply(provider, turn, recorder, emit)
    except ProviderError as exc:
        if recorder.calls:  # tasks did change: the conversation must say so
            await store(role=Role.ASSISTANT, content=INTERRUPTED, tool_calls=recorder.calls)
            await session.commit()
        raise BadGatewayError(f"{exc}; your message was saved, please try again") from exc
    await store(role=Role.ASSISTANT, content=reply, tool_calls=recorder.calls)
    return ChatResponse(
        conversation_id=turn.conversation_id,
        response=reply,
        tool_calls=[ToolCallRecord.model_validate(call) for call in recorder.calls],
    )
