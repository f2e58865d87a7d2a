"""Alembic environment: our SQLModel metadata, the app's engine or the configured URL."""

from alembic import context
from sqlalchemy import Engine, create_engine
from sqlmodel import SQLModel

import backend.models  # noqa: F401  (registers every table on SQLModel.metadata)
from backend.config import get_settings

target_metadata = SQLModel.metadata


def include_name(name: str | None, type_: str, _parent_names: object) -> bool:
    """Only our tables: Better Auth keeps its own (`user`, `session`, ...) in the same database,
    and autogenerate must neither drop them nor report them."""
    return type_ != "table" or name in target_metadata.tables


def _engine() -> Engine:
    engine = context.config.attributes.get("engine")
    if isinstance(engine, Engine):
        return engine
    return create_engine(get_settings().database_url)


def run_migrations_online() -> None:
    """Run migrations on a live connection."""
    engine = _engine()
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
            include_name=include_name,
        )
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("Offline migrations are not supported; run `todo-api migrate`.")
run_migrations_online()
