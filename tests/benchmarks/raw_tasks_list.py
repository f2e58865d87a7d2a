"""The raw baseline: the task list query served by hand-written Starlette + psycopg, no framework.

Same SQL result as `GET /api/{user_id}/tasks?limit=50` (page with its total, then the page's
tags), same JSON shape; no auth, no ORM, no validation. Run by tasks_load.py under uvicorn.
"""

import asyncio
import json
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Any

import psycopg
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

PAGE_SQL = """
SELECT id, user_id, title, description, completed, completed_at, priority, due_date,
       recurrence, created_at, updated_at, count(*) OVER ()
FROM tasks WHERE user_id = %s
ORDER BY created_at DESC, id DESC LIMIT %s OFFSET %s
"""
TAGS_SQL = """
SELECT link.task_id, tags.name FROM task_tags AS link JOIN tags ON tags.id = link.tag_id
WHERE link.task_id = ANY(%s) ORDER BY tags.name
"""
COLUMNS = (
    "id",
    "user_id",
    "title",
    "description",
    "completed",
    "completed_at",
    "priority",
    "due_date",
    "recurrence",
    "created_at",
    "updated_at",
)
pool: asyncio.Queue[psycopg.AsyncConnection[Any]] = asyncio.Queue()


def _iso(value: Any) -> Any:
    return value.isoformat().replace("+00:00", "Z") if isinstance(value, datetime) else value


async def list_tasks(request: Request) -> Response:
    """The first page of a user's tasks, newest first, total in `X-Total-Count`."""
    user_id = request.path_params["user_id"]
    limit = int(request.query_params.get("limit", "50"))
    offset = int(request.query_params.get("offset", "0"))
    connection = await pool.get()
    try:
        cursor = await connection.execute(PAGE_SQL, (user_id, limit, offset))
        rows = await cursor.fetchall()
        tasks = {
            row[0]: {**dict(zip(COLUMNS, map(_iso, row), strict=False)), "tags": []} for row in rows
        }
        cursor = await connection.execute(TAGS_SQL, (list(tasks),))
        for task_id, name in await cursor.fetchall():
            tasks[task_id]["tags"].append(name)
        await connection.rollback()
    finally:
        pool.put_nowait(connection)
    total = rows[0][-1] if rows else 0
    return Response(
        json.dumps(list(tasks.values())),
        media_type="application/json",
        headers={"X-Total-Count": str(total)},
    )


@asynccontextmanager
async def lifespan(_app: Starlette) -> AsyncIterator[None]:
    """Open a fixed pool of connections, as many as the ORM app's pool keeps (tasks_load.py
    passes its `DB_POOL_SIZE` as `RAW_POOL_SIZE`)."""
    dsn = os.environ["RAW_DATABASE_DSN"]
    for _ in range(int(os.environ["RAW_POOL_SIZE"])):
        pool.put_nowait(await psycopg.AsyncConnection.connect(dsn))
    yield
    while not pool.empty():
        await pool.get_nowait().close()


app = Starlette(routes=[Route("/raw/{user_id}/tasks", list_tasks)], lifespan=lifespan)
