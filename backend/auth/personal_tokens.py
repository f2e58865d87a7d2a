"""Personal access tokens: create (the value shown once), list, revoke, and look one up.

Opaque and random (256 bits), so a SHA-256 digest is a safe and fast key: one indexed lookup
per request, never memoised, so a revoked token stops at once."""

import secrets
from datetime import datetime, timedelta

from sqlalchemy import bindparam
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from backend.auth.models import (
    PersonalAccessToken,
    PersonalAccessTokenCreate,
    PersonalAccessTokenCreated,
    PersonalAccessTokenPublic,
)
from backend.auth.refresh import hash_opaque_token
from backend.datetimes import utcnow
from backend.ownership import owned

PREFIX = "todo_pat_"
SHOWN_CHARACTERS = len(PREFIX) + 6
BY_HASH = select(
    col(PersonalAccessToken.user_id),
    col(PersonalAccessToken.scope),
    col(PersonalAccessToken.expires_at),
).where(col(PersonalAccessToken.token_hash) == bindparam("token_hash"))


def is_personal_token(token: str) -> bool:
    """Whether a bearer value is one of ours by its look (it may still be unknown or revoked)."""
    return token.startswith(PREFIX)


async def find_personal_token(
    connection: AsyncConnection, token: str
) -> tuple[str, str, datetime | None] | None:
    """The (user id, scope, expiry) of a live token; None if unknown, revoked or expired."""
    row = (await connection.execute(BY_HASH, {"token_hash": hash_opaque_token(token)})).first()
    if row is None or (row.expires_at is not None and row.expires_at <= utcnow()):
        return None
    return row.user_id, row.scope, row.expires_at


async def create_token(
    session: AsyncSession, *, owner_id: str, token_in: PersonalAccessTokenCreate
) -> PersonalAccessTokenCreated:
    """Store a new token for the owner; the answer is the only place its value appears."""
    value = PREFIX + secrets.token_urlsafe(32)
    days = token_in.expires_in_days
    stored = PersonalAccessToken(
        token_hash=hash_opaque_token(value),
        user_id=owner_id,
        name=token_in.name,
        scope=token_in.scope,
        prefix=value[:SHOWN_CHARACTERS],
        expires_at=None if days is None else utcnow() + timedelta(days=days),
    )
    session.add(stored)
    await session.flush()
    return PersonalAccessTokenCreated(**stored.model_dump(), token=value)


async def list_tokens(session: AsyncSession, *, owner_id: str) -> list[PersonalAccessTokenPublic]:
    """The owner's tokens, newest first (expired ones included, marked by `expires_at`)."""
    tokens = await session.exec(
        select(PersonalAccessToken)
        .where(PersonalAccessToken.user_id == owner_id)
        .order_by(col(PersonalAccessToken.id).desc())
    )
    return [PersonalAccessTokenPublic.model_validate(token.model_dump()) for token in tokens]


async def revoke_token(session: AsyncSession, *, owner_id: str, token_id: int) -> None:
    """Delete the owner's token; NotFoundError if it is missing or someone else's."""
    token = await owned(
        session, PersonalAccessToken, row_id=token_id, owner_id=owner_id, thing="Token"
    )
    await session.delete(token)
