"""Leniencies for frontends written against other backends (README, "Compatibility"): each one
accepted and answered exactly as the canonical request is, on both databases."""

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import AuthedUser
from tests.tasks.conftest import CreateTask, tasks_url


def titles(client: TestClient, user: AuthedUser, params: dict[str, str]) -> list[str]:
    """Titles of the tasks a list request returns, in order."""
    response = client.get(tasks_url(user), params=params, headers=user.headers)
    assert response.status_code == 200, response.text
    return [task["title"] for task in response.json()]


@pytest.fixture
def three(client: TestClient, alice: AuthedUser, create_task: CreateTask) -> None:
    """Three tasks whose creation order, titles and due dates sort differently."""
    create_task(alice, "banana", due_date="2026-12-03", description="yellow fruit")
    create_task(alice, "Apple")
    create_task(alice, "cherry", due_date="2026-12-01")


@pytest.fixture
def gym(alice: AuthedUser, create_task: CreateTask) -> tuple[dict[str, Any], str]:
    """A task of alice's and its URL."""
    task = create_task(alice, "Gym")
    return task, tasks_url(alice, f"/{task['id']}")


class TestListSynonyms:
    @pytest.mark.parametrize(
        ("synonym", "canonical"),
        [
            ({"sort": "created", "order": "asc"}, {"sort": "created_at", "order": "asc"}),
            ({"sort": "createdAt", "order": "asc"}, {"sort": "created_at", "order": "asc"}),
            ({"sort": "updated", "order": "asc"}, {"sort": "updated_at", "order": "asc"}),
            ({"sort": "UpdatedAt", "order": "asc"}, {"sort": "updated_at", "order": "asc"}),
            ({"sort": "dueDate", "order": "asc"}, {"sort": "due_date", "order": "asc"}),
            ({"sort_by": "dueDate"}, {"sort": "due_date"}),
            ({"sort": "title", "sort_order": "asc"}, {"sort": "title", "order": "asc"}),
            ({"sort": "title", "sort_direction": "ASC"}, {"sort": "title", "order": "asc"}),
            ({"search": "FRUIT"}, {"q": "fruit"}),
            ({"status": "COMPLETE"}, {"status": "completed"}),
            ({"completed": "true"}, {"status": "completed"}),
            ({"completed": "false", "sort": "title"}, {"status": "pending", "sort": "title"}),
            ({"per_page": "1"}, {"limit": "1"}),
            ({"page_size": "2", "sort": "title"}, {"limit": "2", "sort": "title"}),
            ({"skip": "1"}, {"offset": "1"}),
            ({"page": "2", "per_page": "1"}, {"offset": "1", "limit": "1"}),
            ({"page": "1", "limit": "2", "order": "asc"}, {"limit": "2", "order": "asc"}),
        ],
    )
    def test_synonym_lists_what_the_canonical_parameter_lists(
        self,
        client: TestClient,
        alice: AuthedUser,
        three: None,
        synonym: dict[str, str],
        canonical: dict[str, str],
    ) -> None:
        expected = titles(client, alice, canonical)
        assert titles(client, alice, synonym) == expected
        # Each case lists differently from the default: an ignored synonym would fail here.
        assert expected != titles(client, alice, {})

    def test_search_filters_instead_of_being_ignored(
        self, client: TestClient, alice: AuthedUser, three: None
    ) -> None:
        assert titles(client, alice, {"search": "yellow"}) == ["banana"]

    def test_paging_by_page_walks_every_task_once(
        self, client: TestClient, alice: AuthedUser, three: None
    ) -> None:
        pages = [titles(client, alice, {"page": str(n), "per_page": "2"}) for n in (1, 2, 3)]
        assert pages == [["cherry", "Apple"], ["banana"], []]

    @pytest.mark.parametrize(
        ("params", "field"),
        [
            ({"page": "0"}, "page"),
            ({"completed": "maybe"}, "completed"),
            ({"per_page": "101"}, "per_page"),
            ({"skip": "-1"}, "skip"),
        ],
    )
    def test_bad_paging_or_completed_is_422(
        self, client: TestClient, alice: AuthedUser, params: dict[str, str], field: str
    ) -> None:
        response = client.get(tasks_url(alice), params=params, headers=alice.headers)
        assert response.status_code == 422
        assert response.json()["detail"][0]["loc"] == ["query", field]

    @pytest.mark.parametrize(
        "params",
        [
            {"category": "work"},
            {"tag_ids": "1,2"},
            {"userId": "someone"},
            {"searchTerm": "x"},
            {"q": "a", "search": "b"},
            {"order": "asc", "sort_order": "desc"},
            {"sort": "title", "sort_by": "due_date"},
            {"limit": "2", "per_page": "3"},
        ],
        ids=[
            "category",
            "tag_ids",
            "userId",
            "searchTerm",
            "q+search",
            "order+sort_order",
            "sort+by",
            "limit+per_page",
        ],
    )
    def test_unknown_or_doubled_parameter_is_422_not_ignored(
        self, client: TestClient, alice: AuthedUser, three: None, params: dict[str, str]
    ) -> None:
        response = client.get(tasks_url(alice), params=params, headers=alice.headers)
        assert response.status_code == 422
        error = response.json()["detail"][0]
        assert error["type"] == "extra_forbidden"
        assert error["loc"][0] == "query"

    def test_synonyms_are_hidden_from_the_docs(self, client: TestClient) -> None:
        operation = client.get("/openapi.json").json()["paths"]["/api/{user_id}/tasks"]["get"]
        names = {parameter["name"] for parameter in operation["parameters"]}
        assert {"q", "sort", "order"} <= names
        hidden = {"search", "sort_by", "sort_order", "sort_direction", "per_page", "page_size"}
        assert not names & (hidden | {"skip", "page", "completed"})


class TestFieldSynonyms:
    def test_camel_case_and_hackathon_names_are_read_on_create(
        self, client: TestClient, alice: AuthedUser
    ) -> None:
        payload = {
            "title": "Gym",
            "dueDate": "2026-12-01T09:00:00Z",
            "recurrence_pattern": "Weekly",
        }
        response = client.post(tasks_url(alice), json=payload, headers=alice.headers)
        assert response.status_code == 201
        body = response.json()
        assert body["due_date"] == "2026-12-01T09:00:00Z"
        assert body["recurrence"] == "weekly"
        assert "dueDate" not in body
        assert "recurrence_pattern" not in body

    @pytest.mark.parametrize("method", ["PUT", "PATCH"])
    def test_and_on_update(
        self, client: TestClient, alice: AuthedUser, gym: tuple[dict[str, Any], str], method: str
    ) -> None:
        _, url = gym
        payload = {"dueDate": "2026-12-02", "recurrencePattern": "daily"}
        response = client.request(method, url, json=payload, headers=alice.headers)
        assert response.status_code == 200
        assert response.json()["due_date"] == "2026-12-02T23:59:59Z"
        assert response.json()["recurrence"] == "daily"

    def test_null_due_date_in_camel_case_clears_it(
        self, client: TestClient, alice: AuthedUser, create_task: CreateTask
    ) -> None:
        task = create_task(alice, "Gym", due_date="2026-12-01")
        url = tasks_url(alice, f"/{task['id']}")
        response = client.patch(url, json={"dueDate": None}, headers=alice.headers)
        assert response.json()["due_date"] is None

    @pytest.mark.parametrize(
        "payload",
        [
            {"title": "x", "due_date": "2026-12-01", "dueDate": "2026-12-02"},
            {"title": "x", "recurrence": "daily", "recurrence_pattern": "weekly"},
            {"title": "x", "completed": False, "status": "completed"},
        ],
        ids=["due_date", "recurrence", "status"],
    )
    def test_two_spellings_that_disagree_are_422_and_create_nothing(
        self, client: TestClient, alice: AuthedUser, payload: dict[str, Any]
    ) -> None:
        response = client.post(tasks_url(alice), json=payload, headers=alice.headers)
        assert response.status_code == 422
        assert "disagree" in response.json()["message"]
        assert client.get(tasks_url(alice), headers=alice.headers).json() == []

    def test_two_spellings_that_agree_are_fine(self, client: TestClient, alice: AuthedUser) -> None:
        payload = {"title": "x", "due_date": "2026-12-01", "dueDate": "2026-12-01"}
        response = client.post(tasks_url(alice), json=payload, headers=alice.headers)
        assert response.status_code == 201


class TestStatusField:
    @pytest.mark.parametrize("method", ["PUT", "PATCH"])
    def test_status_completes_and_reopens(
        self, client: TestClient, alice: AuthedUser, gym: tuple[dict[str, Any], str], method: str
    ) -> None:
        _, url = gym
        done = client.request(method, url, json={"status": "completed"}, headers=alice.headers)
        assert done.status_code == 200
        assert done.json()["completed"] is True
        assert done.json()["completed_at"] is not None
        assert "status" not in done.json()
        reopened = client.request(method, url, json={"status": "Pending"}, headers=alice.headers)
        assert reopened.json()["completed"] is False

    def test_completing_a_recurring_task_by_status_schedules_the_next(
        self, client: TestClient, alice: AuthedUser, create_task: CreateTask
    ) -> None:
        task = create_task(alice, "Gym", recurrence="weekly", due_date="2026-03-10T09:00:00Z")
        url = tasks_url(alice, f"/{task['id']}")
        client.put(url, json={"status": "completed"}, headers=alice.headers)
        listed = client.get(tasks_url(alice), headers=alice.headers).json()
        assert sorted(t["due_date"] for t in listed) == [
            "2026-03-10T09:00:00Z",
            "2026-03-17T09:00:00Z",
        ]

    @pytest.mark.parametrize("status", ["all", "done", "", 1, True])
    def test_other_status_values_are_422_and_change_nothing(
        self, client: TestClient, alice: AuthedUser, gym: tuple[dict[str, Any], str], status: Any
    ) -> None:
        task, url = gym
        response = client.put(url, json={"status": status}, headers=alice.headers)
        assert response.status_code == 422
        assert client.get(url, headers=alice.headers).json() == task


class TestToggleRoute:
    def test_toggle_is_the_complete_route(
        self, client: TestClient, alice: AuthedUser, gym: tuple[dict[str, Any], str]
    ) -> None:
        task, task_url = gym
        url = f"{task_url}/toggle"
        assert client.patch(url, headers=alice.headers).json()["completed"] is True
        assert client.patch(url, headers=alice.headers).json()["completed"] is False
        body = client.patch(url, json={"completed": True}, headers=alice.headers).json()
        assert body["completed"] is True
        alias = client.patch(f"/api/tasks/{task['id']}/toggle", headers=alice.headers)
        assert alias.json()["completed"] is False

    def test_toggle_is_hidden_from_the_docs(self, client: TestClient) -> None:
        paths = client.get("/openapi.json").json()["paths"]
        assert "/api/{user_id}/tasks/{task_id}/complete" in paths
        assert not [path for path in paths if path.endswith("/toggle")]

    def test_another_users_task_is_404(
        self,
        client: TestClient,
        alice: AuthedUser,
        bob: AuthedUser,
        gym: tuple[dict[str, Any], str],
    ) -> None:
        task, url = gym
        response = client.patch(f"/api/tasks/{task['id']}/toggle", headers=bob.headers)
        assert response.status_code == 404
        assert client.get(url, headers=alice.headers).json() == task


class TestPathsThatAreNotUserPaths:
    @pytest.mark.parametrize(
        "path",
        [
            "/api/tasks/tags",
            "/api/tasks/overdue",
            "/api/tasks/completed",
            "/api/v1/tasks",
            "/api/v1/tasks/1",
            "/api/v2/tags",
            "/api/tasks/tasks",
            "/api/chat/tasks",
            "/api/v1/conversations",
        ],
    )
    def test_are_404_not_403_or_422(self, client: TestClient, alice: AuthedUser, path: str) -> None:
        response = client.get(path, headers=alice.headers)
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"

    def test_another_users_id_is_still_403(
        self, client: TestClient, alice: AuthedUser, bob: AuthedUser
    ) -> None:
        for path in (f"/api/{bob.id}/tasks", "/api/v1x/tasks", "/api/someone/tags"):
            assert client.get(path, headers=alice.headers).status_code == 403
