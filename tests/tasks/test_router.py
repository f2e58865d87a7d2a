"""Task routes through HTTP: create, get, update, complete, delete, tags, stats, alias paths."""

from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient

from tests.conftest import AuthedUser
from tests.tasks.conftest import CreateTask, tasks_url


def parse(timestamp: str) -> datetime:
    """A response timestamp as an aware datetime."""
    return datetime.fromisoformat(timestamp)


TASK_FIELDS = {
    "id",
    "user_id",
    "title",
    "description",
    "completed",
    "completed_at",
    "priority",
    "tags",
    "due_date",
    "recurrence",
    "created_at",
    "updated_at",
}


class TestCreateTask:
    def test_creates_with_defaults_and_location(
        self, client: TestClient, alice: AuthedUser
    ) -> None:
        response = client.post(tasks_url(alice), json={"title": "Buy milk"}, headers=alice.headers)
        assert response.status_code == 201
        body = response.json()
        assert set(body) == TASK_FIELDS
        assert body["title"] == "Buy milk"
        assert body["user_id"] == alice.id
        assert body["completed"] is False
        assert body["completed_at"] is None
        assert body["priority"] == "medium"
        assert body["recurrence"] == "none"
        assert body["tags"] == []
        assert body["description"] is None
        assert body["due_date"] is None
        assert response.headers["Location"] == f"/api/{alice.id}/tasks/{body['id']}"

    def test_location_resolves_to_the_task(self, client: TestClient, alice: AuthedUser) -> None:
        created = client.post(tasks_url(alice), json={"title": "Here"}, headers=alice.headers)
        fetched = client.get(created.headers["Location"], headers=alice.headers)
        assert fetched.status_code == 200
        assert fetched.json() == created.json()

    def test_accepts_every_field(self, client: TestClient, alice: AuthedUser) -> None:
        payload = {
            "title": "  Report  ",
            "description": "Quarterly numbers",
            "priority": "high",
            "tags": ["Work", " urgent ", "work"],
            "due_date": "2026-12-01T17:00:00+02:00",
            "recurrence": "weekly",
        }
        body = client.post(tasks_url(alice), json=payload, headers=alice.headers).json()
        assert body["title"] == "Report"
        assert body["description"] == "Quarterly numbers"
        assert body["priority"] == "high"
        assert body["tags"] == ["urgent", "work"]
        assert body["due_date"] == "2026-12-01T15:00:00Z"
        assert body["recurrence"] == "weekly"

    def test_enums_in_any_case_are_returned_lower_case(
        self, client: TestClient, alice: AuthedUser
    ) -> None:
        payload = {"title": "x", "priority": "HIGH", "recurrence": "Daily"}
        body = client.post(tasks_url(alice), json=payload, headers=alice.headers).json()
        assert (body["priority"], body["recurrence"]) == ("high", "daily")

    def test_tags_as_comma_separated_string(self, client: TestClient, alice: AuthedUser) -> None:
        payload = {"title": "x", "tags": "home, Errands,,home"}
        body = client.post(tasks_url(alice), json=payload, headers=alice.headers).json()
        assert body["tags"] == ["errands", "home"]

    def test_null_fields_take_their_defaults(self, client: TestClient, alice: AuthedUser) -> None:
        payload = {
            "title": "x",
            "description": None,
            "priority": None,
            "tags": None,
            "due_date": None,
            "recurrence": None,
            "completed": None,
        }
        response = client.post(tasks_url(alice), json=payload, headers=alice.headers)
        assert response.status_code == 201
        body = response.json()
        assert (body["priority"], body["recurrence"], body["tags"]) == ("medium", "none", [])
        assert (body["completed"], body["completed_at"]) == (False, None)
        assert (body["description"], body["due_date"]) == (None, None)

    def test_completed_true_creates_a_done_task(
        self, client: TestClient, alice: AuthedUser
    ) -> None:
        payload = {"title": "Already done", "completed": True}
        response = client.post(tasks_url(alice), json=payload, headers=alice.headers)
        assert response.status_code == 201
        body = response.json()
        assert body["completed"] is True
        assert body["completed_at"] is not None
        stored = client.get(tasks_url(alice, f"/{body['id']}"), headers=alice.headers).json()
        assert (stored["completed"], stored["completed_at"]) == (True, body["completed_at"])
        assert len(client.get(tasks_url(alice), headers=alice.headers).json()) == 1

    def test_recurring_task_created_done_schedules_its_next(
        self, client: TestClient, alice: AuthedUser
    ) -> None:
        payload = {
            "title": "Standup",
            "completed": True,
            "recurrence": "daily",
            "due_date": "2026-03-10T09:00:00Z",
        }
        assert client.post(tasks_url(alice), json=payload, headers=alice.headers).status_code == 201
        params = {"sort": "created_at", "order": "asc"}
        tasks = client.get(tasks_url(alice), params=params, headers=alice.headers).json()
        assert [(t["completed"], t["due_date"]) for t in tasks] == [
            (True, "2026-03-10T09:00:00Z"),
            (False, "2026-03-11T09:00:00Z"),
        ]

    def test_unknown_fields_are_ignored(self, client: TestClient, alice: AuthedUser) -> None:
        payload = {"title": "x", "userId": "someone-else", "id": 999, "color": "red"}
        response = client.post(tasks_url(alice), json=payload, headers=alice.headers)
        assert response.status_code == 201
        assert response.json()["user_id"] == alice.id
        assert response.json()["id"] != 999

    def test_naive_due_date_is_taken_as_utc(self, client: TestClient, alice: AuthedUser) -> None:
        payload = {"title": "x", "due_date": "2026-12-01T09:30:00"}
        created = client.post(tasks_url(alice), json=payload, headers=alice.headers).json()
        assert created["due_date"] == "2026-12-01T09:30:00Z"
        stored = client.get(tasks_url(alice, f"/{created['id']}"), headers=alice.headers).json()
        assert stored["due_date"] == "2026-12-01T09:30:00Z"

    def test_date_alone_is_the_end_of_that_day_utc(
        self, client: TestClient, alice: AuthedUser
    ) -> None:
        payload = {"title": "x", "due_date": "2026-12-01"}
        body = client.post(tasks_url(alice), json=payload, headers=alice.headers).json()
        assert body["due_date"] == "2026-12-01T23:59:59Z"

    def test_me_stands_for_the_current_user(self, client: TestClient, alice: AuthedUser) -> None:
        response = client.post(tasks_url("me"), json={"title": "x"}, headers=alice.headers)
        assert response.status_code == 201
        assert response.json()["user_id"] == alice.id


class TestGetTask:
    def test_returns_the_task(
        self, client: TestClient, alice: AuthedUser, create_task: CreateTask
    ) -> None:
        task = create_task(alice, "Read", tags=["books"])
        response = client.get(tasks_url(alice, f"/{task['id']}"), headers=alice.headers)
        assert response.status_code == 200
        assert response.json() == task

    def test_missing_task_is_404(self, client: TestClient, alice: AuthedUser) -> None:
        response = client.get(tasks_url(alice, "/424242"), headers=alice.headers)
        assert response.status_code == 404
        assert response.json() == {
            "detail": "Task not found",
            "code": "not_found",
            "message": "Task not found",
        }


class TestUpdateTask:
    def test_put_with_partial_body_changes_only_sent_fields(
        self, client: TestClient, alice: AuthedUser, create_task: CreateTask
    ) -> None:
        task = create_task(alice, "Old", description="keep", priority="low", tags=["a"])
        response = client.put(
            tasks_url(alice, f"/{task['id']}"), json={"title": "New"}, headers=alice.headers
        )
        assert response.status_code == 200
        body = response.json()
        assert body["title"] == "New"
        assert (body["description"], body["priority"], body["tags"]) == ("keep", "low", ["a"])
        assert parse(body["updated_at"]) > parse(task["updated_at"])
        assert body["created_at"] == task["created_at"]

    def test_patch_changes_only_sent_fields(
        self, client: TestClient, alice: AuthedUser, create_task: CreateTask
    ) -> None:
        task = create_task(alice, "Title", description="keep", due_date="2026-12-01")
        response = client.patch(
            tasks_url(alice, f"/{task['id']}"),
            json={"priority": "High", "tags": "x,y", "recurrence": "MONTHLY"},
            headers=alice.headers,
        )
        body = response.json()
        assert (body["priority"], body["tags"], body["recurrence"]) == (
            "high",
            ["x", "y"],
            "monthly",
        )
        assert (body["title"], body["description"]) == ("Title", "keep")
        assert body["due_date"] == "2026-12-01T23:59:59Z"

    def test_unknown_fields_are_ignored(
        self, client: TestClient, alice: AuthedUser, create_task: CreateTask
    ) -> None:
        task = create_task(alice, "Title")
        response = client.put(
            tasks_url(alice, f"/{task['id']}"),
            json={"title": "Renamed", "user_id": "someone-else", "id": 999, "color": "red"},
            headers=alice.headers,
        )
        assert response.status_code == 200
        assert (response.json()["id"], response.json()["user_id"]) == (task["id"], alice.id)
        assert response.json()["title"] == "Renamed"

    def test_null_clears_optional_fields(
        self, client: TestClient, alice: AuthedUser, create_task: CreateTask
    ) -> None:
        task = create_task(alice, "T", description="d", due_date="2026-12-01", tags=["a"])
        response = client.patch(
            tasks_url(alice, f"/{task['id']}"),
            json={"description": None, "due_date": None, "tags": None},
            headers=alice.headers,
        )
        body = response.json()
        assert (body["description"], body["due_date"], body["tags"]) == (None, None, [])

    def test_null_title_is_422_and_changes_nothing(
        self, client: TestClient, alice: AuthedUser, create_task: CreateTask
    ) -> None:
        task = create_task(alice, "Keep me")
        url = tasks_url(alice, f"/{task['id']}")
        response = client.put(url, json={"title": None, "priority": "high"}, headers=alice.headers)
        assert response.status_code == 422
        assert client.get(url, headers=alice.headers).json() == task

    def test_either_method_can_complete_and_reopen(
        self, client: TestClient, alice: AuthedUser, create_task: CreateTask
    ) -> None:
        task = create_task(alice)
        url = tasks_url(alice, f"/{task['id']}")
        done = client.put(url, json={"completed": True}, headers=alice.headers).json()
        assert done["completed"] is True
        assert done["completed_at"] is not None
        reopened = client.patch(url, json={"completed": False}, headers=alice.headers).json()
        assert reopened["completed"] is False
        assert reopened["completed_at"] is None

    def test_missing_task_is_404(self, client: TestClient, alice: AuthedUser) -> None:
        response = client.patch(
            tasks_url(alice, "/999"), json={"title": "x"}, headers=alice.headers
        )
        assert response.status_code == 404


class TestToggleComplete:
    def test_without_body_toggles(
        self, client: TestClient, alice: AuthedUser, create_task: CreateTask
    ) -> None:
        task = create_task(alice)
        url = tasks_url(alice, f"/{task['id']}/complete")
        first = client.patch(url, headers=alice.headers).json()
        assert first["completed"] is True
        assert first["completed_at"] is not None
        second = client.patch(url, headers=alice.headers).json()
        assert second["completed"] is False
        assert second["completed_at"] is None

    def test_body_sets_instead_of_toggling(
        self, client: TestClient, alice: AuthedUser, create_task: CreateTask
    ) -> None:
        task = create_task(alice)
        url = tasks_url(alice, f"/{task['id']}/complete")
        for _ in range(2):
            response = client.patch(url, json={"completed": True}, headers=alice.headers)
            assert response.json()["completed"] is True
        response = client.patch(url, json={"completed": False}, headers=alice.headers)
        assert response.json()["completed"] is False

    def test_missing_task_is_404(self, client: TestClient, alice: AuthedUser) -> None:
        response = client.patch(tasks_url(alice, "/999/complete"), headers=alice.headers)
        assert response.status_code == 404


class TestDeleteTask:
    def test_deletes_and_answers_200_with_a_small_json_body(
        self, client: TestClient, alice: AuthedUser, create_task: CreateTask
    ) -> None:
        # Not an empty 204: some frontends call `response.json()` on every response.
        task = create_task(alice, tags=["gone"])
        url = tasks_url(alice, f"/{task['id']}")
        response = client.delete(url, headers=alice.headers)
        assert response.status_code == 200
        assert response.json() == {"id": task["id"], "deleted": True}
        assert client.get(url, headers=alice.headers).status_code == 404
        assert client.get(f"/api/{alice.id}/tags", headers=alice.headers).json() == []

    def test_missing_task_is_404(self, client: TestClient, alice: AuthedUser) -> None:
        assert client.delete(tasks_url(alice, "/999"), headers=alice.headers).status_code == 404


class TestListTags:
    def test_counts_tasks_per_tag(
        self, client: TestClient, alice: AuthedUser, create_task: CreateTask
    ) -> None:
        create_task(alice, tags=["work", "urgent"])
        create_task(alice, tags=["work"])
        create_task(alice)
        response = client.get(f"/api/{alice.id}/tags", headers=alice.headers)
        assert response.status_code == 200
        assert response.json() == [{"name": "urgent", "count": 1}, {"name": "work", "count": 2}]


class TestTaskStats:
    def test_counts_by_state_and_priority(
        self, client: TestClient, alice: AuthedUser, create_task: CreateTask
    ) -> None:
        yesterday = (datetime.now(UTC) - timedelta(days=1)).isoformat()
        create_task(alice, priority="high", due_date=yesterday)
        create_task(alice, priority="high")
        done = create_task(alice, priority="low", due_date=yesterday)
        client.patch(tasks_url(alice, f"/{done['id']}/complete"), headers=alice.headers)
        response = client.get(tasks_url(alice, "/stats"), headers=alice.headers)
        assert response.status_code == 200
        assert response.json() == {
            "total": 3,
            "completed": 1,
            "pending": 2,
            "overdue": 1,
            "by_priority": {"low": 1, "medium": 0, "high": 2},
        }

    def test_empty_account_has_zero_counts(self, client: TestClient, alice: AuthedUser) -> None:
        body = client.get(tasks_url(alice, "/stats"), headers=alice.headers).json()
        assert body["total"] == body["overdue"] == 0
        assert body["by_priority"] == {"low": 0, "medium": 0, "high": 0}


class TestAliasWithoutUserSegment:
    def test_every_route_works_with_the_user_from_the_token(
        self, client: TestClient, alice: AuthedUser
    ) -> None:
        created = client.post(
            "/api/tasks", json={"title": "alias", "tags": "t"}, headers=alice.headers
        )
        assert created.status_code == 201
        task_id = created.json()["id"]
        listed = client.get("/api/tasks", headers=alice.headers)
        assert [task["id"] for task in listed.json()] == [task_id]
        assert listed.headers["X-Total-Count"] == "1"
        assert client.get(f"/api/tasks/{task_id}", headers=alice.headers).json()["title"] == "alias"
        put = client.put(f"/api/tasks/{task_id}", json={"title": "p"}, headers=alice.headers)
        assert put.json()["title"] == "p"
        patch = client.patch(f"/api/tasks/{task_id}", json={"title": "q"}, headers=alice.headers)
        assert patch.json()["title"] == "q"
        toggled = client.patch(f"/api/tasks/{task_id}/complete", headers=alice.headers)
        assert toggled.json()["completed"] is True
        assert client.get("/api/tasks/stats", headers=alice.headers).json()["completed"] == 1
        assert client.get("/api/tags", headers=alice.headers).json() == [{"name": "t", "count": 1}]
        assert client.delete(f"/api/tasks/{task_id}", headers=alice.headers).status_code == 200

    def test_alias_is_hidden_from_the_openapi_document(self, client: TestClient) -> None:
        paths = client.get("/openapi.json").json()["paths"]
        assert "/api/{user_id}/tasks" in paths
        assert "/api/{user_id}/tasks/stats" in paths
        assert "/api/tasks" not in paths


class TestDocumentation:
    def test_every_task_operation_is_documented(self, client: TestClient) -> None:
        paths = client.get("/openapi.json").json()["paths"]
        operations = [
            (path, method, operation)
            for path, item in paths.items()
            if path.startswith("/api/{user_id}/ta")
            for method, operation in item.items()
        ]
        assert len(operations) == 9
        for path, method, operation in operations:
            assert operation["summary"], (path, method)
            assert operation["description"], (path, method)
            assert {"401", "403", "422"} <= set(operation["responses"]), (path, method)
            if "{task_id}" in path:
                assert "404" in operation["responses"], (path, method)
