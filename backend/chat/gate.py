"""The turn gate: how many chat turns of one worker do their CPU-bound work at once.

A turn's work around its model requests (auth, the lease and stored message, the MCP session,
the Agents SDK's setup, tool calls, the stored answer) is ~9 ms of CPU on the worker's one event
loop, in many short steps. A hundred turns arriving together interleave those steps, and every
other request's awaits queue behind all of them (a task create took ~1 s). A turn does that
work holding one of `CHAT_TURN_CONCURRENCY` places, taken in arrival order, so another request
waits behind at most that many steps; a turn waiting on its model gives its place back
(`model_wait_started`) and queues again for one when the answer comes (`model_wait_ended`).

No turn waits for a place while it holds a pooled connection: otherwise turns holding
connections could wait for places held by turns waiting for connections. A `/chat` request takes
its place before authentication reads the user's row (`router.TurnRoute`), a ChatKit turn after
its route has committed that read, a streamed answer before opening its session, and a turn
whose model has answered has committed everything before.
"""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from contextvars import ContextVar


class Place:
    """One turn's hold on the gate: given back while its model thinks, and for good at the end."""

    def __init__(self, gate: "TurnGate") -> None:
        self._gate = gate
        self._held = False
        self._ended = False

    async def take(self) -> None:
        """Wait for a free place and hold it (at once if already held or ended)."""
        if self._held or self._ended:
            return
        await self._gate.acquire()
        if self._ended:  # the turn ended while this waited (a streamed run's last step)
            self._gate.release()
            return
        self._held = True

    def give_back(self) -> None:
        """Let the next turn have the place (if held)."""
        if self._held:
            self._held = False
            self._gate.release()

    def end(self) -> None:
        """The turn is over: the place goes back and is never taken again."""
        self._ended = True
        self.give_back()


_current_place: ContextVar[Place | None] = ContextVar("current_turn_place", default=None)


class TurnGate:
    """`size` places for a worker's chat turns, handed out first come, first served."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.taken = 0
        self.queued = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._places = asyncio.Semaphore(size)

    async def acquire(self) -> None:
        """Wait for a free place and take it."""
        self._bind()
        self.queued += 1
        try:
            await self._places.acquire()
        finally:
            self.queued -= 1
        self.taken += 1

    def release(self) -> None:
        """Free a taken place."""
        self.taken -= 1
        self._places.release()

    def _bind(self) -> None:
        # An asyncio semaphore belongs to the loop it first waited on. A worker runs one loop for
        # its life; tests drive one app from a loop per client, one after another, so the gate
        # starts afresh on a new loop (the old loop's turns are all over).
        loop = asyncio.get_running_loop()
        if loop is not self._loop:
            self._loop, self._places, self.taken = loop, asyncio.Semaphore(self.size), 0

    @asynccontextmanager
    async def place(self) -> AsyncIterator[None]:
        """Hold a place for the block (waiting for one first); the block's model waits give it
        back meanwhile (`model_wait_started`, `model_wait_ended`). Freed however the block ends,
        cancelled included."""
        place = Place(self)
        await place.take()
        token = _current_place.set(place)
        try:
            yield
        finally:
            _current_place.reset(token)
            place.end()


def model_wait_started() -> None:
    """The current turn sends a model request: its place goes to the next turn meanwhile."""
    place = _current_place.get()
    if place is not None:
        place.give_back()


async def model_wait_ended() -> None:
    """The current turn's model answered: it waits for a place again before going on."""
    place = _current_place.get()
    if place is not None:
        await place.take()
