"""Benchmark: /api/health latency alone and during a storm of 20 concurrent bcrypt logins.

Starts `todo-api serve` on a free port with a temporary SQLite database and bcrypt at
its production cost (12), then prints health's p50/p99 without and with the storm and
the p99 ratio (the goal is <= 1.5: nothing may block the event loop).

    uv run python tests/benchmarks/login_storm.py [--samples 300] [--rounds 3] [--concurrency 20]
"""

import argparse
import asyncio
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

EMAIL = "storm@example.com"
PASSWORD = "correct horse battery staple"


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def start_server(workdir: Path, port: int, bcrypt_rounds: int) -> subprocess.Popen[bytes]:
    """Run the real server (migrations included) in a subprocess."""
    env = {
        **os.environ,
        "ENVIRONMENT": "development",
        "DATABASE_URL": f"sqlite:///{workdir / 'bench.db'}",
        "JWT_SECRET": secrets.token_urlsafe(48),
        "BCRYPT_ROUNDS": str(bcrypt_rounds),
        "RATE_LIMIT_ENABLED": "false",
        "LOG_LEVEL": "WARNING",
    }
    command = [sys.executable, "-m", "backend.cli", "serve", "--port", str(port)]
    return subprocess.Popen(
        command, cwd=workdir, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )


async def wait_until_up(client: httpx.AsyncClient) -> None:
    """Poll health until the server answers."""
    for _ in range(300):
        try:
            if (await client.get("/api/health")).status_code == 200:
                return
        except httpx.TransportError:
            pass
        await asyncio.sleep(0.1)
    raise SystemExit("server did not start")


async def sample_health(client: httpx.AsyncClient, samples: int) -> list[float]:
    """Sequential health requests; latency of each in milliseconds."""
    latencies = []
    for _ in range(samples):
        start = time.perf_counter()
        response = await client.get("/api/health")
        latencies.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
    return latencies


async def storm(client: httpx.AsyncClient, concurrency: int, stop: asyncio.Event) -> int:
    """Waves of `concurrency` simultaneous logins until told to stop; returns logins done."""
    done = 0
    payload = {"email": EMAIL, "password": PASSWORD}
    while not stop.is_set():
        responses = await asyncio.gather(
            *(client.post("/api/auth/login", json=payload) for _ in range(concurrency))
        )
        assert all(r.status_code == 200 for r in responses), [r.status_code for r in responses]
        done += len(responses)
    return done


def percentile(values: list[float], fraction: float) -> float:
    """The value below which `fraction` of the sorted values fall."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


async def run(samples: int, rounds: int, concurrency: int, bcrypt_rounds: int) -> None:
    """Start the server, measure both phases, print the figures."""
    with tempfile.TemporaryDirectory() as workdir:
        port = free_port()
        server = start_server(Path(workdir), port, bcrypt_rounds)
        base_url = f"http://127.0.0.1:{port}"
        limits = httpx.Limits(max_connections=concurrency + 5)
        try:
            async with (
                httpx.AsyncClient(base_url=base_url, timeout=120) as probe,
                httpx.AsyncClient(base_url=base_url, timeout=120, limits=limits) as loginer,
            ):
                await wait_until_up(probe)
                registered = await loginer.post(
                    "/api/auth/register", json={"email": EMAIL, "password": PASSWORD}
                )
                assert registered.status_code == 201, registered.text
                await sample_health(probe, 50)  # warm-up
                quiet: list[float] = []
                stormy: list[float] = []
                logins, elapsed = 0, 0.0
                # Alternate the phases so that noise from other load on the machine hits both.
                for _ in range(rounds):
                    quiet += await sample_health(probe, samples)
                    stop = asyncio.Event()
                    storm_task = asyncio.create_task(storm(loginer, concurrency, stop))
                    await asyncio.sleep(0.5)  # let the first wave reach bcrypt
                    started = time.perf_counter()
                    stormy += await sample_health(probe, samples)
                    stop.set()
                    logins += await storm_task
                    elapsed += time.perf_counter() - started
        finally:
            server.terminate()
            server.wait(timeout=10)

    print(
        f"bcrypt cost {bcrypt_rounds}, {concurrency} concurrent logins, "
        f"{rounds} rounds x {samples} health samples per phase, {os.cpu_count()} CPUs"
    )
    print(f"logins completed during the storm: {logins} ({logins / elapsed:.1f}/s)")
    for label, values in (("without storm", quiet), ("with storm   ", stormy)):
        print(
            f"health {label}: p50 {statistics.median(values):6.2f} ms"
            f"   p99 {percentile(values, 0.99):6.2f} ms"
        )
    ratio = percentile(stormy, 0.99) / percentile(quiet, 0.99)
    print(f"p99 ratio (storm / quiet): {ratio:.2f}  (goal <= 1.5)")


def main() -> None:
    """Parse arguments and run the benchmark."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--bcrypt-rounds", type=int, default=12)
    args = parser.parse_args()
    asyncio.run(run(args.samples, args.rounds, args.concurrency, args.bcrypt_rounds))


if __name__ == "__main__":
    main()
