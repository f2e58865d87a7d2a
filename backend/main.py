"""The FastAPI application factory."""

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.telemetry import TelemetryConfig

from backend import health
from backend.auth import better_auth
from backend.auth.account_router import router as auth_account_router
from backend.auth.identity import verified_tokens
from backend.auth.ratelimit import AuthRateLimiter
from backend.auth.session_router import router as auth_session_router
from backend.chat.chatkit.router import router as chatkit_router
from backend.chat.gate import TurnGate
from backend.chat.providers import build_provider
from backend.chat.router import router as chat_router
from backend.config import Settings, get_settings
from backend.db import create_db_engine, read_only
from backend.docs import install_docs
from backend.error_handlers import install_error_handlers
from backend.mcp import metadata as mcp_metadata
from backend.mcp.server import MCPEndpoint
from backend.middleware import REQUEST_ID_HEADER, RequestGuardMiddleware, ResponseMiddleware
from backend.openapi import install_openapi, operation_id
from backend.paging import TOTAL_COUNT_HEADER
from backend.paths import USER_PREFIX
from backend.tasks.router import router as tasks_router

YOUNG_GC_THRESHOLD = 10_000  # net new objects between collections of the youngest generation
# FastAPI's telemetry, off: its logs would carry validation inputs and stack traces to any
# OpenTelemetry exporter configured in the process, and checking whether one is costs every
# request.
TELEMETRY_OFF: TelemetryConfig = {
    "tracing": False,
    "metrics": False,
    "logs": False,
    "operation_spans": False,
}

DESCRIPTION = """
Multi-user todo API with a stateless AI chat assistant.

**Try it in a minute:** press **Authorize**, enter your **email** and password in the first
form, then *Authorize* and *Close*. No account yet? Run `POST /api/auth/register` below
(*Execute*), or `uv run todo-api seed-demo` for a demo account with sample tasks. Every
`{user_id}` is already `me`, so you never type an id: list your tasks, create one, toggle it
(`PATCH …/complete`) and chat with the assistant ("add buy milk tomorrow at 5pm").

Errors are JSON `{detail, code, message}`; each operation lists the ones it can answer, when,
and with an example.
"""


def include_user_scoped(app: FastAPI, router: APIRouter) -> None:
    """Serve a user-scoped router at `/api/{user_id}` (documented) and `/api` (user from token).

    `{user_id}` is checked where the user is read (`backend.auth.deps`) and documented by
    `backend.openapi`: a dependency added here would escape the routes' plans (`JSONRoute`).
    """
    app.include_router(router, prefix=USER_PREFIX)
    app.include_router(router, prefix="/api", include_in_schema=False)


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the app with its own engine; no other state but a memo of verified tokens."""
    settings = settings or get_settings()
    engine = create_db_engine(settings)
    mcp_endpoint = MCPEndpoint(settings=settings, engine=engine)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        tune_collector()
        try:
            async with mcp_endpoint.running():
                yield
        finally:
            await engine.dispose()

    app = FastAPI(
        title="Todo API",
        version="0.1.0",
        description=DESCRIPTION,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        lifespan=lifespan,
        swagger_ui_oauth2_redirect_url=None,
        generate_unique_id_function=operation_id,
        telemetry=TELEMETRY_OFF,
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.read_engine = read_only(engine)
    app.state.verified_tokens = verified_tokens()
    app.state.better_auth_sessions = better_auth.session_cache(settings)
    app.state.chat_provider = build_provider(settings)
    app.state.turn_gate = TurnGate(settings.chat_turn_concurrency)
    app.state.auth_rate_limiter = AuthRateLimiter(settings) if settings.rate_limit_enabled else None

    install_error_handlers(app)
    install_openapi(app)
    # Matched in this order: the busiest routes first (tasks, then chat).
    include_user_scoped(app, tasks_router)
    include_user_scoped(app, chat_router)
    app.include_router(chatkit_router, prefix="/api")
    app.include_router(health.router)
    app.include_router(auth_session_router)
    app.include_router(auth_account_router)
    mcp_endpoint.mount(app)
    app.include_router(mcp_metadata.router)
    install_docs(app)

    install_middleware(app, settings)
    return app


def tune_collector() -> None:
    """Set the garbage collector up for serving, once start-up is done."""
    # Everything built at start-up lives as long as the process: keep it out of the
    # collector's full passes (each one walked the whole heap, stalling the loop).
    gc.collect()
    gc.freeze()
    # A request allocates a few hundred objects that die with it: with the default 700, the
    # youngest generation was collected every few requests (~5% of a list request's CPU at
    # 128 connections, and its pauses added to the p99); at 10,000 it is a few times a run,
    # and what survives is still collected (older generations keep their thresholds).
    gc.set_threshold(YOUNG_GC_THRESHOLD, *gc.get_threshold()[1:])


def install_middleware(app: FastAPI, settings: Settings) -> None:
    """The app's middleware: request guard, CORS, then request id, headers and access log."""
    # Added innermost first: the request id wraps everything so every log line carries it.
    app.add_middleware(RequestGuardMiddleware, max_bytes=settings.max_body_bytes)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.cors_origins,
        allow_credentials=True,
        allow_methods=["*"],
        allow_headers=["*"],
        expose_headers=[TOTAL_COUNT_HEADER, REQUEST_ID_HEADER, "Location"],
    )
    app.add_middleware(ResponseMiddleware, hsts=settings.is_production)
