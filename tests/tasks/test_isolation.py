"""Isolation matrix: for every task route, other users get 403 (their path) or 404 (our ids)."""

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import AuthedUser
from tests.tasks.conftest import CreateTask

# (method, path under /api/{user_id} with {id} for alice's task, JSON body)
TASK_ROUTES: list[tuple[str, str, Any]] = [
    ("GET", "/tasks/{id}", None),
    ("PUT", "/tasks/{id}", {"title": "hijacked"}),
    ("PATCH", "/tasks/{id}", {"title": "hijacked"}),
    ("PATCH", "/tasks/{id}/complete", None),
    ("PATCH", "/tasks/{id}/complete", {"completed": True}),
    ("DELETE", "/tasks/{id}", None),
]
COLLECTION_ROUTES: list[tuple[str, str, Any]] = [
    ("GET", "/tasks", None),
    ("POST", "/tasks", {"title": "planted"}),
    ("GET", "/tasks/stats", None),
    ("GET", "/tags", None),
]
ALL_ROUTES = TASK_ROUTES + COLLECTION_ROUTES
# Input each route refuses (422 once signed in).
BAD_INPUT_ROUTES: list[tuple[str, str, Any]] = [
    ("GET", "/tasks?limit=0", None),
    ("GET", "/tasks?sort=nonsense&unknown=1", None),
    ("GET", "/tasks/0", None),
    ("GET", f"/tasks/{2**31}", None),
    ("PATCH", "/tasks/0", {"title": "x"}),
    ("PATCH", "/tasks/{id}", {"title": ""}),
    ("PATCH", "/tasks/{id}/complete", {"completed": "maybe"}),
    ("POST", "/tasks", {"title": 5}),
]


def route_id(route: tuple[str, str, Any]) -> str:
    """Readable parameter id: `PATCH /tasks/{id}/complete+body`."""
    method, path, body = route
    return f"{method} {path}" + ("+body" if body else "")


@pytest.fixture
def alice_task(
    client: TestClient, alice: AuthedUser, create_task: CreateTask
) -> Callable[[], dict[str, Any]]:
    """Alice's task, and a checker that it is exactly as created."""
    task = create_task(alice, "Alice's secret", description="private", tags=["mine"])

    def unchanged() -> dict[str, Any]:
        response = client.get(f"/api/{alice.id}/tasks/{task['id']}", headers=alice.headers)
        assert response.json() == task
        return task

    return unchanged


class TestIsolationMatrix:
    @pytest.mark.parametrize("route", ALL_ROUTES, ids=route_id)
    def test_other_user_on_my_path_is_403(
        self,
        client: TestClient,
        alice: AuthedUser,
        bob: AuthedUser,
        alice_task: Callable[[], dict[str, Any]],
        route: tuple[str, str, Any],
    ) -> None:
        method, path, body = route
        url = f"/api/{alice.id}" + path.format(id=alice_task()["id"])
        response = client.request(method, url, json=body, headers=bob.headers)
        assert response.status_code == 403
        assert response.json()["code"] == "forbidden"
        alice_task()
        assert (
            client.get(f"/api/{alice.id}/tasks", headers=alice.headers).headers["X-Total-Count"]
            == "1"
        )

    @pytest.mark.parametrize("prefix", ["/api/{bob}", "/api/me", "/api"])
    @pytest.mark.parametrize("route", TASK_ROUTES, ids=route_id)
    def test_my_task_ids_through_other_users_path_are_404(
        self,
        client: TestClient,
        alice: AuthedUser,
        bob: AuthedUser,
        alice_task: Callable[[], dict[str, Any]],
        route: tuple[str, str, Any],
        prefix: str,
    ) -> None:
        method, path, body = route
        url = prefix.format(bob=bob.id) + path.format(id=alice_task()["id"])
        response = client.request(method, url, json=body, headers=bob.headers)
        assert response.status_code == 404
        assert response.json()["detail"] == "Task not found"
        alice_task()

    @pytest.mark.parametrize("prefix", ["/api/{alice}", "/api/me", "/api"])
    @pytest.mark.parametrize("route", ALL_ROUTES + BAD_INPUT_ROUTES, ids=route_id)
    @pytest.mark.parametrize(
        "headers",
        [
            {},
            {"Authorization": "Bearer not-a-jwt"},
            {"Authorization": "Bearer a.b.c"},
            {"Authorization": "Basic abc"},
        ],
        ids=["no-token", "garbage-token", "bad-jwt", "wrong-scheme"],
    )
    def test_without_valid_token_is_401(
        self,
        client: TestClient,
        alice: AuthedUser,
        alice_task: Callable[[], dict[str, Any]],
        route: tuple[str, str, Any],
        prefix: str,
        headers: dict[str, str],
    ) -> None:
        # Bad input too (BAD_INPUT_ROUTES): the credentials are checked first.
        method, path, body = route
        url = prefix.format(alice=alice.id) + path.format(id=alice_task()["id"])
        response = client.request(method, url, json=body, headers=headers)
        assert response.status_code == 401
        assert response.headers["WWW-Authenticate"] == "Bearer"
        assert response.json()["code"] == "unauthorized"
        alice_task()

    @pytest.mark.parametrize("route", BAD_INPUT_ROUTES, ids=route_id)
    def test_bad_input_is_422_once_signed_in(
        self,
        client: TestClient,
        alice: AuthedUser,
        alice_task: Callable[[], dict[str, Any]],
        route: tuple[str, str, Any],
    ) -> None:
        method, path, body = route
        url = "/api/me" + path.format(id=alice_task()["id"])
        response = client.request(method, url, json=body, headers=alice.headers)
        assert response.status_code == 422, response.text
        alice_task()


class TestNothingLeaks:
    def test_other_users_collections_show_nothing_of_mine(
        self,
        client: TestClient,
        alice: AuthedUser,
        bob: AuthedUser,
        alice_task: Callable[[], dict[str, Any]],
    ) -> None:
        alice_task()
        listed = client.get(f"/api/{bob.id}/tasks", headers=bob.headers)
        assert listed.json() == []
        assert listed.headers["X-Total-Count"] == "0"
        for params in ({"tag": "mine"}, {"q": "secret"}, {"status": "all", "limit": 100}):
            assert client.get("/api/tasks", params=params, headers=bob.headers).json() == []
        assert client.get(f"/api/{bob.id}/tags", headers=bob.headers).json() == []
        assert client.get("/api/me/tasks/stats", headers=bob.headers).json()["total"] == 0

    def test_same_tag_name_is_separate_per_user(
        self,
        client: TestClient,
        alice: AuthedUser,
        bob: AuthedUser,
        create_task: CreateTask,
        alice_task: Callable[[], dict[str, Any]],
    ) -> None:
        create_task(bob, "Bob's", tags=["mine"])
        bob_listed = client.get("/api/tasks", params={"tag": "mine"}, headers=bob.headers).json()
        assert [task["title"] for task in bob_listed] == ["Bob's"]
        assert client.get("/api/tags", headers=bob.headers).json() == [{"name": "mine", "count": 1}]
        assert client.get("/api/tags", headers=alice.headers).json() == [
            {"name": "mine", "count": 1}
        ]
