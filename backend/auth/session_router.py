"""`/api/auth` session routes: register, log in (OAuth2 form or JSON), refresh, log out, and the
hidden `/signup`, `/signin` and `/signout` aliases."""

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Response
from sqlmodel.ext.asyncio.session import AsyncSession

from backend.auth import accounts, better_auth
from backend.auth.deps import AppSettings
from backend.auth.models import Credentials, RefreshRequest, TokenResponse, User, UserCreate
from backend.auth.ratelimit import AuthRateLimit
from backend.auth.refresh import INVALID_REFRESH_MESSAGE, revoke_refresh_token
from backend.auth.transport import (
    LOGIN_BODY_DOC,
    LOGOUT_BODY_DOC,
    REFRESH_COOKIE,
    REFRESH_COOKIE_PATH,
    PasswordForm,
    RefreshCookie,
    login_credentials,
    logout_body,
    set_refresh_cookie,
)
from backend.config import Settings
from backend.db import SessionDep
from backend.error_docs import ErrorCase, error_responses, invalid
from backend.errors import AppError, UnauthorizedError
from backend.jsonbody import JSONRoute

router = APIRouter(prefix="/api/auth", tags=["auth"], route_class=JSONRoute)

WRONG_PASSWORD = ErrorCase(
    401,
    "Wrong email or password (an unknown email gets the same answer).",
    accounts.BAD_CREDENTIALS_MESSAGE,
    ("WWW-Authenticate",),
)
NOT_AN_EMAIL = (
    "value_error",
    "value is not a valid email address: An email address must have an @-sign.",
)
REGISTER_ERRORS = error_responses(
    ErrorCase(
        409,
        "An account with this email (in any case) exists: log in instead.",
        accounts.EMAIL_TAKEN_MESSAGE,
    ),
    413,
    invalid(
        (("body", "password"), "value_error", "Value error, Password must be at least 8 characters")
    ),
    429,
    503,
)
TOKEN_ERRORS = error_responses(
    ErrorCase(
        401,
        f"{WRONG_PASSWORD.description} The body also carries OAuth2's `error` "
        "(`invalid_grant`) and `error_description`, which the docs' Authorize dialog shows.",
        WRONG_PASSWORD.message,
        WRONG_PASSWORD.headers,
    ),
    413,
    invalid((("body", "username"), *NOT_AN_EMAIL)),
    429,
    503,
)


async def oauth2_errors() -> AsyncIterator[None]:
    """The token route's errors also carry RFC 6749's `error` and `error_description` (what
    OAuth2 clients, Swagger UI's Authorize dialog among them, show of a failed login)."""
    try:
        yield
    except AppError as exc:
        grant_refused = exc.status_code == UnauthorizedError.status_code
        exc.extra = {
            "error": "invalid_grant" if grant_refused else "invalid_request",
            "error_description": exc.message,
        }
        raise


LOGIN_ERRORS = error_responses(
    WRONG_PASSWORD, 413, invalid((("body", "email"), *NOT_AN_EMAIL)), 429, 503
)
NO_REFRESH_TOKEN = invalid(
    (("body", "refresh_token"), "string_too_short", "String should have at least 1 character")
)
REFRESH_ERRORS = error_responses(
    ErrorCase(
        401,
        "No refresh token in the body or the cookie, or it is unknown, expired or already "
        "used (a reused one also ends its session): log in again.",
        INVALID_REFRESH_MESSAGE,
        ("WWW-Authenticate",),
    ),
    413,
    NO_REFRESH_TOKEN,
    429,
    503,
)


async def _log_in(
    credentials: Credentials, response: Response, session: AsyncSession, settings: Settings
) -> TokenResponse:
    user = await accounts.authenticate_password(
        session=session, email=credentials.email, password=credentials.password, settings=settings
    )
    return await _start_session(user, response, session, settings)


async def _start_session(
    user: User, response: Response, session: AsyncSession, settings: Settings
) -> TokenResponse:
    tokens = await accounts.start_session(session=session, user=user, settings=settings)
    set_refresh_cookie(response, tokens, settings)
    return tokens


@router.post(
    "/register",
    status_code=201,
    summary="Create an account",
    responses=REGISTER_ERRORS,
)
@router.post("/signup", status_code=201, include_in_schema=False)
async def register(
    user_in: UserCreate,
    response: Response,
    session: SessionDep,
    settings: AppSettings,
    rate_limit: AuthRateLimit,
) -> TokenResponse:
    """Create a password account and log it in: the user, an access token and a refresh token."""
    await rate_limit(email=user_in.email)
    user = await accounts.create_account(session=session, user_in=user_in, settings=settings)
    return await _start_session(user, response, session, settings)


@router.post(
    "/token",
    summary="Log in with the OAuth2 password form",
    responses=TOKEN_ERRORS,
    dependencies=[Depends(oauth2_errors, scope="function")],
)
async def token(
    form: Annotated[PasswordForm, Form()],
    response: Response,
    session: SessionDep,
    settings: AppSettings,
    rate_limit: AuthRateLimit,
) -> TokenResponse:
    """OAuth2 password grant (`username` = email): what the docs' **Authorize** button calls."""
    await rate_limit(email=form.username)
    credentials = Credentials(email=form.username, password=form.password)
    return await _log_in(credentials, response, session, settings)


@router.post(
    "/login",
    summary="Log in with email and password",
    responses=LOGIN_ERRORS,
    openapi_extra=LOGIN_BODY_DOC,
)
@router.post("/signin", include_in_schema=False)
async def login(
    credentials: Annotated[Credentials, Depends(login_credentials)],
    response: Response,
    session: SessionDep,
    settings: AppSettings,
    rate_limit: AuthRateLimit,
) -> TokenResponse:
    """Same as `/token` with a JSON body `{email, password}` (a form is accepted too)."""
    await rate_limit(email=credentials.email)
    return await _log_in(credentials, response, session, settings)


@router.post(
    "/refresh",
    summary="Trade a refresh token for a new pair",
    responses=REFRESH_ERRORS,
)
async def refresh(
    response: Response,
    session: SessionDep,
    settings: AppSettings,
    rate_limit: AuthRateLimit,
    body: RefreshRequest | None = None,
    cookie_token: RefreshCookie = None,
) -> TokenResponse:
    """Rotate a refresh token (body or cookie); a token used twice revokes its whole session."""
    await rate_limit()
    presented = (body.refresh_token if body else None) or cookie_token
    if not presented:
        raise UnauthorizedError("Refresh token missing")
    tokens = await accounts.continue_session(
        session=session, refresh_token=presented, settings=settings
    )
    set_refresh_cookie(response, tokens, settings)
    return tokens


@router.post(
    "/logout",
    status_code=204,
    summary="Log out",
    responses=error_responses(413, NO_REFRESH_TOKEN, 503),
    openapi_extra=LOGOUT_BODY_DOC,
    dependencies=[Depends(better_auth.forget_session)],
)
@router.post(
    "/signout",
    status_code=204,
    include_in_schema=False,
    dependencies=[Depends(better_auth.forget_session)],
)
async def logout(
    response: Response,
    session: SessionDep,
    body: Annotated[RefreshRequest | None, Depends(logout_body)],
    cookie_token: RefreshCookie = None,
) -> None:
    """Revoke the refresh token's session (JSON body or cookie) and clear the cookie; 204
    whatever else is sent (no body, an unknown token, a non-JSON body)."""
    presented = (body.refresh_token if body else None) or cookie_token
    if presented:
        await revoke_refresh_token(session=session, token=presented)
    response.delete_cookie(REFRESH_COOKIE, path=REFRESH_COOKIE_PATH)
