"""Tokens from a Next.js frontend: Better Auth HS256 on a shared secret, and JWKS-signed EdDSA."""

import time
from collections.abc import Callable

import jwt
import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from backend.auth import external
from backend.auth.models import User
from tests.auth.conftest import (
    BETTER_AUTH_SECRET,
    FRONTEND_ORIGIN,
    JWKSServer,
    SigningKey,
    bearer,
    claims_for,
    register,
)

# The default cap: Better Auth frontends configure `expirationTime: "7d"`.
WEEK_MINUTES = 7 * 24 * 60
AUDIENCE = {"iss": FRONTEND_ORIGIN, "aud": FRONTEND_ORIGIN}


def shared_secret_token(sub: str, *, secret: str = BETTER_AUTH_SECRET, **claims: object) -> str:
    """An HS256 token as a Next.js frontend mints it with `BETTER_AUTH_SECRET`."""
    return jwt.encode(claims_for(sub, **(AUDIENCE | claims)), secret, algorithm="HS256")


def me(client: TestClient, token: str) -> tuple[int, dict[str, object]]:
    """Status and body of `/me` for a bearer token."""
    response = client.get("/api/auth/me", headers=bearer(token))
    return response.status_code, response.json()


class TestSharedSecretTokens:
    def test_first_sight_creates_the_user_from_claims(
        self, external_client: TestClient, session: Session
    ) -> None:
        token = shared_secret_token("ba_user_1", email="Grace@Example.com", name="Grace")
        status, body = me(external_client, token)
        assert status == 200
        assert body["id"] == "ba_user_1"
        assert body["email"] == "grace@example.com"
        assert body["name"] == "Grace"
        user = session.get(User, "ba_user_1")
        assert user is not None
        assert user.password_hash is None

    def test_second_sight_reuses_the_user(
        self, external_client: TestClient, session: Session
    ) -> None:
        me(external_client, shared_secret_token("ba_user_1", name="First"))
        status, body = me(external_client, shared_secret_token("ba_user_1", name="Renamed"))
        assert status == 200
        assert body["name"] == "First"

    def test_email_of_another_account_is_not_taken_over(self, external_client: TestClient) -> None:
        ours = register(external_client, email="ada@example.com")["user"]
        status, body = me(external_client, shared_secret_token("ba_x", email="ada@example.com"))
        assert status == 200
        assert body["id"] == "ba_x"
        assert body["email"] is None
        assert ours["id"] != "ba_x"

    def test_claims_with_nul_bytes_are_dropped_not_500(self, external_client: TestClient) -> None:
        status, body = me(external_client, shared_secret_token("ba_y", name="A\x00", email="x"))
        assert status == 200
        assert body["name"] is None
        assert body["email"] is None

    @pytest.mark.parametrize(
        "email",
        ["not-an-email", "a@b@c.example", "@example.com", "ada@", "two words@example.com"],
    )
    def test_invalid_email_claim_provisions_without_email(
        self, external_client: TestClient, session: Session, email: str
    ) -> None:
        status, body = me(external_client, shared_secret_token("ba_z", email=email))
        assert status == 200
        assert body["email"] is None
        user = session.get(User, "ba_z")
        assert user is not None
        assert user.email is None

    @pytest.mark.parametrize(
        "claims",
        [
            {"minutes": WEEK_MINUTES + 1},
            {"minutes": 10**9},
            {"iat": 0},
        ],
        ids=["a-week-and-a-minute", "decades", "issued-in-1970"],
    )
    def test_token_living_longer_than_the_cap_is_401(
        self, external_client: TestClient, session: Session, claims: dict[str, int]
    ) -> None:
        assert me(external_client, shared_secret_token("ba_long", **claims))[0] == 401
        assert session.get(User, "ba_long") is None

    def test_seven_day_token_is_accepted(self, external_client: TestClient) -> None:
        # Better Auth's JWT plugin configured with `expirationTime: "7d"`.
        assert me(external_client, shared_secret_token("ba_week", minutes=WEEK_MINUTES))[0] == 200

    def test_refused_lifetime_says_why(self, external_client: TestClient) -> None:
        status, body = me(external_client, shared_secret_token("ba_long", minutes=WEEK_MINUTES + 1))
        assert status == 401
        assert body["message"] == (
            "Token lifetime exceeds 10080 minutes, the longest accepted for external tokens "
            "(AUTH_EXTERNAL_MAX_TOKEN_MINUTES)"
        )

    @pytest.mark.parametrize(
        ("claims", "reason"),
        [
            ({"iss": "http://evil.example"}, "Token issuer (`iss`) is not the configured"),
            ({"aud": "http://evil.example"}, "Token audience (`aud`) is not the configured"),
            ({"sub": None}, "Token has no `sub` claim"),
        ],
        ids=["issuer", "audience", "no-sub"],
    )
    def test_refused_claim_says_why(
        self, external_client: TestClient, claims: dict[str, object], reason: str
    ) -> None:
        token_claims = {k: v for k, v in (claims_for("ba_c", **AUDIENCE) | claims).items() if v}
        token = jwt.encode(token_claims, BETTER_AUTH_SECRET, algorithm="HS256")
        status, body = me(external_client, token)
        assert status == 401
        assert str(body["message"]).startswith(reason)

    def test_without_iat_the_cap_counts_from_now(self, external_client: TestClient) -> None:
        def token(minutes: int) -> str:
            claims = claims_for("ba_noiat", minutes=minutes, **AUDIENCE)
            del claims["iat"]
            return jwt.encode(claims, BETTER_AUTH_SECRET, algorithm="HS256")

        assert me(external_client, token(WEEK_MINUTES - 1))[0] == 200
        assert me(external_client, token(WEEK_MINUTES + 5))[0] == 401

    def test_cap_follows_the_setting(self, build_client: Callable[..., TestClient]) -> None:
        client = build_client(
            better_auth_secret=BETTER_AUTH_SECRET,
            auth_issuer=FRONTEND_ORIGIN,
            auth_audience=FRONTEND_ORIGIN,
            auth_external_max_token_minutes=10,
        )
        assert me(client, shared_secret_token("ba_cap", minutes=10))[0] == 200
        assert me(client, shared_secret_token("ba_cap", minutes=15))[0] == 401

    def test_wrong_secret_is_401(self, external_client: TestClient) -> None:
        token = shared_secret_token("ba_user_1", secret="wrong-secret-" + "w" * 30)
        assert me(external_client, token)[0] == 401

    def test_expired_is_401(self, external_client: TestClient) -> None:
        assert me(external_client, shared_secret_token("ba_user_1", minutes=-1))[0] == 401

    def test_exp_is_required(self, external_client: TestClient) -> None:
        token = jwt.encode({"sub": "ba_user_1", **AUDIENCE}, BETTER_AUTH_SECRET, algorithm="HS256")
        assert me(external_client, token)[0] == 401

    def test_exp_as_a_string_is_401_not_500(self, external_client: TestClient) -> None:
        # PyJWT itself takes any `exp` that int() accepts.
        expires = str(int(time.time()) + 600)
        assert me(external_client, shared_secret_token("ba_user_1", exp=expires))[0] == 401

    @pytest.mark.parametrize(
        "claims", [{"iss": "https://evil.example"}, {"aud": "https://evil.example"}]
    )
    def test_wrong_issuer_or_audience_is_401(
        self, external_client: TestClient, claims: dict[str, str]
    ) -> None:
        assert me(external_client, shared_secret_token("ba_user_1", **claims))[0] == 401

    def test_algorithm_is_pinned_to_hs256(self, external_client: TestClient) -> None:
        claims = claims_for("ba_user_1", **AUDIENCE)
        token = jwt.encode(claims, BETTER_AUTH_SECRET, algorithm="HS512")
        assert me(external_client, token)[0] == 401

    @pytest.mark.parametrize("sub", [None, "", "x" * 256, 42])
    def test_bad_subject_is_401(self, external_client: TestClient, sub: object) -> None:
        claims = claims_for("placeholder", **AUDIENCE)
        claims["sub"] = sub
        token = jwt.encode(
            {k: v for k, v in claims.items() if v is not None}, BETTER_AUTH_SECRET, "HS256"
        )
        assert me(external_client, token)[0] == 401

    def test_not_accepted_when_no_secret_is_configured(self, client: TestClient) -> None:
        assert me(client, shared_secret_token("ba_user_1"))[0] == 401

    def test_deactivated_external_user_is_401(
        self, external_client: TestClient, session: Session
    ) -> None:
        session.add(User(id="ba_user_1", is_active=False))
        session.commit()
        assert me(external_client, shared_secret_token("ba_user_1"))[0] == 401


class TestJWKSTokens:
    def test_eddsa_token_from_the_jwks_is_accepted(
        self, external_client: TestClient, jwks_server: JWKSServer
    ) -> None:
        token = jwks_server.key.sign(claims_for("ba_ed", email="ed@example.com", **AUDIENCE))
        status, body = me(external_client, token)
        assert status == 200
        assert body["id"] == "ba_ed"
        assert body["email"] == "ed@example.com"
        # Not memoised: a key withdrawn from the issuer's set must stop its tokens.
        assert token not in external_client.app.state.verified_tokens  # type: ignore[attr-defined]

    def test_keys_are_cached(self, external_client: TestClient, jwks_server: JWKSServer) -> None:
        for _ in range(5):
            assert (
                me(external_client, jwks_server.key.sign(claims_for("ba_ed", **AUDIENCE)))[0] == 200
            )
        assert jwks_server.fetches == 1

    def test_unknown_kid_is_401_and_refetches_are_throttled(
        self, external_client: TestClient, jwks_server: JWKSServer
    ) -> None:
        me(external_client, jwks_server.key.sign(claims_for("ba_ed", **AUDIENCE)))
        for attempt in range(20):
            forged = SigningKey(kid=f"forged-{attempt}").sign(claims_for("ba_ed", **AUDIENCE))
            assert me(external_client, forged)[0] == 401
        # Twenty forged kids inside the cooldown cost no extra fetch at all.
        assert jwks_server.fetches == 1

    def test_rotated_key_is_picked_up_after_the_cooldown(
        self, build_client: Callable[..., TestClient], jwks_server: JWKSServer
    ) -> None:
        client = build_client(
            auth_jwks_url=jwks_server.url,
            auth_issuer=FRONTEND_ORIGIN,
            auth_audience=FRONTEND_ORIGIN,
            auth_jwks_min_refetch_seconds=0,
        )
        assert me(client, jwks_server.key.sign(claims_for("ba_ed", **AUDIENCE)))[0] == 200
        rotated = SigningKey(kid="key-2")
        jwks_server.keys.append(rotated)
        assert me(client, rotated.sign(claims_for("ba_ed", **AUDIENCE)))[0] == 200
        assert jwks_server.fetches == 2

    def test_signature_by_another_key_with_a_known_kid_is_401(
        self, external_client: TestClient, jwks_server: JWKSServer
    ) -> None:
        impostor = SigningKey(kid=jwks_server.key.kid)
        assert me(external_client, impostor.sign(claims_for("ba_ed", **AUDIENCE)))[0] == 401

    @pytest.mark.parametrize(
        "claims",
        [
            {"iss": "https://evil.example"},
            {"aud": "https://evil.example"},
            {"minutes": -1},
            {"minutes": WEEK_MINUTES + 1},
        ],
        ids=["wrong-iss", "wrong-aud", "expired", "lives-too-long"],
    )
    def test_bad_claims_are_401(
        self, external_client: TestClient, jwks_server: JWKSServer, claims: dict[str, object]
    ) -> None:
        token = jwks_server.key.sign(claims_for("ba_ed", **(AUDIENCE | claims)))  # type: ignore[arg-type]
        assert me(external_client, token)[0] == 401

    def test_token_without_kid_is_401(
        self, external_client: TestClient, jwks_server: JWKSServer
    ) -> None:
        token = jwt.encode(
            claims_for("ba_ed", **AUDIENCE), jwks_server.key.private, algorithm="EdDSA"
        )
        assert me(external_client, token)[0] == 401

    def test_unreachable_jwks_is_503_not_500(self, build_client: Callable[..., TestClient]) -> None:
        client = build_client(auth_jwks_url="http://127.0.0.1:9/api/auth/jwks")
        response = client.get(
            "/api/auth/me", headers=bearer(SigningKey(kid="k").sign(claims_for("ba_ed")))
        )
        assert response.status_code == 503
        assert "127.0.0.1" not in response.text
        assert response.headers["Retry-After"]

    def test_outage_is_503_without_a_fetch_per_request(
        self, external_client: TestClient, jwks_server: JWKSServer
    ) -> None:
        jwks_server.failing = True
        token = jwks_server.key.sign(claims_for("ba_ed", **AUDIENCE))
        assert [me(external_client, token)[0] for _ in range(5)] == [503] * 5
        assert jwks_server.fetches == 1

    def test_recovers_once_the_jwks_is_back(
        self,
        external_client: TestClient,
        jwks_server: JWKSServer,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        monkeypatch.setattr(external, "JWKS_FAILURE_PAUSE", 0.0)
        jwks_server.failing = True
        token = jwks_server.key.sign(claims_for("ba_ed", **AUDIENCE))
        assert me(external_client, token)[0] == 503
        jwks_server.failing = False
        assert me(external_client, token)[0] == 200

    def test_eddsa_tokens_are_refused_when_no_jwks_is_configured(self, client: TestClient) -> None:
        assert me(client, SigningKey(kid="k").sign(claims_for("ba_ed")))[0] == 401
