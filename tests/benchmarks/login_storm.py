"""Benchmark: /api/health latency alone and during a storm of 20 concurrent bcrypt logins.

Starts `todo-api serve` on a free port with a temporary SQLite database and bcrypt at
its production cost (12), then prints health's p50/p99 without and with the storm and
the p99 ratio (the goal is <= 1.5: nothing may block the event loop).

    uv run python tests/benchmarks/login_storm.py [--rounds 5] [--concurrency 20] [--control]

`--control` replaces the storm by one niced busy core (no requests): the same harm to health
means the cost is CPU contention on the machine, not something blocking the event loop.
"""

import argparse
import asyncio
import multiprocessing
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from multiprocessing.sharedctypes import Synchronized
from multiprocessing.synchronize import Event
from pathlib import Path

import httpx

from backend.auth.passwords import BCRYPT_NICENESS

EMAIL = "storm@example.com"
PASSWORD = "correct horse battery staple"
# Paced probing spreads the samples over the whole storm, not just its first burst.
PROBE_INTERVAL = 0.02


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


async def sample_health(
    client: httpx.AsyncClient, samples: int, interval: float = PROBE_INTERVAL
) -> list[float]:
    """Health requests paced `interval` apart (one at a time); latency of each in milliseconds."""
    latencies = []
    for _ in range(samples):
        start = time.perf_counter()
        response = await client.get("/api/health")
        latency = time.perf_counter() - start
        latencies.append(latency * 1000)
        assert response.status_code == 200
        await asyncio.sleep(max(0.0, interval - latency))
    return latencies


async def storm(base_url: str, concurrency: int, stop: Event, started: Event) -> int:
    """Waves of `concurrency` simultaneous logins until told to stop; returns logins done."""
    done = 0
    payload = {"email": EMAIL, "password": PASSWORD}
    limits = httpx.Limits(max_connections=concurrency)
    async with httpx.AsyncClient(base_url=base_url, timeout=300, limits=limits) as client:
        while not stop.is_set():
            wave = [client.post("/api/auth/login", json=payload) for _ in range(concurrency)]
            started.set()
            responses = await asyncio.gather(*wave)
            assert all(r.status_code == 200 for r in responses), [r.status_code for r in responses]
            done += len(responses)
    return done


def storm_process(
    base_url: str, concurrency: int, stop: Event, started: Event, logins: "Synchronized[int]"
) -> None:
    """The storm in its own process, so that its client work cannot delay the health probe."""
    logins.value = asyncio.run(storm(base_url, concurrency, stop, started))


def percentile(values: list[float], fraction: float) -> float:
    """The value below which `fraction` of the sorted values fall."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def burn_process(
    _base_url: str, _concurrency: int, stop: Event, started: Event, logins: "Synchronized[int]"
) -> None:
    """Control load: one core of busy work at bcrypt's priority, with no request to the server.

    If health suffers as much from this as from the storm, the storm's cost is the machine's
    CPU, not anything blocking the server's event loop.
    """
    os.nice(BCRYPT_NICENESS)
    started.set()
    while not stop.is_set():
        sum(range(10_000))
    logins.value = 0


async def run(
    samples: int, rounds: int, concurrency: int, bcrypt_rounds: int, control: bool
) -> None:
    """Start the server, measure both phases, print the figures."""
    with tempfile.TemporaryDirectory() as workdir:
        port = free_port()
        server = start_server(Path(workdir), port, bcrypt_rounds)
        base_url = f"http://127.0.0.1:{port}"
        spawn = multiprocessing.get_context("spawn")
        try:
            async with httpx.AsyncClient(base_url=base_url, timeout=120) as probe:
                await wait_until_up(probe)
                registered = await probe.post(
                    "/api/auth/register", json={"email": EMAIL, "password": PASSWORD}
                )
                assert registered.status_code == 201, registered.text
                await sample_health(probe, 50, interval=0)  # warm-up
                quiet: list[float] = []
                stormy: list[float] = []
                logins, elapsed = 0, 0.0
                per_round: list[tuple[float, float]] = []
                # Alternate the phases so that noise from other load on the machine hits both.
                for _ in range(rounds):
                    quiet_round = await sample_health(probe, samples)
                    stop, started, count = spawn.Event(), spawn.Event(), spawn.Value("i", 0)
                    worker = spawn.Process(
                        target=burn_process if control else storm_process,
                        args=(base_url, concurrency, stop, started, count),
                    )
                    worker.start()
                    await asyncio.to_thread(started.wait)
                    await asyncio.sleep(0.5)  # let the first wave reach bcrypt
                    began = time.perf_counter()
                    stormy_round = await sample_health(probe, samples)
                    elapsed += time.perf_counter() - began
                    quiet += quiet_round
                    stormy += stormy_round
                    per_round.append(
                        (percentile(quiet_round, 0.99), percentile(stormy_round, 0.99))
                    )
                    stop.set()
                    await asyncio.to_thread(worker.join)
                    logins += count.value
        finally:
            server.terminate()
            server.wait(timeout=10)

    load = "CONTROL: one niced busy core, no logins" if control else "login storm"
    print(
        f"{load}; bcrypt cost {bcrypt_rounds}, {concurrency} concurrent logins, "
        f"{rounds} rounds x {samples} health samples per phase "
        f"({PROBE_INTERVAL * 1000:.0f} ms apart), {os.cpu_count()} CPUs"
    )
    print(f"logins completed: {logins}; storm phases lasted {elapsed:.1f} s in all")
    for number, (quiet_p99, stormy_p99) in enumerate(per_round, start=1):
        print(f"  round {number}: p99 quiet {quiet_p99:6.2f} ms, storm {stormy_p99:6.2f} ms")
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
    parser.add_argument(
        "--control", action="store_true", help="replace the storm by one niced busy core"
    )
    args = parser.parse_args()
    asyncio.run(run(args.samples, args.rounds, args.concurrency, args.bcrypt_rounds, args.control))


if __name__ == "__main__":
    main()
