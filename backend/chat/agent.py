"""One chat turn: load history, store the user message, run the provider, store the answer."""

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from backend.chat import service
from backend.chat.models import ChatRequest, ChatResponse, Conversation, Role, ToolCallRecord
from backend.chat.providers.base import ChatProvider, ProviderError
from backend.config import Settings
from backend.datetimes import utcnow
from backend.errors import BadGatewayError, ConflictError
from backend.tasks.tools import ToolOutcome, run_tool

MAX_RAW_ARGUMENTS = 2000
INTERRUPTED = "(The AI provider failed before answering; the tool calls above were made.)"
BUSY_MESSAGE = "Another message in this conversation is still being answered; retry shortly"
BUSY_RETRY_AFTER_SECONDS = 2
# Slack for the database writes around the provider calls and the retry backoff between them.
LEASE_MARGIN_SECONDS = 60
# A crashed turn blocks its conversation at most this long, however generous the settings.
MAX_LEASE_SECONDS = 900


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
    session: AsyncSession, owner_id: str, chat_in: ChatRequest, busy_until: datetime
) -> Conversation:
    """The turn's conversation, started or leased; 404 if not the owner's, 409 if busy."""
    if chat_in.conversation_id is None:
        return await service.start_conversation(
            session, owner_id=owner_id, first_message=chat_in.message, busy_until=busy_until
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


async def run_turn(
    session: AsyncSession,
    *,
    owner_id: str,
    chat_in: ChatRequest,
    provider: ChatProvider,
    history_limit: int,
    lease: timedelta,
) -> ChatResponse:
    """Answer one user message; all state comes from and goes to the database.

    The conversation is leased to this turn for its duration (a committed column, not a lock, so
    no connection is held while the provider runs): a concurrent turn on it gets 409 instead of
    interleaving its messages with this one's. The turn commits mid-way, at each point where
    what it stored must outlive a provider failure.
    """
    busy_until = utcnow() + lease
    conversation = await _take_conversation(session, owner_id, chat_in, busy_until)
    assert conversation.id is not None
    conversation_id = conversation.id  # a plain value: the turn's rollbacks expire ORM objects
    try:
        answer = await _answer(session, conversation_id, owner_id, chat_in, provider, history_limit)
    except BaseException:
        await session.rollback()  # what the failed turn left unsaved; the lease must still end
        await service.release_conversation(
            session, conversation_id=conversation_id, busy_until=busy_until
        )
        await session.commit()
        raise
    await service.release_conversation(
        session, conversation_id=conversation_id, busy_until=busy_until
    )
    return answer


async def _answer(
    session: AsyncSession,
    conversation_id: int,
    owner_id: str,
    chat_in: ChatRequest,
    provider: ChatProvider,
    history_limit: int,
) -> ChatResponse:
    """Store the user message, run the provider with the tools, store and return its answer."""
    history = (
        []
        if chat_in.conversation_id is None
        else await service.recent_messages(
            session, conversation_id=conversation_id, limit=history_limit
        )
    )
    store = partial(
        service.add_message, session, conversation_id=conversation_id, owner_id=owner_id
    )
    await store(role=Role.USER, content=chat_in.message)
    # Committed before the provider runs: a provider failure loses nothing the user said, and
    # no connection is held while the model thinks.
    await session.commit()
    recorder = ToolRecorder(session=session, owner_id=owner_id)
    try:
        reply = await provider.reply(history=history, message=chat_in.message, call_tool=recorder)
    except ProviderError as exc:
        if recorder.calls:  # tasks did change: the conversation must say so
            await store(role=Role.ASSISTANT, content=INTERRUPTED, tool_calls=recorder.calls)
            await session.commit()
        raise BadGatewayError(f"{exc}; your message was saved, please try again") from exc
    await store(role=Role.ASSISTANT, content=reply, tool_calls=recorder.calls)
    return ChatResponse(
        conversation_id=conversation_id,
        response=reply,
        tool_calls=[ToolCallRecord.model_validate(call) for call in recorder.calls],
    )
