"""The interface between the agent and a chat provider."""

from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any, Protocol, runtime_checkable

from backend.chat.models import Message
from backend.tasks.tools import ToolOutcome

ToolCaller = Callable[[str, Mapping[str, Any] | str], Awaitable[ToolOutcome]]
TextSink = Callable[[str], None]


class ProviderError(Exception):
    """The AI provider could not answer: unreachable, timed out, refused, or out of retries."""


class ChatProvider(Protocol):
    """Answers one user message, given the stored history and a way to call the tools."""

    async def reply(
        self, *, history: Sequence[Message], message: str, call_tool: ToolCaller
    ) -> str:
        """The assistant's reply; tool calls go through `call_tool`, which records them."""
        ...


@runtime_checkable
class StreamingChatProvider(ChatProvider, Protocol):
    """A provider that can also hand out its reply's text as the model produces it."""

    async def stream_reply(
        self,
        *,
        history: Sequence[Message],
        message: str,
        call_tool: ToolCaller,
        on_text: TextSink,
    ) -> str:
        """The assistant's reply, as `reply`; each piece of its text also goes to `on_text`."""
        ...
