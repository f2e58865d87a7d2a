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
        description="Connections the app's one pool keeps (opened on demand).",
    )
    db_max_overflow: int = Field(
        default=0,
        ge=0,
        description="Extra connections at peak, closed when returned (0: waiters queue in order).",
    )
    db_pool_timeout: float = Field(
        default=5.0, gt=0, description="Seconds a request waits for a pooled connection."
    )
    db_connect_timeout: int = Field(
        default=5, ge=1, description="Seconds to wait for a new connection."
    )
    db_statement_timeout: float = Field(
        default=5.0,
        gt=0,
        description="Seconds any wait on the database's answer may take before the request "
        "answers 503 (a frozen or partitioned database).",
    )
    db_ping_after_idle: float = Field(
        default=30.0,
        ge=0,
        description="Seconds idle in the pool after which a connection is pinged before use.",
    )
    db_pool_recycle: int = Field(
        default=240, ge=30, description="Seconds; below Neon's 5-minute idle suspend."
    )
    db_prepared_statements: bool = Field(
        default=True,
        description="Let the driver prepare statements it runs often. Turn off behind a pooler "
        "in transaction mode that does not keep them (PgBouncer before 1.21, or with "
        "max_prepared_statements = 0).",
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
    auth_external_max_token_minutes: int = Field(default=7 * 24 * 60, ge=1)
    # Better Auth's own sessions, read from its tables in our database (see auth/better_auth.py).
    better_auth_session_table: str | None = None
    better_auth_user_table: str = "user"
    better_auth_session_token_hashed: bool = False
    better_auth_session_cache_seconds: int = Field(default=30, ge=0)

    cors_origins: CsvList = ["http://localhost:3000"]
    forwarded_allow_ips: CsvList = ["127.0.0.1"]
    max_body_bytes: int = Field(default=1024 * 1024, ge=1024)
    log_level: str = "INFO"

    rate_limit_enabled: bool = True
    rate_limit_auth_ip: str = "20/minute"
    # Per email from one address, then per email from all: a stranger spends only the first, so
    # the owner's login from another address still gets through.
    rate_limit_auth_email_ip: str = "10/minute"
    rate_limit_auth_email: str = "100/minute"
    rate_limit_storage_url: str | None = None

    chat_provider: Literal["local", "openai"] = "local"
    openai_api_key: SecretStr | None = None
    openai_base_url: str | None = None
    chat_model: str = "gpt-4o-mini"
    chat_history_limit: int = Field(default=20, ge=1, le=200)
    chat_max_tool_rounds: int = Field(default=5, ge=1, le=20)
    chat_timeout_seconds: float = Field(default=30.0, gt=0)
    chat_max_retries: int = Field(default=2, ge=0, le=10)
    # Chat turns of one worker doing their CPU-bound work at once (backend/chat/gate.py); a turn
    # waiting on its model takes no place.
    chat_turn_concurrency: int = Field(default=4, ge=1, le=1000)
    # The Agents SDK would send traces to OpenAI: only when asked for.
    openai_agents_tracing: bool = False

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
