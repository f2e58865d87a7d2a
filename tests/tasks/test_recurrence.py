"""Recurrence: next-date math (pure) and completing recurring tasks through every path."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from backend.tasks.fields import Recurrence
from backend.tasks.recurrence import add_month, next_due
from tests.conftest import AuthedUser
from tests.tasks.conftest import CreateTask, tasks_url


def at(year: int, month: int, day: int, hour: int = 9) -> datetime:
    """A UTC moment."""
    return datetime(year, month, day, hour, 30, tzinfo=UTC)


class TestNextDue:
    @pytest.mark.parametrize(
        ("due", "recurrence", "expected"),
        [
            (at(2026, 3, 10), Recurrence.daily, at(2026, 3, 11)),
            (at(2026, 12, 31), Recurrence.daily, at(2027, 1, 1)),
            (at(2028, 2, 28), Recurrence.daily, at(2028, 2, 29)),
            (at(2027, 2, 28), Recurrence.daily, at(2027, 3, 1)),
            (at(2026, 3, 10), Recurrence.weekly, at(2026, 3, 17)),
            (at(2026, 12, 29), Recurrence.weekly, at(2027, 1, 5)),
            (at(2028, 2, 26), Recurrence.weekly, at(2028, 3, 4)),
            (at(2026, 3, 10), Recurrence.monthly, at(2026, 4, 10)),
            (at(2026, 1, 31), Recurrence.monthly, at(2026, 2, 28)),
            (at(2028, 1, 31), Recurrence.monthly, at(2028, 2, 29)),
            (at(2026, 3, 31), Recurrence.monthly, at(2026, 4, 30)),
            (at(2026, 5, 31), Recurrence.monthly, at(2026, 6, 30)),
            (at(2026, 8, 31), Recurrence.monthly, at(2026, 9, 30)),
            (at(2026, 12, 31), Recurrence.monthly, at(2027, 1, 31)),
            (at(2026, 12, 15), Recurrence.monthly, at(2027, 1, 15)),
            (at(2028, 2, 29), Recurrence.monthly, at(2028, 3, 29)),
        ],
    )
    def test_next_date(self, due: datetime, recurrence: Recurrence, expected: datetime) -> None:
        assert next_due(due, recurrence) == expected

    @pytest.mark.parametrize(
        ("due", "anchor_day", "expected"),
        [
            (at(2026, 2, 28), 31, at(2026, 3, 31)),
            (at(2026, 2, 28), 30, at(2026, 3, 30)),
            (at(2028, 2, 29), 31, at(2028, 3, 31)),
            (at(2026, 4, 30), 31, at(2026, 5, 31)),
            (at(2026, 3, 31), 31, at(2026, 4, 30)),
            (at(2027, 1, 31), 31, at(2027, 2, 28)),
            (at(2026, 2, 28), 28, at(2026, 3, 28)),
        ],
    )
    def test_monthly_returns_to_its_anchor_day(
        self, due: datetime, anchor_day: int, expected: datetime
    ) -> None:
        assert next_due(due, Recurrence.monthly, anchor_day) == expected

    def test_anchor_day_does_not_change_daily_or_weekly(self) -> None:
        assert next_due(at(2026, 2, 28), Recurrence.daily, 31) == at(2026, 3, 1)
        assert next_due(at(2026, 2, 28), Recurrence.weekly, 31) == at(2026, 3, 7)

    def test_time_of_day_and_zone_are_kept(self) -> None:
        due = datetime(2026, 1, 31, 23, 59, 59, tzinfo=UTC)
        assert add_month(due) == datetime(2026, 2, 28, 23, 59, 59, tzinfo=UTC)

    @pytest.mark.parametrize("recurrence", [Recurrence.daily, Recurrence.monthly])
    def test_series_ends_at_the_last_representable_date(self, recurrence: Recurrence) -> None:
        assert next_due(datetime(9999, 12, 31, 12, tzinfo=UTC), recurrence) is None

    def test_none_has_no_next_occurrence(self) -> None:
        with pytest.raises(ValueError, match="no next occurrence"):
            next_due(at(2026, 1, 1), Recurrence.none)


def all_tasks(client: TestClient, user: AuthedUser) -> list[dict[str, Any]]:
    """Every task of the user, oldest first."""
    params = {"sort": "created_at", "order": "asc", "limit": 100}
    return list(client.get(tasks_url(user), params=params, headers=user.headers).json())


class TestCompletingRecurringTasks:
    @pytest.mark.parametrize(
        ("recurrence", "due", "next_due_date"),
        [
            ("daily", "2026-03-10T09:00:00Z", "2026-03-11T09:00:00Z"),
            ("weekly", "2026-03-10T09:00:00Z", "2026-03-17T09:00:00Z"),
            ("monthly", "2026-01-31", "2026-02-28T23:59:59Z"),
        ],
    )
    def test_toggle_schedules_the_next_occurrence(
        self,
        client: TestClient,
        alice: AuthedUser,
        create_task: CreateTask,
        recurrence: str,
        due: str,
        next_due_date: str,
    ) -> None:
        task = create_task(
            alice,
            "Water plants",
            description="balcony",
            priority="high",
            tags=["home"],
            recurrence=recurrence,
            due_date=due,
        )
        done = client.patch(tasks_url(alice, f"/{task['id']}/complete"), headers=alice.headers)
        assert done.json()["completed"] is True
        original, following = all_tasks(client, alice)
        assert original["id"] == task["id"]
        assert original["completed"] is True
        assert following["completed"] is False
        assert following["due_date"] == next_due_date
        for field in ("title", "description", "priority", "tags", "recurrence"):
            assert following[field] == task[field]

    @pytest.mark.parametrize(
        ("method", "suffix", "body"),
        [
            ("PATCH", "/complete", {"completed": True}),
            ("PUT", "", {"completed": True}),
            ("PATCH", "", {"completed": True, "title": "Renamed"}),
        ],
    )
    def test_every_completing_path_schedules_the_next(
        self,
        client: TestClient,
        alice: AuthedUser,
        create_task: CreateTask,
        method: str,
        suffix: str,
        body: dict[str, Any],
    ) -> None:
        task = create_task(alice, "Standup", recurrence="daily", due_date="2026-03-10T09:00:00Z")
        url = tasks_url(alice, f"/{task['id']}{suffix}")
        assert client.request(method, url, json=body, headers=alice.headers).status_code == 200
        tasks = all_tasks(client, alice)
        assert [t["completed"] for t in tasks] == [True, False]
        assert tasks[1]["due_date"] == "2026-03-11T09:00:00Z"
        assert tasks[1]["title"] == body.get("title", "Standup")

    def test_uncompleting_and_recompleting_a_done_task_adds_no_extra(
        self, client: TestClient, alice: AuthedUser, create_task: CreateTask
    ) -> None:
        task = create_task(alice, "Gym", recurrence="weekly", due_date="2026-03-10")
        url = tasks_url(alice, f"/{task['id']}/complete")
        client.patch(url, headers=alice.headers)
        scheduled = all_tasks(client, alice)
        assert len(scheduled) == 2
        reopened = client.patch(url, headers=alice.headers)
        assert reopened.json()["completed"] is False
        assert len(all_tasks(client, alice)) == 2
        client.patch(url, json={"completed": True}, headers=alice.headers)
        client.patch(url, headers=alice.headers)
        client.patch(url, json={"completed": True}, headers=alice.headers)
        client.put(
            tasks_url(alice, f"/{task['id']}"), json={"completed": False}, headers=alice.headers
        )
        client.put(
            tasks_url(alice, f"/{task['id']}"), json={"completed": True}, headers=alice.headers
        )
        tasks = all_tasks(client, alice)
        assert [t["id"] for t in tasks] == [t["id"] for t in scheduled]
        assert [t["completed"] for t in tasks] == [True, False]

    def test_completing_the_next_occurrence_continues_the_series(
        self, client: TestClient, alice: AuthedUser, create_task: CreateTask
    ) -> None:
        task = create_task(alice, "Gym", recurrence="weekly", due_date="2026-03-10T09:00:00Z")
        client.patch(tasks_url(alice, f"/{task['id']}/complete"), headers=alice.headers)
        second = all_tasks(client, alice)[1]
        client.patch(tasks_url(alice, f"/{second['id']}/complete"), headers=alice.headers)
        client.patch(tasks_url(alice, f"/{task['id']}/complete"), headers=alice.headers)
        client.patch(tasks_url(alice, f"/{task['id']}/complete"), headers=alice.headers)
        tasks = all_tasks(client, alice)
        assert [t["due_date"] for t in tasks] == [
            "2026-03-10T09:00:00Z",
            "2026-03-17T09:00:00Z",
            "2026-03-24T09:00:00Z",
        ]
        assert [t["completed"] for t in tasks] == [True, True, False]

    def test_deleting_the_scheduled_occurrence_keeps_the_original(
        self, client: TestClient, alice: AuthedUser, create_task: CreateTask
    ) -> None:
        task = create_task(alice, "Gym", recurrence="weekly", due_date="2026-03-10T09:00:00Z")
        url = tasks_url(alice, f"/{task['id']}/complete")
        client.patch(url, headers=alice.headers)
        following = all_tasks(client, alice)[1]
        deleted = client.delete(tasks_url(alice, f"/{following['id']}"), headers=alice.headers)
        assert deleted.status_code == 200
        assert client.get(tasks_url(alice, f"/{task['id']}"), headers=alice.headers).json()[
            "completed"
        ]
        client.patch(url, headers=alice.headers)
        client.patch(url, headers=alice.headers)
        tasks = all_tasks(client, alice)
        assert [t["completed"] for t in tasks] == [True, False]
        assert tasks[1]["due_date"] == "2026-03-17T09:00:00Z"

    @pytest.mark.parametrize(
        ("first_due", "expected"),
        [
            (
                "2026-01-31T08:00:00Z",
                ["2026-02-28T08:00:00Z", "2026-03-31T08:00:00Z", "2026-04-30T08:00:00Z"],
            ),
            (
                "2028-01-31T08:00:00Z",
                ["2028-02-29T08:00:00Z", "2028-03-31T08:00:00Z", "2028-04-30T08:00:00Z"],
            ),
            (
                "2026-01-30T08:00:00Z",
                ["2026-02-28T08:00:00Z", "2026-03-30T08:00:00Z", "2026-04-30T08:00:00Z"],
            ),
            (
                "2027-12-31T08:00:00Z",
                ["2028-01-31T08:00:00Z", "2028-02-29T08:00:00Z", "2028-03-31T08:00:00Z"],
            ),
        ],
    )
    def test_monthly_series_keeps_its_day_through_short_months(
        self,
        client: TestClient,
        alice: AuthedUser,
        create_task: CreateTask,
        first_due: str,
        expected: list[str],
    ) -> None:
        task = create_task(alice, "Pay rent", recurrence="monthly", due_date=first_due)
        current = task
        for _ in expected:
            client.patch(tasks_url(alice, f"/{current['id']}/complete"), headers=alice.headers)
            current = all_tasks(client, alice)[-1]
        assert [t["due_date"] for t in all_tasks(client, alice)[1:]] == expected

    def test_resending_the_same_due_date_keeps_the_anchor(
        self, client: TestClient, alice: AuthedUser, create_task: CreateTask
    ) -> None:
        task = create_task(alice, "Pay rent", recurrence="monthly", due_date="2026-01-31")
        client.patch(tasks_url(alice, f"/{task['id']}/complete"), headers=alice.headers)
        february = all_tasks(client, alice)[1]
        url = tasks_url(alice, f"/{february['id']}")
        resent = {k: february[k] for k in ("title", "due_date", "recurrence", "priority")}
        assert client.put(url, json=resent, headers=alice.headers).status_code == 200
        client.patch(f"{url}/complete", headers=alice.headers)
        assert all_tasks(client, alice)[2]["due_date"] == "2026-03-31T23:59:59Z"

    def test_a_new_due_date_moves_the_anchor(
        self, client: TestClient, alice: AuthedUser, create_task: CreateTask
    ) -> None:
        task = create_task(alice, "Pay rent", recurrence="monthly", due_date="2026-01-31")
        url = tasks_url(alice, f"/{task['id']}")
        client.patch(url, json={"due_date": "2026-02-28"}, headers=alice.headers)
        client.patch(f"{url}/complete", headers=alice.headers)
        march = all_tasks(client, alice)[1]
        client.patch(tasks_url(alice, f"/{march['id']}/complete"), headers=alice.headers)
        due_dates = [t["due_date"] for t in all_tasks(client, alice)]
        assert due_dates == ["2026-02-28T23:59:59Z", "2026-03-28T23:59:59Z", "2026-04-28T23:59:59Z"]

    def test_non_recurring_task_schedules_nothing(
        self, client: TestClient, alice: AuthedUser, create_task: CreateTask
    ) -> None:
        task = create_task(alice, "Once", due_date="2026-03-10")
        client.patch(tasks_url(alice, f"/{task['id']}/complete"), headers=alice.headers)
        assert len(all_tasks(client, alice)) == 1

    def test_without_due_date_the_next_is_due_a_period_after_completion(
        self, client: TestClient, alice: AuthedUser, create_task: CreateTask
    ) -> None:
        task = create_task(alice, "Stretch", recurrence="daily")
        done = client.patch(tasks_url(alice, f"/{task['id']}/complete"), headers=alice.headers)
        completed_at = datetime.fromisoformat(done.json()["completed_at"])
        following = all_tasks(client, alice)[1]
        assert datetime.fromisoformat(following["due_date"]) == completed_at + timedelta(days=1)

    def test_series_ends_quietly_at_the_end_of_the_calendar(
        self, client: TestClient, alice: AuthedUser, create_task: CreateTask
    ) -> None:
        task = create_task(alice, "Forever", recurrence="daily", due_date="9999-12-31")
        done = client.patch(tasks_url(alice, f"/{task['id']}/complete"), headers=alice.headers)
        assert done.status_code == 200
        assert len(all_tasks(client, alice)) == 1
