"""`/api/auth/tokens`: personal access tokens shown once, stored hashed, scoped, listed, revoked."""

from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select, update

from backend.auth.models import PersonalAccessToken
from backend.auth.refresh import hash_opaque_token
from backend.datetimes import utcnow
from tests.conftest import AuthedUser

TOKENS = "/api/auth/tokens"


def create(client: TestClient, user: AuthedUser, **body: Any) -> dict[str, Any]:
    """Create a token as `user` (signed in); the 201 answer."""
    response = client.post(TOKENS, json={"name": "IDE", **body}, headers=user.headers)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def bearer(token: str) -> dict[str, str]:
    """The header a client with a fixed credential sends."""
    return {"Authorization": f"Bearer {token}"}


class TestCreate:
    def test_value_is_shown_once_and_only_its_hash_is_stored(
        self, client: TestClient, alice: AuthedUser, session: Session
    ) -> None:
        created = create(client, alice, name="Claude Desktop")
        token = created["token"]
        assert token.startswith("todo_pat_")
        assert len(token) > 40
        assert created["prefix"] == token[: len(created["prefix"])]
        assert (created["name"], created["scope"], created["expires_at"]) == (
            "Claude Desktop", "tasks", None,
        )  # fmt: skip
        [stored] = session.exec(select(PersonalAccessToken)).all()
        assert stored.token_hash == hash_opaque_token(token)
        assert token not in stored.model_dump_json()
        listed = client.get(TOKENS, headers=alice.headers).json()
        assert listed == [{key: value for key, value in created.items() if key != "token"}]

    def test_expiry_in_days(self, client: TestClient, alice: AuthedUser) -> None:
        created = create(client, alice, expires_in_days=30, scope="api")
        assert created["scope"] == "api"
        assert created["expires_at"] is not None

    @pytest.mark.parametrize(
        "body",
        [
            {"name": ""},
            {"name": "x" * 101},
            {"name": "ok", "scope": "admin"},
            {"name": "ok", "expires_in_days": 0},
            {"name": "ok", "expires_in_days": 367},
        ],
    )
    def test_bad_input_is_422(
        self, client: TestClient, alice: AuthedUser, body: dict[str, Any]
    ) -> None:
        response = client.post(TOKENS, json=body, headers=alice.headers)
        assert response.status_code == 422
        assert response.json()["code"] == "validation_error"

    def test_no_sign_in_is_401(self, client: TestClient) -> None:
        assert client.post(TOKENS, json={"name": "IDE"}).status_code == 401


class TestScopes:
    def test_api_scope_opens_the_rest_api(self, client: TestClient, alice: AuthedUser) -> None:
        token = create(client, alice, scope="api")["token"]
        response = client.post("/api/me/tasks", json={"title": "From a PAT"}, headers=bearer(token))
        assert response.status_code == 201
        assert response.json()["user_id"] == alice.id
        me = client.get("/api/auth/me", headers=bearer(token))
        assert me.json()["id"] == alice.id

    def test_tasks_scope_is_refused_by_the_rest_api(
        self, client: TestClient, alice: AuthedUser
    ) -> None:
        token = create(client, alice)["token"]
        response = client.get("/api/me/tasks", headers=bearer(token))
        assert response.status_code == 403
        assert "/mcp" in response.json()["message"]

    def test_a_personal_token_cannot_manage_tokens(
        self, client: TestClient, alice: AuthedUser
    ) -> None:
        token = create(client, alice, scope="api")["token"]
        assert client.post(TOKENS, json={"name": "x"}, headers=bearer(token)).status_code == 403
        assert client.get(TOKENS, headers=bearer(token)).status_code == 403


class TestRevokeAndExpire:
    def test_revoked_token_is_401_at_once(self, client: TestClient, alice: AuthedUser) -> None:
        created = create(client, alice, scope="api")
        assert client.get("/api/me/tasks", headers=bearer(created["token"])).status_code == 200
        revoked = client.delete(f"{TOKENS}/{created['id']}", headers=alice.headers)
        assert revoked.status_code == 204
        response = client.get("/api/me/tasks", headers=bearer(created["token"]))
        assert response.status_code == 401
        assert response.headers["WWW-Authenticate"] == "Bearer"
        assert client.get(TOKENS, headers=alice.headers).json() == []

    def test_someone_elses_token_is_404_and_stays(
        self, client: TestClient, alice: AuthedUser, bob: AuthedUser
    ) -> None:
        created = create(client, alice, scope="api")
        response = client.delete(f"{TOKENS}/{created['id']}", headers=bob.headers)
        assert response.status_code == 404
        assert client.get(TOKENS, headers=bob.headers).json() == []
        assert len(client.get(TOKENS, headers=alice.headers).json()) == 1

    def test_expired_token_is_401(
        self, client: TestClient, alice: AuthedUser, session: Session
    ) -> None:
        created = create(client, alice, scope="api", expires_in_days=1)
        session.exec(
            update(PersonalAccessToken)
            .where(col(PersonalAccessToken.id) == created["id"])
            .values(expires_at=utcnow() - timedelta(seconds=1))
        )
        session.commit()
        assert client.get("/api/me/tasks", headers=bearer(created["token"])).status_code == 401

    def test_unknown_token_with_our_prefix_is_401(self, client: TestClient) -> None:
        response = client.get("/api/me/tasks", headers=bearer("todo_pat_" + "x" * 43))
        assert response.status_code == 401
