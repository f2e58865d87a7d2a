"""`todo-api create-user`."""

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from backend import cli
from backend.auth.models import User
from backend.config import Settings
from tests.auth.conftest import PASSWORD


class TestCreateUser:
    def test_created_account_can_log_in(
        self, cli_settings: Settings, client: TestClient, capsys: pytest.CaptureFixture[str]
    ) -> None:
        cli.main(
            ["create-user", "--email", "Demo@Example.com", "--name", "Demo", "--password", PASSWORD]
        )
        assert "Created user" in capsys.readouterr().out
        response = client.post(
            "/api/auth/login", json={"email": "demo@example.com", "password": PASSWORD}
        )
        assert response.status_code == 200
        assert response.json()["user"]["name"] == "Demo"

    def test_prompts_for_the_password_when_not_given(
        self, cli_settings: Settings, session: Session, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(cli.getpass, "getpass", lambda _prompt: PASSWORD)
        cli.main(["create-user", "--email", "demo@example.com"])
        assert session.exec(select(User.email)).all() == ["demo@example.com"]

    def test_duplicate_email_exits_with_message(
        self, cli_settings: Settings, session: Session
    ) -> None:
        cli.main(["create-user", "--email", "demo@example.com", "--password", PASSWORD])
        with pytest.raises(SystemExit, match="already exists"):
            cli.main(["create-user", "--email", "DEMO@example.com", "--password", PASSWORD])

    def test_bad_password_exits_and_creates_nothing(
        self, cli_settings: Settings, session: Session
    ) -> None:
        with pytest.raises(SystemExit, match="password"):
            cli.main(["create-user", "--email", "demo@example.com", "--password", "x" * 73])
        assert session.exec(select(User)).all() == []
