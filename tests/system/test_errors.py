"""The one error format, through a small app that uses the real handlers."""

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import BaseModel, Field
from sqlalchemy.exc import IntegrityError, OperationalError

from backend.error_handlers import install_error_handlers
from backend.errors import NotFoundError
from backend.middleware import RequestGuardMiddleware


class Payload(BaseModel):
    title: str = Field(max_length=5)
    count: int


@pytest.fixture
def client() -> Iterator[TestClient]:
    app = FastAPI()
    install_error_handlers(app)
    app.add_middleware(RequestGuardMiddleware)

    @app.post("/echo")
    def echo(payload: Payload) -> Payload:
        return payload

    @app.get("/missing")
    def missing() -> None:
        raise NotFoundError("Task not found")

    @app.get("/db-down")
    def db_down() -> None:
        raise OperationalError("SELECT secret_column FROM users", {}, Exception("refused"))

    @app.get("/db-bug")
    def db_bug() -> None:
        raise IntegrityError("INSERT INTO users VALUES (1)", {}, Exception("duplicate"))

    @app.get("/crash")
    def crash() -> None:
        raise RuntimeError("password=hunter2 at /srv/app.py line 3")

    with TestClient(app) as test_client:
        yield test_client


class TestErrorFormat:
    def test_app_error(self, client: TestClient) -> None:
        response = client.get("/missing")
        assert response.status_code == 404
        assert response.json() == {
            "detail": "Task not found",
            "code": "not_found",
            "message": "Task not found",
        }

    def test_validation_keeps_field_list_and_sums_it_up(self, client: TestClient) -> None:
        response = client.post("/echo", json={"title": "far too long", "count": "x"})
        body = response.json()
        assert response.status_code == 422
        assert body["code"] == "validation_error"
        assert {tuple(error["loc"]) for error in body["detail"]} == {
            ("body", "title"),
            ("body", "count"),
        }
        assert body["message"].startswith("Invalid request: ")
        assert "title:" in body["message"]
        assert "count:" in body["message"]

    def test_validation_does_not_echo_input(self, client: TestClient) -> None:
        response = client.post("/echo", json={"title": "hunter2-secret", "count": 1})
        assert response.status_code == 422
        assert "hunter2-secret" not in response.text

    def test_malformed_json_is_422(self, client: TestClient) -> None:
        response = client.post(
            "/echo", content=b'{"title": ', headers={"Content-Type": "application/json"}
        )
        assert response.status_code == 422
        assert response.json()["message"] == "Invalid request: body is not valid JSON"

    def test_database_outage_is_503_without_sql(self, client: TestClient) -> None:
        response = client.get("/db-down")
        assert response.status_code == 503
        assert response.headers["Retry-After"] == "5"
        assert "SELECT" not in response.text
        assert "secret_column" not in response.text

    def test_database_bug_is_500_without_sql(self, client: TestClient) -> None:
        response = client.get("/db-bug")
        assert response.status_code == 500
        assert "INSERT" not in response.text

    def test_unexpected_error_hides_details(
        self, client: TestClient, caplog: pytest.LogCaptureFixture
    ) -> None:
        response = client.get("/crash")
        assert response.status_code == 500
        assert response.json() == {
            "detail": "Internal server error",
            "code": "internal_error",
            "message": "Internal server error",
        }
        assert "hunter2" not in caplog.text
