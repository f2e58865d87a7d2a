"""`/api/auth`: register, log in (form or JSON), refresh, log out, who am I."""

from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import APIRouter, Cookie, Depends, Form, Path, Request, Response
from fastapi.exceptions import RequestValidationError
from sqlmodel import Field, SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession

from backend.auth import accounts, better_auth, personal_tokens
from backend.auth.deps import AppSettings, CurrentUser, SignedInUser
from backend.auth.models import (
    MAX_OPAQUE_TOKEN_LENGTH,
    Credentials,
    Email,
    PersonalAccessTokenCreate,
    PersonalAccessTokenCreated,
    PersonalAccessTokenPublic,
    RefreshRequest,
    TokenResponse,
    User,
    UserCreate,
    UserPublic,
)
from backend.auth.passwords import LoginPassword
from backend.auth.ratelimit import AuthRateLimit
from backend.auth.refresh import INVALID_REFRESH_MESSAGE, revoke_refresh_token
from backend.config import Settings
from backend.db import SessionDep
from backend.error_docs import ErrorCase, error_responses, invalid, invalid_id, not_found
from backend.errors import AppError, UnauthorizedError, validated
from backend.jsonbody import JSONRoute
from backend.paths import PathId

router = APIRouter(prefix="/api/auth", tags=["auth"], route_class=JSONRoute)

REFRESH_COOKIE = "refresh_token"
REFRESH_COOKIE_PATH = "/api/auth"
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")

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

RefreshCookie = Annotated[
    str | None,
    Cookie(
        alias=REFRESH_COOKIE,
        max_length=MAX_OPAQUE_TOKEN_LENGTH,
        description="The refresh token cookie set by login; used when the body has none.",
    ),
]


class PasswordForm(SQLModel):
    """The OAuth2 password grant form; `username` is the email."""

    username: Email = Field(description="The account's email address.")
    password: LoginPassword = Field(description="The account's password.")
    grant_type: str | None = Field(default=None, description="`password`, when sent.")

    model_config = {
        "json_schema_extra": {
            "examples": [{"username": "ada@example.com", "password": "correct horse battery"}]
        }
    }


def _set_refresh_cookie(response: Response, tokens: TokenResponse, settings: Settings) -> None:
    response.set_cookie(
        REFRESH_COOKIE,
        tokens.refresh_token,
        max_age=settings.refresh_token_days * 86400,
        path=REFRESH_COOKIE_PATH,
        httponly=True,
        secure=settings.is_production,
        samesite="lax",
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
    _set_refresh_cookie(response, tokens, settings)
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


async def _json_body(request: Request, problem: str) -> Any:
    try:
        return await request.json()
    except ValueError:
        error = {"type": "json_invalid", "loc": ("body",), "msg": problem}
        raise RequestValidationError([error]) from None


async def login_credentials(request: Request) -> Credentials:
    """Credentials from a JSON body `{email, password}` or a form `username`/`password`."""
    data: Any
    if request.headers.get("content-type", "").startswith(FORM_TYPES):
        form = await request.form()
        data = {
            "email": form.get("username") or form.get("email"),
            "password": form.get("password"),
        }
    else:
        data = await _json_body(request, "Body must be JSON or a form")
    return validated(Credentials, data, location="body")


LOGIN_BODY_DOC: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": Credentials.model_json_schema()},
            "application/x-www-form-urlencoded": {
                "schema": {
                    "type": "object",
                    "required": ["username", "password"],
                    "properties": {
                        "username": {"type": "string", "format": "email"},
                        "password": {"type": "string", "format": "password"},
                    },
                }
            },
        },
    }
}


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
    _set_refresh_cookie(response, tokens, settings)
    return tokens


async def logout_body(request: Request) -> RefreshRequest | None:
    """The JSON body of `/logout`, if sent; any other body (text/plain, a form) is ignored."""
    # Frontends call logout with whatever body their fetch wrapper sends: only JSON is read.
    if "json" not in request.headers.get("content-type", ""):
        return None
    if not (await request.body()).strip():
        return None
    data = await _json_body(request, "Body is not valid JSON")
    return validated(RefreshRequest, data, location="body")


LOGOUT_BODY_DOC: dict[str, Any] = {
    "requestBody": {
        "required": False,
        "content": {"application/json": {"schema": RefreshRequest.model_json_schema()}},
    }
}


@router.post(
    "/logout",
    status_code=204,
    summary="Log out",
    responses=error_responses(413, NO_REFRESH_TOKEN, 503),
    openapi_extra=LOGOUT_BODY_DOC,
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


@router.get("/me", summary="The current user", responses=error_responses(401, 503))
async def me(user: CurrentUser) -> UserPublic:
    """The account the bearer token belongs to."""
    return UserPublic.model_validate(user)


TokenIdPath = Annotated[PathId, Path(description="The token's id, as listed.", examples=[3])]


@router.post(
    "/tokens",
    status_code=201,
    summary="Create a personal access token",
    responses=error_responses(
        401,
        403,
        413,
        invalid((("body", "name"), "string_too_short", "String should have at least 1 character")),
        503,
    ),
)
async def create_personal_token(
    token_in: PersonalAccessTokenCreate, user: SignedInUser, session: SessionDep
) -> PersonalAccessTokenCreated:
    """A long-lived token for clients with a fixed `Authorization` header (MCP clients above
    all). Its value is in this answer only; we keep a hash. Scope `tasks` opens the task tools at
    `/mcp`, `api` the REST API too. Needs a sign-in token: personal tokens cannot make others."""
    return await personal_tokens.create_token(session, owner_id=user.id, token_in=token_in)


@router.get(
    "/tokens",
    summary="List your personal access tokens",
    responses=error_responses(401, 403, 503),
)
async def list_personal_tokens(
    user: SignedInUser, session: SessionDep
) -> list[PersonalAccessTokenPublic]:
    """Your tokens, newest first: name, scope, first characters and expiry, never the value."""
    return await personal_tokens.list_tokens(session, owner_id=user.id)


@router.delete(
    "/tokens/{token_id:digits}",
    status_code=204,
    summary="Revoke a personal access token",
    responses=error_responses(
        401,
        403,
        not_found("Token", "No personal access token with this id is yours."),
        invalid_id("token_id"),
        503,
    ),
)
async def revoke_personal_token(
    token_id: TokenIdPath, user: SignedInUser, session: SessionDep
) -> None:
    """Delete the token: the next request made with it is refused with 401."""
    await personal_tokens.revoke_token(session, owner_id=user.id, token_id=token_id)
