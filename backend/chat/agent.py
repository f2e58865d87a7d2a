"""One chat turn: load history, store the user message, run the provider, store the answer."""

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from sqlmodel import Session

from backend.chat import service
from backend.chat.models import ChatRequest, ChatResponse, Conversation, Role, ToolCallRecord
from backend.chat.providers.base import ChatProvider, ProviderError
from backend.chat.tools import ToolOutcome, run_tool
from backend.config import Settings
from backend.db import utcnow
from backend.errors import BadGatewayError, ConflictError

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
    """Runs tools as the turn's owner and remembers each call for the stored message."""

    session: Session
    owner_id: str
    calls: list[dict[str, Any]] = field(default_factory=list)

    def __call__(self, name: str, arguments: Mapping[str, Any] | str) -> ToolOutcome:
        """Run one tool call and record it with its result."""
        outcome = run_tool(name, arguments, session=self.session, owner_id=self.owner_id)
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


def _claim(
    session: Session, owner_id: str, chat_in: ChatRequest, busy_until: datetime
) -> Conversation:
    """The turn's conversation, started or claimed; 404 if not the owner's, 409 if busy."""
    if chat_in.conversation_id is None:
        return service.start_conversation(
            session=session, owner_id=owner_id, first_message=chat_in.message, busy_until=busy_until
        )
    claimed = service.claim_conversation(
        session=session,
        owner_id=owner_id,
        conversation_id=chat_in.conversation_id,
        busy_until=busy_until,
    )
    conversation = service.get_conversation(
        session=session, owner_id=owner_id, conversation_id=chat_in.conversation_id
    )
    if not claimed:
        raise ConflictError(BUSY_MESSAGE, headers={"Retry-After": str(BUSY_RETRY_AFTER_SECONDS)})
    return conversation


def run_turn(
    *,
    session: Session,
    owner_id: str,
    chat_in: ChatRequest,
    provider: ChatProvider,
    history_limit: int,
    lease: timedelta,
) -> ChatResponse:
    """Answer one user message; all state comes from and goes to the database.

    The conversation is leased to this turn for its duration (a committed column, not a lock, so
    no connection is held while the provider runs): a concurrent turn on it gets 409 instead of
    interleaving its messages with this one's.
    """
    busy_until = utcnow() + lease
    conversation = _claim(session, owner_id, chat_in, busy_until)
    assert conversation.id is not None
    conversation_id = conversation.id
    try:
        return _answer(session, conversation, chat_in, provider, history_limit)
    finally:
        service.release_conversation(
            session=session, conversation_id=conversation_id, busy_until=busy_until
        )


def _answer(
    session: Session,
    conversation: Conversation,
    chat_in: ChatRequest,
    provider: ChatProvider,
    history_limit: int,
) -> ChatResponse:
    """Store the user message, run the provider with the tools, store and return its answer."""
    assert conversation.id is not None
    history = (
        []
        if chat_in.conversation_id is None
        else service.recent_messages(
            session=session, conversation_id=conversation.id, limit=history_limit
        )
    )
    # Stored before the provider runs, so a provider failure loses nothing the user said.
    service.add_message(
        session=session, conversation=conversation, role=Role.USER, content=chat_in.message
    )
    recorder = ToolRecorder(session=session, owner_id=conversation.owner_id)
    store_answer = partial(
        service.add_message, session=session, conversation=conversation, role=Role.ASSISTANT
    )
    try:
        reply = provider.reply(history=history, message=chat_in.message, call_tool=recorder)
    except ProviderError as exc:
        if recorder.calls:  # tasks did change: the conversation must say so
            store_answer(content=INTERRUPTED, tool_calls=recorder.calls)
        raise BadGatewayError(f"{exc}; your message was saved, please try again") from exc
    store_answer(content=reply, tool_calls=recorder.calls)
    return ChatResponse(
        conversation_id=conversation.id,
        response=reply,
        tool_calls=[ToolCallRecord.model_validate(call) for call in recorder.calls],
    )
