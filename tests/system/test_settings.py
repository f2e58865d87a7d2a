"""Settings: URL normalisation, secrets in production and development."""

from pathlib import Path

import pytest
from pydantic import ValidationError

from backend.config import Settings, normalize_database_url
from backend.db import create_db_engine, postgres_connect_args

NEON_URL = (
    "postgresql://user:pw@ep-cool-name-pooler.eu-central-1.aws.neon.tech/neondb"
    "?sslmode=require&channel_binding=require"
)


class TestDatabaseUrl:
    @pytest.mark.parametrize(
        ("given", "expected"),
        [
            ("postgres://u:p@h/db", "postgresql+psycopg://u:p@h/db"),
            ("postgresql://u:p@h/db", "postgresql+psycopg://u:p@h/db"),
            ("postgresql+psycopg://u:p@h/db", "postgresql+psycopg://u:p@h/db"),
            ("sqlite:///./todo.db", "sqlite:///./todo.db"),
        ],
    )
    def test_normalised_to_psycopg3(self, given: str, expected: str) -> None:
        assert normalize_database_url(given) == expected

    def test_neon_url_works_as_pasted(self) -> None:
        settings = Settings(_env_file=None, database_url=NEON_URL, jwt_secret="s" * 40)  # type: ignore[call-arg]
        engine = create_db_engine(settings)
        assert engine.url.drivername == "postgresql+psycopg"
        assert engine.url.query == {"sslmode": "require", "channel_binding": "require"}
        assert engine.url.host == "ep-cool-name-pooler.eu-central-1.aws.neon.tech"
        assert engine.pool._recycle < 300  # type: ignore[attr-defined]
        connect_args = postgres_connect_args(settings, libpq_version=170002)
        assert connect_args["keepalives"] == 1
        assert connect_args["tcp_user_timeout"] == 5000  # ms: DB_STATEMENT_TIMEOUT

    def test_prepared_statements_off_with_libpq_older_than_17(self) -> None:
        settings = Settings(_env_file=None, database_url=NEON_URL, jwt_secret="s" * 40)  # type: ignore[call-arg]
        old = postgres_connect_args(settings, libpq_version=160004)
        new = postgres_connect_args(settings, libpq_version=170002)
        assert old["prepare_threshold"] is None
        assert "prepare_threshold" not in new
        assert old["connect_timeout"] == new["connect_timeout"] == 5

    def test_prepared_statements_can_be_turned_off_for_a_pooler(self) -> None:
        settings = Settings(  # type: ignore[call-arg]
            _env_file=None, database_url=NEON_URL, jwt_secret="s" * 40, db_prepared_statements=False
        )
        assert postgres_connect_args(settings, libpq_version=180000)["prepare_threshold"] is None

    def test_default_is_a_local_sqlite_file(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.delenv("DATABASE_URL", raising=False)
        settings = Settings(_env_file=None, jwt_secret="s" * 40)  # type: ignore[call-arg]
        assert settings.database_url == "sqlite:///./todo.db"


class TestJwtSecret:
    @pytest.mark.parametrize("secret", [None, "", "changeme", "secret", "short"])
    def test_production_refuses_missing_or_placeholder(self, secret: str | None) -> None:
        with pytest.raises(ValidationError, match="JWT_SECRET"):
            Settings(_env_file=None, environment="production", jwt_secret=secret)  # type: ignore[call-arg]

    def test_production_accepts_a_real_secret(self) -> None:
        settings = Settings(_env_file=None, environment="production", jwt_secret="k" * 48)  # type: ignore[call-arg]
        assert settings.jwt_key() == "k" * 48

    def test_development_generates_and_keeps_a_local_secret(self, tmp_path: Path) -> None:
        secret_file = tmp_path / ".jwt_secret"
        first = Settings(_env_file=None, jwt_secret_file=secret_file)  # type: ignore[call-arg]
        second = Settings(_env_file=None, jwt_secret_file=secret_file)  # type: ignore[call-arg]
        assert len(first.jwt_key()) >= 32
        assert first.jwt_key() == second.jwt_key()
        assert secret_file.stat().st_mode & 0o777 == 0o600


class TestListSettings:
    def test_cors_origins_from_comma_separated_env(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("CORS_ORIGINS", "https://a.example, https://b.example")
        settings = Settings(_env_file=None, jwt_secret="s" * 40)  # type: ignore[call-arg]
        assert settings.cors_origins == ["https://a.example", "https://b.example"]


class TestEnvExample:
    def test_documents_every_setting(self) -> None:
        example = (Path(__file__).resolve().parents[2] / ".env.example").read_text()
        documented = {
            line.lstrip("# ").split("=", 1)[0]
            for line in example.splitlines()
            if "=" in line and line.lstrip("# ").split("=", 1)[0].isupper()
        }
        missing = {name.upper() for name in Settings.model_fields} - documented
        assert not missing, f".env.example does not document {sorted(missing)}"

    def test_defaults_parse(self, tmp_path: Path) -> None:
        example = Path(__file__).resolve().parents[2] / ".env.example"
        settings = Settings(_env_file=example, jwt_secret_file=tmp_path / "s")  # type: ignore[call-arg]
        assert settings.chat_provider == "local"
        assert settings.mcp_allowed_origins == []
