"""Task test helpers: URLs and a factory that creates tasks through the API."""

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import AuthedUser

CreateTask = Callable[..., dict[str, Any]]


def tasks_url(user: AuthedUser | str, suffix: str = "") -> str:
    """`/api/{user_id}/tasks…` for a user (or a literal path segment such as `me`)."""
    segment = user if isinstance(user, str) else user.id
    return f"/api/{segment}/tasks{suffix}"


@pytest.fixture
def create_task(client: TestClient) -> CreateTask:
    """Factory: create a task for a user through `POST /tasks`, return its JSON."""

    def factory(user: AuthedUser, title: str = "A task", **fields: Any) -> dict[str, Any]:
        response = client.post(
            tasks_url(user), json={"title": title, **fields}, headers=user.headers
        )
        assert response.status_code == 201, response.text
        body: dict[str, Any] = response.json()
        return body

    return factory
