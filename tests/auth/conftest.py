"""Auth fixtures: apps with external token sources, a local JWKS server, token forging helpers."""

import asyncio
import base64
import hashlib
import hmac
import json
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from uuid import uuid4

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from backend.datetimes import utcnow
from backend.main import create_app
from backend.schema import run_migrations
from tests.conftest import dispose_engine, make_settings

BETTER_AUTH_SECRET = "better-auth-shared-secret-" + "s" * 40
FRONTEND_ORIGIN = "http://localhost:3000"
PASSWORD = "correct horse battery"


def b64url(data: bytes) -> str:
    """Unpadded base64url, as in JWTs."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def forge_token(header: dict[str, Any], claims: dict[str, Any], hmac_key: bytes | None) -> str:
    """A JWT built by hand: HMAC-SHA256 with any key bytes, or no signature at all."""
    signing_input = f"{b64url(json.dumps(header).encode())}.{b64url(json.dumps(claims).encode())}"
    if hmac_key is None:
        return signing_input + "."
    signature = hmac.new(hmac_key, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{b64url(signature)}"


def claims_for(sub: str, *, minutes: int = 15, **extra: Any) -> dict[str, Any]:
    """External-token claims with `iat`/`exp` around now."""
    now = utcnow()
    return {"sub": sub, "iat": now, "exp": now + timedelta(minutes=minutes), **extra}


@dataclass
class SigningKey:
    """An Ed25519 key pair with its key id."""

    kid: str
    private: Ed25519PrivateKey = field(default_factory=Ed25519PrivateKey.generate)

    def jwk(self) -> dict[str, Any]:
        """The public half as a JWK, the way Better Auth publishes it."""
        public = jwt.algorithms.OKPAlgorithm.to_jwk(self.private.public_key(), as_dict=True)
        return {**public, "kid": self.kid, "alg": "EdDSA", "use": "sig"}

    def public_pem(self) -> bytes:
        """The public key in PEM, what an algorithm-confusion attacker would HMAC with."""
        return self.private.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )

    def sign(self, claims: dict[str, Any]) -> str:
        """An EdDSA token with this key's `kid`."""
        return jwt.encode(claims, self.private, algorithm="EdDSA", headers={"kid": self.kid})


class JWKSServer:
    """A local HTTP server publishing a JWKS that tests can change or break; counts fetches."""

    def __init__(self) -> None:
        self.keys: list[SigningKey] = [SigningKey(kid="key-1")]
        self.fetches = 0
        self.failing = False
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server.fetches += 1
                if server.failing:
                    self.send_error(500)
                    return
                body = json.dumps({"keys": [key.jwk() for key in server.keys]}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *_args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        # A unique path too: key caches are per URL, and a port can be reused by a later test.
        port = self.httpd.server_address[1]
        self.url = f"http://127.0.0.1:{port}/{uuid4().hex}/api/auth/jwks"
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    @property
    def key(self) -> SigningKey:
        """The first published key."""
        return self.keys[0]


@pytest.fixture
def jwks_server() -> Iterator[JWKSServer]:
    """A JWKS endpoint on a free local port, for this test only."""
    server = JWKSServer()
    server.thread.start()
    yield server
    server.httpd.shutdown()
    server.httpd.server_close()


@pytest.fixture
def build_client(database_url: str, engine: Engine) -> Iterator[Callable[..., TestClient]]:
    """Factory: a client for an app on this test's database with overridden settings."""
    apps: list[FastAPI] = []
    clients: list[TestClient] = []

    def factory(client_host: str = "testclient", **overrides: Any) -> TestClient:
        app = create_app(make_settings(database_url, **overrides))
        asyncio.run(run_migrations(app.state.engine))
        apps.append(app)
        client = TestClient(app, client=(client_host, 50000))
        clients.append(client)
        return client

    yield factory
    for client in clients:
        client.close()
    for app in apps:
        dispose_engine(app)


@pytest.fixture
def external_client(build_client: Callable[..., TestClient], jwks_server: JWKSServer) -> TestClient:
    """A client for an app that accepts Better Auth HS256 tokens and the local JWKS."""
    return build_client(
        better_auth_secret=BETTER_AUTH_SECRET,
        auth_jwks_url=jwks_server.url,
        auth_issuer=FRONTEND_ORIGIN,
        auth_audience=FRONTEND_ORIGIN,
        auth_jwks_min_refetch_seconds=30,
    )


def bearer(token: str) -> dict[str, str]:
    """An `Authorization` header."""
    return {"Authorization": f"Bearer {token}"}


def register(
    client: TestClient, email: str = "ada@example.com", password: str = PASSWORD, **extra: Any
) -> dict[str, Any]:
    """Register through the API and return the token response."""
    response = client.post(
        "/api/auth/register", json={"email": email, "password": password, **extra}
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body
