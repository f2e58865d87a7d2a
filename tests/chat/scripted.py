"""A scripted OpenAI-compatible endpoint: the model's answers step by step, streamed when asked,
served to the real `openai` client through an `httpx2.MockTransport` (no network, no key)."""

import json
import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

import httpx2
from pydantic import SecretStr

from backend.chat.providers.agents_sdk import AgentsProvider
from backend.config import Settings
from backend.datetimes import utcnow

Step = Callable[[httpx2.Request], httpx2.Response]
BASE_URL = "http://llm.test/v1"


def completion(message: dict[str, Any]) -> httpx2.Response:
    """A chat-completions answer carrying one assistant message."""
    body = {
        "id": "chatcmpl-test",
        "object": "chat.completion",
        "created": 0,
        "model": "test-model",
        "choices": [{"index": 0, "finish_reason": "stop", "message": message}],
    }
    return httpx2.Response(200, json=body)


def text(content: str) -> Step:
    """The model answers in text."""
    return lambda _request: completion({"role": "assistant", "content": content})


def call_id(request: httpx2.Request, index: int) -> str:
    """The id of a scripted round's `index`-th tool call: unique in a turn, as a real model's
    are (the Agents SDK refuses a reused id), since each round adds messages."""
    return f"call_r{len(json.loads(request.content)['messages'])}_{index}"


def calls(*tool_calls: tuple[str, str]) -> Step:
    """The model calls tools: (name, raw JSON arguments) pairs."""
    return lambda request: completion(
        {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {
                    "id": call_id(request, i),
                    "type": "function",
                    "function": {"name": n, "arguments": a},
                }
                for i, (n, a) in enumerate(tool_calls)
            ],
        }
    )


def status(code: int) -> Step:
    """The endpoint fails with an HTTP status (asking for an immediate retry)."""
    return lambda _request: httpx2.Response(
        code, json={"error": {"message": "scripted failure"}}, headers={"retry-after-ms": "1"}
    )


def timeout(request: httpx2.Request) -> httpx2.Response:
    """The endpoint never answers in time."""
    raise httpx2.ReadTimeout("scripted timeout", request=request)


def as_stream(response: httpx2.Response) -> httpx2.Response:
    """A scripted completion as the chunks a streaming endpoint sends: the text word by word,
    each tool call's arguments in two halves; a failure as it is."""
    if response.status_code != 200:
        return response
    message = json.loads(response.content)["choices"][0]["message"]
    deltas: list[dict[str, Any]] = [{"role": "assistant"}]
    deltas += [{"content": word} for word in re.findall(r"\S+\s*", message["content"] or "")]
    for index, call in enumerate(message.get("tool_calls") or []):
        name, arguments = call["function"]["name"], call["function"]["arguments"]
        half = len(arguments) // 2
        deltas += [
            {"tool_calls": [{"index": index, "id": call["id"], "type": "function",
                             "function": {"name": name, "arguments": arguments[:half]}}]},
            {"tool_calls": [{"index": index, "function": {"arguments": arguments[half:]}}]},
        ]  # fmt: skip
    chunks = [
        {"id": "chatcmpl-test", "object": "chat.completion.chunk", "created": 0,
         "model": "test-model", "choices": [{"index": 0, "delta": delta, "finish_reason": None}]}
        for delta in deltas
    ]  # fmt: skip
    body = "".join(f"data: {json.dumps(chunk)}\n\n" for chunk in chunks) + "data: [DONE]\n\n"
    return httpx2.Response(200, content=body, headers={"content-type": "text/event-stream"})


class ScriptedEndpoint:
    """Answers each request with the next step (streamed when asked); the last step repeats.
    Records what it got."""

    def __init__(self, *steps: Step) -> None:
        self.steps = list(steps)
        self.requests: list[dict[str, Any]] = []
        self.timeouts: list[Any] = []
        self.authorizations: list[str | None] = []

    def __call__(self, request: httpx2.Request) -> httpx2.Response:
        self.requests.append(json.loads(request.content))
        self.timeouts.append(request.extensions.get("timeout"))
        self.authorizations.append(request.headers.get("authorization"))
        step = self.steps.pop(0) if len(self.steps) > 1 else self.steps[0]
        response = step(request)
        return as_stream(response) if self.requests[-1].get("stream") else response


UseEndpoint = Callable[..., ScriptedEndpoint]


def scripted_provider(
    settings: Settings,
    endpoint: Step,
    *,
    clock: Callable[[], datetime] = utcnow,
    **overrides: Any,
) -> AgentsProvider:
    """The Agents SDK provider on `settings` (with `overrides`), its model served by `endpoint`
    through the real `openai` client (no network, no key)."""
    provider_settings = settings.model_copy(
        update={
            "chat_provider": "openai",
            "openai_api_key": SecretStr("test-key"),
            "openai_base_url": BASE_URL,
            "chat_model": "test-model",
            **overrides,
        }
    )
    client = httpx2.AsyncClient(transport=httpx2.MockTransport(endpoint))
    return AgentsProvider(provider_settings, http_client=client, clock=clock)
