"""One chat turn: load history, store the user message, run the provider, store the answer."""

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from sqlmodel import Session

from backend.chat import service
from backend.chat.models import ChatRequest, ChatResponse, Role, ToolCallRecord
from backend.chat.providers.base import ChatProvider, ProviderError
from backend.chat.tools import ToolOutcome, run_tool
from backend.errors import BadGatewayError

MAX_RAW_ARGUMENTS = 2000
INTERRUPTED = "(The AI provider failed before answering; the tool calls above were made.)"


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


def run_turn(
    *,
    session: Session,
    owner_id: str,
    chat_in: ChatRequest,
    provider: ChatProvider,
    history_limit: int,
) -> ChatResponse:
    """Answer one user message; all state comes from and goes to the database."""
    if chat_in.conversation_id is None:
        conversation = service.start_conversation(
            session=session, owner_id=owner_id, first_message=chat_in.message
        )
        history = []
    else:
        conversation = service.get_conversation(
            session=session, owner_id=owner_id, conversation_id=chat_in.conversation_id
        )
        history = service.recent_messages(
            session=session, conversation_id=chat_in.conversation_id, limit=history_limit
        )
    # Stored before the provider runs, so a provider failure loses nothing the user said.
    service.add_message(
        session=session, conversation=conversation, role=Role.USER, content=chat_in.message
    )
    recorder = ToolRecorder(session=session, owner_id=owner_id)
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
    assert conversation.id is not None
    return ChatResponse(
        conversation_id=conversation.id,
        response=reply,
        tool_calls=[ToolCallRecord.model_validate(call) for call in recorder.calls],
    )
