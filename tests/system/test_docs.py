"""`/docs` and `/redoc` render from bundled assets, with no network, and teach: errors, try-it-out
defaults, and a document generated clients read cleanly."""

import json
import re
from collections.abc import Iterator
from http import HTTPStatus
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from backend.cli import render_openapi
from backend.config import Settings
from backend.demo import DEMO_EMAIL, DEMO_PASSWORD, seed_demo
from backend.errors import ErrorBody, ValidationErrorBody, code_for_status
from backend.tasks.models import DEFAULTED_ON_CREATE, NOT_NULLABLE
from tests.conftest import AuthedUser, InSession, replaced_state

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


def operations(document: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """Every documented operation as (method, path, operation)."""
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            yield method, path, operation


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    """The OpenAPI document, as `todo-api openapi` renders it."""
    return dict(json.loads(render_openapi()))


class TestErrorResponses:
    def test_each_error_says_when_it_happens_with_an_example_of_its_status(
        self, document: dict[str, Any]
    ) -> None:
        for method, path, operation in operations(document):
            for status, response in operation["responses"].items():
                if int(status) < 400:
                    continue
                where = f"{method.upper()} {path} {status}"
                assert response["description"] != HTTPStatus(int(status)).phrase, where
                content = response["content"]["application/json"]
                model = ValidationErrorBody if status == "422" else ErrorBody
                assert content["schema"]["$ref"].endswith(f"/{model.__name__}"), where
                example = model.model_validate(content["example"])
                assert example.code == code_for_status(int(status)), where

    def test_no_example_serves_two_statuses(self, document: dict[str, Any]) -> None:
        statuses_of: dict[str, set[str]] = {}
        for _, _, operation in operations(document):
            for status, response in operation["responses"].items():
                if int(status) >= 400:
                    message = response["content"]["application/json"]["example"]["message"]
                    statuses_of.setdefault(message, set()).add(status)
        assert len(statuses_of) > 10
        assert {m: s for m, s in statuses_of.items() if len(s) > 1} == {}

    @pytest.mark.parametrize(
        ("status", "header"),
        [("401", "WWW-Authenticate"), ("429", "Retry-After"), ("503", "Retry-After")],
    )
    def test_headers_sent_are_declared(
        self, document: dict[str, Any], status: str, header: str
    ) -> None:
        responses = [op["responses"] for _, _, op in operations(document)]
        declaring = [r[status] for r in responses if status in r]
        assert declaring
        assert all(header in response["headers"] for response in declaring)

    def test_busy_conversation_declares_retry_after(self, document: dict[str, Any]) -> None:
        busy = document["paths"]["/api/{user_id}/chat"]["post"]["responses"]["409"]
        assert "Retry-After" in busy["headers"]

    def test_documented_404_is_what_the_app_answers(
        self, client: TestClient, alice: AuthedUser, document: dict[str, Any]
    ) -> None:
        documented = document["paths"]["/api/{user_id}/tasks/{task_id}"]["get"]["responses"]
        answer = client.get("/api/me/tasks/999999", headers=alice.headers)
        assert answer.status_code == 404
        assert answer.json() == documented["404"]["content"]["application/json"]["example"]

    def test_documented_wrong_password_is_what_the_app_answers(
        self, client: TestClient, document: dict[str, Any]
    ) -> None:
        documented = document["paths"]["/api/auth/login"]["post"]["responses"]["401"]
        answer = client.post(
            "/api/auth/login", json={"email": "nobody@example.com", "password": "wrong-password"}
        )
        assert answer.status_code == 401
        assert answer.json() == documented["content"]["application/json"]["example"]


class TestTryItOut:
    def test_root_redirects_to_the_docs(self, client: TestClient) -> None:
        response = client.get("/", follow_redirects=False)
        assert response.status_code == 307
        assert response.headers["Location"] == "/docs"

    def test_every_user_id_is_prefilled_with_me(self, document: dict[str, Any]) -> None:
        user_ids = [
            parameter
            for _, _, operation in operations(document)
            for parameter in operation.get("parameters", [])
            if parameter["name"] == "user_id"
        ]
        assert user_ids
        for parameter in user_ids:
            first = next(iter(parameter["examples"].values()))
            assert first["value"] == "me"

    def test_the_toggle_example_toggles(self, client: TestClient, alice: AuthedUser) -> None:
        # Swagger UI sends the first example of the served document (not the sorted contract).
        body = client.get("/openapi.json").json()["paths"][
            "/api/{user_id}/tasks/{task_id}/complete"
        ]["patch"]
        examples = body["requestBody"]["content"]["application/json"]["examples"]
        first = next(iter(examples.values()))["value"]
        task = client.post("/api/me/tasks", json={"title": "Toggle me"}, headers=alice.headers)
        url = f"/api/me/tasks/{task.json()['id']}/complete"
        states = [client.patch(url, json=first, headers=alice.headers).json() for _ in range(2)]
        assert [state["completed"] for state in states] == [True, False]

    def test_synonyms_are_accepted_but_not_shown(
        self, client: TestClient, alice: AuthedUser, document: dict[str, Any]
    ) -> None:
        listed = document["paths"]["/api/{user_id}/tasks"]["get"]["parameters"]
        assert {"tags", "sort_by"}.isdisjoint(p["name"] for p in listed)
        for title, tags in [("b", ["work", "home"]), ("a", ["work"])]:
            client.post("/api/me/tasks", json={"title": title, "tags": tags}, headers=alice.headers)
        found = client.get(
            "/api/me/tasks?tags=work,home&sort_by=title&order=asc", headers=alice.headers
        )
        assert [task["title"] for task in found.json()] == ["b"]

    def test_parameters_are_never_null(self, document: dict[str, Any]) -> None:
        schemas = [
            json.dumps(parameter["schema"])
            for _, _, operation in operations(document)
            for parameter in operation.get("parameters", [])
        ]
        assert not [schema for schema in schemas if '"null"' in schema]

    def test_put_and_patch_are_told_apart(self, document: dict[str, Any]) -> None:
        task = document["paths"]["/api/{user_id}/tasks/{task_id}"]
        assert task["put"]["summary"] != task["patch"]["summary"]
        assert task["put"]["operationId"] != task["patch"]["operationId"]

    def test_tags_are_described_in_reading_order(self, document: dict[str, Any]) -> None:
        assert [tag["name"] for tag in document["tags"]] == ["auth", "tasks", "chat", "system"]
        assert all(tag["description"] for tag in document["tags"])

    def test_authorize_offers_the_email_login_and_a_plain_token(
        self, document: dict[str, Any]
    ) -> None:
        schemes = document["components"]["securitySchemes"]
        assert "email" in schemes["OAuth2PasswordBearer"]["description"]
        assert schemes["BearerToken"] == {**schemes["BearerToken"], "scheme": "bearer"}
        listed = document["paths"]["/api/{user_id}/tasks"]["get"]["security"]
        assert listed == [{"OAuth2PasswordBearer": []}, {"BearerToken": []}]

    def test_swagger_hides_the_unused_oauth_fields(self, client: TestClient) -> None:
        page = client.get("/docs").text
        assert "label[for^=client_secret]" in page
        assert '"tryItOutEnabled": true' in page

    def test_the_demo_account_is_named_in_development_once_it_exists(
        self, app: FastAPI, client: TestClient, in_session: InSession, settings: Settings
    ) -> None:
        development = settings.model_copy(update={"environment": "development"})
        with replaced_state(app, "settings", development):
            before = client.get("/openapi.json").json()["info"]["description"]
            in_session(lambda session: seed_demo(session, settings=settings))
            after = client.get("/openapi.json").json()["info"]["description"]
        assert DEMO_PASSWORD not in before
        assert f"`{DEMO_EMAIL}` / `{DEMO_PASSWORD}`" in after

    def test_the_demo_account_is_never_named_outside_development(
        self, client: TestClient, in_session: InSession, settings: Settings
    ) -> None:
        in_session(lambda session: seed_demo(session, settings=settings))
        assert DEMO_PASSWORD not in client.get("/openapi.json").text


class TestGeneratedClients:
    def test_operation_ids_are_camel_case_and_unique(self, document: dict[str, Any]) -> None:
        ids = [operation["operationId"] for _, _, operation in operations(document)]
        assert len(set(ids)) == len(ids)
        assert all(re.fullmatch(r"[a-z]+(?:[A-Z][a-z]+)*", op_id) for op_id in ids)
        assert "listTasks" in ids

    def test_response_schemas_require_every_field(self, document: dict[str, Any]) -> None:
        schemas = document["components"]["schemas"]
        for name in ("TaskPublic", "UserPublic", "TokenResponse", "MessagePublic"):
            assert set(schemas[name]["required"]) == set(schemas[name]["properties"]), name

    def test_request_defaults_are_told_not_declared(self, document: dict[str, Any]) -> None:
        created = document["components"]["schemas"]["TaskCreate"]
        assert created["required"] == ["title"]
        assert not [name for name, p in created["properties"].items() if "default" in p]
        assert "Default: `medium`." in created["properties"]["priority"]["description"]

    def test_null_is_declared_exactly_where_the_app_takes_it(
        self, document: dict[str, Any]
    ) -> None:
        schemas = document["components"]["schemas"]

        def nullable(schema: str, field: str) -> bool:
            return {"type": "null"} in schemas[schema]["properties"][field].get("anyOf", [])

        assert not [name for name in NOT_NULLABLE if nullable("TaskUpdate", name)]
        assert all(nullable("TaskUpdate", name) for name in ("description", "due_date", "tags"))
        assert all(nullable("TaskCreate", name) for name in DEFAULTED_ON_CREATE)

    def test_lengths_and_formats_are_declared(self, document: dict[str, Any]) -> None:
        schemas = document["components"]["schemas"]
        password = schemas["UserCreate"]["properties"]["password"]
        assert (password["minLength"], password["maxLength"]) == (8, 72)
        listed = document["paths"]["/api/{user_id}/tasks"]["get"]["parameters"]
        due_before = next(p for p in listed if p["name"] == "due_before")["schema"]
        assert {o["format"] for o in due_before["anyOf"]} == {"date", "date-time"}

    def test_status_synonyms_are_values_of_the_schema(
        self, client: TestClient, alice: AuthedUser, document: dict[str, Any]
    ) -> None:
        listed = document["paths"]["/api/{user_id}/tasks"]["get"]["parameters"]
        status = next(p for p in listed if p["name"] == "status")["schema"]
        assert {"incomplete", "active"} <= set(status["enum"])
        for value in status["enum"]:
            found = client.get(f"/api/me/tasks?status={value}", headers=alice.headers)
            assert found.status_code == 200, value

    def test_every_declared_header_has_a_schema(self, document: dict[str, Any]) -> None:
        headers = [
            (f"{method.upper()} {path} {status} {name}", header)
            for method, path, operation in operations(document)
            for status, response in operation["responses"].items()
            for name, header in response.get("headers", {}).items()
        ]
        assert any(name.endswith("Location") for name, _ in headers)
        assert [name for name, header in headers if "schema" not in header] == []
