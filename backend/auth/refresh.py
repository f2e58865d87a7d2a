"""Refresh tokens: opaque, stored hashed, rotated on use; reuse revokes the whole family."""

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from backend.auth.models import RefreshToken, User
from backend.config import Settings
from backend.datetimes import utcnow
from backend.errors import UnauthorizedError

INVALID_REFRESH_MESSAGE = "Invalid or expired refresh token"


def hash_opaque_token(token: str) -> str:
    """The SHA-256 hex digest under which an opaque token (refresh, personal) is stored."""
    return hashlib.sha256(token.encode()).hexdigest()


async def issue_refresh_token(
    *, session: AsyncSession, user_id: str, settings: Settings, family_id: str | None = None
) -> str:
    """Store a new refresh token (in a new family unless given one) and return its value."""
    token = secrets.token_urlsafe(32)
    session.add(
        RefreshToken(
            token_hash=hash_opaque_token(token),
            family_id=family_id or secrets.token_hex(16),
            user_id=user_id,
            expires_at=utcnow() + timedelta(days=settings.refresh_token_days),
        )
    )
    await session.flush()
    return token


async def revoke_family(*, session: AsyncSession, family_id: str) -> None:
    """Revoke every refresh token of a family (one login session)."""
    await session.exec(
        update(RefreshToken)
        .where(col(RefreshToken.family_id) == family_id, col(RefreshToken.revoked_at).is_(None))
        .values(revoked_at=utcnow())
    )


async def _find(session: AsyncSession, token: str) -> RefreshToken | None:
    stmt = select(RefreshToken).where(RefreshToken.token_hash == hash_opaque_token(token))
    return (await session.exec(stmt)).first()


async def rotate_refresh_token(
    *, session: AsyncSession, token: str, settings: Settings
) -> tuple[User, str]:
    """Spend a refresh token and issue its successor; a spent one revokes its family (401)."""
    stored = await _find(session, token)
    if stored is None or stored.revoked_at is not None or stored.expires_at <= utcnow():
        raise UnauthorizedError(INVALID_REFRESH_MESSAGE)
    # Spending is a conditional UPDATE so that two concurrent uses cannot both succeed.
    spent = await session.exec(
        update(RefreshToken)
        .where(col(RefreshToken.id) == stored.id, col(RefreshToken.used_at).is_(None))
        .values(used_at=utcnow())
    )
    if spent.rowcount != 1:
        # A rotated token came back: someone holds a copy. End that whole login session.
        # Committed here: the 401 that follows rolls the request's transaction back.
        await revoke_family(session=session, family_id=stored.family_id)
        await session.commit()
        raise UnauthorizedError(INVALID_REFRESH_MESSAGE)
    user = await session.get(User, stored.user_id)
    if user is None or not user.is_active:
        raise UnauthorizedError(INVALID_REFRESH_MESSAGE)
    new_token = await issue_refresh_token(
        session=session, user_id=user.id, settings=settings, family_id=stored.family_id
    )
    return user, new_token


async def revoke_refresh_token(*, session: AsyncSession, token: str) -> None:
    """Log out: revoke the family of a refresh token, if it is one of ours."""
    stored = await _find(session, token)
    if stored is not None:
        await revoke_family(session=session, family_id=stored.family_id)
