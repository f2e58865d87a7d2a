"""`/api/auth` account routes: who am I, and personal access tokens (create, list, revoke)."""

from typing import Annotated

from fastapi import APIRouter, Path

from backend.auth import personal_tokens
from backend.auth.deps import CurrentUser, SignedInUser
from backend.auth.models import (
    PersonalAccessTokenCreate,
    PersonalAccessTokenCreated,
    PersonalAccessTokenPublic,
    UserPublic,
)
from backend.db import SessionDep
from backend.error_docs import error_responses, invalid, invalid_id, not_found
from backend.jsonbody import JSONRoute
from backend.paths import PathId

router = APIRouter(prefix="/api/auth", tags=["auth"], route_class=JSONRoute)


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
