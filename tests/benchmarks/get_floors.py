"""Floors for reading one task: how fast a FastAPI app can serve it before any of our logic.

Two apps, each with ours' middleware, garbage-collector settings and telemetry off, serving
`GET /api/{user_id}/tasks/{task_id}` (and `/api/health`) under uvicorn, for tasks_load.py's
`--floors`:

- `framework`: raw's own handler (tests/benchmarks/raw_tasks.py: its queue of psycopg
  connections, its SQL, `json.dumps`) as a FastAPI route. What FastAPI and our middleware cost.
- `framework_and_pool`: one connection checked out of the app's engine (`create_db_engine`, as
  ours reads) and our two statements run through `backend.driver.fetch`, the task as our JSON.
  No token, no user check, no parameter validation: what the framework, the pool and the
  driver path cost before anything of the route's own.
"""

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

import anyio
from fastapi import FastAPI, Request, Response

from backend.auth.models import USER_ROW_BY_ID
from backend.config import get_settings
from backend.db import create_db_engine, read_only
from backend.driver import fetch
from backend.main import TELEMETRY_OFF, install_middleware, tune_collector
from backend.tasks.service import read_task
from backend.tasks.views import task_response
from tests.benchmarks import raw_tasks

Lifespan = Callable[[FastAPI], AbstractAsyncContextManager[None]]
GET_PATH = "/api/{user_id}/tasks/{task_id}"


def _app(lifespan: Lifespan, get_task: Callable[[Request], Any]) -> FastAPI:
    @asynccontextmanager
    async def serving(app: FastAPI) -> AsyncIterator[None]:
        async with lifespan(app):
            tune_collector()
            yield

    app = FastAPI(lifespan=serving, telemetry=TELEMETRY_OFF)
    app.add_api_route(GET_PATH, get_task, methods=["GET"])
    app.add_api_route("/api/health", lambda: {"status": "ok"}, methods=["GET"])
    install_middleware(app, get_settings())
    return app


def framework() -> FastAPI:
    """Raw's get handler and connections, served by FastAPI behind our middleware."""
    return _app(raw_tasks.lifespan, raw_tasks.get_task)


def framework_and_pool() -> FastAPI:
    """Our engine's pool and driver path, served by FastAPI behind our middleware."""
    engine = read_only(create_db_engine(get_settings()))

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        await engine.dispose()

    async def get_task(request: Request) -> Response:
        user_id = request.path_params["user_id"]
        connection = await engine.connect()
        try:
            await fetch(connection, USER_ROW_BY_ID, {"user_id": user_id})
            task_id = int(request.path_params["task_id"])
            view = await read_task(connection, owner_id=user_id, task_id=task_id)
        finally:
            with anyio.CancelScope(shield=True):
                await connection.close()
        return task_response(view)

    return _app(lifespan, get_task)
