"""The planned reads (`backend.route_plan`) answer exactly as FastAPI's own solver does."""

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from backend.route_plan import RoutePlan, route_plan
from backend.tasks.router import router as tasks_router
from tests.conftest import AuthedUser
from tests.tasks.conftest import CreateTask, tasks_url

Request = tuple[str, dict[str, str]]  # a URL and the headers sent with it


def _routes(name: str) -> list[APIRoute]:
    return [
        route for route in tasks_router.routes if isinstance(route, APIRoute) and route.name == name
    ]


@pytest.mark.parametrize(
    ("name", "planned"),
    [
        ("list_tasks", True),
        ("get_task", True),
        ("create_task", False),  # a body
        ("update_task", False),
        ("task_stats", False),  # a session dependency, with yield
        ("delete_task", False),  # returns a model for FastAPI to serialise
    ],
)
def test_which_routes_are_planned(name: str, planned: bool) -> None:
    for route in _routes(name):
        assert (route_plan(route.dependant) is not None) is planned


def _names(plan: RoutePlan) -> set[str]:
    own = {field.name for field in (*plan.path_params, *plan.query_params)}
    return own.union(*(_names(dependency) for dependency in plan.dependencies))


def test_no_planned_route_is_mounted_with_what_its_plan_cannot_see(app: FastAPI) -> None:
    """A plan is built from the route's own signature: dependencies added where its router is
    included (or app-wide), or a parameter its include's prefix declares, would escape it.

    What an include adds is private to FastAPI (`_IncludedRouter.include_context`): if that
    changes, this test fails, and the guard must be found again, not dropped.
    """
    assert not app.router.dependencies
    checked = 0
    for included in app.router.routes:
        context = getattr(included, "include_context", None)
        if context is None:
            continue
        for route in context.included_router.routes:
            plan = route_plan(route.dependant) if isinstance(route, APIRoute) else None
            if plan is None:
                continue
            checked += 1
            assert not context.dependencies, (context.prefix, route.path)
            assert not set(re.findall(r"{(\w+)", context.prefix)) & _names(plan), route.path
    assert checked >= 4  # list and get, each at `/api/{user_id}` and `/api`


def _never_used() -> None:
    """A dependency no route has: overriding it makes every route FastAPI's."""


@contextmanager
def fastapi_solving(app: FastAPI) -> Iterator[None]:
    app.dependency_overrides[_never_used] = _never_used
    try:
        yield
    finally:
        app.dependency_overrides.pop(_never_used)


def _answers(client: TestClient, requests: list[Request]) -> list[tuple[int, Any, str | None]]:
    answers = []
    for url, headers in requests:
        response = client.get(url, headers=headers)
        answers.append(
            (response.status_code, response.json(), response.headers.get("X-Total-Count"))
        )
    return answers


def _read_requests(alice: AuthedUser, bob: AuthedUser, mine: int, theirs: int) -> list[Request]:
    long_id = "u" * 256
    no_token: dict[str, str] = {}
    bad_token = {"Authorization": "Bearer not.a.token"}
    reads = [
        (tasks_url(alice, f"/{mine}"), alice.headers),
        (tasks_url("me", f"/{mine}"), alice.headers),
        (f"/api/tasks/{mine}", alice.headers),
        (tasks_url(alice, f"/{theirs}"), alice.headers),
        (tasks_url(alice, "/0"), alice.headers),
        (tasks_url(alice, "/01"), alice.headers),
        (tasks_url(alice, "/" + "9" * 30), alice.headers),
        (tasks_url(bob, f"/{mine}"), alice.headers),
        (tasks_url(long_id, f"/{mine}"), alice.headers),
        (tasks_url(long_id, "/0"), alice.headers),
        (tasks_url(long_id, f"/{mine}"), no_token),
        (tasks_url(alice, f"/{mine}"), no_token),
        (tasks_url(alice, f"/{mine}"), bad_token),
        (tasks_url(alice, "/0"), bad_token),
    ]
    queries = [
        "",
        "?limit=1&offset=1",
        "?limit=0",
        "?limit=abc&offset=-1",
        "?status=incomplete&sort_by=title&sort_order=asc",
        "?status=weird",
        "?priority=urgent",
        "?tag=home&tags=work,home",
        "?search=groceries",
        "?q=a&search=b",
        "?unknown=1",
        "?due_before=not-a-date",
        "?overdue=maybe",
        "?offset=100",
    ]
    lists = [(tasks_url(alice) + query, alice.headers) for query in queries]
    lists += [
        ("/api/tasks?limit=1", alice.headers),
        (tasks_url(bob), alice.headers),
        (tasks_url(long_id) + "?limit=0", alice.headers),
        (tasks_url(alice) + "?limit=0", no_token),
    ]
    return reads + lists


def test_planned_reads_answer_as_fastapi_does(
    client: TestClient,
    alice: AuthedUser,
    bob: AuthedUser,
    create_task: CreateTask,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    mine = create_task(alice, "Buy groceries", tags=["home", "work"], priority="high")["id"]
    create_task(alice, "Call mom", description="a groceries list")
    theirs = create_task(bob, "Not yours")["id"]
    requests = _read_requests(alice, bob, mine, theirs)
    solved = 0
    solve = RoutePlan.solve

    async def counted(plan: RoutePlan, *args: Any) -> dict[str, Any]:
        nonlocal solved
        solved += plan.name is None  # the route's own plan; its dependencies' have names
        return await solve(plan, *args)

    monkeypatch.setattr(RoutePlan, "solve", counted)
    planned = _answers(client, requests)
    planned_solves = solved
    app: FastAPI = client.app  # type: ignore[assignment]
    with fastapi_solving(app):
        by_fastapi = _answers(client, requests)
    assert planned_solves == len(requests)
    assert solved == planned_solves, "with overrides set, FastAPI solves every request"
    assert planned == by_fastapi
    statuses = {status for status, _body, _total in planned}
    assert statuses == {200, 401, 403, 404, 422}
