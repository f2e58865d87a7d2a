"""The raw baseline: the task routes' SQL, written by hand on Starlette + psycopg, no framework.

The same statements our app sends for each route (the token's user, then the route's own; the
list and the get in autocommit, the writes in one transaction) and the same JSON shapes; no
auth, no ORM, no validation. Run by tasks_load.py under uvicorn, on the same paths as ours.
"""

import asyncio
import json
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

import psycopg
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

USER_SQL = (
    "SELECT name, id, email, password_hash, is_active, created_at, updated_at"
    " FROM users WHERE id = %s"
)
TAGS = (
    "(SELECT json_agg(tags.name ORDER BY tags.name) FROM tags JOIN task_tags"
    " ON task_tags.tag_id = tags.id WHERE task_tags.task_id = tasks.id)"
)
COLUMNS = (
    "title, description, priority, due_date, recurrence, id, user_id, "
    f"{TAGS}, completed, completed_at, created_at, updated_at"
)
FIELDS = [
    "title", "description", "priority", "due_date", "recurrence", "id", "user_id", "tags",
    "completed", "completed_at", "created_at", "updated_at",
]  # fmt: skip
# Built from constants, once: no input reaches these strings.
PAGE_SQL = (
    f"SELECT {COLUMNS}, count(*) OVER () FROM tasks WHERE user_id = %s"  # noqa: S608
    " ORDER BY created_at DESC, id DESC LIMIT %s OFFSET %s"
)
TASK_SQL = f"SELECT {COLUMNS} FROM tasks WHERE id = %s AND user_id = %s"  # noqa: S608
LOCK_SQL = (
    f"SELECT {COLUMNS}, next_occurrence_id, recurrence_anchor_day FROM tasks"  # noqa: S608
    " WHERE id = %s AND user_id = %s FOR UPDATE OF tasks"
)
TOGGLE_SQL = "UPDATE tasks SET completed = %s, completed_at = %s, updated_at = %s WHERE id = %s"
INSERT_SQL = (
    "INSERT INTO tasks (title, description, priority, due_date, recurrence, user_id, completed,"
    " completed_at, created_at, updated_at, recurrence_anchor_day, search_text)"
    " VALUES (%s, NULL, %s, NULL, 'none', %s, false, NULL, %s, %s, NULL, %s) RETURNING id"
)
TAG_UPSERT_SQL = (
    "INSERT INTO tags (user_id, name) VALUES (%s, %s), (%s, %s)"
    " ON CONFLICT (user_id, name) DO NOTHING"
)
TAG_IDS_SQL = "SELECT id FROM tags WHERE user_id = %s AND name IN (%s, %s)"
LINK_SQL = "INSERT INTO task_tags (task_id, tag_id) VALUES (%s, %s), (%s, %s)"
pool: asyncio.Queue[psycopg.AsyncConnection[Any]] = asyncio.Queue()


def _json(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


def _task(row: tuple[Any, ...]) -> dict[str, Any]:
    task = {name: _json(value) for name, value in zip(FIELDS, row, strict=False)}
    task["tags"] = task["tags"] or []
    return task


def _response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(json.dumps(body), status, headers, media_type="application/json")


async def _user(connection: psycopg.AsyncConnection[Any], request: Request) -> str:
    user_id: str = request.path_params["user_id"]
    await (await connection.execute(USER_SQL, (user_id,))).fetchone()
    return user_id


async def list_tasks(request: Request) -> Response:
    """The first page of a user's tasks, newest first, total in `X-Total-Count`."""
    limit = int(request.query_params.get("limit", "50"))
    connection = await pool.get()
    try:
        await connection.set_autocommit(True)
        user_id = await _user(connection, request)
        cursor = await connection.execute(PAGE_SQL, (user_id, limit, 0))
        rows = await cursor.fetchall()
    finally:
        pool.put_nowait(connection)
    total = rows[0][-1] if rows else 0
    return _response([_task(row) for row in rows], headers={"X-Total-Count": str(total)})


async def get_task(request: Request) -> Response:
    """One task."""
    connection = await pool.get()
    try:
        await connection.set_autocommit(True)
        user_id = await _user(connection, request)
        cursor = await connection.execute(TASK_SQL, (request.path_params["task_id"], user_id))
        row = await cursor.fetchone()
    finally:
        pool.put_nowait(connection)
    assert row is not None
    return _response(_task(row))


async def toggle(request: Request) -> Response:
    """Lock the task, flip its completion, commit."""
    connection = await pool.get()
    try:
        await connection.set_autocommit(False)
        user_id = await _user(connection, request)
        task_id = request.path_params["task_id"]
        row = await (await connection.execute(LOCK_SQL, (task_id, user_id))).fetchone()
        assert row is not None
        task = _task(row)
        now = datetime.now(UTC)
        task["completed"] = not task["completed"]
        task["completed_at"] = now if task["completed"] else None
        task["updated_at"] = now
        values = (task["completed"], task["completed_at"], now, task_id)
        await connection.execute(TOGGLE_SQL, values)
        await connection.commit()
    finally:
        pool.put_nowait(connection)
    return _response({name: _json(value) for name, value in task.items()})


async def create(request: Request) -> Response:
    """Insert a task with its two tags, commit."""
    body = await request.json()
    connection = await pool.get()
    try:
        await connection.set_autocommit(False)
        user_id = await _user(connection, request)
        now = datetime.now(UTC)
        title, priority = body["title"].strip(), body["priority"].lower()
        tags = sorted(name.strip().lower() for name in body["tags"].split(","))
        values = (title, priority, user_id, now, now, f"{title}\n".casefold())
        task_id = (await (await connection.execute(INSERT_SQL, values)).fetchone() or [0])[0]
        await connection.execute(TAG_UPSERT_SQL, (user_id, tags[0], user_id, tags[1]))
        cursor = await connection.execute(TAG_IDS_SQL, (user_id, *tags))
        tag_ids = [tag_id for (tag_id,) in await cursor.fetchall()]
        await connection.execute(LINK_SQL, (task_id, tag_ids[0], task_id, tag_ids[1]))
        await connection.commit()
    finally:
        pool.put_nowait(connection)
    task = {
        "title": title, "description": None, "priority": priority, "due_date": None,
        "recurrence": "none", "id": task_id, "user_id": user_id, "tags": tags,
        "completed": False, "completed_at": None, "created_at": now.isoformat(),
        "updated_at": now.isoformat(),
    }  # fmt: skip
    return _response(task, 201, {"Location": f"/api/{user_id}/tasks/{task_id}"})


@asynccontextmanager
async def lifespan(_app: Starlette) -> AsyncIterator[None]:
    """Open a fixed pool of connections, as many as the app's pool keeps (tasks_load.py passes
    its `DB_POOL_SIZE` as `RAW_POOL_SIZE`)."""
    dsn = os.environ["RAW_DATABASE_DSN"]
    for _ in range(int(os.environ["RAW_POOL_SIZE"])):
        pool.put_nowait(await psycopg.AsyncConnection.connect(dsn))
    yield
    while not pool.empty():
        await pool.get_nowait().close()


app = Starlette(
    routes=[
        Route("/api/{user_id}/tasks", list_tasks, methods=["GET"]),
        Route("/api/{user_id}/tasks", create, methods=["POST"]),
        Route("/api/{user_id}/tasks/{task_id:int}", get_task, methods=["GET"]),
        Route("/api/{user_id}/tasks/{task_id:int}/complete", toggle, methods=["PATCH"]),
    ],
    lifespan=lifespan,
)
