"""Health probes, the error format and the cross-cutting middleware."""

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from backend.db import create_db_engine, read_only
from tests.conftest import AuthedUser, make_settings, replaced_state


class TestHealth:
    def test_liveness_answers_ok(self, client: TestClient) -> None:
        response = client.get("/api/health")
        assert response.status_code == 200
        assert response.json() == {"status": "ok"}

    def test_readiness_checks_the_database(self, client: TestClient) -> None:
        response = client.get("/api/health/ready")
        assert response.status_code == 200
        assert response.json() == {"status": "ready", "database": "ok"}

    def test_readiness_is_503_when_the_database_is_unreachable(
        self, client: TestClient, app: FastAPI
    ) -> None:
        unreachable = "postgresql+psycopg://postgres@127.0.0.1:9/none"
        dead = read_only(create_db_engine(make_settings(unreachable, db_connect_timeout=1)))
        with replaced_state(app, "read_engine", dead):
            response = client.get("/api/health/ready")
        assert response.status_code == 503
        assert response.headers["Retry-After"].isdigit()


class TestRequestId:
    def test_generated_when_absent(self, client: TestClient) -> None:
        response = client.get("/api/health")
        assert len(response.headers["X-Request-ID"]) >= 16

    def test_client_id_is_echoed_even_when_not_a_uuid(self, client: TestClient) -> None:
        response = client.get("/api/health", headers={"X-Request-ID": "frontend-42"})
        assert response.headers["X-Request-ID"] == "frontend-42"

    def test_unprintable_id_is_replaced(self, client: TestClient) -> None:
        response = client.get("/api/health", headers={"X-Request-ID": "a" * 500})
        assert response.headers["X-Request-ID"] != "a" * 500


class TestErrors:
    def test_405_allows_every_method_of_the_path(self, client: TestClient) -> None:
        response = client.post("/api/me/tasks/1")
        assert response.status_code == 405
        assert response.headers["Allow"] == "DELETE, GET, PATCH, PUT"
        assert response.json()["code"] == "method_not_allowed"

    def test_unknown_route_uses_the_error_format(self, client: TestClient) -> None:
        response = client.get("/api/nope")
        assert response.status_code == 404
        assert response.json() == {
            "detail": "Not Found",
            "code": "not_found",
            "message": "Not Found",
        }

    def test_body_over_limit_is_413(self, client: TestClient) -> None:
        response = client.post(
            "/api/health",
            content=b"x" * (2 * 1024 * 1024),
            headers={"Content-Type": "application/json"},
        )
        assert response.status_code == 413
        assert response.json()["code"] == "payload_too_large"

    def test_streamed_body_over_limit_is_413(self, client: TestClient, alice: AuthedUser) -> None:
        def chunks() -> Iterator[bytes]:
            yield b'{"title": "'
            for _ in range(40):
                yield b"x" * 65536
            yield b'"}'

        response = client.post(
            "/api/me/tasks",
            content=chunks(),
            headers={**alice.headers, "Content-Type": "application/json"},
        )
        assert response.status_code == 413
        assert response.json()["code"] == "payload_too_large"
        assert client.get("/api/me/tasks", headers=alice.headers).json() == []

    def test_declared_body_over_limit_changes_nothing(
        self, client: TestClient, alice: AuthedUser
    ) -> None:
        body = b'{"title": "' + b"x" * (2 * 1024 * 1024) + b'"}'
        response = client.post(
            "/api/me/tasks",
            content=body,
            headers={**alice.headers, "Content-Type": "application/json"},
        )
        assert response.status_code == 413
        assert client.get("/api/me/tasks", headers=alice.headers).json() == []

    @pytest.mark.parametrize(
        "path", ["/api/auth/register", "/api/auth/login", "/api/me/tasks", "/api/me/chat"]
    )
    def test_json_body_that_is_not_utf8_is_422_like_any_malformed_json(
        self, client: TestClient, alice: AuthedUser, path: str
    ) -> None:
        response = client.post(
            path,
            content=b'{"title": "\xff\xfe", "email": "x@example.com", "message": "hi"}',
            headers={**alice.headers, "Content-Type": "application/json"},
        )
        assert response.status_code == 422
        assert response.json()["code"] == "validation_error"
        assert "not valid JSON" in response.json()["message"]
        assert client.get("/api/me/tasks", headers=alice.headers).json() == []


class TestSecurityHeaders:
    def test_headers_present(self, client: TestClient) -> None:
        response = client.get("/api/health")
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["X-Frame-Options"] == "DENY"

    @pytest.mark.parametrize(
        ("method", "path", "status"),
        [
            ("OPTIONS", "/api/health", 200),
            ("GET", "/api/nowhere", 404),
            ("POST", "/api/me/tasks", 401),
        ],
    )
    def test_every_answer_has_them_once_with_its_request_id(
        self, client: TestClient, method: str, path: str, status: int
    ) -> None:
        # CORS's own answer to a preflight, a 404 and an error alike, each header once.
        headers = {"Origin": "http://localhost:3000", "Access-Control-Request-Method": "GET"}
        response = client.request(method, path, headers=headers)
        assert response.status_code == status
        for name in ("X-Content-Type-Options", "X-Frame-Options", "Referrer-Policy"):
            assert len(response.headers.get_list(name)) == 1, name
        assert len(response.headers.get_list("X-Request-ID")) == 1

    def test_cors_allows_configured_origin_with_credentials(self, client: TestClient) -> None:
        response = client.options(
            "/api/health",
            headers={"Origin": "http://localhost:3000", "Access-Control-Request-Method": "GET"},
        )
        assert response.headers["access-control-allow-origin"] == "http://localhost:3000"
        assert response.headers["access-control-allow-credentials"] == "true"

    def test_cors_exposes_total_count_and_request_id(self, client: TestClient) -> None:
        response = client.get("/api/health", headers={"Origin": "http://localhost:3000"})
        exposed = response.headers["access-control-expose-headers"]
        assert "X-Total-Count" in exposed
        assert "X-Request-ID" in exposed
