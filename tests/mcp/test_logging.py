"""What the MCP endpoint writes to the log."""

import logging
import logging.config

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from backend.logs import logging_config
from tests.conftest import AuthedUser, make_settings
from tests.mcp.conftest import LIST_TOOLS


class TestMcpLogging:
    def test_a_request_logs_its_access_line_and_no_sdk_session_chatter(
        self,
        app: FastAPI,
        engine: Engine,
        alice: AuthedUser,
        restore_logging: None,
        capsys: pytest.CaptureFixture[str],
    ) -> None:
        logging.config.dictConfig(logging_config(make_settings("sqlite://", log_level="info")))
        # In-process, so every line of the request is written when the response is back.
        with TestClient(app, base_url="http://127.0.0.1:8000") as client:
            response = client.post(
                "/mcp",
                json=LIST_TOOLS,
                headers={**alice.headers, "Accept": "application/json, text/event-stream"},
            )
        assert response.status_code == 200
        err = capsys.readouterr().err
        assert "backend.access: POST /mcp 200" in err
        assert "Terminating session" not in err
