"""Concurrent writes to one task through the real app: no 500, no warning, one winner."""

import warnings
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from threading import Barrier
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.exc import SAWarning

from tests.conftest import AuthedUser
from tests.tasks.conftest import CreateTask, tasks_url

ROUNDS = 5


def race(calls: list[Callable[[], int]]) -> list[int]:
    """Start every call at the same moment (one thread each); their status codes, in order."""
    barrier = Barrier(len(calls))

    def run(call: Callable[[], int]) -> int:
        barrier.wait()
        return call()

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(run, calls))


def request(
    client: TestClient, user: AuthedUser, method: str, url: str, **kw: Any
) -> Callable[[], int]:
    """A deferred request answering its status code."""
    return lambda: client.request(method, url, headers=user.headers, **kw).status_code


class TestConcurrentDeletes:
    def test_one_delete_wins_the_others_are_404_without_warnings(
        self, client: TestClient, alice: AuthedUser, create_task: CreateTask
    ) -> None:
        for _ in range(ROUNDS):
            task = create_task(alice, "Contested", tags=["a", "b"])
            url = tasks_url(alice, f"/{task['id']}")
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                statuses = race([request(client, alice, "DELETE", url) for _ in range(6)])
            assert sorted(statuses) == [200] + [404] * 5
            assert [w for w in caught if issubclass(w.category, SAWarning)] == []
            assert client.get(url, headers=alice.headers).status_code == 404


class TestUpdatesRacingADelete:
    @pytest.mark.parametrize(
        ("method", "suffix", "body"),
        [
            ("PUT", "", {"tags": ["q"]}),
            ("PATCH", "", {"title": "Renamed", "completed": True}),
            ("PATCH", "/complete", None),
        ],
    )
    def test_a_write_losing_to_a_delete_is_404_never_500(
        self,
        client: TestClient,
        alice: AuthedUser,
        create_task: CreateTask,
        method: str,
        suffix: str,
        body: dict[str, Any] | None,
    ) -> None:
        for _ in range(ROUNDS):
            task = create_task(alice, "Contested", recurrence="daily", due_date="2026-03-10")
            url = tasks_url(alice, f"/{task['id']}")
            writes = [request(client, alice, method, url + suffix, json=body) for _ in range(5)]
            statuses = race([request(client, alice, "DELETE", url), *writes])
            assert statuses[0] == 200
            assert set(statuses[1:]) <= {200, 404}
            assert client.get(url, headers=alice.headers).status_code == 404


class TestConcurrentUpdates:
    def test_same_tags_sent_at_once_all_succeed(
        self, client: TestClient, alice: AuthedUser, create_task: CreateTask
    ) -> None:
        task = create_task(alice, "Tagged")
        url = tasks_url(alice, f"/{task['id']}")
        statuses = race([request(client, alice, "PUT", url, json={"tags": ["q"]})] * 6)
        assert statuses == [200] * 6
        assert client.get(url, headers=alice.headers).json()["tags"] == ["q"]

    def test_concurrent_toggles_apply_one_after_another(
        self, client: TestClient, alice: AuthedUser, create_task: CreateTask
    ) -> None:
        task = create_task(alice, "Standup", recurrence="daily", due_date="2026-03-10")
        url = tasks_url(alice, f"/{task['id']}/complete")
        statuses = race([request(client, alice, "PATCH", url)] * 6)
        assert statuses == [200] * 6
        listed = client.get(
            tasks_url(alice), params={"sort": "created_at", "order": "asc"}, headers=alice.headers
        ).json()
        assert [t["completed"] for t in listed] == [False, False]
        assert len(listed) == 2
