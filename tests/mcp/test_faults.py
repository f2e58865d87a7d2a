"""Database failures on `/mcp`: a clear error, no SQL or traceback in the answer or the logs."""

from pathlib import Path

import mcp_types as types
import pytest
from alembic import command
from fastapi.testclient import TestClient
from mcp.shared.exceptions import MCPError
from sqlalchemy import create_engine
from sqlmodel import Session

from backend.auth.models import User
from backend.auth.security import create_access_token
from backend.config import Settings
from backend.main import create_app
from backend.mcp import server as server_module
from backend.mcp.server import DATABASE_UNAVAILABLE
from backend.schema import alembic_config
from backend.tasks.tools import ToolOutcome
from tests.conftest import AuthedUser, make_settings
from tests.mcp.conftest import LIST_TOOLS, connect, post_jsonrpc, serve

pytestmark = pytest.mark.slow

UNREACHABLE_POSTGRES = "postgresql://postgres@127.0.0.1:1/nowhere"


class TestDatabaseFailures:
    def test_unreachable_database_while_authenticating_is_503(self) -> None:
        settings = make_settings(UNREACHABLE_POSTGRES, db_connect_timeout=1)
        token = create_access_token(user_id="someone", settings=settings)
        with serve(create_app(settings)) as base_url:
            response = post_jsonrpc(f"{base_url}/mcp", LIST_TOOLS, token)
        assert response.status_code == 503
        assert response.headers["Retry-After"].isdigit()
        assert response.json()["code"] == "service_unavailable"
        assert "psycopg" not in response.text

    def test_app_served_without_its_lifespan_answers_503(
        self, settings: Settings, alice: AuthedUser
    ) -> None:
        # No lifespan (e.g. `uvicorn --lifespan off`) means no session manager: say so, don't hang.
        client = TestClient(create_app(settings))
        response = client.post("/mcp", json=LIST_TOOLS, headers=alice.headers)
        assert response.status_code == 503
        assert response.json()["code"] == "service_unavailable"

    @pytest.mark.anyio
    async def test_failing_query_in_a_tool_is_a_plain_tool_error(
        self, tmp_path: Path, caplog: pytest.LogCaptureFixture
    ) -> None:
        # Users exist but the tasks schema does not: authentication works, every tool query fails.
        settings = make_settings(f"sqlite:///{tmp_path / 'users-only.db'}")
        app = create_app(settings)
        engine = create_engine(settings.database_url)
        with engine.begin() as connection:
            command.upgrade(alembic_config(connection), "0001")
        with Session(engine) as session:
            user = User(email="carol@example.com", name="Carol")
            session.add(user)
            session.commit()
            token = create_access_token(user_id=user.id, settings=settings)
        engine.dispose()
        with serve(app) as base_url:
            async with connect(f"{base_url}/mcp", token) as client:
                result = await client.call_tool("add_task", {"title": "Anything"})
        assert result.is_error
        assert result.structured_content == {"error": DATABASE_UNAVAILABLE}
        assert "no such table" not in caplog.text
        assert "Traceback" not in caplog.text

    @pytest.mark.anyio
    async def test_unexpected_tool_failure_is_a_generic_error(
        self,
        mcp_url: str,
        alice: AuthedUser,
        monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture,
    ) -> None:
        def broken_tool(*_args: object, **_kwargs: object) -> ToolOutcome:
            raise RuntimeError("internal detail: /srv/secret.py line 42")

        # Fault injection: the server runs in this process, so it picks up the broken tool runner.
        monkeypatch.setattr(server_module, "run_tool", broken_tool)
        async with connect(mcp_url, alice.token) as client:
            with pytest.raises(MCPError) as raised:
                await client.call_tool("list_tasks", {})
        assert raised.value.code == types.INTERNAL_ERROR
        assert raised.value.message == "Internal server error"
        assert "unexpected error in MCP tool list_tasks: RuntimeError" in caplog.text
        assert "secret" not in caplog.text
        assert "Traceback" not in caplog.text
