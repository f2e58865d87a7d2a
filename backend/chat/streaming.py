"""A chat turn as Server-Sent Events: text deltas, tool calls, then the JSON answer or an error.

The turn is started (conversation leased, user message committed) before the response, so 404,
409 and the like stay plain HTTP errors. The answer then runs beside the response, shielded from
it: a client that leaves mid-stream stops receiving, never the turn, which stores its answer and
ends its lease as a JSON turn would.
"""

import logging
import math
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import suppress
from functools import partial
from typing import Any, Protocol, TypeVar

import anyio
from anyio.streams.memory import MemoryObjectReceiveStream
from fastapi.sse import EventSourceResponse, format_sse_event
from pydantic_core import to_json
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.requests import ClientDisconnect
from starlette.types import Receive, Scope, Send

from backend.chat.agent import Turn, answer_turn
from backend.chat.gate import TurnGate
from backend.chat.models import ChatResponse
from backend.chat.providers.base import ChatProvider
from backend.db import open_session
from backend.error_handlers import database_unavailable
from backend.errors import DB_UNAVAILABLE_MESSAGE, AppError, ServiceUnavailableError

logger = logging.getLogger(__name__)

T = TypeVar("T")
EVENT_STREAM = "text/event-stream"
STREAM_HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}


def wants_event_stream(accept: str) -> bool:
    """Whether an `Accept` header lists `text/event-stream`."""
    return any(item.split(";")[0].strip() == EVENT_STREAM for item in accept.split(","))


def error_data(exc: Exception) -> dict[str, Any]:
    """An `error` event's data: the JSON route's error body, with the status it would have had."""
    if database_unavailable(exc):
        logger.warning("database unavailable in a streamed chat turn: %s", type(exc).__name__)
        exc = ServiceUnavailableError(DB_UNAVAILABLE_MESSAGE)
    if isinstance(exc, AppError):
        status, code, message = exc.status_code, exc.code, exc.message
    else:
        logger.error("unexpected error in a streamed chat turn: %s", type(exc).__name__)
        status, code, message = 500, "internal_error", "Internal server error"
    return {"status": status, "detail": message, "code": code, "message": message}


class TurnListener(Protocol):
    """Where a streamed turn's answer goes: its progress, then its answer or its error."""

    def progress(self, event: str, data: dict[str, Any]) -> None:
        """A tool call with its result (`tool_call`), or a piece of the reply (`delta`)."""

    def done(self, answer: ChatResponse) -> None:
        """The answer, stored."""

    def failed(self, exc: Exception) -> None:
        """The turn failed; what it stored stays (its lease is ended)."""


async def answer_shielded(
    turn: Turn,
    listener: TurnListener,
    *,
    engine: AsyncEngine,
    provider: ChatProvider,
    gate: TurnGate,
) -> None:
    """Answer a started turn to its end, whatever its client does (shielded from cancellation),
    telling `listener`; its work holds a place at the turn gate, as the turn's start did."""
    with anyio.CancelScope(shield=True):
        try:
            async with gate.place(), open_session(engine) as session:
                answer = await answer_turn(session, turn, provider=provider, emit=listener.progress)
                await session.commit()
        except Exception as exc:
            listener.failed(exc)
        else:
            listener.done(answer)


class AnsweringStream(EventSourceResponse):
    """An event stream whose turn is answered beside it, in the task group the response holds
    until both end: a client that leaves stops receiving, never the turn."""

    def __init__(
        self, body: AsyncIterator[bytes], answer: Callable[[], Coroutine[Any, Any, None]]
    ) -> None:
        super().__init__(body, headers=STREAM_HEADERS)
        self._answer = answer

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async with anyio.create_task_group() as group:
            group.start_soon(self._answer)
            try:
                await super().__call__(scope, receive, send)
            except ClientDisconnect:
                logger.info("chat stream client left; the turn goes on")


class TurnStream(AnsweringStream):
    """The SSE response answering a started turn: `delta` ({text}), `tool_call` ({tool,
    arguments, result}), then `done` (exactly the JSON route's body) or `error`."""

    def __init__(
        self, turn: Turn, *, engine: AsyncEngine, provider: ChatProvider, gate: TurnGate
    ) -> None:
        # Unbounded: a turn's events are few (bounded rounds), and a turn whose client has left
        # must never wait for it to read.
        self._events, receive = anyio.create_memory_object_stream[bytes](math.inf)
        answer = partial(answer_shielded, turn, self, engine=engine, provider=provider, gate=gate)
        super().__init__(relayed(receive), answer)

    def progress(self, event: str, data: dict[str, Any]) -> None:
        """Queue one event for the client; dropped if it has left."""
        with suppress(anyio.BrokenResourceError):
            self._events.send_nowait(format_sse_event(event=event, data_str=to_json(data).decode()))

    def done(self, answer: ChatResponse) -> None:
        """The last event: the JSON route's body."""
        with self._events:
            self.progress("done", answer.model_dump(mode="json"))

    def failed(self, exc: Exception) -> None:
        """The last event: the JSON route's error body, with its status."""
        with self._events:
            self.progress("error", error_data(exc))


async def relayed(receive: MemoryObjectReceiveStream[T]) -> AsyncIterator[T]:
    """What a memory stream receives, until its sender closes it."""
    with receive:
        async for item in receive:
            yield item
