"""How credentials reach the auth routes and the refresh token leaves them: the OAuth2 password
form, the login and logout bodies read by hand (JSON or form), the refresh cookie."""

from typing import Annotated, Any

from fastapi import Cookie, Request, Response
from fastapi.exceptions import RequestValidationError
from sqlmodel import Field, SQLModel

from backend.auth.models import (
    MAX_OPAQUE_TOKEN_LENGTH,
    Credentials,
    Email,
    RefreshRequest,
    TokenResponse,
)
from backend.auth.passwords import LoginPassword
from backend.config import Settings
from backend.errors import validated

REFRESH_COOKIE = "refresh_token"
REFRESH_COOKIE_PATH = "/api/auth"
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")

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


def set_refresh_cookie(response: Response, tokens: TokenResponse, settings: Settings) -> None:
    """Set the refresh token as an HTTP-only cookie scoped to `/api/auth`."""
    response.set_cookie(
        REFRESH_COOKIE,
        tokens.refresh_token,
        max_age=settings.refresh_token_days * 86400,
        path=REFRESH_COOKIE_PATH,
        httponly=True,
        secure=settings.is_production,
        samesite="lax",
    )


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
