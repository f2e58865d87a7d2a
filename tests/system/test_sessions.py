"""The worker threads' request session: one transaction per request (the reads that need none
are served on the event loop: tests/system/test_reads.py)."""

from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import Engine
from starlette.requests import Request

from backend.db import get_session

pytestmark = pytest.mark.anyio


async def test_a_request_session_is_transactional_on_postgres(app: FastAPI, engine: Engine) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("sqlite3 has no autocommit mode for the engine to have switched on")
    request = Request({"type": "http", "app": app, "headers": [], "path": "/"})
    sessions = get_session(request)
    session = await anext(sessions)
    try:
        dbapi_connection: Any = session.connection().connection.dbapi_connection
        assert dbapi_connection.autocommit is False
    finally:
        await sessions.aclose()
    assert engine.pool.checkedout() == 0  # closed, its connection back in the pool
