"""Application settings: the only module that reads the environment."""

import secrets
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

PLACEHOLDER_SECRETS = {"", "changeme", "change-me", "change_me", "secret", "your-secret-key"}
MIN_SECRET_BYTES = 32
SUPPORTED_DATABASE_URLS = ("postgresql+psycopg://", "sqlite://")


def normalize_database_url(url: str) -> str:
    """Point `postgres://` and `postgresql://` URLs at the psycopg 3 driver, keeping the query."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _split_csv(value: object) -> object:
    if isinstance(value, str):
        return [item.strip() for item in value.split(",") if item.strip()]
    return value


CsvList = Annotated[list[str], NoDecode]


class Settings(BaseSettings):
    """Every setting of the app, read from the environment or a `.env` file."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    environment: Literal["development", "production", "test"] = "development"
    database_url: str = "sqlite:///./todo.db"
    db_pool_size: int = Field(
        default=10,
        ge=1,
        description="Connections each of the two pools keeps (see db.py); opened on demand.",
    )
    db_max_overflow: int = Field(default=10, ge=0)
    db_connect_timeout: int = Field(
        default=5, ge=1, description="Seconds to wait for a connection."
    )
    db_pool_recycle: int = Field(
        default=240, ge=30, description="Seconds; below Neon's 5-minute idle suspend."
    )

    jwt_secret: SecretStr | None = None
    jwt_secret_file: Path = Path(".jwt_secret")
    jwt_issuer: str = "todo-api"
    jwt_audience: str = "todo-api"
    access_token_minutes: int = Field(default=15, ge=1)
    refresh_token_days: int = Field(default=30, ge=1)
    bcrypt_rounds: int = Field(default=12, ge=4, le=31)

    better_auth_secret: SecretStr | None = None
    auth_jwks_url: str | None = None
    auth_issuer: str | None = None
    auth_audience: str | None = None
    auth_jwks_cache_seconds: int = Field(default=300, ge=1)
    auth_jwks_min_refetch_seconds: int = Field(default=30, ge=0)
    auth_external_max_token_minutes: int = Field(default=1440, ge=1)

    cors_origins: CsvList = ["http://localhost:3000"]
    forwarded_allow_ips: CsvList = ["127.0.0.1"]
    max_body_bytes: int = Field(default=1024 * 1024, ge=1024)
    log_level: str = "INFO"

    rate_limit_enabled: bool = True
    rate_limit_auth_ip: str = "20/minute"
    rate_limit_auth_email: str = "10/minute"
    rate_limit_storage_url: str | None = None

    chat_provider: Literal["local", "openai"] = "local"
    openai_api_key: SecretStr | None = None
    openai_base_url: str | None = None
    chat_model: str = "gpt-4o-mini"
    chat_history_limit: int = Field(default=20, ge=1, le=200)
    chat_max_tool_rounds: int = Field(default=5, ge=1, le=20)
    chat_timeout_seconds: float = Field(default=30.0, gt=0)
    chat_max_retries: int = Field(default=2, ge=0, le=10)

    mcp_allowed_hosts: CsvList = ["127.0.0.1:*", "localhost:*", "[::1]:*"]
    mcp_allowed_origins: CsvList = []

    @field_validator(
        "cors_origins",
        "forwarded_allow_ips",
        "mcp_allowed_hosts",
        "mcp_allowed_origins",
        mode="before",
    )
    @classmethod
    def _parse_csv(cls, value: object) -> object:
        return _split_csv(value)

    @field_validator("database_url")
    @classmethod
    def _normalize_database_url(cls, value: str) -> str:
        value = normalize_database_url(value)
        if not value.startswith(SUPPORTED_DATABASE_URLS):
            scheme = value.partition(":")[0] or "(none)"
            raise ValueError(
                f"DATABASE_URL must be a postgresql:// or sqlite:/// URL, not {scheme}://…"
            )
        return value

    @field_validator("better_auth_secret")
    @classmethod
    def _check_better_auth_secret(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and len(value.get_secret_value().encode()) < MIN_SECRET_BYTES:
            raise ValueError(f"BETTER_AUTH_SECRET must be at least {MIN_SECRET_BYTES} bytes")
        return value

    @model_validator(mode="after")
    def _ensure_jwt_secret(self) -> "Settings":
        secret = self.jwt_secret.get_secret_value() if self.jwt_secret else ""
        if secret.lower() not in PLACEHOLDER_SECRETS and len(secret.encode()) >= MIN_SECRET_BYTES:
            return self
        if self.environment == "production":
            raise ValueError(
                f"JWT_SECRET must be set to a random value of at least {MIN_SECRET_BYTES} bytes "
                "in production: python -c 'import secrets; print(secrets.token_urlsafe(48))'"
            )
        self.jwt_secret = SecretStr(_local_secret(self.jwt_secret_file))
        return self

    @property
    def is_sqlite(self) -> bool:
        """Whether the database is the embedded SQLite file."""
        return self.database_url.startswith("sqlite")

    @property
    def is_production(self) -> bool:
        """Whether the app runs in production mode."""
        return self.environment == "production"

    def jwt_key(self) -> str:
        """The HS256 key for our own tokens."""
        assert self.jwt_secret is not None  # set by _ensure_jwt_secret
        return self.jwt_secret.get_secret_value()


def _local_secret(path: Path) -> str:
    """Read the development secret kept in a git-ignored file, creating it on first use."""
    if path.exists():
        stored = path.read_text().strip()
        if len(stored.encode()) >= MIN_SECRET_BYTES:
            return stored
    secret = secrets.token_urlsafe(48)
    path.write_text(secret + "\n")
    path.chmod(0o600)
    return secret


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return Settings()
