"""Schemathesis, with every check, finds no disagreement between the app and its OpenAPI
document: a seeded, bounded run (its configuration is `schemathesis.toml`) against a live
server, logged in as the demo account."""

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from backend.config import Settings
from backend.demo import seed_demo
from backend.main import create_app
from tests.conftest import InSession
from tests.servers import serve

REPO_ROOT = Path(__file__).resolve().parents[2]
RUN_SECONDS = 600


@pytest.fixture
def base_url(settings: Settings, in_session: InSession) -> Iterator[str]:
    """A live server whose database holds the demo account the configuration logs in as."""
    in_session(lambda session: seed_demo(session, settings=settings))
    with serve(create_app(settings)) as url:
        yield url


@pytest.mark.slow
def test_schemathesis_finds_no_mismatch(base_url: str) -> None:
    command = shutil.which("schemathesis", path=str(Path(shutil.which("python") or "").parent))
    assert command is not None, "schemathesis is a dev dependency: uv sync"
    result = subprocess.run(
        [command, "run", f"{base_url}/openapi.json", "--no-color"],
        cwd=REPO_ROOT,  # where schemathesis.toml is found
        capture_output=True,
        text=True,
        check=False,
        timeout=RUN_SECONDS,
    )
    assert result.returncode == 0, result.stdout[-20000:] + result.stderr[-2000:]
