"""Bearer auth for `/mcp`: the MCP SDK's token-verifier hook over the app's token check."""

from mcp.server.auth.middleware.auth_context import get_access_token
from mcp.server.auth.provider import AccessToken
from sqlalchemy.ext.asyncio import AsyncEngine

from backend.auth.deps import authenticate_token
from backend.config import Settings
from backend.db import open_session, read_only
from backend.errors import UnauthorizedError


class AccountTokenVerifier:
    """Accepts the bearer tokens the REST API accepts, and personal access tokens scoped to the
    task tools (a `TokenVerifier` for the SDK)."""

    def __init__(self, *, settings: Settings, engine: AsyncEngine) -> None:
        self._settings = settings
        self._engine = read_only(engine)  # a lookup (and a first-sight insert) needs no transaction

    async def verify_token(self, token: str) -> AccessToken | None:
        """The token's user as an SDK access record; None (so 401) if missing, bad or expired."""
        async with open_session(self._engine) as session:
            try:
                user = await authenticate_token(token, session=session, settings=self._settings)
            except UnauthorizedError:
                return None
        # Our tokens name a user, not an OAuth client: the user id serves as both.
        return AccessToken(token=token, client_id=user.id, subject=user.id, scopes=[])


def authenticated_user_id() -> str:
    """The id of the user whose token authorised the MCP request being handled."""
    access = get_access_token()
    if access is None or access.subject is None:
        # Unreachable behind RequireAuthMiddleware; refuse rather than act for nobody.
        raise RuntimeError("MCP request without an authenticated user")
    return access.subject
