"""Rate limits on the credential endpoints: per IP, per email, shared across instances via Redis."""

import os
from collections.abc import Callable
from uuid import uuid4

import pytest
import redis
from fastapi.testclient import TestClient
from sqlmodel import Session, func, select

from backend.auth.models import User
from backend.auth.ratelimit import client_ip
from tests.auth.conftest import PASSWORD

REDIS_URL = "redis://127.0.0.1:6379/0"
PROXY = "127.0.0.1"


def login(client: TestClient, email: str = "ada@example.com", via: str | None = None) -> int:
    """Attempt a login (wrong password is fine: attempts count either way); return the status."""
    headers = {"X-Forwarded-For": via} if via else {}
    payload = {"email": email, "password": "wrong-password"}
    return client.post("/api/auth/login", json=payload, headers=headers).status_code


@pytest.fixture
def limited(build_client: Callable[..., TestClient]) -> Callable[..., TestClient]:
    """Factory: a client for an app with rate limits on (3 per IP, 100 per email by default)."""

    def factory(**overrides: object) -> TestClient:
        values: dict[str, object] = {
            "rate_limit_enabled": True,
            "rate_limit_auth_ip": "3/minute",
            "rate_limit_auth_email": "100/minute",
            "client_host": PROXY,
        }
        return build_client(**(values | overrides))

    return factory


@pytest.fixture
def redis_url() -> str:
    """The local Redis; a skip outside CI when it is down, a failure under CI."""
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError:
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail("Redis is required under CI but is not reachable on 127.0.0.1:6379")
        pytest.skip("Redis is not reachable on 127.0.0.1:6379")
    return REDIS_URL


class TestClientIp:
    def test_peer_without_forwarded_header(self) -> None:
        assert client_ip("198.51.100.7", None, ["127.0.0.1"]) == "198.51.100.7"

    def test_forwarded_header_from_untrusted_peer_is_ignored(self) -> None:
        assert client_ip("198.51.100.7", "1.2.3.4", ["127.0.0.1"]) == "198.51.100.7"

    def test_trusted_proxy_gives_the_nearest_untrusted_hop(self) -> None:
        # The left-most entry is whatever the client claimed; the proxy appended the real one.
        assert client_ip("127.0.0.1", "6.6.6.6, 203.0.113.5", ["127.0.0.1"]) == "203.0.113.5"

    def test_chain_of_trusted_proxies_and_cidr(self) -> None:
        trusted = ["127.0.0.1", "10.0.0.0/8"]
        assert client_ip("10.1.2.3", "203.0.113.5, 10.9.9.9", trusted) == "203.0.113.5"

    def test_wildcard_trusts_every_peer(self) -> None:
        assert client_ip("198.51.100.7", "203.0.113.5", ["*"]) == "203.0.113.5"

    def test_unknown_peer(self) -> None:
        assert client_ip(None, "203.0.113.5", ["*"]) == "unknown"


class TestAuthRateLimits:
    def test_per_ip_limit_is_429_with_retry_after(self, limited: Callable[..., TestClient]) -> None:
        client = limited()
        assert [login(client) for _ in range(3)] == [401, 401, 401]
        response = client.post(
            "/api/auth/login", json={"email": "ada@example.com", "password": PASSWORD}
        )
        assert response.status_code == 429
        assert response.json()["code"] == "rate_limited"
        assert 1 <= int(response.headers["Retry-After"]) <= 60

    def test_per_email_limit_spans_ips(self, limited: Callable[..., TestClient]) -> None:
        client = limited(rate_limit_auth_ip="100/minute", rate_limit_auth_email="2/minute")
        statuses = [login(client, via=f"203.0.113.{n}") for n in range(3)]
        assert statuses == [401, 401, 429]
        assert login(client, email="other@example.com", via="203.0.113.9") == 401

    def test_a_stranger_cannot_lock_the_owner_out(self, limited: Callable[..., TestClient]) -> None:
        # Default email budgets: 10 a minute from one address, 100 a minute from all of them.
        client = limited(rate_limit_auth_ip="100/minute")
        owner, stranger = "198.51.100.20", "203.0.113.66"
        payload = {"email": "ada@example.com", "password": PASSWORD}
        headers = {"X-Forwarded-For": owner}
        assert client.post("/api/auth/register", json=payload, headers=headers).status_code == 201
        assert [login(client, via=stranger) for _ in range(11)] == [401] * 10 + [429]
        response = client.post("/api/auth/login", json=payload, headers=headers)
        assert response.status_code == 200

    def test_refused_attempts_do_not_spend_the_emails_overall_budget(
        self, limited: Callable[..., TestClient]
    ) -> None:
        client = limited(
            rate_limit_auth_ip="100/minute",
            rate_limit_auth_email_ip="2/minute",
            rate_limit_auth_email="4/minute",
        )
        assert [login(client, via="203.0.113.1") for _ in range(10)] == [401] * 2 + [429] * 8
        assert [login(client, via="203.0.113.2") for _ in range(3)] == [401, 401, 429]
        assert login(client, via="203.0.113.3") == 429  # four spent in all: the email's limit

    def test_email_case_variants_share_one_budget(self, limited: Callable[..., TestClient]) -> None:
        client = limited(rate_limit_auth_ip="100/minute", rate_limit_auth_email="2/minute")
        statuses = [login(client, email=e) for e in ("a@x.io", "A@x.io", "a@X.IO")]
        assert statuses == [401, 401, 429]

    def test_forwarded_header_from_untrusted_peer_cannot_dodge_the_limit(
        self, limited: Callable[..., TestClient]
    ) -> None:
        client = limited(client_host="198.51.100.7")
        statuses = [login(client, via=f"203.0.113.{n}") for n in range(4)]
        assert statuses == [401, 401, 401, 429]

    def test_distinct_clients_behind_a_trusted_proxy_have_own_budgets(
        self, limited: Callable[..., TestClient]
    ) -> None:
        client = limited()
        assert [login(client, via="203.0.113.1") for _ in range(4)][-1] == 429
        assert login(client, via="203.0.113.2") == 401

    def test_register_and_refresh_are_limited(
        self, limited: Callable[..., TestClient], session: Session
    ) -> None:
        client = limited(rate_limit_auth_ip="2/minute")
        payload = {"password": PASSWORD}
        for n in range(2):
            response = client.post("/api/auth/register", json=payload | {"email": f"u{n}@x.io"})
            assert response.status_code == 201
        blocked = client.post("/api/auth/register", json=payload | {"email": "u9@x.io"})
        assert blocked.status_code == 429
        assert session.exec(select(func.count()).select_from(User)).one() == 2
        assert client.post("/api/auth/refresh", json={"refresh_token": "x"}).status_code == 429

    def test_token_form_shares_the_email_budget_with_login(
        self, limited: Callable[..., TestClient]
    ) -> None:
        client = limited(rate_limit_auth_ip="100/minute", rate_limit_auth_email="2/minute")
        form = {"username": "ada@example.com", "password": "wrong-password"}
        assert login(client) == 401
        assert client.post("/api/auth/token", data=form).status_code == 401
        assert client.post("/api/auth/token", data=form).status_code == 429

    def test_off_by_default_in_tests(self, client: TestClient) -> None:
        assert {login(client) for _ in range(30)} == {401}


class TestSharedRedisBudget:
    def test_two_instances_share_one_budget(
        self, limited: Callable[..., TestClient], redis_url: str
    ) -> None:
        first = limited(rate_limit_storage_url=redis_url)
        second = limited(rate_limit_storage_url=redis_url)
        ip = f"198.18.{uuid4().int % 250}.{uuid4().int % 250}"  # fresh keys on every run
        email = f"{uuid4().hex}@example.com"
        statuses = [login(app, email=email, via=ip) for app in (first, second, first, second)]
        assert statuses == [401, 401, 401, 429]

    def test_unreachable_storage_is_503_and_changes_nothing(
        self, limited: Callable[..., TestClient], session: Session
    ) -> None:
        client = limited(rate_limit_storage_url="redis://127.0.0.1:9/0")
        response = client.post(
            "/api/auth/register", json={"email": "ada@example.com", "password": PASSWORD}
        )
        assert response.status_code == 503
        assert "redis" not in response.text.lower()
        assert session.exec(select(func.count()).select_from(User)).one() == 0
