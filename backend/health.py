"""Liveness and readiness probes."""

from typing import Literal

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field
from sqlalchemy import text

from backend.error_docs import error_responses
from backend.errors import ServiceUnavailableError

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
    """Answers 200 when the database answers `SELECT 1` through the app's pool, else 503 with
    `Retry-After` (within `DB_STATEMENT_TIMEOUT` when it stops answering)."""
    try:
        async with request.app.state.read_engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
    except Exception as exc:
        raise ServiceUnavailableError("The database is unreachable") from exc
    return Readiness()
