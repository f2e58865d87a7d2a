"""RFC 9728 protected-resource metadata for `/mcp`, and the 401 challenge that points to it."""

from fastapi import APIRouter, Request
from mcp.shared.auth import ProtectedResourceMetadata
from starlette.datastructures import URL

from backend.auth.deps import AppSettings

WELL_KNOWN = "/.well-known/oauth-protected-resource"
MCP_PATH = "/mcp"
# What a personal access token may be scoped to (see auth/tokens.py).
SCOPES = ["tasks", "api"]

router = APIRouter(include_in_schema=False)


def base_url(url: URL) -> str:
    """The app's public origin as the request reached it (proxy headers already applied)."""
    return f"{url.scheme}://{url.netloc}"


def metadata_url(url: URL) -> str:
    """Where `/mcp`'s metadata is: the well-known path with the resource's path appended."""
    return f"{base_url(url)}{WELL_KNOWN}{MCP_PATH}"


def challenge(url: URL) -> str:
    """The `WWW-Authenticate` value of a 401 from `/mcp`, naming the metadata (RFC 9728 §5.1)."""
    return f'Bearer resource_metadata="{metadata_url(url)}"'


@router.get(WELL_KNOWN, response_model_exclude_none=True)
@router.get(WELL_KNOWN + MCP_PATH, response_model_exclude_none=True)
async def protected_resource(request: Request, settings: AppSettings) -> ProtectedResourceMetadata:
    """`/mcp` as an OAuth protected resource: bearer tokens in the header, issued by this app
    (`/api/auth/login`, personal access tokens) or by the configured external issuer."""
    origin = base_url(request.url)
    return ProtectedResourceMetadata.model_validate(
        {
            "resource": origin + MCP_PATH,
            "authorization_servers": [settings.auth_issuer or origin],
            "scopes_supported": SCOPES,
            "bearer_methods_supported": ["header"],
            "resource_name": "Todo API task tools",
            "resource_documentation": f"{origin}/docs",
        }
    )
