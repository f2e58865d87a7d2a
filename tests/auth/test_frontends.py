"""Request sequences as the fourteen Next.js frontends we ran send them (written here from what
they sent, not copied): each must work end to end, on both databases.

Each class is one client style; each step is what that client does with our answer next.
"""

from collections.abc import Callable
from typing import Any

import jwt
from fastapi.testclient import TestClient

from tests.auth.conftest import BETTER_AUTH_SECRET, FRONTEND_ORIGIN, PASSWORD, bearer, claims_for

JsonFetch = Callable[..., Any]


def json_fetch(client: TestClient, token: str | None = None) -> JsonFetch:
    """A fetch wrapper that throws unless the status is 2xx and parses every body as JSON."""

    def fetch(method: str, url: str, body: Any = None) -> Any:
        headers = bearer(token) if token else {}
        response = client.request(method, url, json=body, headers=headers)
        assert 200 <= response.status_code < 300, response.text
        return response.json()  # raises on an empty body, as `response.json()` does in a browser

    return fetch


class TestHackathonSpecClient:
    """Signs up, keeps `response.token`, uses the spec's names: `sort=created`,
    `recurrence_pattern`, `PATCH …/toggle`."""

    def test_full_session(self, client: TestClient) -> None:
        signup = {"email": "kim@example.com", "password": PASSWORD, "full_name": "Kim"}
        session = json_fetch(client)("POST", "/api/auth/signup", signup)
        fetch = json_fetch(client, session["token"])
        base = f"/api/{session['user']['id']}/tasks"
        first = fetch("POST", base, {"title": "Water plants", "recurrence_pattern": "weekly"})
        fetch("POST", base, {"title": "Pay rent", "description": "before the 5th"})
        listed = fetch("GET", f"{base}?status=pending&sort=created")
        assert [task["title"] for task in listed] == ["Pay rent", "Water plants"]
        assert listed[1]["recurrence"] == "weekly"
        toggled = fetch("PATCH", f"{base}/{first['id']}/toggle")
        assert toggled["completed"] is True
        pending = fetch("GET", f"{base}?status=pending&sort=created")
        assert {task["title"] for task in pending} == {"Pay rent", "Water plants"}  # the next one
        assert fetch("DELETE", f"{base}/{first['id']}") == {"id": first["id"], "deleted": True}


class TestCamelCaseClient:
    """Sends camelCase fields, sorts by `dueDate`, searches with `search`, orders with
    `sort_order`, completes through `PUT {status}`, and reads every response as JSON."""

    def test_full_session(self, client: TestClient) -> None:
        json_fetch(client)("POST", "/api/auth/register", {"email": "lu@x.io", "password": PASSWORD})
        login = json_fetch(client)(
            "POST", "/api/auth/login", {"email": "lu@x.io", "password": PASSWORD}
        )
        fetch = json_fetch(client, login["token"])
        milk = fetch("POST", "/api/tasks", {"title": "Buy milk", "dueDate": "2026-12-02"})
        fetch("POST", "/api/tasks", {"title": "Buy bread", "dueDate": "2026-12-01"})
        fetch("POST", "/api/tasks", {"title": "Call mom", "dueDate": "2026-12-03"})
        found = fetch("GET", "/api/tasks?search=buy&sort=dueDate&sort_order=asc")
        assert [task["title"] for task in found] == ["Buy bread", "Buy milk"]
        done = fetch("PUT", f"/api/tasks/{milk['id']}", {"status": "completed"})
        assert done["completed"] is True
        reopened = fetch("PUT", f"/api/tasks/{milk['id']}", {"status": "pending"})
        assert reopened["completed"] is False
        assert fetch("DELETE", f"/api/tasks/{milk['id']}")["deleted"] is True
        assert fetch("GET", "/api/tasks?sort_direction=desc&sort=title")[0]["title"] == "Call mom"


class TestDashboardClient:
    """Tries `/api/tasks/tags` and `/api/tasks/overdue` first and falls back on a 404; a 403 or
    422 made it sign the user out."""

    def test_falls_back_on_404(self, client: TestClient) -> None:
        body = {"email": "dee@x.io", "password": PASSWORD}
        token = json_fetch(client)("POST", "/api/auth/register", body)["access_token"]
        fetch = json_fetch(client, token)
        fetch("POST", "/api/tasks", {"title": "Late", "dueDate": "2020-01-01", "tags": "home"})
        for probe, fallback in (
            ("/api/tasks/tags", "/api/tags"),
            ("/api/tasks/overdue", "/api/tasks?overdue=true"),
            ("/api/v1/tasks", "/api/tasks"),
        ):
            assert client.get(probe, headers=bearer(token)).status_code == 404
            assert len(fetch("GET", fallback)) == 1


class TestBetterAuthJWTClient:
    """Mints a Better Auth HS256 token with `expirationTime: "7d"` and calls the API with it."""

    def test_seven_day_token_works(self, build_client: Callable[..., TestClient]) -> None:
        client = build_client(
            better_auth_secret=BETTER_AUTH_SECRET,
            auth_issuer=FRONTEND_ORIGIN,
            auth_audience=FRONTEND_ORIGIN,
        )
        claims = claims_for(
            "ba_week", minutes=7 * 24 * 60, iss=FRONTEND_ORIGIN, aud=FRONTEND_ORIGIN
        )
        fetch = json_fetch(client, jwt.encode(claims, BETTER_AUTH_SECRET, algorithm="HS256"))
        fetch("POST", "/api/ba_week/tasks", {"title": "From the frontend"})
        assert [task["title"] for task in fetch("GET", "/api/me/tasks")] == ["From the frontend"]
