"""Bad task input gets a clear 422 and changes nothing, on both databases."""

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import AuthedUser
from tests.tasks.conftest import CreateTask, tasks_url

INVALID_BODIES = [
    pytest.param({}, id="missing-title"),
    pytest.param({"title": ""}, id="empty-title"),
    pytest.param({"title": "   "}, id="blank-title"),
    pytest.param({"title": "x" * 201}, id="title-201"),
    pytest.param({"title": "x" * 10_000}, id="title-10000"),
    pytest.param({"title": "a\x00b"}, id="nul-in-title"),
    pytest.param({"title": "x", "description": "a\x00b"}, id="nul-in-description"),
    pytest.param({"title": "x", "description": "d" * 2001}, id="description-2001"),
    pytest.param({"title": "x", "priority": "urgent"}, id="unknown-priority"),
    pytest.param({"title": "x", "priority": "hi\x00gh"}, id="nul-in-priority"),
    pytest.param({"title": "x", "recurrence": "yearly"}, id="unknown-recurrence"),
    pytest.param({"title": "x", "tags": [f"t{n}" for n in range(11)]}, id="eleven-tags"),
    pytest.param({"title": "x", "tags": ["t"] * 11}, id="eleven-tags-before-deduplication"),
    pytest.param({"title": "x", "tags": ["y" * 31]}, id="tag-31-chars"),
    pytest.param({"title": "x", "tags": ["  "]}, id="blank-tag"),
    pytest.param({"title": "x", "tags": ["a\x00"]}, id="nul-in-tag"),
    pytest.param({"title": "x", "tags": [1, 2]}, id="non-string-tags"),
    pytest.param({"title": "x", "tags": [{"color": "red"}]}, id="tag-object-without-name"),
    pytest.param({"title": "x", "tags": [{"name": 5}]}, id="tag-object-number-name"),
    pytest.param({"title": "x", "tags": [{"name": "y" * 31}]}, id="tag-object-name-31-chars"),
    pytest.param({"title": "x", "due_date": "next tuesday"}, id="unparseable-due-date"),
    pytest.param({"title": "x", "due_date": "2026-02-30"}, id="impossible-date"),
    pytest.param({"title": "x", "due_date": "2026-12-01\x00"}, id="nul-in-due-date"),
    pytest.param({"title": "x", "due_date": "0001-01-01T00:00:00+05:00"}, id="before-year-1"),
    pytest.param({"title": "x", "due_date": "9999-12-31T23:00:00-05:00"}, id="after-year-9999"),
    pytest.param({"title": ["x"]}, id="title-wrong-type"),
    # Numbers were read as seconds since 1970 (`123` stored as 1970-01-01T00:02:03Z).
    pytest.param({"title": "x", "due_date": 123}, id="due-date-number"),
    pytest.param({"title": "x", "due_date": "123"}, id="due-date-numeric-string"),
    pytest.param({"title": "x", "due_date": 1.7e9}, id="due-date-float"),
    pytest.param({"title": "x", "dueDate": 20261201}, id="due-date-camel-number"),
    # Titles that render as nothing.
    pytest.param({"title": "\u200b"}, id="zero-width-space-title"),
    pytest.param({"title": " \u200b\u200d\ufeff\u2060 "}, id="invisible-title"),
    pytest.param({"title": "\u3164\u00ad"}, id="blank-letter-title"),
    pytest.param({"title": "x", "completed": 1}, id="completed-as-a-number"),
    pytest.param({"title": "x", "completed": "true"}, id="completed-as-a-string"),
]


class TestCreateValidation:
    @pytest.mark.parametrize("payload", INVALID_BODIES)
    def test_invalid_body_is_422_and_creates_nothing(
        self, client: TestClient, alice: AuthedUser, payload: dict[str, Any]
    ) -> None:
        response = client.post(tasks_url(alice), json=payload, headers=alice.headers)
        assert response.status_code == 422
        body = response.json()
        assert body["code"] == "validation_error"
        assert isinstance(body["detail"], list)
        assert isinstance(body["message"], str)
        assert client.get(tasks_url(alice), headers=alice.headers).headers["X-Total-Count"] == "0"

    def test_malformed_json_is_422(self, client: TestClient, alice: AuthedUser) -> None:
        response = client.post(
            tasks_url(alice),
            content=b'{"title": ',
            headers={**alice.headers, "Content-Type": "application/json"},
        )
        assert response.status_code == 422

    def test_ten_tags_of_thirty_chars_are_fine(self, client: TestClient, alice: AuthedUser) -> None:
        tags = [f"{n}".ljust(30, "x") for n in range(10)]
        response = client.post(
            tasks_url(alice), json={"title": "x", "tags": tags}, headers=alice.headers
        )
        assert response.status_code == 201
        assert len(response.json()["tags"]) == 10


class TestUpdateValidation:
    @pytest.mark.parametrize("method", ["put", "patch"])
    @pytest.mark.parametrize(
        "payload",
        [
            {"title": ""},
            {"title": "x" * 10_000},
            {"title": "ok\x00"},
            {"description": "\x00"},
            {"priority": None},
            {"completed": None},
            {"priority": "critical"},
            {"tags": ["z" * 31]},
            {"due_date": 123},
            {"due_date": "1700000000"},
            {"title": "\u200b"},
        ],
    )
    def test_invalid_update_is_422_and_changes_nothing(
        self,
        client: TestClient,
        alice: AuthedUser,
        create_task: CreateTask,
        method: str,
        payload: dict[str, Any],
    ) -> None:
        task = create_task(alice, "original", tags=["keep"])
        url = tasks_url(alice, f"/{task['id']}")
        response = client.request(method.upper(), url, json=payload, headers=alice.headers)
        assert response.status_code == 422
        assert client.get(url, headers=alice.headers).json() == task

    @pytest.mark.parametrize("method", ["PUT", "PATCH"])
    def test_null_recurrence_stops_the_repeat(
        self, client: TestClient, alice: AuthedUser, create_task: CreateTask, method: str
    ) -> None:
        task = create_task(alice, "Gym", recurrence="weekly", due_date="2026-12-01")
        url = tasks_url(alice, f"/{task['id']}")
        payload = {"title": "Gym", "recurrence_pattern": None}  # an edit form, repeat cleared
        response = client.request(method, url, json=payload, headers=alice.headers)
        assert response.status_code == 200
        assert response.json()["recurrence"] == "none"
        assert client.get(url, headers=alice.headers).json()["recurrence"] == "none"

    def test_tags_as_objects_with_a_name(self, client: TestClient, alice: AuthedUser) -> None:
        tags = [{"name": "Work", "color": "#f00"}, {"id": 7, "name": " home "}, "work"]
        payload = {"title": "x", "tags": tags}
        response = client.post(tasks_url(alice), json=payload, headers=alice.headers)
        assert response.status_code == 201
        assert response.json()["tags"] == ["home", "work"]

    def test_complete_with_non_boolean_is_422(
        self, client: TestClient, alice: AuthedUser, create_task: CreateTask
    ) -> None:
        task = create_task(alice)
        url = tasks_url(alice, f"/{task['id']}/complete")
        response = client.patch(url, json={"completed": "maybe"}, headers=alice.headers)
        assert response.status_code == 422

    @pytest.mark.parametrize("task_id", ["0", "01", "007", "2147483648", "99999999999999999999"])
    def test_bad_task_id_is_422(self, client: TestClient, alice: AuthedUser, task_id: str) -> None:
        response = client.get(tasks_url(alice, f"/{task_id}"), headers=alice.headers)
        assert response.status_code == 422
        assert response.json()["detail"][0]["loc"] == ["path", "task_id"]

    @pytest.mark.parametrize(
        "spelling", ["{id}.0", "+{id}", "0_{id}", "%20{id}", "{id}%20", "-{id}", "{id}e0"]
    )
    @pytest.mark.parametrize("method", ["GET", "PUT", "PATCH", "DELETE"])
    def test_lenient_spellings_of_an_id_name_no_task(
        self,
        client: TestClient,
        alice: AuthedUser,
        create_task: CreateTask,
        spelling: str,
        method: str,
    ) -> None:
        # Once read as the task itself (`1.0`, `+1`, `%201` were task 1, `1_0` task 10).
        task = create_task(alice, "kept")
        url = tasks_url(alice, "/" + spelling.format(id=task["id"]))
        response = client.request(method, url, json={"title": "changed"}, headers=alice.headers)
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"
        assert client.get(tasks_url(alice, f"/{task['id']}"), headers=alice.headers).json() == task

    @pytest.mark.parametrize("word", ["abc", "overdue", "today", "search"])
    def test_a_word_in_the_id_place_is_404(
        self, client: TestClient, alice: AuthedUser, word: str
    ) -> None:
        for url in (tasks_url(alice, f"/{word}"), f"/api/tasks/{word}"):
            assert client.get(url, headers=alice.headers).status_code == 404


class TestListValidation:
    @pytest.mark.parametrize(
        "params",
        [
            {"limit": "0"},
            {"limit": "101"},
            {"offset": "-1"},
            {"offset": "99999999999999999999"},
            {"status": "done"},
            {"priority": "urgent"},
            {"sort": "color"},
            {"sort_by": "color"},
            {"order": "sideways"},
            {"overdue": "perhaps"},
            {"due_before": "soon"},
            {"due_after": "2026-13-01"},
            {"due_before": "0001-01-01T00:00:00+05:00"},
            {"q": "a\x00b"},
            {"q": "x" * 201},
            {"tag": "a\x00"},
            {"tags": "ok,b\x00"},
            {"tag": "t" * 31},
            {"due_before": "123"},
            {"due_after": "1700000000.5"},
            {"sort": "createdOn"},
            {"search": "a\x00b"},
        ],
    )
    def test_unknown_or_bad_values_are_422(
        self, client: TestClient, alice: AuthedUser, params: dict[str, str]
    ) -> None:
        response = client.get(tasks_url(alice), params=params, headers=alice.headers)
        assert response.status_code == 422
        assert response.json()["code"] == "validation_error"
        assert response.json()["detail"][0]["loc"][0] == "query"

    @pytest.mark.parametrize("limit", ["1", "100"])
    def test_limit_bounds_are_accepted(
        self, client: TestClient, alice: AuthedUser, limit: str
    ) -> None:
        response = client.get(tasks_url(alice), params={"limit": limit}, headers=alice.headers)
        assert response.status_code == 200
