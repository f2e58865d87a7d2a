"""The built-in offline engine: understands a message, carries it out through the tools, and
says exactly what was done.

Understanding is pure (`dialogue.understand`: text and stored history in, steps out); carrying
it out is `execution.Turn`, whose `call` is the one place a tool is called.
"""

from collections.abc import Callable, Sequence
from datetime import datetime

from backend.chat.models import Message
from backend.chat.providers.base import ToolCaller
from backend.chat.providers.dialogue import understand
from backend.chat.providers.execution import Turn
from backend.chat.providers.phrases import parse_date_phrase
from backend.datetimes import utcnow


class LocalEngine:
    """Deterministic, offline provider: plain-English task commands, no model, no network."""

    def __init__(self, clock: Callable[[], datetime] = utcnow) -> None:
        self._clock = clock
        # dateparser loads its language data on first use (about a second): pay that when the
        # app starts, not on some user's first message.
        parse_date_phrase("tomorrow", clock())

    async def reply(
        self, *, history: Sequence[Message], message: str, call_tool: ToolCaller
    ) -> str:
        """Understand the message, call the tools it needs and say what was done."""
        now = self._clock()
        return await Turn(call_tool, history, now).run(understand(message, history, now))
