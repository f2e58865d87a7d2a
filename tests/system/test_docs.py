"""`/docs` and `/redoc` render from bundled assets, with no network."""

import re

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
