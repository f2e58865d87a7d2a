"""Any OpenAI-compatible chat-completions endpoint with tool calling, through the `openai` SDK."""

import json
import logging
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from functools import partial
from typing import Any, cast

import httpx2
import openai
from openai import AsyncStream
from openai.types.chat import ChatCompletionChunk, ChatCompletionMessage

from backend.chat.models import Message, Role
from backend.chat.prompts import system_prompt
from backend.chat.providers.base import ProviderError, TextSink, ToolCaller
from backend.config import Settings
from backend.datetimes import utcnow
from backend.tasks.tools import TOOLS, ToolSpec

logger = logging.getLogger(__name__)

# Local servers (Ollama, vLLM) take no key, but the SDK insists on having one.
NO_KEY = "not-needed"


def inline_refs(schema: dict[str, Any]) -> dict[str, Any]:
    """The JSON schema with `$ref`s replaced by their definitions (Gemini and Ollama want that)."""
    definitions = schema.get("$defs", {})

    def resolve(node: Any) -> Any:
        if isinstance(node, dict):
            if "$ref" in node:
                return resolve(definitions[node["$ref"].rsplit("/", 1)[-1]])
            return {key: resolve(value) for key, value in node.items() if key != "$defs"}
        if isinstance(node, list):
            return [resolve(item) for item in node]
        return node

    resolved: dict[str, Any] = resolve(schema)
    return resolved


def tool_definition(spec: ToolSpec) -> dict[str, Any]:
    """A tool as chat-completions `tools=` wants it."""
    return {
        "type": "function",
        "function": {
            "name": spec.name,
            "description": spec.description,
            "parameters": inline_refs(spec.arguments.model_json_schema()),
        },
    }


def assistant_calls(calls: Sequence[tuple[str, str, str]]) -> dict[str, Any]:
    """An assistant message calling tools, from (call id, tool name, JSON arguments) triples."""
    return {
        "role": "assistant",
        "content": None,
        "tool_calls": [
            {"id": call_id, "type": "function", "function": {"name": name, "arguments": arguments}}
            for call_id, name, arguments in calls
        ],
    }


def tool_result(call_id: str, result: dict[str, Any]) -> dict[str, Any]:
    """The message answering one tool call."""
    return {"role": "tool", "tool_call_id": call_id, "content": json.dumps(result)}


def history_messages(history: Sequence[Message]) -> list[dict[str, Any]]:
    """Stored messages as chat-completions messages, tool calls and their results included."""
    messages: list[dict[str, Any]] = []
    for message in history:
        if message.role == Role.USER:
            messages.append({"role": "user", "content": message.content})
            continue
        if message.tool_calls:
            ids = [f"call_{message.id}_{index}" for index in range(len(message.tool_calls))]
            calls = zip(ids, message.tool_calls, strict=True)
            messages.append(
                assistant_calls(
                    [(i, call["tool"], json.dumps(call["arguments"])) for i, call in calls]
                )
            )
            messages.extend(
                tool_result(i, call["result"])
                for i, call in zip(ids, message.tool_calls, strict=True)
            )
        messages.append({"role": "assistant", "content": message.content})
    return messages


class OpenAICompatProvider:
    """Drives a model through a bounded tool loop; the SDK does timeouts and retries."""

    def __init__(
        self,
        settings: Settings,
        *,
        http_client: httpx2.AsyncClient | None = None,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        api_key = settings.openai_api_key.get_secret_value() if settings.openai_api_key else NO_KEY
        self._client = openai.AsyncOpenAI(
            api_key=api_key,
            base_url=settings.openai_base_url,
            timeout=settings.chat_timeout_seconds,
            max_retries=settings.chat_max_retries,
            http_client=http_client,
        )
        self._model = settings.chat_model
        self._max_rounds = settings.chat_max_tool_rounds
        self._tools = [tool_definition(spec) for spec in TOOLS]
        self._clock = clock

    async def reply(
        self, *, history: Sequence[Message], message: str, call_tool: ToolCaller
    ) -> str:
        """Ask the model, run the tools it calls, feed results back, until it answers in text."""
        return await self._loop(history, message, call_tool, None)

    async def stream_reply(
        self, *, history: Sequence[Message], message: str, call_tool: ToolCaller, on_text: TextSink
    ) -> str:
        """As `reply`, each completion streamed: its text goes to `on_text` as it arrives."""
        return await self._loop(history, message, call_tool, on_text)

    async def _loop(
        self,
        history: Sequence[Message],
        message: str,
        call_tool: ToolCaller,
        on_text: TextSink | None,
    ) -> str:
        complete = self._complete if on_text is None else partial(self._stream, on_text=on_text)
        messages: list[dict[str, Any]] = [
            {"role": "system", "content": system_prompt(self._clock())},
            *history_messages(history),
            {"role": "user", "content": message},
        ]
        for _ in range(self._max_rounds):
            answer = await complete(messages)
            if not answer.tool_calls:
                return answer.content or ""
            # Echoed with only the standard fields: strict endpoints refuse extra ones.
            calls = [
                (call.id, call.function.name, call.function.arguments)
                for call in answer.tool_calls
                if call.type == "function"
            ]
            messages.append(assistant_calls(calls))
            for call_id, name, arguments in calls:
                outcome = await call_tool(name, arguments)
                messages.append(tool_result(call_id, outcome.result))
        stopped = (
            f"I stopped after {self._max_rounds} rounds of tool calls without finishing. "
            "The changes listed above were made; please check your tasks and try again."
        )
        if on_text is not None:
            on_text(stopped)
        return stopped

    async def _complete(self, messages: list[dict[str, Any]]) -> ChatCompletionMessage:
        with provider_errors():
            completion = await self._client.chat.completions.create(
                model=self._model,
                messages=messages,  # type: ignore[arg-type]  # plain dicts, shaped as the API wants
                tools=self._tools,  # type: ignore[arg-type]
            )
        if not completion.choices:
            raise ProviderError("The AI provider gave an empty answer")
        return completion.choices[0].message

    async def _stream(
        self, messages: list[dict[str, Any]], *, on_text: TextSink
    ) -> ChatCompletionMessage:
        """One streamed completion, its chunks put back together as one message."""
        text: list[str] = []
        calls: dict[int, dict[str, str]] = {}
        with provider_errors():
            # Plain-dict arguments defeat the SDK's overloads; stream=True makes it a stream.
            stream = cast(
                AsyncStream[ChatCompletionChunk],
                await self._client.chat.completions.create(
                    model=self._model,
                    messages=messages,  # type: ignore[arg-type]
                    tools=self._tools,  # type: ignore[arg-type]
                    stream=True,
                ),
            )
            async for chunk in stream:
                delta = chunk.choices[0].delta if chunk.choices else None
                if delta is None:
                    continue
                if delta.content:
                    text.append(delta.content)
                    on_text(delta.content)
                for part in delta.tool_calls or []:
                    call = calls.setdefault(part.index, {"id": "", "name": "", "arguments": ""})
                    call["id"] = part.id or call["id"]
                    if part.function is not None:
                        call["name"] += part.function.name or ""
                        call["arguments"] += part.function.arguments or ""
        if not text and not calls:
            raise ProviderError("The AI provider gave an empty answer")
        return ChatCompletionMessage.model_validate(
            {
                "role": "assistant",
                "content": "".join(text) or None,
                "tool_calls": [
                    assistant_calls([(c["id"], c["name"], c["arguments"])])["tool_calls"][0]
                    for _, c in sorted(calls.items())
                ]
                or None,
            }
        )


@contextmanager
def provider_errors() -> Iterator[None]:
    """SDK failures as `ProviderError`s worded for the user (status, never the body)."""
    try:
        yield
    except openai.APITimeoutError as exc:
        logger.warning("chat provider timed out")
        raise ProviderError("The AI provider timed out") from exc
    except openai.APIConnectionError as exc:
        logger.warning("chat provider unreachable")
        raise ProviderError("The AI provider is unreachable") from exc
    except openai.APIStatusError as exc:
        logger.warning("chat provider answered HTTP %s", exc.status_code)
        raise ProviderError(f"The AI provider answered HTTP {exc.status_code}") from exc
    except openai.OpenAIError as exc:
        logger.warning("chat provider error: %s", type(exc).__name__)
        raise ProviderError("The AI provider gave an unusable answer") from exc
