"""`CHAT_PROVIDER=openai`: an OpenAI Agents SDK agent on any chat-completions endpoint, whose
tools come from our MCP server over an in-process MCP client session bound to the turn's user."""

import json
import logging
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractAsyncContextManager, contextmanager
from datetime import datetime
from typing import Any, cast

import httpx2
import openai
from agents import (
    Agent,
    AgentBase,
    AgentsException,
    MaxTurnsExceeded,
    ModelBehaviorError,
    ModelResponse,
    OpenAIChatCompletionsModel,
    RunConfig,
    RunContextWrapper,
    RunHooks,
    Runner,
)
from agents.items import TResponseInputItem
from agents.mcp.server import MCPStreamTransport, _MCPServerWithClientSession
from agents.tracing import get_trace_provider
from mcp.server.lowlevel import Server
from mcp_types import Tool as MCPTool
from openai.types.responses import ResponseTextDeltaEvent

from backend.chat.gate import model_wait_ended, model_wait_started
from backend.chat.models import Message, Role
from backend.chat.prompts import system_prompt
from backend.chat.providers.base import ProviderError, TextSink, ToolCaller
from backend.config import Settings
from backend.datetimes import utcnow
from backend.mcp.server import SERVER_NAME, create_mcp_server
from backend.tasks.tools import ToolOutcome

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


def tool_failure(_context: RunContextWrapper[Any], error: Exception) -> str:
    """What the model reads when the SDK could not call a tool: our tool-error shape, with the
    SDK's reason when it is about the model's arguments (nothing internal otherwise)."""
    reason = str(error) if isinstance(error, ModelBehaviorError) else "The tool call failed"
    return json.dumps({"error": reason})


class TurnTools(_MCPServerWithClientSession):
    """Our MCP server as the Agents SDK sees it, connected in-process for one turn.

    The SDK's client session speaks MCP to a server built for this turn, whose tool runner is the
    turn's recorder: the user is bound here, by the server, and every call is stored and
    committed like any other tool call. (The SDK's MCP client accepts an in-process `Server` as
    its transport; the SDK's own subclasses differ only in the transport they make.)
    """

    def __init__(self, call_tool: ToolCaller) -> None:
        super().__init__(
            cache_tools_list=True,
            client_session_timeout_seconds=None,
            use_structured_content=True,
            failure_error_function=tool_failure,
        )
        self._server = create_mcp_server(call_tool)
        self._tools: list[MCPTool] | None = None

    @property
    def name(self) -> str:
        """The server's name, as the SDK logs it."""
        return SERVER_NAME

    async def list_tools(
        self, run_context: RunContextWrapper[Any] | None = None, agent: AgentBase | None = None
    ) -> list[MCPTool]:
        """The server's tools, their schemas without `$ref`s (Gemini and Ollama want that),
        listed over MCP once a turn.

        The SDK lists them before each model request (each round of tool calls), deep-copying
        its cached listing every time; our tools are static and the SDK copies each schema again
        when it makes it a function tool, so the first listing, inlined, serves the whole turn.
        """
        if self._tools is None:
            tools = await super().list_tools(run_context, agent)
            self._tools = [
                tool.model_copy(update={"input_schema": inline_refs(tool.input_schema)})
                for tool in tools
            ]
        return self._tools

    def invalidate_tools_cache(self) -> None:
        """Forget the listed tools: the next listing asks the server again."""
        super().invalidate_tools_cache()  # type: ignore[no-untyped-call]  # untyped in the SDK
        self._tools = None

    def create_streams(self) -> AbstractAsyncContextManager[MCPStreamTransport]:
        """The in-process server itself: the MCP client connects to it without a network."""
        server: Server = self._server
        return cast(AbstractAsyncContextManager[MCPStreamTransport], server)


class ModelWaits(RunHooks[Any]):
    """The turn's place at the turn gate is given back while each model request is out, and
    waited for again when its answer is in (before its tool calls run). The SDK calls these
    around every model request, streamed or not, in the run's task, which shares the turn's
    context; a request that fails never calls `on_llm_end`, and the turn ends placeless."""

    async def on_llm_start(
        self,
        context: RunContextWrapper[Any],
        agent: Agent[Any],
        system_prompt: str | None,
        input_items: list[TResponseInputItem],
    ) -> None:
        """Give the place back: the turn now waits on its model."""
        model_wait_started()

    async def on_llm_end(
        self, context: RunContextWrapper[Any], agent: Agent[Any], response: ModelResponse
    ) -> None:
        """Queue for a place again: the turn has work to do."""
        await model_wait_ended()


def history_items(history: Sequence[Message]) -> list[TResponseInputItem]:
    """Stored messages as the SDK's input items, tool calls and their results included."""
    items: list[dict[str, Any]] = []
    for message in history:
        if message.role == Role.USER:
            items.append({"role": "user", "content": message.content})
            continue
        for index, call in enumerate(message.tool_calls):
            call_id = f"call_{message.id}_{index}"
            items.append(
                {
                    "type": "function_call",
                    "call_id": call_id,
                    "name": call["tool"],
                    "arguments": json.dumps(call["arguments"]),
                }
            )
            items.append(
                {
                    "type": "function_call_output",
                    "call_id": call_id,
                    "output": json.dumps(call["result"]),
                }
            )
        items.append({"role": "assistant", "content": message.content})
    return cast(list[TResponseInputItem], items)


HOOKS = ModelWaits()


async def _no_tools(name: str, arguments: Mapping[str, Any] | str) -> ToolOutcome:
    raise AssertionError("a start-up tool server is never connected")


def prepare_first_turn(client: openai.AsyncOpenAI) -> None:
    """Do at start-up the one-time work a worker's first turn would otherwise do on the event
    loop, in steps of 10-200 ms during which no other request moves (issue 11; CPU measured with
    py-spy). The client imports its chat resources when first used; the SDK makes its trace
    provider on its first run, tracing on or off (an exporter with an HTTP client and a TLS
    context); its MCP client imports the legacy `httpx` package when first made, and our MCP
    server builds its tools' models."""
    _ = client.chat.completions
    get_trace_provider()
    TurnTools(_no_tools)


class AgentsProvider:
    """One `Agent` per turn on `OpenAIChatCompletionsModel`; the SDK client does timeouts and
    retries, `max_turns` bounds the tool rounds, tracing is off unless asked for."""

    def __init__(
        self,
        settings: Settings,
        *,
        http_client: httpx2.AsyncClient | None = None,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        api_key = settings.openai_api_key.get_secret_value() if settings.openai_api_key else NO_KEY
        client = openai.AsyncOpenAI(
            api_key=api_key,
            base_url=settings.openai_base_url,
            timeout=settings.chat_timeout_seconds,
            max_retries=settings.chat_max_retries,
            http_client=http_client,
        )
        prepare_first_turn(client)
        self._model = OpenAIChatCompletionsModel(model=settings.chat_model, openai_client=client)
        self._max_rounds = settings.chat_max_tool_rounds
        self._run_config = RunConfig(
            tracing_disabled=not settings.openai_agents_tracing,
            tool_not_found_behavior="return_error_to_model",
        )
        self._clock = clock

    async def reply(
        self, *, history: Sequence[Message], message: str, call_tool: ToolCaller
    ) -> str:
        """Run the agent to its final answer."""
        return await self._run(history, message, call_tool, None)

    async def stream_reply(
        self, *, history: Sequence[Message], message: str, call_tool: ToolCaller, on_text: TextSink
    ) -> str:
        """Run the agent streamed: its text goes to `on_text` as the model produces it."""
        return await self._run(history, message, call_tool, on_text)

    async def _run(
        self,
        history: Sequence[Message],
        message: str,
        call_tool: ToolCaller,
        on_text: TextSink | None,
    ) -> str:
        items = [*history_items(history), {"role": "user", "content": message}]
        async with TurnTools(call_tool) as tools:
            agent = Agent(
                name="Todo assistant",
                instructions=system_prompt(self._clock()),
                model=self._model,
                mcp_servers=[tools],
            )
            try:
                with provider_errors():
                    return await self._answer(agent, cast(list[TResponseInputItem], items), on_text)
            except MaxTurnsExceeded:
                stopped = (
                    f"I stopped after {self._max_rounds} rounds of tool calls without finishing. "
                    "The changes listed above were made; please check your tasks and try again."
                )
                if on_text is not None:
                    on_text(stopped)
                return stopped
            except AgentsException as exc:  # e.g. a tool the server does not have
                logger.warning("chat agent failed: %s", type(exc).__name__)
                raise ProviderError("The AI provider gave an unusable answer") from exc

    async def _answer(
        self, agent: Agent[Any], items: list[TResponseInputItem], on_text: TextSink | None
    ) -> str:
        if on_text is None:
            result = await Runner.run(
                agent, items, max_turns=self._max_rounds, run_config=self._run_config, hooks=HOOKS
            )
            return str(result.final_output or "")
        streamed = Runner.run_streamed(
            agent, items, max_turns=self._max_rounds, run_config=self._run_config, hooks=HOOKS
        )
        async for event in streamed.stream_events():
            if event.type == "raw_response_event" and isinstance(
                event.data, ResponseTextDeltaEvent
            ):
                on_text(event.data.delta)
        return str(streamed.final_output or "")
