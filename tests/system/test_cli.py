"""`todo-api migrate`, `openapi` and `seed-demo`; help texts and start-up errors."""

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from backend import cli
from backend.config import Settings
from backend.demo import DEMO_EMAIL, DEMO_PASSWORD
from tests.conftest import make_settings
from tests.databases import sqlite_url

REPO_ROOT = Path(__file__).resolve().parents[2]


class TestMigrate:
    def test_reports_an_up_to_date_database(
        self, cli_settings: Settings, capsys: pytest.CaptureFixture[str]
    ) -> None:
        cli.main(["migrate"])  # creates the schema, unless another test's app already did
        capsys.readouterr()
        cli.main(["migrate"])
        assert capsys.readouterr().out.startswith("Database is up to date (revision ")

    def test_says_it_created_the_schema_of_a_new_database(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
    ) -> None:
        monkeypatch.setattr(cli, "get_settings", lambda: make_settings(sqlite_url(tmp_path)))
        cli.main(["migrate"])
        assert capsys.readouterr().out.startswith("Created the database schema (revision ")


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


def subcommands() -> dict[str, argparse.ArgumentParser]:
    """The parser of each `todo-api` command, by name."""
    parser = cli.build_parser()
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


class TestHelp:
    @pytest.mark.parametrize("name", list(subcommands()))
    def test_every_command_and_option_is_explained_with_its_default(self, name: str) -> None:
        command = subcommands()[name]
        assert command.description
        text = command.format_help()
        for option in command._actions:
            if option.dest == "help":
                continue
            assert option.help, f"{name} {option.option_strings}"
            if option.default not in (None, False):
                assert f"(default: {option.default})" in text, f"{name} {option.option_strings}"


class TestStartupErrors:
    """A configuration or connection error is one line naming the setting, never a traceback."""

    @pytest.mark.parametrize(
        ("environment", "setting"),
        [
            ({"DATABASE_URL": "postgresql://u:hunter22@127.0.0.1:1/db"}, "DATABASE_URL"),
            ({"DATABASE_URL": "mysql://u@localhost/db"}, "DATABASE_URL"),
            ({"ENVIRONMENT": "production"}, "JWT_SECRET"),
            ({"DB_POOL_SIZE": "many"}, "DB_POOL_SIZE"),
        ],
    )
    def test_one_line_names_the_setting(
        self, tmp_path: Path, environment: dict[str, str], setting: str
    ) -> None:
        clean = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "JWT_SECRET")}
        result = subprocess.run(
            [sys.executable, "-m", "backend.cli", "migrate"],
            cwd=tmp_path,  # no .env: only the environment below
            env={**clean, "PYTHONPATH": str(REPO_ROOT), "DB_CONNECT_TIMEOUT": "2", **environment},
            capture_output=True,
            text=True,
            check=False,
            timeout=60,
        )
        assert result.returncode == 1
        assert result.stderr.count("\n") == 1, result.stderr
        assert result.stderr.startswith(f"todo-api: {setting}")
        assert "hunter22" not in result.stderr  # the URL is shown without its password
