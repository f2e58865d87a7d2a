"""Liveness and readiness probes."""

from typing import Literal

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field
from sqlalchemy import Engine, text
from starlette.concurrency import run_in_threadpool

from backend.errors import ServiceUnavailableError, error_responses

router = APIRouter(prefix="/api/health", tags=["system"])


class Health(BaseModel):
    """Probe result."""

    status: Literal["ok"] = Field(default="ok", description="Always `ok`: the process answers.")


class Readiness(BaseModel):
    """Readiness probe result."""

    status: Literal["ready"] = Field(default="ready", description="`ready` to serve traffic.")
    database: Literal["ok"] = Field(default="ok", description="The database answered a query.")


@router.get("", summary="Liveness probe")
async def health() -> Health:
    """Answers 200 while the process runs; touches no dependency."""
    return Health()


@router.get("/ready", summary="Readiness probe", responses=error_responses(503))
async def ready(request: Request) -> Readiness:
    """Answers 200 when the database answers `SELECT 1` through both the app's pools (worker
    threads' and event loop's), else 503 with `Retry-After`."""
    state = request.app.state
    try:
        await run_in_threadpool(_ping, state.engine)
        async with state.async_engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
    except Exception as exc:
        raise ServiceUnavailableError("The database is unreachable") from exc
    return Readiness()


def _ping(engine: Engine) -> None:
    with engine.connect() as connection:
        connection.execute(text("SELECT 1"))
