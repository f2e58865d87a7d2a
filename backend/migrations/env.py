"""Alembic environment: our SQLModel metadata, the app's connection or the configured URL."""

from alembic import context
from sqlalchemy import Connection, create_engine
from sqlmodel import SQLModel

import backend.models  # noqa: F401  (registers every table on SQLModel.metadata)
from backend.config import get_settings

target_metadata = SQLModel.metadata


def include_name(name: str | None, type_: str, _parent_names: object) -> bool:
    """Only our tables: Better Auth keeps its own (`user`, `session`, ...) in the same database,
    and autogenerate must neither drop them nor report them."""
    return type_ != "table" or name in target_metadata.tables


def _migrate(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        include_name=include_name,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Run migrations on the connection the app's runner gives (`backend.db.run_migrations`),
    else on one of the configured URL's (the `alembic` command itself)."""
    connection = context.config.attributes.get("connection")
    if isinstance(connection, Connection):
        _migrate(connection)
        return
    with create_engine(get_settings().database_url).connect() as own_connection:
        _migrate(own_connection)
        own_connection.commit()


if context.is_offline_mode():
    raise SystemExit("Offline migrations are not supported; run `todo-api migrate`.")
run_migrations_online()
