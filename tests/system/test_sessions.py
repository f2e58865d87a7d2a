"""Request sessions: on Postgres a safe method reads in autocommit (no BEGIN, no ROLLBACK), a
write in a transaction, and a pooled connection goes back to transactional after a read.
SQLite keeps its driver's own transaction handling for both."""

from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import Engine
from sqlmodel import Session
from starlette.requests import Request

from backend.db import get_session

pytestmark = pytest.mark.anyio


def _request(app: FastAPI, method: str) -> Request:
    return Request({"type": "http", "method": method, "app": app, "headers": [], "path": "/"})


def _in_autocommit(session: Session, engine: Engine) -> bool:
    dbapi_connection: Any = session.connection().connection.dbapi_connection
    if engine.dialect.name == "postgresql":
        return bool(dbapi_connection.autocommit)
    return dbapi_connection.isolation_level is None  # sqlite3's autocommit


async def _autocommit_for(app: FastAPI, engine: Engine, method: str) -> bool:
    sessions = get_session(_request(app, method))
    session = await anext(sessions)
    try:
        return _in_autocommit(session, engine)
    finally:
        await sessions.aclose()


@pytest.mark.parametrize(
    ("method", "autocommit"),
    [
        ("GET", True),
        ("HEAD", True),
        ("OPTIONS", True),
        ("POST", False),
        ("PUT", False),
        ("PATCH", False),
        ("DELETE", False),
    ],
)
async def test_only_safe_methods_read_in_autocommit_on_postgres(
    app: FastAPI, engine: Engine, method: str, autocommit: bool
) -> None:
    on_postgres = engine.dialect.name == "postgresql"
    assert await _autocommit_for(app, engine, method) is (autocommit and on_postgres)


async def test_a_connection_that_served_a_read_is_transactional_again(
    app: FastAPI, engine: Engine
) -> None:
    engine.dispose()  # one connection in the pool: the write gets the one the read used
    assert await _autocommit_for(app, engine, "GET") is (engine.dialect.name == "postgresql")
    assert await _autocommit_for(app, engine, "POST") is False
    assert engine.pool.checkedin() == 1
