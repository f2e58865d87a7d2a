"""A TypeScript client generated from specs/openapi.json (openapi-typescript + openapi-fetch)
type-checks under `tsc --strict` with a program calling every operation, and that program's
answers from a live server match their schemas."""

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from jsonschema import Draft202012Validator
from referencing import Registry
from referencing.jsonschema import DRAFT202012
from sqlalchemy import Engine

from backend.config import Settings
from backend.main import create_app
from tests.databases import unavailable
from tests.servers import serve

HERE = Path(__file__).parent
CONTRACT = HERE.parents[1] / "specs" / "openapi.json"
NPM_SECONDS = 300
CONTRACT_URI = "urn:todo-api:openapi"


def run(*command: str) -> None:
    """Run a Node tool in this folder; its output is the failure message."""
    result = subprocess.run(
        command, cwd=HERE, capture_output=True, text=True, check=False, timeout=NPM_SECONDS
    )
    assert result.returncode == 0, f"{' '.join(command)}:\n{result.stdout}\n{result.stderr}"


@pytest.fixture(scope="module")
def compiled_client() -> Path:
    """The client program, generated, type-checked and compiled (the packages of the lock file)."""
    npm = shutil.which("npm")
    if shutil.which("node") is None or npm is None:
        unavailable("Node.js and npm are not installed")
    run(npm, "ci", "--no-audit", "--no-fund")
    run(npm, "run", "generate")
    run(npm, "run", "check")
    return HERE / "build" / "client.js"


@pytest.fixture
def base_url(settings: Settings, app: FastAPI, engine: Engine) -> Iterator[str]:
    """A real server on this session's (migrated, emptied after the test) database."""
    with serve(create_app(settings)) as url:
        yield url


def escape(part: str) -> str:
    """A JSON pointer segment."""
    return part.replace("~", "~0").replace("/", "~1")


def response_schema(document: dict[str, Any], answer: dict[str, Any]) -> dict[str, Any] | None:
    """A schema referring to the one the contract gives this answer's body (None: no body)."""
    status = str(answer["status"])
    operation = document["paths"][answer["path"]][answer["method"]]
    if "content" not in operation["responses"][status]:
        return None
    where = ["paths", answer["path"], answer["method"], "responses", status, "content"]
    pointer = "/".join(escape(part) for part in [*where, "application/json", "schema"])
    return {"$ref": f"{CONTRACT_URI}#/{pointer}"}


@pytest.mark.slow
def test_the_generated_client_calls_every_operation(
    compiled_client: Path, base_url: str, tmp_path: Path
) -> None:
    record = tmp_path / "answers.json"
    node = shutil.which("node")
    assert node is not None
    result = subprocess.run(
        [node, str(compiled_client), base_url, str(record)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
        env={**os.environ, "NODE_NO_WARNINGS": "1"},
    )
    assert result.returncode == 0, result.stderr
    answers = json.loads(record.read_text())
    document = json.loads(CONTRACT.read_text())
    contract = DRAFT202012.create_resource(document)
    registry: Registry[Any] = Registry().with_resource(CONTRACT_URI, contract)
    documented = {(m, p) for p, ops in document["paths"].items() for m in ops}
    assert {(a["method"], a["path"]) for a in answers} == documented
    for answer in answers:
        schema = response_schema(document, answer)
        if schema is None:
            assert answer["body"] is None, answer
            continue
        validator = Draft202012Validator(schema, registry=registry)
        errors = [error.message for error in validator.iter_errors(answer["body"])]
        assert errors == [], f"{answer['method'].upper()} {answer['path']}: {errors}"
