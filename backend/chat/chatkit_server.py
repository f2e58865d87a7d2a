"""The ChatKit server: a thread's new message is one turn of our chat, told as ChatKit events.

`respond` reuses the chat's turn (`start_turn`, then `answer_turn`): the conversation is leased,
the user's message stored and committed, the provider (local engine or Agents SDK) run with the
tools, each tool call committed, the reply stored, the lease released; no connection is held
while the model thinks. The turn runs shielded in the response's task group and sends its events
through a memory stream, so a client that leaves does not stop it (as with our own SSE): it
finishes and stores its answer, which the thread shows when reopened.
"""

import logging
import math
from collections.abc import AsyncIterator
from contextlib import suppress
from typing import Any

import anyio
from anyio.streams.memory import MemoryObjectSendStream
from chatkit.server import ChatKitServer
from chatkit.types import (
    AssistantMessageContentPartTextDelta,
    ErrorEvent,
    FeedbackKind,
    StreamOptions,
    ThreadItem,
    ThreadItemAddedEvent,
    ThreadItemDoneEvent,
    ThreadItemUpdatedEvent,
    ThreadMetadata,
    ThreadStreamEvent,
    UserMessageItem,
    WorkflowTaskAdded,
)

from backend.chat.agent import ChatKitIds, answer_turn, start_turn, turn_lease
from backend.chat.chatkit_items import (
    assistant_item,
    message_text,
    tool_task,
    workflow_id,
    workflow_item,
)
from backend.chat.chatkit_store import ChatKitContext, DatabaseStore, owned_conversation
from backend.chat.models import ChatRequest, ChatResponse
from backend.chat.service import title_from
from backend.chat.streaming import error_data
from backend.datetimes import utcnow
from backend.db import open_session
from backend.errors import NotFoundError

logger = logging.getLogger(__name__)


class WithoutTraceback(logging.Filter):
    """`openai-chatkit` logs the errors it meets (another user's thread included) with their
    traceback; ours keep the error's type only: no stack trace in a log line."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Replace a record's traceback by its exception's type, in the message."""
        if record.exc_info and record.exc_info[1] is not None:
            record.msg = f"{record.getMessage()}: {type(record.exc_info[1]).__name__}"
            record.args = ()
            record.exc_info = record.exc_text = None
        return True


logging.getLogger("chatkit").addFilter(WithoutTraceback())


class TurnEvents:
    """One turn's progress as ChatKit events, sent into a stream: its tool calls as a workflow
    item's tasks, its text as an assistant message item's deltas, then both items done."""

    def __init__(
        self, thread_id: str, reply_id: str, send: MemoryObjectSendStream[ThreadStreamEvent]
    ) -> None:
        self._thread_id = thread_id
        self.reply_id = reply_id
        self._send = send
        self._created_at = utcnow()
        self._calls: list[dict[str, Any]] = []
        self._replying = False

    def progress(self, event: str, data: dict[str, Any]) -> None:
        """The turn's `emit`: a tool call with its result, or a piece of the reply's text."""
        if event == "tool_call":
            if not self._calls:
                self._queue(ThreadItemAddedEvent(item=self._workflow()))
            self._calls.append(data)
            update = WorkflowTaskAdded(task_index=len(self._calls) - 1, task=tool_task(data))
            self._queue(ThreadItemUpdatedEvent(item_id=workflow_id(self.reply_id), update=update))
            return
        if not self._replying:
            self._replying = True
            self._queue(ThreadItemAddedEvent(item=self._reply("")))
        delta = AssistantMessageContentPartTextDelta(content_index=0, delta=data["text"])
        self._queue(ThreadItemUpdatedEvent(item_id=self.reply_id, update=delta))

    def done(self, answer: ChatResponse) -> None:
        """The turn is stored: its items as the thread now shows them."""
        if self._calls:
            self._queue(ThreadItemDoneEvent(item=self._workflow()))
        self._queue(ThreadItemDoneEvent(item=self._reply(answer.response)))

    def failed(self, exc: Exception) -> None:
        """The turn failed: the message our JSON route would have answered (no retry button:
        ChatKit's retry would resend a message that is already stored)."""
        self._queue(ErrorEvent(message=error_data(exc)["message"], allow_retry=False))

    def _workflow(self) -> ThreadItem:
        return workflow_item(self.reply_id, self._thread_id, self._created_at, self._calls)

    def _reply(self, text: str) -> ThreadItem:
        return assistant_item(self.reply_id, self._thread_id, self._created_at, text)

    def __enter__(self) -> "TurnEvents":
        return self

    def __exit__(self, *_exc_info: object) -> None:
        """No more events: the client's stream ends."""
        self._send.close()

    def _queue(self, event: ThreadStreamEvent) -> None:
        """Queue one event for the client; dropped if it has left."""
        with suppress(anyio.BrokenResourceError):
            self._send.send_nowait(event)


async def run_turn(
    context: ChatKitContext, thread_id: str, message: UserMessageItem, events: TurnEvents
) -> None:
    """Run one chat turn for a ChatKit message to its end, whatever the client does."""
    with anyio.CancelScope(shield=True), events:
        try:
            async with open_session(context.engine) as session:
                try:
                    conversation = await owned_conversation(
                        session, owner_id=context.user_id, thread_id=thread_id
                    )
                    conversation_id = conversation.id
                except NotFoundError:  # a thread ChatKit has just created: this turn stores it
                    conversation_id = None
                turn = await start_turn(
                    session,
                    owner_id=context.user_id,
                    chat_in=ChatRequest(
                        message=message_text(message.content), conversation_id=conversation_id
                    ),
                    history_limit=context.settings.chat_history_limit,
                    lease=turn_lease(context.settings),
                    chatkit=ChatKitIds(thread=thread_id, message=message.id, reply=events.reply_id),
                )
                answer = await answer_turn(
                    session, turn, provider=context.provider, emit=events.progress
                )
                await session.commit()
        except Exception as exc:
            events.failed(exc)
        else:
            events.done(answer)


class TodoChatKitServer(ChatKitServer[ChatKitContext]):
    """ChatKit's server on our store, answering with our chat turn."""

    def __init__(self) -> None:
        super().__init__(DatabaseStore())

    async def respond(
        self,
        thread: ThreadMetadata,
        input_user_message: UserMessageItem | None,
        context: ChatKitContext,
    ) -> AsyncIterator[ThreadStreamEvent]:
        """Answer a new user message: one turn, its events as it runs. A new thread takes its
        title from the first message, as a conversation does."""
        # The route lets only new messages through, and `ChatKitStream` provides the group.
        assert input_user_message is not None
        assert context.turns is not None
        if thread.title is None:
            thread.title = title_from(message_text(input_user_message.content))
        send, receive = anyio.create_memory_object_stream[ThreadStreamEvent](math.inf)
        events = TurnEvents(
            thread.id, self.store.generate_item_id("message", thread, context), send
        )
        context.turns.start_soon(run_turn, context, thread.id, input_user_message, events)
        with receive:
            async for event in receive:
                yield event

    def get_stream_options(self, thread: ThreadMetadata, context: ChatKitContext) -> StreamOptions:
        """No stop button: a turn is never stopped halfway (its tool calls are committed as
        they happen), it finishes even when the client leaves."""
        return StreamOptions(allow_cancel=False)

    async def handle_stream_cancelled(
        self, thread: ThreadMetadata, pending_items: list[ThreadItem], context: ChatKitContext
    ) -> None:
        """Nothing to save: the turn goes on and stores its own answer."""

    async def add_feedback(
        self, thread_id: str, item_ids: list[str], feedback: FeedbackKind, context: ChatKitContext
    ) -> None:
        """Log feedback on items of the user's thread (404 for another user's thread); the ids
        are the client's text, so only their number is logged."""
        await self.store.load_thread(thread_id, context)
        logger.info("chatkit feedback %s on %d item(s)", feedback, len(item_ids))
