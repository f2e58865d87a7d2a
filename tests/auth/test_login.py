"""`POST /api/auth/token` (OAuth2 form) and `POST /api/auth/login` (JSON or form, `/signin`)."""

from collections.abc import Callable

import bcrypt
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session

from backend.auth import accounts
from backend.auth.models import User
from tests.auth.conftest import PASSWORD, bearer, register

BAD_CREDENTIALS = "Incorrect email or password"


class TestToken:
    def test_password_form_returns_tokens_usable_on_me(self, client: TestClient) -> None:
        user = register(client)["user"]
        response = client.post(
            "/api/auth/token",
            data={"username": "ADA@example.com", "password": PASSWORD, "grant_type": "password"},
        )
        assert response.status_code == 200
        body = response.json()
        assert body["user"] == user
        assert set(body) == {
            "access_token",
            "token",
            "refresh_token",
            "token_type",
            "expires_in",
            "user",
        }
        assert body["token"] == body["access_token"]
        assert client.get("/api/auth/me", headers=bearer(body["access_token"])).status_code == 200

    def test_wrong_password_and_unknown_email_give_the_same_401(self, client: TestClient) -> None:
        register(client)
        wrong = client.post(
            "/api/auth/token", data={"username": "ada@example.com", "password": "nope-nope"}
        )
        unknown = client.post(
            "/api/auth/token", data={"username": "who@example.com", "password": PASSWORD}
        )
        assert wrong.status_code == unknown.status_code == 401
        assert wrong.json() == unknown.json()
        assert wrong.json()["message"] == BAD_CREDENTIALS
        assert wrong.headers["WWW-Authenticate"] == "Bearer"

    def test_a_refused_login_says_why_in_oauth2_terms(self, client: TestClient) -> None:
        # Swagger UI's Authorize dialog shows `error` and `error_description` of a failed login.
        register(client)
        wrong = client.post(
            "/api/auth/token", data={"username": "ada@example.com", "password": "nope-nope"}
        )
        assert wrong.status_code == 401
        assert wrong.json()["error"] == "invalid_grant"
        assert wrong.json()["error_description"] == BAD_CREDENTIALS
        assert (
            "error"
            not in client.post(
                "/api/auth/login", json={"email": "ada@example.com", "password": "nope-nope"}
            ).json()
        )

    def test_is_the_docs_authorize_endpoint(self, client: TestClient) -> None:
        schemes = client.get("/openapi.json").json()["components"]["securitySchemes"]
        assert schemes["OAuth2PasswordBearer"]["flows"]["password"]["tokenUrl"] == (
            "/api/auth/token"
        )

    def test_missing_fields_are_422(self, client: TestClient) -> None:
        assert (
            client.post("/api/auth/token", data={"username": "ada@example.com"}).status_code == 422
        )


class TestLogin:
    def test_json_body(self, client: TestClient) -> None:
        register(client)
        response = client.post(
            "/api/auth/login", json={"email": "ada@example.com", "password": PASSWORD}
        )
        assert response.status_code == 200
        assert response.json()["user"]["email"] == "ada@example.com"

    def test_form_body_with_username(self, client: TestClient) -> None:
        register(client)
        response = client.post(
            "/api/auth/login", data={"username": "ada@example.com", "password": PASSWORD}
        )
        assert response.status_code == 200

    def test_signin_alias_is_hidden_from_docs(self, client: TestClient) -> None:
        register(client)
        response = client.post(
            "/api/auth/signin", json={"email": "ada@example.com", "password": PASSWORD}
        )
        assert response.status_code == 200
        assert "/api/auth/signin" not in client.get("/openapi.json").json()["paths"]

    def test_sets_http_only_refresh_cookie(self, client: TestClient) -> None:
        register(client)
        response = client.post(
            "/api/auth/login", json={"email": "ada@example.com", "password": PASSWORD}
        )
        cookie = response.headers["set-cookie"]
        assert f"refresh_token={response.json()['refresh_token']}" in cookie
        assert "HttpOnly" in cookie
        assert "Path=/api/auth" in cookie

    def test_cookie_is_secure_in_production(self, build_client: Callable[..., TestClient]) -> None:
        client = build_client(environment="production")
        register(client)
        response = client.post(
            "/api/auth/login", json={"email": "ada@example.com", "password": PASSWORD}
        )
        assert "Secure" in response.headers["set-cookie"]

    @pytest.mark.parametrize(
        "password", ["x" * 73, "pass\x00word123"], ids=["73-bytes", "nul-byte"]
    )
    def test_bad_password_is_422(self, client: TestClient, password: str) -> None:
        register(client)
        response = client.post(
            "/api/auth/login", json={"email": "ada@example.com", "password": password}
        )
        assert response.status_code == 422
        assert response.json()["detail"][0]["loc"] == ["body", "password"]

    def test_body_that_is_neither_json_nor_form_is_422(self, client: TestClient) -> None:
        response = client.post(
            "/api/auth/login", content=b"{not json", headers={"Content-Type": "application/json"}
        )
        assert response.status_code == 422

    def test_deactivated_user_cannot_log_in(self, client: TestClient, session: Session) -> None:
        user = session.get(User, register(client)["user"]["id"])
        assert user is not None
        user.is_active = False
        session.add(user)
        session.commit()
        response = client.post(
            "/api/auth/login", json={"email": "ada@example.com", "password": PASSWORD}
        )
        assert response.status_code == 401
        assert response.json()["message"] == BAD_CREDENTIALS

    def test_unknown_email_still_runs_bcrypt(
        self, client: TestClient, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        register(client)
        checks: list[bytes] = []
        real_checkpw = bcrypt.checkpw

        def counting_checkpw(password: bytes, hashed: bytes) -> bool:
            checks.append(hashed)
            return real_checkpw(password, hashed)

        monkeypatch.setattr(bcrypt, "checkpw", counting_checkpw)
        for email in ("ada@example.com", "nobody@example.com"):
            client.post("/api/auth/login", json={"email": email, "password": "wrong-password"})
        assert len(checks) == 2
        # The dummy hash has the same cost as real ones, so both paths take as long.
        assert checks[0][:7] == checks[1][:7]


class TestMe:
    def test_returns_the_user_without_hash(self, client: TestClient) -> None:
        body = register(client, name="Ada")
        response = client.get("/api/auth/me", headers=bearer(body["access_token"]))
        assert response.status_code == 200
        assert response.json() == body["user"]
        assert "password" not in response.text


class TestConnectionUse:
    """Requests queue for bcrypt in a storm: none may hold a pooled connection meanwhile."""

    def test_login_holds_no_connection_during_bcrypt(
        self, client: TestClient, app: FastAPI, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        register(client)
        checked_out: list[int] = []
        real_verify = accounts.verify_password

        def spying_verify(password: str, password_hash: str | None, *, rounds: int) -> bool:
            checked_out.append(app.state.engine.pool.checkedout())
            return real_verify(password, password_hash, rounds=rounds)

        monkeypatch.setattr(accounts, "verify_password", spying_verify)
        response = client.post(
            "/api/auth/login", json={"email": "ada@example.com", "password": PASSWORD}
        )
        assert response.status_code == 200
        assert checked_out == [0]

    def test_register_holds_no_connection_during_bcrypt(
        self, client: TestClient, app: FastAPI, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        checked_out: list[int] = []
        real_hash = accounts.hash_password

        def spying_hash(password: str, *, rounds: int) -> str:
            checked_out.append(app.state.engine.pool.checkedout())
            return real_hash(password, rounds=rounds)

        monkeypatch.setattr(accounts, "hash_password", spying_hash)
        register(client)
        assert checked_out == [0]
