"""`todo-api migrate`, `openapi` and `seed-demo`."""

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from backend import cli
from backend.config import Settings
from backend.demo import DEMO_EMAIL, DEMO_PASSWORD


class TestMigrate:
    def test_reports_an_up_to_date_database(
        self, cli_settings: Settings, capsys: pytest.CaptureFixture[str]
    ) -> None:
        cli.main(["migrate"])
        assert "up to date" in capsys.readouterr().out


class TestOpenapi:
    def test_writes_the_contract_file(self, tmp_path: Path) -> None:
        output = tmp_path / "openapi.json"
        cli.main(["openapi", "--output", str(output)])
        document = json.loads(output.read_text())
        assert document["info"]["title"] == "Todo API"
        assert "/api/auth/token" in document["paths"]


class TestSeedDemo:
    def login(self, client: TestClient) -> dict[str, str]:
        response = client.post(
            "/api/auth/login", json={"email": DEMO_EMAIL, "password": DEMO_PASSWORD}
        )
        assert response.status_code == 200
        return {"Authorization": f"Bearer {response.json()['access_token']}"}

    def test_demo_account_can_log_in_and_has_tasks(
        self, cli_settings: Settings, client: TestClient, capsys: pytest.CaptureFixture[str]
    ) -> None:
        cli.main(["seed-demo"])
        assert "added 7 sample tasks" in capsys.readouterr().out
        headers = self.login(client)
        stats = client.get("/api/me/tasks/stats", headers=headers).json()
        assert stats["total"] == 7
        assert stats["completed"] == 1
        assert stats["overdue"] == 1
        tags = {tag["name"] for tag in client.get("/api/me/tags", headers=headers).json()}
        assert {"home", "work", "errands"} <= tags

    def test_running_twice_adds_nothing(
        self, cli_settings: Settings, client: TestClient, capsys: pytest.CaptureFixture[str]
    ) -> None:
        cli.main(["seed-demo"])
        cli.main(["seed-demo"])
        assert "already had tasks" in capsys.readouterr().out
        response = client.get("/api/me/tasks", headers=self.login(client))
        assert response.headers["X-Total-Count"] == "7"
