"""The chat's task tools over MCP: streamable HTTP at `/mcp`, stateless, JSON, bearer auth."""

import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager
from functools import cache
from typing import Any

import mcp_types as types
from fastapi import FastAPI
from mcp.server.auth.middleware.auth_context import AuthContextMiddleware
from mcp.server.auth.middleware.bearer_auth import AuthenticatedUser, BearerAuthBackend
from mcp.server.context import ServerRequestContext
from mcp.server.lowlevel import Server
from mcp.server.streamable_http_manager import StreamableHTTPSessionManager
from mcp.server.transport_security import TransportSecuritySettings
from mcp.shared.exceptions import MCPError
from pydantic import TypeAdapter, ValidationError
from pydantic_core import to_json
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.datastructures import URL
from starlette.middleware.authentication import AuthenticationMiddleware
from starlette.responses import JSONResponse
from starlette.routing import Route
from starlette.types import Message, Receive, Scope, Send

from backend.config import Settings
from backend.db import open_session
from backend.errors import AppError, ServiceUnavailableError, UnauthorizedError
from backend.mcp.auth import AccountTokenVerifier, authenticated_user_id
from backend.mcp.metadata import MCP_PATH, challenge
from backend.tasks.tools import TOOLS, ToolOutcome, run_tool

logger = logging.getLogger(__name__)

SERVER_NAME = "todo-api"
INSTRUCTIONS = (
    "Manage the signed-in user's todo list: add, list, complete, update and delete tasks. "
    "The user is the owner of the bearer token; a user_id argument, if sent, must be theirs."
)
DATABASE_UNAVAILABLE = "The database is unavailable; please retry shortly"


@cache
def describe_tools() -> list[types.Tool]:
    """The MCP descriptions of the chat's tools: same names, descriptions and argument schemas
    (built once: a chat turn builds a server of its own)."""
    return [
        types.Tool(
            name=spec.name,
            description=spec.description,
            input_schema=spec.arguments.model_json_schema(),
        )
        for spec in TOOLS
    ]


def tool_result(outcome: ToolOutcome) -> types.CallToolResult:
    """A tool outcome as an MCP result; a failed call is a tool error the model can read and fix."""
    return types.CallToolResult(
        content=[types.TextContent(text=to_json(outcome.result).decode())],
        structured_content=outcome.result,
        is_error=not outcome.ok,
    )


# Runs one tool call for the user the server is bound to (the token's, or the chat turn's).
ToolRunner = Callable[[str, Mapping[str, Any]], Awaitable[ToolOutcome]]


def token_user_runner(engine: AsyncEngine) -> ToolRunner:
    """Tool calls for `/mcp`: as the request token's user, each in a transaction of its own."""

    async def run(name: str, arguments: Mapping[str, Any]) -> ToolOutcome:
        async with open_session(engine) as session:
            outcome = await run_tool(
                name, arguments, session=session, owner_id=authenticated_user_id()
            )
            await session.commit()
            return outcome

    return run


def create_mcp_server(run: ToolRunner) -> Server:
    """The low-level MCP server listing the task tools and running them through `run`, which
    alone decides whose tasks they are (never an argument)."""
    tools = describe_tools()
    tool_names = frozenset(tool.name for tool in tools)

    async def list_tools(
        _ctx: ServerRequestContext, _params: types.PaginatedRequestParams | None
    ) -> types.ListToolsResult:
        return types.ListToolsResult(tools=tools)

    async def call_tool(
        _ctx: ServerRequestContext, params: types.CallToolRequestParams
    ) -> types.CallToolResult:
        if params.name not in tool_names:
            # The MCP spec makes an unknown tool a protocol error, not a tool result.
            raise MCPError(types.INVALID_PARAMS, f"Unknown tool: {params.name}")
        try:
            outcome = await run(params.name, params.arguments or {})
        except SQLAlchemyError as exc:
            # The SDK would echo str(exc), SQL included, and log a traceback: answer plainly.
            logger.warning("database error in MCP tool %s: %s", params.name, type(exc).__name__)
            outcome = ToolOutcome(ok=False, result={"error": DATABASE_UNAVAILABLE})
        except AppError as exc:  # a 5xx the tools re-raise, e.g. the database being unavailable
            outcome = ToolOutcome(ok=False, result={"error": exc.message})
        except Exception as exc:
            # Same policy as the REST handlers: one log line, no traceback, nothing internal sent.
            logger.error("unexpected error in MCP tool %s: %s", params.name, type(exc).__name__)
            raise MCPError(types.INTERNAL_ERROR, "Internal server error") from None
        return tool_result(outcome)

    return Server(
        SERVER_NAME,
        version="0.1.0",
        instructions=INSTRUCTIONS,
        on_list_tools=list_tools,
        on_call_tool=call_tool,
    )


JSONRPC_MESSAGE: TypeAdapter[types.JSONRPCMessage] = TypeAdapter(types.JSONRPCMessage)
NOT_ONE_MESSAGE = (
    "Invalid Request: the body must be one JSON-RPC 2.0 message object (batches are not supported)"
)


async def read_body(receive: Receive) -> bytes:
    """The whole request body (the app's body limit middleware has already bounded it)."""
    chunks = []
    while True:
        message = await receive()
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks)


def replaying(body: bytes, receive: Receive) -> Receive:
    """A `receive` that hands out `body` once, then defers to the real one (for disconnects)."""
    pending = [{"type": "http.request", "body": body, "more_body": False}]

    async def receive_again() -> Message:
        return pending.pop() if pending else await receive()

    return receive_again


def invalid_body(body: bytes) -> JSONResponse | None:
    """A 400 JSON-RPC error for a body that is not one message, else None.

    The SDK answers these too, but with pydantic's whole union error as the message.
    """
    try:
        JSONRPC_MESSAGE.validate_json(body)
    except ValidationError as exc:
        parse_error = exc.errors()[0]["type"] == "json_invalid"
        error = {
            "code": types.PARSE_ERROR if parse_error else types.INVALID_REQUEST,
            "message": "Parse error: the body is not JSON" if parse_error else NOT_ONE_MESSAGE,
        }
        return JSONResponse({"jsonrpc": "2.0", "id": None, "error": error}, status_code=400)
    return None


class MCPEndpoint:
    """The `/mcp` ASGI endpoint: bearer auth first, then the SDK's streamable HTTP transport."""

    def __init__(self, *, settings: Settings, engine: AsyncEngine) -> None:
        self._server = create_mcp_server(token_user_runner(engine))
        self._security = TransportSecuritySettings(
            enable_dns_rebinding_protection=True,
            allowed_hosts=settings.mcp_allowed_hosts,
            allowed_origins=settings.mcp_allowed_origins,
        )
        self._manager: StreamableHTTPSessionManager | None = None
        verifier = AccountTokenVerifier(settings=settings, engine=engine)
        self._app = AuthenticationMiddleware(
            AuthContextMiddleware(self._serve), backend=BearerAuthBackend(verifier)
        )

    @asynccontextmanager
    async def running(self) -> AsyncIterator[None]:
        """Run a session manager for one app lifespan (the SDK runs each manager only once)."""
        manager = StreamableHTTPSessionManager(
            app=self._server,
            json_response=True,
            stateless=True,
            security_settings=self._security,
        )
        async with manager.run():
            self._manager = manager
            try:
                yield
            finally:
                self._manager = None

    async def _serve(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not isinstance(scope.get("user"), AuthenticatedUser):
            # Raised rather than answered here so the 401 has the app's one error format; the
            # challenge points MCP clients to the resource's metadata (RFC 9728).
            raise UnauthorizedError(
                "A valid bearer token is required", challenge=challenge(URL(scope=scope))
            )
        if self._manager is None:
            raise ServiceUnavailableError("The MCP server is not running")
        body = await read_body(receive)
        if (refusal := invalid_body(body)) is not None:
            await refusal(scope, receive, send)
            return
        await self._manager.handle_request(scope, replaying(body, receive), send)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self._app(scope, receive, send)

    def mount(self, app: FastAPI) -> None:
        """Serve this endpoint at exactly `/mcp` (a Mount would redirect it to `/mcp/`)."""
        # POST only: stateless, the server never pushes, so a GET stream would idle forever
        # and there is no session to DELETE. The MCP spec allows 405 for both.
        route = Route(MCP_PATH, endpoint=self, methods=["POST"], include_in_schema=False)
        app.router.routes.append(route)
