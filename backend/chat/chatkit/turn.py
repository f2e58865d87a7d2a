"""A new ChatKit message as one chat turn: started before its stream, answered beside it.

The turn starts (`start_turn`: the conversation stored or leased, the user's message stored and
committed) before the response does, so a missing thread (404), a busy one (409 with
`Retry-After`) or a failing database (503) is a plain HTTP error and nothing is shown as sent
that was not stored. Its answer then runs shielded beside the response (`answer_shielded`) and
reports to `TurnEvents`, which tells it as ChatKit events: the tool calls as a workflow item's
tasks, the text as an assistant message item's deltas, then both items done, or an error.
"""

from contextlib import suppress
from dataclasses import dataclass
from typing import Any

import anyio
from anyio.streams.memory import MemoryObjectSendStream

from backend.chat.agent import INTERRUPTED, Turn, start_turn, turn_lease
from backend.chat.chatkit.items import (
    assistant_item,
    message_text,
    tool_task,
    user_item,
    workflow_id,
    workflow_item,
)
from backend.chat.chatkit.store import ChatKitContext, owned_conversation
from backend.chat.models import ChatKitIds, ChatRequest, ChatResponse, new_chatkit_id
from backend.chat.streaming import error_data
from backend.datetimes import utcnow
from backend.db import open_session
from backend.errors import BadGatewayError
from chatkit.types import (
    AssistantMessageContentPartTextDelta,
    ErrorEvent,
    ThreadItem,
    ThreadItemAddedEvent,
    ThreadItemDoneEvent,
    ThreadItemRemovedEvent,
    ThreadItemUpdatedEvent,
    ThreadMetadata,
    ThreadsAddUserMessageReq,
    ThreadsCreateReq,
    ThreadStreamEvent,
    UserMessageItem,
    WorkflowTaskAdded,
)

NewMessage = ThreadsCreateReq | ThreadsAddUserMessageReq


@dataclass(frozen=True)
class StartedTurn:
    """A ChatKit turn started: the thread and the user's item as stored, with ChatKit's ids."""

    turn: Turn
    thread: ThreadMetadata
    user_item: UserMessageItem
    new_thread: bool


async def start_chatkit_turn(request: NewMessage, context: ChatKitContext) -> StartedTurn:
    """Start the turn a new message asks for: `threads.create` stores a new conversation with it,
    `threads.add_user_message` leases the user's thread (NotFoundError if it is not theirs,
    ConflictError if busy); a database failure raises before anything is streamed."""
    new_thread = isinstance(request, ThreadsCreateReq)
    ids = ChatKitIds(
        thread=(
            request.params.thread_id
            if isinstance(request, ThreadsAddUserMessageReq)
            else new_chatkit_id("thr")
        ),
        message=new_chatkit_id("msg"),
        reply=new_chatkit_id("msg"),
    )
    text = message_text(request.params.input.content)
    async with open_session(context.engine) as session:
        conversation_id = None
        if not new_thread:
            conversation = await owned_conversation(
                session, owner_id=context.user_id, thread_id=ids.thread
            )
            conversation_id = conversation.id
        turn = await start_turn(
            session,
            owner_id=context.user_id,
            chat_in=ChatRequest(message=text, conversation_id=conversation_id),
            history_limit=context.settings.chat_history_limit,
            lease=turn_lease(context.settings),
            chatkit=ids,
        )
    thread = ThreadMetadata(
        id=ids.thread, title=turn.conversation.title, created_at=turn.conversation.created_at
    )
    shown = user_item(ids.message, ids.thread, turn.user_message.created_at, text)
    return StartedTurn(turn, thread, shown, new_thread)


class TurnEvents:
    """One turn's answer as ChatKit events, sent into a stream (a `TurnListener`): its tool calls
    as a workflow item's tasks, its text as an assistant message item's deltas, then both items
    done, or an error (after the items it had added are done as stored, or removed)."""

    def __init__(self, started: StartedTurn, send: MemoryObjectSendStream[ThreadStreamEvent]):
        assert started.turn.chatkit is not None
        self._thread_id = started.thread.id
        self._reply_id = started.turn.chatkit.reply
        self._send = send
        self._created_at = utcnow()
        self._calls: list[dict[str, Any]] = []
        self._added: list[str] = []

    def progress(self, event: str, data: dict[str, Any]) -> None:
        """A tool call with its result, or a piece of the reply's text."""
        if event == "tool_call":
            self._add(self._workflow())
            self._calls.append(data)
            update = WorkflowTaskAdded(task_index=len(self._calls) - 1, task=tool_task(data))
            self._queue(ThreadItemUpdatedEvent(item_id=workflow_id(self._reply_id), update=update))
            return
        self._add(self._reply(""))
        delta = AssistantMessageContentPartTextDelta(content_index=0, delta=data["text"])
        self._queue(ThreadItemUpdatedEvent(item_id=self._reply_id, update=delta))

    def done(self, answer: ChatResponse) -> None:
        """The turn is stored: its items as the thread now shows them."""
        with self._send:
            self._finish(answer.response)

    def failed(self, exc: Exception) -> None:
        """The turn failed: the message our JSON route would have answered, without a retry
        (ChatKit's retry would resend a message that is already stored)."""
        with self._send:
            if self._calls and isinstance(exc, BadGatewayError):  # stored as interrupted
                self._finish(INTERRUPTED)
            else:  # nothing of the reply was stored
                for item_id in reversed(self._added):
                    self._queue(ThreadItemRemovedEvent(item_id=item_id))
            self._queue(ErrorEvent(message=error_data(exc)["message"], allow_retry=False))

    def _finish(self, text: str) -> None:
        if self._calls:
            self._queue(ThreadItemDoneEvent(item=self._workflow()))
        self._queue(ThreadItemDoneEvent(item=self._reply(text)))

    def _workflow(self) -> ThreadItem:
        return workflow_item(self._reply_id, self._thread_id, self._created_at, self._calls)

    def _reply(self, text: str) -> ThreadItem:
        return assistant_item(self._reply_id, self._thread_id, self._created_at, text)

    def _add(self, item: ThreadItem) -> None:
        """Show an item being written, once."""
        if item.id not in self._added:
            self._added.append(item.id)
            self._queue(ThreadItemAddedEvent(item=item))

    def _queue(self, event: ThreadStreamEvent) -> None:
        """Queue one event for the client; dropped if it has left."""
        with suppress(anyio.BrokenResourceError):
            self._send.send_nowait(event)
