"""`GET /tasks`: every filter, every sort, synonyms, paging across ties, `X-Total-Count`."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update
from sqlmodel import Session

from backend.tasks.models import Task
from tests.conftest import AuthedUser
from tests.tasks.conftest import CreateTask, tasks_url


def listed(client: TestClient, user: AuthedUser, params: Any = None) -> tuple[list[str], int]:
    """Titles of the listed tasks, in order, and the `X-Total-Count` header."""
    response = client.get(tasks_url(user), params=params, headers=user.headers)
    assert response.status_code == 200, response.text
    return [task["title"] for task in response.json()], int(response.headers["X-Total-Count"])


def complete(client: TestClient, user: AuthedUser, task: dict[str, Any]) -> None:
    """Mark a task completed through the API."""
    response = client.patch(tasks_url(user, f"/{task['id']}/complete"), headers=user.headers)
    assert response.json()["completed"] is True


class TestListFilters:
    def test_returns_own_tasks_newest_first_with_total(
        self, client: TestClient, alice: AuthedUser, create_task: CreateTask
    ) -> None:
        for title in ("one", "two", "three"):
            create_task(alice, title)
        assert listed(client, alice) == (["three", "two", "one"], 3)

    def test_empty_list(self, client: TestClient, alice: AuthedUser) -> None:
        assert listed(client, alice) == ([], 0)

    @pytest.mark.parametrize(
        ("status", "expected"),
        [
            ("all", ["done", "open"]),
            ("pending", ["open"]),
            ("completed", ["done"]),
            ("incomplete", ["open"]),
            ("active", ["open"]),
            ("Completed", ["done"]),
        ],
    )
    def test_status_and_its_synonyms(
        self,
        client: TestClient,
        alice: AuthedUser,
        create_task: CreateTask,
        status: str,
        expected: list[str],
    ) -> None:
        create_task(alice, "open")
        complete(client, alice, create_task(alice, "done"))
        titles, total = listed(client, alice, {"status": status, "sort": "title", "order": "asc"})
        assert (titles, total) == (expected, len(expected))

    def test_priority_in_any_case(
        self, client: TestClient, alice: AuthedUser, create_task: CreateTask
    ) -> None:
        create_task(alice, "hi", priority="high")
        create_task(alice, "lo", priority="low")
        assert listed(client, alice, {"priority": "HIGH"}) == (["hi"], 1)

    def test_repeated_tag_requires_every_tag(
        self, client: TestClient, alice: AuthedUser, create_task: CreateTask
    ) -> None:
        create_task(alice, "both", tags=["work", "urgent"])
        create_task(alice, "work only", tags=["work"])
        create_task(alice, "none")
        assert listed(client, alice, [("tag", "work"), ("tag", "urgent")]) == (["both"], 1)
        assert listed(client, alice, {"tag": "WORK", "sort": "title", "order": "asc"}) == (
            ["both", "work only"],
            2,
        )

    def test_comma_separated_tags_synonym(
        self, client: TestClient, alice: AuthedUser, create_task: CreateTask
    ) -> None:
        create_task(alice, "both", tags=["work", "urgent"])
        create_task(alice, "work only", tags=["work"])
        assert listed(client, alice, {"tags": "work,urgent"}) == (["both"], 1)

    def test_unknown_tag_matches_nothing(
        self, client: TestClient, alice: AuthedUser, create_task: CreateTask
    ) -> None:
        create_task(alice, "x", tags=["work"])
        assert listed(client, alice, {"tag": "play"}) == ([], 0)

    def test_q_searches_title_and_description_case_insensitively(
        self, client: TestClient, alice: AuthedUser, create_task: CreateTask
    ) -> None:
        create_task(alice, "Call the Bank")
        create_task(alice, "Groceries", description="milk from the BANKSIDE shop")
        create_task(alice, "Unrelated")
        titles, total = listed(client, alice, {"q": "bAnK", "sort": "title", "order": "asc"})
        assert (titles, total) == (["Call the Bank", "Groceries"], 2)

    def test_q_folds_non_ascii_case_on_both_databases(
        self, client: TestClient, alice: AuthedUser, create_task: CreateTask
    ) -> None:
        create_task(alice, "ÉCOLE Straße")
        assert listed(client, alice, {"q": "école"}) == (["ÉCOLE Straße"], 1)
        assert listed(client, alice, {"q": "STRASSE"}) == (["ÉCOLE Straße"], 1)

    def test_q_follows_edits(
        self, client: TestClient, alice: AuthedUser, create_task: CreateTask
    ) -> None:
        task = create_task(alice, "Old name", description="old notes")
        client.patch(
            tasks_url(alice, f"/{task['id']}"),
            json={"title": "Fresh name", "description": None},
            headers=alice.headers,
        )
        assert listed(client, alice, {"q": "old"}) == ([], 0)
        assert listed(client, alice, {"q": "fresh"}) == (["Fresh name"], 1)

    def test_q_wildcards_are_literal(
        self, client: TestClient, alice: AuthedUser, create_task: CreateTask
    ) -> None:
        create_task(alice, "100% done")
        create_task(alice, "1000 things")
        create_task(alice, "snake_case")
        create_task(alice, "snakeXcase")
        assert listed(client, alice, {"q": "100%"}) == (["100% done"], 1)
        assert listed(client, alice, {"q": "snake_"}) == (["snake_case"], 1)
        assert listed(client, alice, {"q": "\\"}) == ([], 0)

    def test_due_before_and_after_are_inclusive(
        self, client: TestClient, alice: AuthedUser, create_task: CreateTask
    ) -> None:
        create_task(alice, "nov", due_date="2026-11-30T12:00:00Z")
        create_task(alice, "dec", due_date="2026-12-01T12:00:00Z")
        create_task(alice, "undated")
        assert listed(client, alice, {"due_before": "2026-11-30"}) == (["nov"], 1)
        assert listed(client, alice, {"due_after": "2026-12-01T12:00:00Z"}) == (["dec"], 1)
        window = {"due_after": "2026-11-01T00:00:00", "due_before": "2026-12-31"}
        assert listed(client, alice, {**window, "sort": "due_date", "order": "asc"}) == (
            ["nov", "dec"],
            2,
        )

    def test_date_only_due_after_starts_at_the_beginning_of_that_day(
        self, client: TestClient, alice: AuthedUser, create_task: CreateTask
    ) -> None:
        create_task(alice, "nov last", due_date="2026-11-30T23:59:59Z")
        create_task(alice, "dec early", due_date="2026-12-01T00:00:00Z")
        create_task(alice, "dec noon", due_date="2026-12-01T10:00:00Z")
        create_task(alice, "dec end", due_date="2026-12-01")
        order = {"sort": "due_date", "order": "asc"}
        assert listed(client, alice, {"due_after": "2026-12-01", **order}) == (
            ["dec early", "dec noon", "dec end"],
            3,
        )
        assert listed(client, alice, {"due_before": "2026-11-30", **order}) == (["nov last"], 1)
        one_day = {"due_after": "2026-12-01", "due_before": "2026-12-01", **order}
        assert listed(client, alice, one_day) == (["dec early", "dec noon", "dec end"], 3)

    def test_overdue_means_pending_and_past_due(
        self, client: TestClient, alice: AuthedUser, create_task: CreateTask
    ) -> None:
        past = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
        future = (datetime.now(UTC) + timedelta(days=1)).isoformat()
        create_task(alice, "late", due_date=past)
        complete(client, alice, create_task(alice, "late but done", due_date=past))
        create_task(alice, "future", due_date=future)
        create_task(alice, "undated")
        assert listed(client, alice, {"overdue": "true"}) == (["late"], 1)
        titles, total = listed(client, alice, {"overdue": "false", "sort": "title"})
        assert (titles, total) == (["undated", "late but done", "future"], 3)


class TestListSort:
    @pytest.fixture
    def three(self, client: TestClient, alice: AuthedUser, create_task: CreateTask) -> None:
        """Three tasks whose titles, priorities and due dates sort differently."""
        create_task(alice, "banana", priority="low", due_date="2026-12-03")
        create_task(alice, "Apple", priority="high")
        create_task(alice, "cherry", priority="medium", due_date="2026-12-01")

    @pytest.mark.parametrize(
        ("params", "expected"),
        [
            ({}, ["cherry", "Apple", "banana"]),
            ({"sort": "created_at", "order": "asc"}, ["banana", "Apple", "cherry"]),
            ({"sort": "title", "order": "asc"}, ["Apple", "banana", "cherry"]),
            ({"sort": "title", "order": "desc"}, ["cherry", "banana", "Apple"]),
            ({"sort": "priority", "order": "desc"}, ["Apple", "cherry", "banana"]),
            ({"sort": "priority", "order": "asc"}, ["banana", "cherry", "Apple"]),
            ({"sort": "due_date", "order": "asc"}, ["cherry", "banana", "Apple"]),
            ({"sort": "due_date", "order": "desc"}, ["banana", "cherry", "Apple"]),
            ({"sort_by": "Title", "order": "ASC"}, ["Apple", "banana", "cherry"]),
        ],
    )
    def test_sorts(
        self,
        client: TestClient,
        alice: AuthedUser,
        three: None,
        params: dict[str, str],
        expected: list[str],
    ) -> None:
        assert listed(client, alice, params) == (expected, 3)

    def test_updated_at_sort_follows_the_last_change(
        self, client: TestClient, alice: AuthedUser, create_task: CreateTask
    ) -> None:
        first = create_task(alice, "first")
        create_task(alice, "second")
        client.patch(
            tasks_url(alice, f"/{first['id']}"), json={"priority": "low"}, headers=alice.headers
        )
        assert listed(client, alice, {"sort": "updated_at"}) == (["first", "second"], 2)


class TestListPaging:
    def test_limit_and_offset_with_total(
        self, client: TestClient, alice: AuthedUser, create_task: CreateTask
    ) -> None:
        for number in range(5):
            create_task(alice, f"t{number}")
        params = {"sort": "title", "order": "asc", "limit": 2}
        assert listed(client, alice, {**params, "offset": 0}) == (["t0", "t1"], 5)
        assert listed(client, alice, {**params, "offset": 4}) == (["t4"], 5)
        assert listed(client, alice, {**params, "offset": 10}) == ([], 5)

    def test_default_page_is_50(
        self, client: TestClient, alice: AuthedUser, session: Session
    ) -> None:
        session.add_all(Task(user_id=alice.id, title=f"t{n}") for n in range(60))
        session.commit()
        titles, total = listed(client, alice)
        assert (len(titles), total) == (50, 60)

    @pytest.mark.parametrize("sort", ["created_at", "updated_at", "priority", "due_date", "title"])
    @pytest.mark.parametrize("order", ["asc", "desc"])
    def test_paging_across_ties_never_repeats_or_skips(
        self, client: TestClient, alice: AuthedUser, session: Session, sort: str, order: str
    ) -> None:
        session.add_all(Task(user_id=alice.id, title="same") for _ in range(7))
        session.commit()
        # Every sort key equal: only the id tie-break decides the order.
        moment = datetime(2026, 1, 1, tzinfo=UTC)
        session.execute(
            update(Task)
            .where(Task.user_id == alice.id)  # type: ignore[arg-type]
            .values(created_at=moment, updated_at=moment, due_date=moment)
        )
        session.commit()
        seen: list[int] = []
        for offset in range(0, 7, 3):
            response = client.get(
                tasks_url(alice),
                params={"sort": sort, "order": order, "limit": 3, "offset": offset},
                headers=alice.headers,
            )
            seen += [task["id"] for task in response.json()]
        assert len(seen) == len(set(seen)) == 7
        assert seen == sorted(seen, reverse=order == "desc")
