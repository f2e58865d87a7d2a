"""`/docs` and `/redoc` render from bundled assets, with no network."""

import re

import pytest
from fastapi.testclient import TestClient

EXTERNAL_URL = re.compile(r"""(?:src|href)=["']https?://""")


class TestDocs:
    def test_swagger_ui_uses_only_local_assets(self, client: TestClient) -> None:
        page = client.get("/docs")
        assert page.status_code == 200
        assert "/docs-assets/swagger-ui-bundle.js" in page.text
        assert not EXTERNAL_URL.search(page.text)

    def test_swagger_assets_are_served(self, client: TestClient) -> None:
        script = client.get("/docs-assets/swagger-ui-bundle.js")
        assert script.status_code == 200
        assert len(script.content) > 100_000
        assert client.get("/docs-assets/swagger-ui.css").status_code == 200

    def test_oauth2_redirect_page_exists(self, client: TestClient) -> None:
        page = client.get("/docs/oauth2-redirect")
        assert page.status_code == 200
        assert "oauth2" in page.text.lower()

    def test_redoc_uses_only_local_assets(self, client: TestClient) -> None:
        page = client.get("/redoc")
        assert page.status_code == 200
        assert "/docs-assets/redoc.standalone.js" in page.text
        assert not EXTERNAL_URL.search(page.text)
        assert client.get("/docs-assets/redoc.standalone.js").status_code == 200

    def test_openapi_document_is_served(self, client: TestClient) -> None:
        document = client.get("/openapi.json").json()
        assert document["info"]["title"] == "Todo API"
        assert "/api/health" in document["paths"]


DOCUMENTED_SCHEMAS = [
    "TaskPublic",
    "TaskUpdate",
    "TaskStats",
    "TagPublic",
    "UserPublic",
    "TokenResponse",
    "ConversationPublic",
    "ConversationDetail",
    "MessagePublic",
    "ChatRequest",
    "ChatResponse",
]
EXAMPLED_SCHEMAS = ["TokenResponse", "UserPublic", "TaskStats", "TagPublic"]


class TestOpenAPIQuality:
    @pytest.mark.parametrize("name", DOCUMENTED_SCHEMAS)
    def test_every_field_is_described(self, client: TestClient, name: str) -> None:
        schema = client.get("/openapi.json").json()["components"]["schemas"][name]
        undescribed = [f for f, spec in schema["properties"].items() if "description" not in spec]
        assert undescribed == []

    def test_password_form_fields_are_described(self, client: TestClient) -> None:
        document = client.get("/openapi.json").json()
        body = document["paths"]["/api/auth/token"]["post"]["requestBody"]["content"]
        ref = body["application/x-www-form-urlencoded"]["schema"]["$ref"].rsplit("/", 1)[-1]
        properties = document["components"]["schemas"][ref]["properties"]
        assert all("description" in spec for spec in properties.values())

    @pytest.mark.parametrize("name", EXAMPLED_SCHEMAS)
    def test_response_schema_has_an_example(self, client: TestClient, name: str) -> None:
        schema = client.get("/openapi.json").json()["components"]["schemas"][name]
        assert schema["examples"]
        assert set(schema["examples"][0]) >= set(schema["required"])

    def test_auth_routes_declare_503(self, client: TestClient) -> None:
        paths = client.get("/openapi.json").json()["paths"]
        auth = {path: ops for path, ops in paths.items() if path.startswith("/api/auth/")}
        assert auth
        for path, operations in auth.items():
            for method, operation in operations.items():
                assert "503" in operation["responses"], f"{method} {path}"
