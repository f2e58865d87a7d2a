"""Every route reads JSON through one reader: hostile bodies are a 422 on every router, never a
500 or a 400, with no ERROR logged and nothing changed (SQLite and Postgres)."""

import logging

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, func, select

from backend.auth.models import RefreshToken, User
from tests.auth.conftest import PASSWORD, register
from tests.conftest import AuthedUser

JSON = {"Content-Type": "application/json"}
# About 2 KB of nested arrays: Python's json module recursed once per level and raised
# RecursionError, a 500 logged at ERROR on every request.
DEEP = b"[" * 1000 + b"]" * 1000
DEEP_VALUE = b'{"email": "ada@example.com", "password": "x", "title": "t", "refresh_token": '
POSTS = [
    "/api/auth/register",
    "/api/auth/login",
    "/api/auth/signin",
    "/api/auth/refresh",
    "/api/auth/logout",
    "/api/me/tasks",
    "/api/me/chat",
]


def test_every_documented_json_body_goes_through_the_one_reader(
    client: TestClient, alice: AuthedUser
) -> None:
    # A router created without `route_class=JSONRoute` would parse with Python's json again.
    answers = {}
    for path, operations in client.get("/openapi.json").json()["paths"].items():
        for method, operation in operations.items():
            if "application/json" in operation.get("requestBody", {}).get("content", {}):
                url = path.format(user_id="me", task_id=1, conversation_id=1)
                headers = {**alice.headers, **JSON}
                response = client.request(method.upper(), url, content=DEEP, headers=headers)
                answers[f"{method.upper()} {path}"] = response.status_code
    assert len(answers) >= 8
    assert {operation: status for operation, status in answers.items() if status != 422} == {}


@pytest.mark.parametrize("path", POSTS)
@pytest.mark.parametrize(
    "body",
    [DEEP, DEEP_VALUE + DEEP + b"}", b"[" * 100_000],
    ids=["deep-array", "deep-field", "100k-open-brackets"],
)
def test_deeply_nested_json_is_422_without_an_error_log(
    client: TestClient,
    alice: AuthedUser,
    session: Session,
    caplog: pytest.LogCaptureFixture,
    path: str,
    body: bytes,
) -> None:
    with caplog.at_level(logging.WARNING):
        response = client.post(path, content=body, headers={**alice.headers, **JSON})
    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"
    assert response.json()["message"] == "Invalid request: body is not valid JSON"
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []
    assert client.get("/api/me/tasks", headers=alice.headers).json() == []
    assert session.exec(select(func.count()).select_from(User)).one() == 1  # alice only


@pytest.mark.parametrize("method", ["PUT", "PATCH"])
def test_deeply_nested_update_is_422_and_changes_nothing(
    client: TestClient, alice: AuthedUser, method: str
) -> None:
    created = client.post("/api/me/tasks", json={"title": "kept"}, headers=alice.headers).json()
    url = f"/api/me/tasks/{created['id']}"
    response = client.request(method, url, content=DEEP, headers={**alice.headers, **JSON})
    assert response.status_code == 422
    assert client.get(url, headers=alice.headers).json() == created


def test_nesting_well_within_the_limit_is_read(client: TestClient, alice: AuthedUser) -> None:
    # An unknown field 100 levels deep is still ignored like any other unknown field.
    body = b'{"title": "fine", "extra": ' + b"[" * 100 + b"]" * 100 + b"}"
    response = client.post("/api/me/tasks", content=body, headers={**alice.headers, **JSON})
    assert response.status_code == 201


class TestLoneSurrogates:
    """JSON's `\\ud800` escape decodes to a string with no UTF-8 form: hashing or storing it
    raised (`refresh_token`: a 500 on /refresh and /logout)."""

    @pytest.mark.parametrize("path", ["/api/auth/refresh", "/api/auth/logout"])
    def test_in_refresh_token_is_422_and_revokes_nothing(
        self, client: TestClient, session: Session, path: str
    ) -> None:
        tokens = register(client)
        client.cookies.clear()
        body = b'{"refresh_token": "abc\\ud800def"}'
        response = client.post(path, content=body, headers=JSON)
        assert response.status_code == 422
        stored = session.exec(select(RefreshToken)).one()
        assert stored.revoked_at is None
        assert stored.used_at is None
        refreshed = client.post(
            "/api/auth/refresh", json={"refresh_token": tokens["refresh_token"]}
        )
        assert refreshed.status_code == 200

    @pytest.mark.parametrize(
        ("path", "body"),
        [
            ("/api/auth/login", b'{"email": "ada@example.com", "password": "\\udfff1234567"}'),
            ("/api/auth/register", b'{"email": "b@example.com", "password": "x\\ud800yyyyyyyy"}'),
            ("/api/me/tasks", b'{"title": "milk \\ud83d"}'),
            ("/api/me/chat", b'{"message": "add \\udc00"}'),
        ],
    )
    def test_anywhere_else_is_422(
        self, client: TestClient, alice: AuthedUser, path: str, body: bytes
    ) -> None:
        response = client.post(path, content=body, headers={**alice.headers, **JSON})
        assert response.status_code == 422
        assert client.get("/api/me/tasks", headers=alice.headers).json() == []

    def test_a_paired_surrogate_escape_is_ordinary_text(
        self, client: TestClient, alice: AuthedUser
    ) -> None:
        body = b'{"title": "milk \\ud83e\\udd5b"}'
        response = client.post("/api/me/tasks", content=body, headers={**alice.headers, **JSON})
        assert response.status_code == 201
        assert response.json()["title"] == "milk \U0001f95b"


def test_login_still_works_after_hostile_bodies(client: TestClient) -> None:
    register(client)
    for _ in range(3):
        client.post("/api/auth/login", content=DEEP, headers=JSON)
    login = client.post("/api/auth/login", json={"email": "ada@example.com", "password": PASSWORD})
    assert login.status_code == 200
