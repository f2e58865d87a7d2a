"""A throwaway PostgreSQL cluster (initdb + pg_ctl on a free port) for fault tests."""

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from glob import glob
from pathlib import Path

from tests.databases import unavailable


def _binary(name: str) -> str | None:
    candidates = sorted(glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)
    return candidates[0] if candidates else shutil.which(name)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _children(parent: int) -> list[int]:
    """The ids of a process's children, read from /proc."""
    children = []
    for stat in glob("/proc/[0-9]*/stat"):
        with contextlib.suppress(OSError):
            fields = Path(stat).read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) == parent:
                children.append(int(Path(stat).parent.name))
    return children


class ThrowawayCluster:
    """A private cluster in a temporary directory that the test can stop and start."""

    def __init__(self, initdb: str, pg_ctl: str, root: Path) -> None:
        self.pg_ctl = pg_ctl
        self.data = root / "data"
        self.port = free_port()
        self.as_postgres = os.geteuid() == 0  # initdb refuses to run as root
        if self.as_postgres:
            shutil.chown(root, "postgres")
        self._run(initdb, "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8")

    @property
    def url(self) -> str:
        """SQLAlchemy URL of the cluster's `postgres` database."""
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def start(self) -> None:
        """Start the server and wait until it accepts connections."""
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.data}"
        self._run(
            self.pg_ctl,
            "-D",
            str(self.data),
            "-o",
            options,
            "-w",
            "-l",
            str(self.data / "server.log"),
            "start",
        )

    def freeze(self) -> None:
        """Stop every process of the server (SIGSTOP) without closing a socket: a database that
        stops answering, as in a network partition or a stalled pooler."""
        self._signal(signal.SIGSTOP)

    def thaw(self) -> None:
        """Let a frozen server run again (SIGCONT)."""
        self._signal(signal.SIGCONT)

    def _signal(self, signum: int) -> None:
        postmaster = int((self.data / "postmaster.pid").read_text().split()[0])
        for pid in [postmaster, *_children(postmaster)]:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signum)

    def stop(self) -> None:
        """Stop the server at once, dropping client connections."""
        self._run(self.pg_ctl, "-D", str(self.data), "-m", "immediate", "-w", "stop")

    def _run(self, *command: str) -> None:
        prefix = ["runuser", "-u", "postgres", "--"] if self.as_postgres else []
        subprocess.run([*prefix, *command], check=True, capture_output=True, timeout=120)


@contextmanager
def throwaway_cluster() -> Iterator[ThrowawayCluster]:
    """Create and start a cluster; stop it and delete its files afterwards."""
    initdb, pg_ctl = _binary("initdb"), _binary("pg_ctl")
    if not initdb or not pg_ctl:
        unavailable("PostgreSQL server binaries (initdb, pg_ctl) are not installed")
    root = Path(tempfile.mkdtemp(prefix="todo-pgfault-"))
    try:
        cluster = ThrowawayCluster(initdb, pg_ctl, root)
        cluster.start()
        try:
            yield cluster
        finally:
            subprocess.run(
                [
                    *(["runuser", "-u", "postgres", "--"] if cluster.as_postgres else []),
                    pg_ctl,
                    "-D",
                    str(cluster.data),
                    "-m",
                    "immediate",
                    "stop",
                ],
                capture_output=True,
                timeout=60,
                check=False,
            )
    finally:
        shutil.rmtree(root, ignore_errors=True)
