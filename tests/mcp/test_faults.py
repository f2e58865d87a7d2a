"""Database failures on `/mcp`: a clear error, no SQL or traceback in the answer or the logs."""

from pathlib import Path

import pytest
from alembic import command
from sqlmodel import Session

from backend.auth.models import User
from backend.auth.security import create_access_token
from backend.db import alembic_config
from backend.main import create_app
from backend.mcp.server import DATABASE_UNAVAILABLE
from tests.conftest import make_settings
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

    @pytest.mark.anyio
    async def test_failing_query_in_a_tool_is_a_plain_tool_error(
        self, tmp_path: Path, caplog: pytest.LogCaptureFixture
    ) -> None:
        # Users exist but the tasks schema does not: authentication works, every tool query fails.
        settings = make_settings(f"sqlite:///{tmp_path / 'users-only.db'}")
        app = create_app(settings)
        command.upgrade(alembic_config(app.state.engine), "0001")
        with Session(app.state.engine) as session:
            user = User(email="carol@example.com", name="Carol")
            session.add(user)
            session.commit()
            token = create_access_token(user_id=user.id, settings=settings)
        with serve(app) as base_url:
            async with connect(f"{base_url}/mcp", token) as client:
                result = await client.call_tool("add_task", {"title": "Anything"})
        assert result.is_error
        assert result.structured_content == {"error": DATABASE_UNAVAILABLE}
        assert "no such table" not in caplog.text
        assert "Traceback" not in caplog.text
