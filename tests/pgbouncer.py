"""A throwaway PgBouncer in transaction mode, in front of the test Postgres server: what Neon's
pooled endpoints and most self-hosted poolers are."""

import os
import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
from sqlalchemy.engine import make_url

from tests.databases import unavailable
from tests.pgcluster import free_port

START_SECONDS = 10
# Fewer server connections than the app's pool (10): PgBouncer hands each transaction whichever
# server connection is free, as a busy pooler does.
SERVER_CONNECTIONS = 3


def _version(binary: str) -> tuple[int, ...]:
    output = subprocess.run([binary, "--version"], capture_output=True, text=True).stdout
    match = re.search(r"PgBouncer (\d+)\.(\d+)", output)
    return (int(match.group(1)), int(match.group(2))) if match else (0, 0)


def _config(database_url: str, port: int, root: Path, version: tuple[int, ...]) -> str:
    server = make_url(database_url)
    # Keeping prepared statements across server connections came in 1.21; off, as before it.
    keep_prepared = "max_prepared_statements = 0" if version >= (1, 21) else ""
    return f"""
[databases]
* = host={server.host or "127.0.0.1"} port={server.port or 5432}
[pgbouncer]
listen_addr = 127.0.0.1
listen_port = {port}
unix_socket_dir =
auth_type = trust
auth_file = {root / "users.txt"}
pool_mode = transaction
default_pool_size = {SERVER_CONNECTIONS}
max_client_conn = 200
logfile = {root / "pgbouncer.log"}
{keep_prepared}
"""


@contextmanager
def pgbouncer(database_url: str) -> Iterator[str]:
    """PgBouncer in transaction mode, keeping no prepared statements (before 1.21, or with
    `max_prepared_statements = 0`), in front of `database_url`'s server; yields the same
    database's URL through it. Skipped without the `pgbouncer` binary, except under CI."""
    binary = shutil.which("pgbouncer") or "/usr/sbin/pgbouncer"
    if not os.path.exists(binary):
        unavailable("pgbouncer is not installed (apt-get install pgbouncer)")
    port = free_port()
    user = make_url(database_url).username or "postgres"
    with tempfile.TemporaryDirectory() as directory:
        root = Path(directory)
        (root / "users.txt").write_text(f'"{user}" ""\n')
        (root / "pgbouncer.ini").write_text(_config(database_url, port, root, _version(binary)))
        command = [binary, str(root / "pgbouncer.ini")]
        if os.geteuid() == 0:  # PgBouncer refuses to run as root
            shutil.chown(root, "postgres")
            command[1:1] = ["-u", "postgres"]
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            url = make_url(database_url).set(host="127.0.0.1", port=port)
            _wait_until_accepting(url.set(drivername="postgresql").render_as_string(False))
            yield url.render_as_string(hide_password=False)
        finally:
            process.terminate()
            process.wait(timeout=START_SECONDS)


def _wait_until_accepting(dsn: str) -> None:
    deadline = time.monotonic() + START_SECONDS
    while True:
        try:
            with psycopg.connect(dsn, connect_timeout=2):
                return
        except psycopg.OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)
