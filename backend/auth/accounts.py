"""Account operations shared by the routes and the CLI: register, check a password, issue tokens."""

from sqlalchemy.exc import IntegrityError
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from backend.auth.models import TokenResponse, User, UserCreate, UserPublic
from backend.auth.passwords import hash_password, verify_password
from backend.auth.refresh import issue_refresh_token, rotate_refresh_token
from backend.auth.security import create_access_token
from backend.config import Settings
from backend.errors import ConflictError, UnauthorizedError

BAD_CREDENTIALS_MESSAGE = "Incorrect email or password"
EMAIL_TAKEN_MESSAGE = "An account with this email already exists"


async def user_by_email(session: AsyncSession, email: str) -> User | None:
    """The account with this (already lower-cased) email, if any."""
    return (await session.exec(select(User).where(User.email == email))).first()


async def create_account(*, session: AsyncSession, user_in: UserCreate, settings: Settings) -> User:
    """Create a password account; 409 if the email (in any case) is taken."""
    # Hash before touching the database, so no pooled connection is held while bcrypt runs.
    password_hash = await hash_password(user_in.password, rounds=settings.bcrypt_rounds)
    if await user_by_email(session, user_in.email) is not None:
        raise ConflictError(EMAIL_TAKEN_MESSAGE)
    user = User(email=user_in.email, name=user_in.name, password_hash=password_hash)
    session.add(user)
    try:
        await session.flush()
    except IntegrityError:
        # Lost a race with a concurrent registration of the same address.
        raise ConflictError(EMAIL_TAKEN_MESSAGE) from None
    return user


async def authenticate_password(
    *, session: AsyncSession, email: str, password: str, settings: Settings
) -> User:
    """The active user with these credentials; one 401 for unknown email and wrong password."""
    user = await user_by_email(session, email)
    password_hash = user.password_hash if user is not None else None
    # End the read transaction (nothing written yet): during a login storm, requests queue for
    # bcrypt, and each would otherwise hold a pooled connection the whole time.
    await session.commit()
    matches = await verify_password(password, password_hash, rounds=settings.bcrypt_rounds)
    if user is None or not matches or not user.is_active:
        raise UnauthorizedError(BAD_CREDENTIALS_MESSAGE)
    return user


def _token_response(user: User, refresh_token: str, settings: Settings) -> TokenResponse:
    access_token = create_access_token(user_id=user.id, settings=settings)
    return TokenResponse(
        access_token=access_token,
        token=access_token,
        refresh_token=refresh_token,
        expires_in=settings.access_token_minutes * 60,
        user=UserPublic.model_validate(user),
    )


async def start_session(*, session: AsyncSession, user: User, settings: Settings) -> TokenResponse:
    """Tokens for a fresh login: an access token and the first refresh token of a new family."""
    refresh_token = await issue_refresh_token(session=session, user_id=user.id, settings=settings)
    return _token_response(user, refresh_token, settings)


async def continue_session(
    *, session: AsyncSession, refresh_token: str, settings: Settings
) -> TokenResponse:
    """Rotate a refresh token into a new pair in the same family."""
    user, new_refresh_token = await rotate_refresh_token(
        session=session, token=refresh_token, settings=settings
    )
    return _token_response(user, new_refresh_token, settings)
