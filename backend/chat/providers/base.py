"""The interface between the agent and a chat provider."""

from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any, Protocol

from backend.chat.models import Message
from backend.tasks.tools import ToolOutcome

ToolCaller = Callable[[str, Mapping[str, Any] | str], Awaitable[ToolOutcome]]


class ProviderError(Exception):
    """The AI provider could not answer: unreachable, timed out, refused, or out of retries."""


class ChatProvider(Protocol):
    """Answers one user message, given the stored history and a way to call the tools."""

    async def reply(
        self, *, history: Sequence[Message], message: str, call_tool: ToolCaller
    ) -> str:
        """The assistant's reply; tool calls go through `call_tool`, which records them."""
        ...
