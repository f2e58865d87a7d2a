"""The OpenAPI contract in specs/ is the app's real OpenAPI document."""

import json
from pathlib import Path

from backend.cli import render_openapi

CONTRACT = Path(__file__).resolve().parents[2] / "specs" / "openapi.json"


def test_contract_file_matches_the_app() -> None:
    assert CONTRACT.exists(), "specs/openapi.json is missing: run `uv run todo-api openapi`"
    committed = json.loads(CONTRACT.read_text())
    actual = json.loads(render_openapi())
    assert committed == actual, (
        "specs/openapi.json is out of date with the app: run `uv run todo-api openapi` "
        "and commit the result"
    )


def test_every_documented_operation_has_a_summary_and_description() -> None:
    document = json.loads(render_openapi())
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            assert operation.get("summary"), f"{method.upper()} {path} has no summary"
            assert operation.get("description"), f"{method.upper()} {path} has no description"


def test_every_route_lives_under_api() -> None:
    document = json.loads(render_openapi())
    assert [path for path in document["paths"] if not path.startswith("/api/")] == []
