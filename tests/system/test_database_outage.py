"""A database outage answers 503 with Retry-After, and the app recovers by itself.

Both engines: readiness checks the worker threads' one; the task list reads on the event loop's.
"""

import time

import pytest
from fastapi.testclient import TestClient

from backend.auth.models import User
from backend.auth.security import create_access_token
from backend.db import open_session, run_migrations
from backend.main import create_app
from tests.conftest import make_settings
from tests.pgcluster import throwaway_cluster

RECOVERY_SECONDS = 20


@pytest.mark.slow
def test_readiness_follows_the_database_without_an_app_restart() -> None:
    with throwaway_cluster() as cluster:
        app = create_app(make_settings(cluster.url, db_connect_timeout=2))
        run_migrations(app.state.engine)
        with open_session(app.state.engine) as session:
            session.add(User(id="ada", email="ada@example.com"))
            session.commit()
        token = create_access_token(user_id="ada", settings=app.state.settings)
        headers = {"Authorization": f"Bearer {token}"}
        with TestClient(app) as client:
            assert client.get("/api/health/ready").status_code == 200
            assert client.get("/api/me/tasks", headers=headers).status_code == 200

            cluster.stop()
            down = client.get("/api/health/ready")
            assert down.status_code == 503
            assert down.headers["Retry-After"].isdigit()
            assert down.json()["code"] == "service_unavailable"
            assert "psycopg" not in down.text
            assert "SELECT" not in down.text
            assert client.get("/api/health").status_code == 200  # liveness needs no DB
            listed = client.get("/api/me/tasks", headers=headers)
            assert listed.status_code == 503
            assert listed.headers["Retry-After"].isdigit()
            assert "psycopg" not in listed.text
            assert "SELECT" not in listed.text

            cluster.start()
            deadline = time.monotonic() + RECOVERY_SECONDS
            status = None
            while time.monotonic() < deadline:
                status = client.get("/api/health/ready").status_code
                if status == 200:
                    break
                time.sleep(0.2)
            assert status == 200
            assert client.get("/api/me/tasks", headers=headers).status_code == 200
