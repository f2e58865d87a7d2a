"""A user's row by its id: another user's row is 404, exactly like a missing one."""

from typing import Any, TypeVar

from sqlmodel import SQLModel, col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from backend.errors import NotFoundError

Row = TypeVar("Row", bound=SQLModel)


async def owned(
    session: AsyncSession, model: type[Row], *, row_id: int, owner_id: str, thing: str
) -> Row:
    """The owner's `model` row with this id; NotFoundError ("<thing> not found") otherwise."""
    table: Any = model
    found = (
        await session.exec(
            select(model).where(col(table.id) == row_id, col(table.user_id) == owner_id)
        )
    ).first()
    if found is None:
        raise NotFoundError(f"{thing} not found")
    return found
