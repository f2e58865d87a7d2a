"""`POST /api/auth/register` (and its `/signup` alias)."""

import bcrypt
import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, func, select

from backend.auth.models import User
from tests.auth.conftest import PASSWORD, bearer, register


def count_users(session: Session) -> int:
    """How many user rows exist."""
    return session.exec(select(func.count()).select_from(User)).one()


class TestRegister:
    def test_creates_account_and_returns_user_with_tokens(
        self, client: TestClient, session: Session
    ) -> None:
        body = register(client, email="ada@example.com", name="Ada")
        assert body["token_type"] == "bearer"
        assert body["expires_in"] == 15 * 60
        assert body["user"]["email"] == "ada@example.com"
        assert body["user"]["name"] == "Ada"
        assert "password_hash" not in body["user"]
        me = client.get("/api/auth/me", headers=bearer(body["access_token"]))
        assert me.json()["id"] == body["user"]["id"]
        stored = session.get(User, body["user"]["id"])
        assert stored is not None
        assert stored.password_hash is not None
        assert bcrypt.checkpw(PASSWORD.encode(), stored.password_hash.encode())

    def test_email_is_stored_lower_cased(self, client: TestClient) -> None:
        body = register(client, email="Ada.Lovelace@Example.COM")
        assert body["user"]["email"] == "ada.lovelace@example.com"

    def test_email_differing_only_in_case_is_409(
        self, client: TestClient, session: Session
    ) -> None:
        register(client, email="ada@example.com")
        response = client.post(
            "/api/auth/register", json={"email": "ADA@Example.com", "password": PASSWORD}
        )
        assert response.status_code == 409
        assert response.json()["code"] == "conflict"
        assert count_users(session) == 1

    def test_name_is_optional_and_full_name_is_accepted(self, client: TestClient) -> None:
        assert register(client, email="a@example.com")["user"]["name"] is None
        body = register(client, email="b@example.com", full_name="Grace Hopper")
        assert body["user"]["name"] == "Grace Hopper"

    def test_sets_refresh_cookie(self, client: TestClient) -> None:
        response = client.post(
            "/api/auth/register", json={"email": "ada@example.com", "password": PASSWORD}
        )
        cookie = response.headers["set-cookie"]
        assert f"refresh_token={response.json()['refresh_token']}" in cookie
        assert "HttpOnly" in cookie
        assert "Path=/api/auth" in cookie
        assert "SameSite=lax" in cookie
        assert "Secure" not in cookie  # test environment: plain-HTTP clients must keep it

    def test_signup_alias_registers_and_is_hidden_from_docs(self, client: TestClient) -> None:
        response = client.post(
            "/api/auth/signup", json={"email": "ada@example.com", "password": PASSWORD}
        )
        assert response.status_code == 201
        paths = client.get("/openapi.json").json()["paths"]
        assert "/api/auth/register" in paths
        assert "/api/auth/signup" not in paths

    @pytest.mark.parametrize(
        ("password", "reason"),
        [
            ("x" * 73, "73 bytes"),
            ("é" * 37, "74 bytes in UTF-8 though 37 characters"),
            ("short12", "7 characters"),
            ("é" * 5, "10 bytes but 5 characters"),
            ("pass\x00word123", "NUL byte"),
        ],
    )
    def test_bad_password_is_422_and_creates_nothing(
        self, client: TestClient, session: Session, password: str, reason: str
    ) -> None:
        response = client.post(
            "/api/auth/register", json={"email": "ada@example.com", "password": password}
        )
        assert response.status_code == 422, reason
        assert response.json()["code"] == "validation_error"
        assert password not in response.text
        assert count_users(session) == 0

    def test_password_of_exactly_72_bytes_is_accepted(self, client: TestClient) -> None:
        password = "é" * 36
        register(client, email="ada@example.com", password=password)
        response = client.post(
            "/api/auth/login", json={"email": "ada@example.com", "password": password}
        )
        assert response.status_code == 200

    @pytest.mark.parametrize("email", ["not-an-email", "ada@", "ada\x00@example.com", ""])
    def test_invalid_email_is_422(self, client: TestClient, session: Session, email: str) -> None:
        response = client.post("/api/auth/register", json={"email": email, "password": PASSWORD})
        assert response.status_code == 422
        assert count_users(session) == 0

    def test_nul_in_name_is_422(self, client: TestClient, session: Session) -> None:
        response = client.post(
            "/api/auth/register",
            json={"email": "ada@example.com", "password": PASSWORD, "name": "A\x00da"},
        )
        assert response.status_code == 422
        assert count_users(session) == 0

    def test_concurrent_registrations_of_one_email_make_one_account(
        self, client: TestClient, session: Session
    ) -> None:
        from concurrent.futures import ThreadPoolExecutor

        def attempt(index: int) -> int:
            email = "Ada@Example.com" if index % 2 else "ada@example.com"
            payload = {"email": email, "password": PASSWORD}
            return client.post("/api/auth/register", json=payload).status_code

        with ThreadPoolExecutor(max_workers=8) as pool:
            statuses = sorted(pool.map(attempt, range(8)))
        assert statuses == [201] + [409] * 7
        assert count_users(session) == 1
