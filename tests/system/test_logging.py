"""Log lines carry the request id; production logs are JSON lines."""

import json
import logging
import logging.config

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from backend.logs import logging_config
from tests.conftest import make_settings


def test_production_access_log_is_json_with_request_id(
    app: FastAPI, capsys: pytest.CaptureFixture[str], restore_logging: None
) -> None:
    settings = make_settings("sqlite://", environment="production", jwt_secret="p" * 40)
    logging.config.dictConfig(logging_config(settings))
    with TestClient(app) as client:
        client.get("/api/health?token=should-not-be-logged", headers={"X-Request-ID": "req-7"})
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines() if line]
    access = [line for line in lines if line["logger"] == "backend.access"]
    assert access, lines
    assert access[-1]["request_id"] == "req-7"
    assert access[-1]["status"] == 200
    assert access[-1]["path"] == "/api/health"
    assert "should-not-be-logged" not in json.dumps(lines)


def test_development_log_is_readable_with_request_id(
    app: FastAPI, capsys: pytest.CaptureFixture[str], restore_logging: None
) -> None:
    logging.config.dictConfig(logging_config(make_settings("sqlite://")))
    with TestClient(app) as client:
        client.get("/api/health", headers={"X-Request-ID": "req-8"})
    err = capsys.readouterr().err
    assert "[req-8] backend.access: GET /api/health 200" in err


def test_request_path_cannot_forge_log_lines(
    app: FastAPI, capsys: pytest.CaptureFixture[str], restore_logging: None
) -> None:
    logging.config.dictConfig(logging_config(make_settings("sqlite://")))
    with TestClient(app) as client:
        client.get("/api/x%0A2026-01-01 00:00:00,000 ERROR forged%00")
    lines = capsys.readouterr().err.splitlines()
    assert not any(line.startswith("2026-01-01 00:00:00,000 ERROR forged") for line in lines)
    assert any("/api/x%0A2026-01-01" in line for line in lines)
    assert all("\x00" not in line for line in lines)
