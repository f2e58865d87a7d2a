"""The attack matrix: every way a bearer token can be wrong is 401 (403 on another's path)."""

import json
import re
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import jwt
import pytest
from fastapi import APIRouter, FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import update
from sqlmodel import Session, col

from backend.auth import identity
from backend.auth.deps import CurrentUser
from backend.auth.identity import TokenIdentity, verified_tokens
from backend.auth.models import User
from backend.config import Settings
from backend.datetimes import utcnow
from tests.auth.conftest import JWKSServer, b64url, bearer, forge_token, register
from tests.conftest import TEST_JWT_SECRET, AuthedUser, replaced_state


def our_claims(user_id: str, settings: Settings, **changes: Any) -> dict[str, Any]:
    """Claims exactly like our access tokens', with some changed."""
    now = utcnow()
    claims = {
        "sub": user_id,
        "iat": now,
        "exp": now + timedelta(minutes=15),
        "jti": "j1",
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
        "type": "access",
    }
    claims.update(changes)
    return {key: value for key, value in claims.items() if value is not None}


def sign(claims: dict[str, Any]) -> str:
    """Sign with our own secret, as a well-formed access token would be."""
    return jwt.encode(claims, TEST_JWT_SECRET, algorithm="HS256")


def status_of_me(client: TestClient, token: str) -> int:
    """The status `/me` answers with this bearer token."""
    client.cookies.clear()
    return client.get("/api/auth/me", headers=bearer(token)).status_code


class TestAttackMatrix:
    def test_valid_token_is_accepted(self, client: TestClient, alice: AuthedUser) -> None:
        assert status_of_me(client, alice.token) == 200

    def test_missing_token_is_401(self, client: TestClient) -> None:
        response = client.get("/api/auth/me")
        assert response.status_code == 401
        assert response.headers["WWW-Authenticate"] == "Bearer"

    @pytest.mark.parametrize("token", ["garbage", "a.b.c", "", "Bearer", "x" * 4000])
    def test_garbage_token_is_401(self, client: TestClient, token: str) -> None:
        assert status_of_me(client, token) == 401

    def test_expired_token_is_401(
        self, client: TestClient, alice: AuthedUser, settings: Settings
    ) -> None:
        past = utcnow() - timedelta(minutes=1)
        token = sign(our_claims(alice.id, settings, exp=past, iat=past - timedelta(minutes=15)))
        client.cookies.clear()
        response = client.get("/api/auth/me", headers=bearer(token))
        assert response.status_code == 401
        assert response.json()["message"] == "Token has expired"

    def test_alg_none_is_401(
        self, client: TestClient, alice: AuthedUser, settings: Settings
    ) -> None:
        claims = our_claims(alice.id, settings)
        claims = {k: v.timestamp() if hasattr(v, "timestamp") else v for k, v in claims.items()}
        token = forge_token({"alg": "none", "typ": "JWT"}, claims, hmac_key=None)
        assert status_of_me(client, token) == 401

    @pytest.mark.parametrize(
        "changes",
        [{"iss": "someone-else"}, {"aud": "another-api"}, {"type": "refresh"}, {"type": None}],
        ids=["wrong-iss", "wrong-aud", "refresh-type", "no-type"],
    )
    def test_wrong_claims_are_401(
        self,
        client: TestClient,
        alice: AuthedUser,
        settings: Settings,
        changes: dict[str, Any],
    ) -> None:
        assert status_of_me(client, sign(our_claims(alice.id, settings, **changes))) == 401

    def test_tampered_payload_is_401(
        self, client: TestClient, alice: AuthedUser, bob: AuthedUser
    ) -> None:
        header, _, signature = alice.token.split(".")
        payload = jwt.decode(alice.token, options={"verify_signature": False})
        payload["sub"] = bob.id
        forged = f"{header}.{b64url(json.dumps(payload).encode())}.{signature}"
        assert status_of_me(client, forged) == 401

    def test_token_signed_with_another_secret_is_401(
        self, client: TestClient, alice: AuthedUser, settings: Settings
    ) -> None:
        token = jwt.encode(our_claims(alice.id, settings), "another-" + "k" * 40, algorithm="HS256")
        assert status_of_me(client, token) == 401

    def test_refresh_token_used_as_access_token_is_401(self, client: TestClient) -> None:
        tokens = register(client)
        assert status_of_me(client, tokens["refresh_token"]) == 401

    def test_access_token_used_as_refresh_token_is_401(self, client: TestClient) -> None:
        tokens = register(client)
        client.cookies.clear()
        response = client.post("/api/auth/refresh", json={"refresh_token": tokens["access_token"]})
        assert response.status_code == 401

    def test_deleted_users_token_is_401(
        self, client: TestClient, alice: AuthedUser, session: Session
    ) -> None:
        session.delete(session.get(User, alice.id))
        session.commit()
        assert status_of_me(client, alice.token) == 401

    def test_deactivated_users_token_is_401(
        self, client: TestClient, alice: AuthedUser, session: Session
    ) -> None:
        session.execute(update(User).values(is_active=False))
        session.commit()
        assert status_of_me(client, alice.token) == 401

    def test_hs256_signed_with_the_jwks_public_key_is_401(
        self, external_client: TestClient, jwks_server: JWKSServer, alice: AuthedUser
    ) -> None:
        claims = {"sub": alice.id, "exp": int(utcnow().timestamp()) + 600}
        claims |= {"iss": "http://localhost:3000", "aud": "http://localhost:3000"}
        header = {"alg": "HS256", "typ": "JWT", "kid": jwks_server.key.kid}
        token = forge_token(header, claims, hmac_key=jwks_server.key.public_pem())
        assert status_of_me(external_client, token) == 401

    def test_no_error_body_leaks_details(self, client: TestClient) -> None:
        client.cookies.clear()
        body = client.get("/api/auth/me", headers=bearer("a.b.c")).json()
        assert body == {
            "detail": "Could not validate credentials",
            "code": "unauthorized",
            "message": "Could not validate credentials",
        }


@pytest.fixture
def scoped_client(build_client: Callable[..., TestClient]) -> TestClient:
    """An app of its own with a user-scoped probe route, mounted the way feature routers are."""
    client = build_client()
    probe = APIRouter()

    @probe.get("/whoami")
    def whoami(user: CurrentUser) -> dict[str, str]:
        return {"id": user.id}

    app: FastAPI = client.app  # type: ignore[assignment]
    app.include_router(probe, prefix="/api/{user_id}")
    return client


class TestUserPath:
    def test_own_id_and_me_are_allowed(self, scoped_client: TestClient, alice: AuthedUser) -> None:
        for segment in (alice.id, "me"):
            response = scoped_client.get(f"/api/{segment}/whoami", headers=alice.headers)
            assert response.status_code == 200
            assert response.json() == {"id": alice.id}

    def test_another_users_id_is_403(
        self, scoped_client: TestClient, alice: AuthedUser, bob: AuthedUser
    ) -> None:
        response = scoped_client.get(f"/api/{bob.id}/whoami", headers=alice.headers)
        assert response.status_code == 403
        assert response.json()["code"] == "forbidden"

    def test_no_token_is_401_not_403(self, scoped_client: TestClient, bob: AuthedUser) -> None:
        assert scoped_client.get(f"/api/{bob.id}/whoami").status_code == 401

    def test_deactivated_users_token_on_another_path_is_401_not_403(
        self, scoped_client: TestClient, alice: AuthedUser, bob: AuthedUser, session: Session
    ) -> None:
        session.execute(update(User).where(col(User.id) == alice.id).values(is_active=False))
        session.commit()
        assert scoped_client.get(f"/api/{bob.id}/whoami", headers=alice.headers).status_code == 401


def user_scoped_operations(app: FastAPI) -> list[tuple[str, str]]:
    """Every documented (method, path) under `/api/{user_id}`, other path ids filled with 1."""
    operations = []
    for path, methods in app.openapi()["paths"].items():
        if path.startswith("/api/{user_id}/"):
            filled = re.sub(r"\{(?!user_id\})[^}]+\}", "1", path)
            operations += [(method.upper(), filled) for method in methods]
    return operations


class TestEveryUserScopedRoute:
    # The `{user_id}` check lives where each route reads its user (`get_current_user`,
    # `reading`): every route under the documented mount must do so, today's and tomorrow's.
    def test_another_users_path_is_403_and_no_token_401(
        self, client: TestClient, alice: AuthedUser, bob: AuthedUser
    ) -> None:
        operations = user_scoped_operations(client.app)  # type: ignore[arg-type]
        assert len(operations) > 10
        for method, path in operations:
            url = path.replace("{user_id}", bob.id)
            other = client.request(method, url, headers=alice.headers, json={})
            assert other.status_code == 403, (method, path, other.text)
            anonymous = client.request(method, url, json={})
            assert anonymous.status_code == 401, (method, path, anonymous.text)

    def test_a_user_id_too_long_to_be_one_is_422_before_the_credentials_are_looked_up(
        self, client: TestClient, alice: AuthedUser, session: Session
    ) -> None:
        session.execute(update(User).where(col(User.id) == alice.id).values(is_active=False))
        session.commit()
        for method, path in user_scoped_operations(client.app):  # type: ignore[arg-type]
            url = path.replace("{user_id}", "u" * 256)
            response = client.request(method, url, headers=alice.headers, json={})
            assert response.status_code == 422, (method, path, response.text)
            assert ["path", "user_id"] in [error["loc"] for error in response.json()["detail"]]
            # A signed token that fails is still 401 first, as for every parameter.
            assert client.request(method, url, json={}).status_code == 401


@pytest.fixture
def verifications(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every token our own verifier checks during the test."""
    checked: list[str] = []
    real_decode = identity.decode_access_token

    def counting_decode(token: str, settings: Settings) -> dict[str, Any]:
        checked.append(token)
        return real_decode(token, settings)

    monkeypatch.setattr(identity, "decode_access_token", counting_decode)
    return checked


class TestVerifiedTokenMemo:
    """A token verified once is not verified again until it expires; the user is still read."""

    def test_a_token_seen_before_is_not_verified_again(
        self, client: TestClient, alice: AuthedUser, verifications: list[str]
    ) -> None:
        assert [status_of_me(client, alice.token) for _ in range(3)] == [200, 200, 200]
        assert verifications == [alice.token]

    def test_a_memoised_token_is_verified_again_once_it_expires(
        self,
        client: TestClient,
        app: FastAPI,
        alice: AuthedUser,
        verifications: list[str],
    ) -> None:
        clock = [time.time()]
        with replaced_state(app, "verified_tokens", verified_tokens(timer=lambda: clock[0])):
            assert [status_of_me(client, alice.token) for _ in range(2)] == [200, 200]
            assert len(verifications) == 1
            # The memo's clock reaches the token's `exp`: the entry is gone, checked anew.
            clock[0] = jwt.decode(alice.token, options={"verify_signature": False})["exp"]
            assert status_of_me(client, alice.token) == 200  # the verifier's clock is real
            assert len(verifications) == 2

    def test_deactivation_stops_a_memoised_token_at_once(
        self, client: TestClient, alice: AuthedUser, session: Session
    ) -> None:
        assert status_of_me(client, alice.token) == 200
        session.execute(update(User).values(is_active=False))
        session.commit()
        assert status_of_me(client, alice.token) == 401

    def test_each_app_has_its_own_memo(
        self, client: TestClient, alice: AuthedUser, build_client: Callable[..., TestClient]
    ) -> None:
        assert status_of_me(client, alice.token) == 200  # memoised by this app
        elsewhere = build_client(jwt_secret="another-" + "k" * 40)
        assert status_of_me(elsewhere, alice.token) == 401  # another key: never accepted

    def test_memo_forgets_an_identity_at_its_expiry(self) -> None:
        clock = [100.0]
        memo = verified_tokens(timer=lambda: clock[0])
        memo["token"] = TokenIdentity("ada", 160, None)
        clock[0] = 159.5
        assert "token" in memo
        clock[0] = 160.0
        assert memo.get("token") is None


class TestAccessTokenClaims:
    def test_carry_every_required_claim(self, make_user: Callable[..., AuthedUser]) -> None:
        claims = jwt.decode(
            make_user().token, TEST_JWT_SECRET, algorithms=["HS256"], audience="todo-api"
        )
        assert claims["type"] == "access"
        assert claims["iss"] == "todo-api"
        assert claims["exp"] - claims["iat"] == 15 * 60
        assert {"sub", "exp", "iat", "jti", "iss", "aud"} <= set(claims)
