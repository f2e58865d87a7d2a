"""`/docs` and `/redoc` served with bundled assets, so they work with no internet; `/` leads to
`/docs`, and in development the API description names the demo account once it exists."""

from pathlib import Path
from typing import Any

import fastapi_offline
from fastapi import FastAPI
from fastapi.openapi.docs import (
    get_redoc_html,
    get_swagger_ui_html,
    get_swagger_ui_oauth2_redirect_html,
)
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles

from backend.demo import DEMO_EMAIL, DEMO_PASSWORD, demo_account_exists

ASSETS_DIR = Path(fastapi_offline.__file__).parent / "static"
ASSETS_URL = "/docs-assets"
OPENAPI_URL = "/openapi.json"
OAUTH2_REDIRECT_URL = "/docs/oauth2-redirect"
DEMO_NOTE = f"\n\n**Demo account** (development): `{DEMO_EMAIL}` / `{DEMO_PASSWORD}`."
# The password flow's dialog explains scopes we have none of, has client id/secret fields our
# token route ignores, and calls the email `username`: hide the former, relabel the latter.
SWAGGER_CSS = """
.auth-container .scope-def,
.auth-container .wrapper:has(> label[for=password_type]),
.auth-container .wrapper:has(> label[for^=client_id]),
.auth-container .wrapper:has(> label[for^=client_secret]) { display: none; }
.auth-container label[for=oauth_username] { font-size: 0; }
.auth-container label[for=oauth_username]::after { content: "email:"; font-size: 12px; }
"""
SWAGGER_PARAMETERS = {
    "persistAuthorization": True,
    "displayRequestDuration": True,
    "tryItOutEnabled": True,
}


def install_docs(app: FastAPI) -> None:
    """Mount the OpenAPI document, the Swagger UI and ReDoc pages and their static assets."""
    app.mount(ASSETS_URL, StaticFiles(directory=ASSETS_DIR), name="docs-assets")

    @app.get("/", include_in_schema=False)
    async def root() -> RedirectResponse:
        return RedirectResponse("/docs")

    @app.get(OPENAPI_URL, include_in_schema=False)
    async def openapi_document() -> JSONResponse:
        document: dict[str, Any] = app.openapi()
        demo = app.state.settings.environment == "development" and await demo_account_exists(
            app.state.read_engine
        )
        if demo:
            info = {**document["info"], "description": document["info"]["description"] + DEMO_NOTE}
            document = {**document, "info": info}
        return JSONResponse(document)

    @app.get("/docs", include_in_schema=False)
    async def swagger_ui() -> HTMLResponse:
        page = get_swagger_ui_html(
            openapi_url=OPENAPI_URL,
            title=f"{app.title} — docs",
            oauth2_redirect_url=OAUTH2_REDIRECT_URL,
            swagger_js_url=f"{ASSETS_URL}/swagger-ui-bundle.js",
            swagger_css_url=f"{ASSETS_URL}/swagger-ui.css",
            swagger_favicon_url=f"{ASSETS_URL}/favicon.png",
            swagger_ui_parameters=SWAGGER_PARAMETERS,
        )
        html = bytes(page.body).decode().replace("</head>", f"<style>{SWAGGER_CSS}</style></head>")
        return HTMLResponse(html)

    @app.get(OAUTH2_REDIRECT_URL, include_in_schema=False)
    async def swagger_ui_redirect() -> HTMLResponse:
        return get_swagger_ui_oauth2_redirect_html()

    @app.get("/redoc", include_in_schema=False)
    async def redoc() -> HTMLResponse:
        return get_redoc_html(
            openapi_url=OPENAPI_URL,
            title=f"{app.title} — ReDoc",
            redoc_js_url=f"{ASSETS_URL}/redoc.standalone.js",
            redoc_favicon_url=f"{ASSETS_URL}/favicon.png",
            with_google_fonts=False,
        )
