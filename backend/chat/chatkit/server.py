"""The ChatKit server: threads and items from our store; a new message is one turn of our chat.

`threads.create` and `threads.add_user_message` are not left to `ChatKitServer.process`, which
streams the user's message as sent before anything is stored and stamps it with its own clock:
`open_turn` starts the turn first (see `chatkit.turn`), then streams `thread.created` for a new
thread, the user's item and the stream options, all as stored, then the answer's events
(`respond` relays them). The other requests are the SDK's, on our store.
"""

import logging
import math
from collections.abc import AsyncIterator
from functools import partial

import anyio

from backend.chat.chatkit.store import ChatKitContext, DatabaseStore
from backend.chat.chatkit.stream import ChatKitStream
from backend.chat.chatkit.turn import NewMessage, StartedTurn, TurnEvents, start_chatkit_turn
from backend.chat.streaming import answer_shielded, relayed
from chatkit.server import ChatKitServer
from chatkit.types import (
    FeedbackKind,
    Page,
    StreamOptions,
    StreamOptionsEvent,
    Thread,
    ThreadCreatedEvent,
    ThreadItemDoneEvent,
    ThreadMetadata,
    ThreadStreamEvent,
    UserMessageItem,
)

logger = logging.getLogger(__name__)


class ExceptionTypeOnly(logging.Filter):
    """`openai-chatkit` logs the errors it meets (another user's thread included) with their
    traceback, some with the exception as the message (its text may quote SQL and what the user
    typed): ours keep the SDK's own text, if any, and the exception's type only."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Replace a record's traceback and exception text by the exception's type."""
        if record.exc_info and record.exc_info[1] is not None:
            name = type(record.exc_info[1]).__name__
            own_text = isinstance(record.msg, str) and not record.args
            record.msg = f"{record.msg}: {name}" if own_text else name
            record.args = ()
            record.exc_info = record.exc_text = None
        return True


SDK_LOG_FILTER = ExceptionTypeOnly()


class TodoChatKitServer(ChatKitServer[ChatKitContext]):
    """ChatKit's server on our store, answering with our chat turn."""

    def __init__(self) -> None:
        super().__init__(DatabaseStore())
        logging.getLogger("chatkit").addFilter(SDK_LOG_FILTER)  # once: a filter is kept once

    async def open_turn(self, request: NewMessage, context: ChatKitContext) -> ChatKitStream:
        """Start a new message's turn (its errors raised before any event) holding a place at
        the turn gate, then its stream, the answer running beside it."""
        async with context.gate.place():
            started = await start_chatkit_turn(request, context)
        send, context.turn_events = anyio.create_memory_object_stream[ThreadStreamEvent](math.inf)
        answer = partial(
            answer_shielded,
            started.turn,
            TurnEvents(started, send),
            engine=context.engine,
            provider=context.provider,
            gate=context.gate,
        )
        return ChatKitStream(self._turn_events(started, context), answer)

    async def _turn_events(
        self, started: StartedTurn, context: ChatKitContext
    ) -> AsyncIterator[ThreadStreamEvent]:
        """`thread.created` (a new thread, titled after its message), the user's item done and
        the stream options, as stored; then the answer's events."""
        if started.new_thread:
            yield ThreadCreatedEvent(thread=Thread(**started.thread.model_dump(), items=Page()))
        yield ThreadItemDoneEvent(item=started.user_item)
        yield StreamOptionsEvent(stream_options=self.get_stream_options(started.thread, context))
        async for event in self.respond(started.thread, started.user_item, context):
            yield event

    async def respond(
        self,
        thread: ThreadMetadata,
        input_user_message: UserMessageItem | None,
        context: ChatKitContext,
    ) -> AsyncIterator[ThreadStreamEvent]:
        """Relay the events of the turn `open_turn` started (its answer runs beside them)."""
        assert context.turn_events is not None
        async for event in relayed(context.turn_events):
            yield event

    def get_stream_options(self, thread: ThreadMetadata, context: ChatKitContext) -> StreamOptions:
        """No stop button: a turn is never stopped halfway (its tool calls are committed as
        they happen), it finishes even when the client leaves."""
        return StreamOptions(allow_cancel=False)

    async def add_feedback(
        self, thread_id: str, item_ids: list[str], feedback: FeedbackKind, context: ChatKitContext
    ) -> None:
        """Log feedback on items of the user's thread (404 for another user's thread); the ids
        are the client's text, so only their number is logged."""
        await self.store.load_thread(thread_id, context)
        logger.info("chatkit feedback %s on %d item(s)", feedback, len(item_ids))
