"""A streamed ChatKit answer: its events framed as ChatKit's server frames them."""

from collections.abc import AsyncIterator, Callable, Coroutine
from typing import Any

from backend.chat.streaming import AnsweringStream
from chatkit.types import ThreadStreamEvent


def event_frame(event: ThreadStreamEvent) -> bytes:
    """One event as ChatKit's server frames it (its JSON as `ChatKitServer` writes it)."""
    data = event.model_dump_json(
        by_alias=True, exclude_none=True, context={"exclude_metadata": True}
    )
    return b"data: " + data.encode() + b"\n\n"


async def framed(events: AsyncIterator[ThreadStreamEvent]) -> AsyncIterator[bytes]:
    """Each event as its frame."""
    async for event in events:
        yield event_frame(event)


class ChatKitStream(AnsweringStream):
    """The events of a started ChatKit turn, its answer running beside them (a client that
    leaves stops receiving, never the turn)."""

    def __init__(
        self,
        events: AsyncIterator[ThreadStreamEvent],
        answer: Callable[[], Coroutine[Any, Any, None]],
    ) -> None:
        super().__init__(framed(events), answer)
