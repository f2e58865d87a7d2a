"""`POST /api/auth/refresh` (rotation, theft detection) and `POST /api/auth/logout`."""

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update
from sqlmodel import Session, col, select

from backend.auth.models import RefreshToken, User
from backend.auth.refresh import hash_opaque_token
from backend.datetimes import utcnow
from tests.auth.conftest import PASSWORD, bearer, register


def refresh(client: TestClient, token: str) -> tuple[int, dict[str, object]]:
    """Present a refresh token in the body, without the cookie jar's help."""
    client.cookies.clear()
    response = client.post("/api/auth/refresh", json={"refresh_token": token})
    return response.status_code, response.json()


class TestRefresh:
    def test_rotates_to_a_new_working_pair(self, client: TestClient) -> None:
        first = register(client)
        status, body = refresh(client, first["refresh_token"])
        assert status == 200
        assert body["refresh_token"] != first["refresh_token"]
        assert body["user"] == first["user"]
        me = client.get("/api/auth/me", headers=bearer(str(body["access_token"])))
        assert me.status_code == 200

    def test_spent_token_is_401_and_revokes_the_whole_family(self, client: TestClient) -> None:
        first = register(client)
        _, second = refresh(client, first["refresh_token"])
        status, body = refresh(client, first["refresh_token"])  # a stolen copy comes back
        assert status == 401
        assert body["code"] == "unauthorized"
        # The legitimate holder's newer token dies with the family.
        assert refresh(client, str(second["refresh_token"]))[0] == 401

    def test_reuse_leaves_other_sessions_alone(self, client: TestClient) -> None:
        first = register(client)
        client.cookies.clear()
        other = client.post(
            "/api/auth/login", json={"email": "ada@example.com", "password": PASSWORD}
        ).json()
        refresh(client, first["refresh_token"])
        refresh(client, first["refresh_token"])
        assert refresh(client, other["refresh_token"])[0] == 200

    def test_token_from_cookie(self, client: TestClient) -> None:
        register(client)  # the client keeps the HttpOnly cookie, as a browser would
        response = client.post("/api/auth/refresh")
        assert response.status_code == 200
        assert response.json()["refresh_token"] in response.headers["set-cookie"]

    def test_missing_token_is_401(self, client: TestClient) -> None:
        response = client.post("/api/auth/refresh", json={})
        assert response.status_code == 401

    def test_unknown_token_is_401(self, client: TestClient) -> None:
        assert refresh(client, "not-a-token")[0] == 401

    def test_expired_token_is_401(self, client: TestClient, session: Session) -> None:
        token = register(client)["refresh_token"]
        session.execute(
            update(RefreshToken)
            .where(col(RefreshToken.token_hash) == hash_opaque_token(token))
            .values(expires_at=utcnow() - timedelta(seconds=1))
        )
        session.commit()
        assert refresh(client, token)[0] == 401

    def test_deleted_users_token_is_401(self, client: TestClient, session: Session) -> None:
        body = register(client)
        user = session.get(User, body["user"]["id"])
        session.delete(user)
        session.commit()
        assert refresh(client, body["refresh_token"])[0] == 401

    def test_deactivated_users_token_is_401(self, client: TestClient, session: Session) -> None:
        body = register(client)
        session.execute(update(User).values(is_active=False))
        session.commit()
        assert refresh(client, body["refresh_token"])[0] == 401

    def test_only_a_hash_is_stored(self, client: TestClient, session: Session) -> None:
        token = register(client)["refresh_token"]
        stored = session.exec(select(RefreshToken)).one()
        assert stored.token_hash == hash_opaque_token(token)
        assert token not in stored.token_hash

    def test_nul_in_token_is_422(self, client: TestClient) -> None:
        assert refresh(client, "abc\x00def")[0] == 422


class TestLogout:
    @pytest.mark.parametrize("path", ["/api/auth/logout", "/api/auth/signout"])
    def test_revokes_the_refresh_token(self, client: TestClient, path: str) -> None:
        token = register(client)["refresh_token"]
        client.cookies.clear()
        response = client.post(path, json={"refresh_token": token})
        assert response.status_code == 204
        assert refresh(client, token)[0] == 401

    def test_cookie_only_logout_revokes_and_clears_cookie(self, client: TestClient) -> None:
        token = register(client)["refresh_token"]
        response = client.post("/api/auth/logout")
        assert response.status_code == 204
        assert 'refresh_token=""' in response.headers["set-cookie"]
        assert refresh(client, token)[0] == 401

    def test_no_body_and_no_cookie_is_204(self, client: TestClient) -> None:
        assert client.post("/api/auth/logout").status_code == 204

    def test_signout_alias_is_hidden_from_docs(self, client: TestClient) -> None:
        assert "/api/auth/signout" not in client.get("/openapi.json").json()["paths"]

    @pytest.mark.parametrize(
        ("content", "content_type"),
        [
            (b"bye", "text/plain"),
            (b"refresh_token=x", "application/x-www-form-urlencoded"),
            (b"", "application/json"),
        ],
    )
    def test_non_json_or_empty_body_is_204_and_the_cookie_still_revokes(
        self, client: TestClient, content: bytes, content_type: str
    ) -> None:
        token = register(client)["refresh_token"]
        response = client.post(
            "/api/auth/logout", content=content, headers={"Content-Type": content_type}
        )
        assert response.status_code == 204
        assert refresh(client, token)[0] == 401

    def test_malformed_json_body_is_422_with_a_readable_message(self, client: TestClient) -> None:
        response = client.post(
            "/api/auth/logout",
            content=b'{"refresh_token": ',
            headers={"Content-Type": "application/json"},
        )
        assert response.status_code == 422
        assert response.json()["message"] == "Invalid request: body is not valid JSON"

    def test_nul_in_the_token_is_422(self, client: TestClient) -> None:
        response = client.post("/api/auth/logout", json={"refresh_token": "a\x00b"})
        assert response.status_code == 422

    def test_unknown_token_is_204(self, client: TestClient) -> None:
        response = client.post("/api/auth/logout", json={"refresh_token": "never-issued"})
        assert response.status_code == 204
