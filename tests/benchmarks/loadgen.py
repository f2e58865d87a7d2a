"""A small closed-loop HTTP load driver (asyncio + httpx) and a uvicorn launcher for benchmarks."""

import asyncio
import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import httpx


@dataclass(frozen=True)
class LoadResult:
    """What one load run measured."""

    name: str
    requests: int
    errors: int
    seconds: float
    latencies_ms: list[float]

    @property
    def rps(self) -> float:
        """Completed requests per second."""
        return self.requests / self.seconds

    def percentile(self, p: float) -> float:
        """Latency percentile in milliseconds (p in 0..100)."""
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(len(ordered) * p / 100))]

    def line(self) -> str:
        """One printable summary line."""
        return (
            f"{self.name:<28} {self.rps:8.0f} req/s   p50 {self.percentile(50):7.2f} ms   "
            f"p99 {self.percentile(99):7.2f} ms   errors {self.errors}"
        )


async def run_load(
    name: str,
    base_url: str,
    make_request: Callable[[httpx.AsyncClient, int], httpx.Request],
    *,
    concurrency: int = 16,
    seconds: float = 5.0,
    max_requests: int = 200_000,
) -> LoadResult:
    """Keep `concurrency` requests in flight for `seconds` (bounded by `max_requests`)."""
    latencies: list[float] = []
    errors = 0
    counter = 0
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base_url, limits=limits, timeout=30) as client:
        deadline = time.perf_counter() + seconds

        async def worker() -> None:
            nonlocal errors, counter
            while time.perf_counter() < deadline and counter < max_requests:
                counter += 1
                request = make_request(client, counter)
                start = time.perf_counter()
                response = await client.send(request)
                latencies.append((time.perf_counter() - start) * 1000)
                if response.status_code >= 400:
                    errors += 1

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    return LoadResult(name, len(latencies), errors, elapsed, latencies)


def free_port() -> int:
    """An unused TCP port on the loopback interface."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def uvicorn_server(app_path: str, *, env: dict[str, str], factory: bool = False) -> Iterator[str]:
    """Run `uvicorn app_path` (one worker) in a subprocess; yield its base URL."""
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        app_path,
        "--port",
        str(port),
        "--log-level",
        "warning",
        "--no-access-log",
    ]
    if factory:
        command.append("--factory")
    process = subprocess.Popen(command, env={**os.environ, **env})
    base_url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                httpx.get(base_url + "/", timeout=0.5)
                break
            except httpx.TransportError:
                time.sleep(0.05)
        else:
            raise RuntimeError(f"{app_path} did not start")
        yield base_url
    finally:
        process.terminate()
        process.wait(timeout=10)
