"""The OpenAPI document as clients read it: stable operation ids, schemas that say what the
app really sends and accepts, tag descriptions and the two ways to authenticate.

FastAPI's document is right for Python; these rules make it right for generated clients too
(openapi-typescript, openapi-fetch) without touching every model:
- a response always carries every field of its model (FastAPI serialises them all), so every
  property of a response-only schema is required;
- a defaulted field of a request may be left out, but openapi-typescript reads `default` on a
  component's property as "always present": request-only schemas state the default in the
  property's description instead;
- a query or path parameter is absent or a value, never `null`;
- path parameters come first, in the path's order (clients pass them positionally);
- query parameters marked `SYNONYM` are accepted for compatibility but not shown.
"""

import copy
import re
from collections.abc import Iterator
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute

from backend.auth.deps import MAX_USER_ID_LENGTH
from backend.auth.identity import bearer_scheme

# Mark a query parameter accepted for compatibility (`Field(json_schema_extra=SYNONYM)`).
SYNONYM: dict[str, Any] = {"x-synonym": True}
SCHEMA_PREFIX = "#/components/schemas/"
PASSWORD_SCHEME = bearer_scheme.scheme_name
BEARER_SCHEME = "BearerToken"

USER_ID_DESCRIPTION = "Your user id, or the literal `me`."
USER_ID_PARAMETER = {
    "name": "user_id",
    "in": "path",
    "required": True,
    "description": USER_ID_DESCRIPTION,
    "schema": {
        "type": "string",
        "maxLength": MAX_USER_ID_LENGTH,
        "title": "User Id",
        "description": USER_ID_DESCRIPTION,
        "examples": ["me"],
    },
    "examples": {"me": {"summary": "You (the token's user)", "value": "me"}},
}

TAGS: list[dict[str, str]] = [
    {
        "name": "auth",
        "description": "Create an account, log in (the **Authorize** button uses `/token`), "
        "refresh and log out. Tokens from a Better Auth frontend are accepted too.",
    },
    {
        "name": "tasks",
        "description": "Your tasks: create, list with filters, update, toggle, delete; "
        "`{user_id}` is your id or `me`.",
    },
    {
        "name": "chat",
        "description": "Talk to the assistant, which acts on your tasks; conversations are "
        "stored, so any instance answers any turn.",
    },
    {"name": "system", "description": "Liveness and readiness probes for operators."},
]


def operation_id(route: APIRoute) -> str:
    """A route's operation id: its function's name in camelCase (`list_tasks` → `listTasks`)."""
    first, *rest = route.name.split("_")
    return first + "".join(word.capitalize() for word in rest)


def install_openapi(app: FastAPI) -> None:
    """Serve `client_document` as the app's OpenAPI document (built once, on first use)."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = client_document(app)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def client_document(app: FastAPI) -> dict[str, Any]:
    """The app's OpenAPI document with the rules of this module applied."""
    document = get_openapi(
        title=app.title,
        version=app.version,
        description=app.description,
        routes=app.routes,
        tags=TAGS,
        separate_input_output_schemas=app.separate_input_output_schemas,
    )
    for path, path_operations in document["paths"].items():
        for operation in path_operations.values():
            _clean_parameters(operation, path)
            _offer_plain_bearer(operation)
    operations = [op for ops in document["paths"].values() for op in ops.values()]
    schemas = document.get("components", {}).get("schemas", {})
    inputs = _reachable(schemas, [op.get("requestBody", {}) for op in operations])
    outputs = _reachable(schemas, [op.get("responses", {}) for op in operations])
    for name in outputs - inputs:
        _require_every_property(schemas[name])
    for name in inputs - outputs:
        _describe_defaults(schemas[name])
    _describe_security(document)
    return document


def _clean_parameters(operation: dict[str, Any], path: str) -> None:
    parameters = [p for p in operation.get("parameters", []) if not p["schema"].get("x-synonym")]
    if "{user_id}" in path:  # checked by hand where the user is read (`backend.auth.deps`)
        parameters.append(copy.deepcopy(USER_ID_PARAMETER))
    parameters.sort(key=lambda parameter: _position(parameter, path))
    for parameter in parameters:
        schema = parameter["schema"]
        options = [s for s in schema.pop("anyOf", []) if s.get("type") != "null"]
        if len(options) == 1:
            schema.update(options[0])
        elif options:
            schema["anyOf"] = options
    if parameters or "parameters" in operation:
        operation["parameters"] = parameters


def _position(parameter: dict[str, Any], path: str) -> int:
    # Path parameters where they stand in the path; the others after them, in their order.
    if parameter["in"] != "path":
        return len(path)
    return path.find("{" + parameter["name"] + "}")


def _offer_plain_bearer(operation: dict[str, Any]) -> None:
    # Either scheme sends the same header: the password flow for people, a pasted token for
    # everything else (a Better Auth token, one from `/login`).
    if {PASSWORD_SCHEME: []} in operation.get("security", []):
        operation["security"] = [{PASSWORD_SCHEME: []}, {BEARER_SCHEME: []}]


def _describe_security(document: dict[str, Any]) -> None:
    schemes = document.get("components", {}).get("securitySchemes", {})
    if PASSWORD_SCHEME not in schemes:
        return
    schemes[PASSWORD_SCHEME]["description"] = (
        "Log in with your **email** as `username` and your password."
    )
    schemes[BEARER_SCHEME] = {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "JWT",
        "description": "Paste an access token: `access_token` from `/api/auth/login`, or a "
        "token from your Better Auth frontend.",
    }


def _refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith(SCHEMA_PREFIX):
            yield ref.removeprefix(SCHEMA_PREFIX)
        for value in node.values():
            yield from _refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from _refs(item)


def _reachable(schemas: dict[str, Any], roots: list[Any]) -> set[str]:
    """The component schemas that `roots` use, directly or through other schemas."""
    seen: set[str] = set()
    pending = list(_refs(roots))
    while pending:
        name = pending.pop()
        if name not in seen:
            seen.add(name)
            pending.extend(_refs(schemas[name]))
    return seen


def _require_every_property(schema: dict[str, Any]) -> None:
    if "properties" in schema:
        schema["required"] = list(schema["properties"])


def _describe_defaults(schema: dict[str, Any]) -> None:
    for prop in schema.get("properties", {}).values():
        if "default" not in prop:
            continue
        default = prop.pop("default")
        if default is None or re.search(r"\bdefault\b", prop.get("description", ""), re.I):
            continue
        shown = str(default).lower() if isinstance(default, bool) else default
        prop["description"] = f"{prop.get('description', '')} Default: `{shown}`.".strip()
