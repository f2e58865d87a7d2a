"""What an operator reads when `todo-api` cannot start: one line naming the setting to fix
(no traceback), and the schema revision `migrate` reports."""

from alembic.runtime.migration import MigrationContext
from pydantic import ValidationError
from pydantic_core import ErrorDetails
from sqlalchemy import Connection
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, InterfaceError, OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine

from backend.config import Settings
from backend.schema import MigrationLockTimeoutError


def explain_startup_error(exc: BaseException, settings: Settings | None) -> str | None:
    """One line saying which setting to fix, for an error an operator can fix; else None."""
    if isinstance(exc, ValidationError) and exc.title == Settings.__name__:
        return "; ".join(_setting_error(error) for error in exc.errors())
    if isinstance(exc, MigrationLockTimeoutError):
        return f"migrate: {exc}; is another instance stuck migrating?"
    if isinstance(exc, OperationalError | InterfaceError | ArgumentError):
        url = _shown_url(settings.database_url) if settings else "DATABASE_URL"
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        return f"DATABASE_URL: cannot use the database at {url}: {reason}"
    return None


def _setting_error(error: ErrorDetails) -> str:
    message = error["msg"].removeprefix("Value error, ")
    name = str(error["loc"][0]).upper() if error["loc"] else ""
    return f"{name}: {message}" if name and name not in message else message


def _shown_url(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "DATABASE_URL"


def _revision(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


async def schema_revision(engine: AsyncEngine) -> str | None:
    """The database's Alembic revision; None before the first migration."""
    async with engine.connect() as connection:
        return await connection.run_sync(_revision)
