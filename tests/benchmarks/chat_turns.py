"""Benchmark: per-turn latency of POST /chat (local engine) for conversations of 5 and 500 messages.

Run: `uv run python -m tests.benchmarks.chat_turns [--turns 200] [--postgres]`.
Prints p50/p99 per size and the 500/5 ratios; the design target is a ratio of at most 1.5,
because a turn reads only the last CHAT_HISTORY_LIMIT messages through an index. Then the
understanding layer alone (no database): milliseconds to read each message of the utterance
table (tests/chat/utterances.py).
"""

import argparse
import asyncio
import statistics
import time

from fastapi.testclient import TestClient
from sqlalchemy import create_engine
from sqlmodel import Session, col, delete

from backend.auth.security import create_access_token
from backend.chat.models import Message
from backend.chat.providers.dialogue import understand
from backend.main import create_app
from backend.schema import run_migrations
from backend.tasks.models import Task, search_text
from tests.benchmarks.tasks_load import add_user
from tests.chat.conftest import NOW
from tests.chat.history import seed_conversation
from tests.chat.utterances import CASES
from tests.conftest import make_settings
from tests.databases import throwaway_database

SIZES = (5, 500)
SENTENCES = (
    "show my tasks",
    "mark it as done",
    "what's pending?",
    "add buy bread tomorrow",
    "add milk, eggs and coffee #groceries",
    "push it back 2 days and make it high priority",
)
TARGET_RATIO = 1.5


def seed(session: Session, owner_id: str, size: int) -> tuple[int, int]:
    """A conversation of `size` messages about a real task; its id and its last message's id."""
    task = Task(user_id=owner_id, title="Buy milk", search_text=search_text("Buy milk", None))
    session.add(task)
    session.commit()
    assert task.id is not None
    return seed_conversation(session, owner_id, task.id, size, filler="lorem ipsum " * 20)


def percentile(samples: list[float], fraction: float) -> float:
    """The sample at `fraction` of the sorted list (nearest rank)."""
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def run(turns: int, postgres: bool) -> dict[int, list[float]]:
    """Time `turns` turns on each conversation, interleaved; milliseconds per size."""
    with throwaway_database("postgres" if postgres else "sqlite", "chat_bench") as url:
        settings = make_settings(url)
        app = create_app(settings)
        asyncio.run(run_migrations(app.state.engine))
        asyncio.run(app.state.engine.dispose())  # its connections belong to that loop
        user_id = add_user(url)
        sync_engine = create_engine(url)
        with Session(sync_engine, expire_on_commit=False) as session:
            conversations = {size: seed(session, user_id, size) for size in SIZES}
            headers = {
                "Authorization": "Bearer " + create_access_token(user_id=user_id, settings=settings)
            }
            timings: dict[int, list[float]] = {size: [] for size in SIZES}
            with TestClient(app) as client:
                for turn in range(-10, turns):  # the first ten warm up caches and the pool
                    for size, (conversation_id, last_seeded) in conversations.items():
                        body = {"message": SENTENCES[turn % len(SENTENCES)],
                                "conversation_id": conversation_id}  # fmt: skip
                        started = time.perf_counter()
                        response = client.post("/api/me/chat", json=body, headers=headers)
                        elapsed = (time.perf_counter() - started) * 1000
                        assert response.status_code == 200, response.text
                        # Keep the conversation at its size: drop the turn's two messages.
                        session.exec(
                            delete(Message).where(
                                col(Message.conversation_id) == conversation_id,
                                col(Message.id) > last_seeded,
                            )
                        )
                        session.commit()
                        if turn >= 0:
                            timings[size].append(elapsed)
        sync_engine.dispose()
    return timings


def understanding_timings() -> list[float]:
    """Milliseconds to understand each message of the utterance table, without history."""
    messages = [text for case in CASES for text in case.turns]
    understand("add warm up tomorrow and call mom friday", [], NOW)  # dateparser loads lazily
    timings = []
    for text in messages:
        started = time.perf_counter()
        understand(text, [], NOW)
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def main() -> None:
    """Parse options, run, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=200, help="timed turns per size")
    parser.add_argument("--postgres", action="store_true", help="use a fresh Postgres database")
    args = parser.parse_args()
    timings = run(args.turns, args.postgres)
    backend = "postgres" if args.postgres else "sqlite"
    print(f"chat turns, local engine, {backend}, {args.turns} turns per size")
    print(f"{'messages':>9} {'p50 ms':>8} {'p99 ms':>8} {'mean ms':>8}")
    for size, samples in timings.items():
        print(
            f"{size:>9} {percentile(samples, 0.5):>8.2f} {percentile(samples, 0.99):>8.2f} "
            f"{statistics.fmean(samples):>8.2f}"
        )
    small, large = (timings[size] for size in SIZES)
    p50_ratio = percentile(large, 0.5) / percentile(small, 0.5)
    p99_ratio = percentile(large, 0.99) / percentile(small, 0.99)
    verdict = "OK" if max(p50_ratio, p99_ratio) <= TARGET_RATIO else "ABOVE TARGET"
    print(
        f"ratio 500/5: p50 {p50_ratio:.2f}, p99 {p99_ratio:.2f} "
        f"(target <= {TARGET_RATIO}) {verdict}"
    )
    parsing = understanding_timings()
    print(
        f"understanding alone, {len(parsing)} messages: p50 {percentile(parsing, 0.5):.2f} ms, "
        f"p99 {percentile(parsing, 0.99):.2f} ms, max {max(parsing):.2f} ms"
    )


if __name__ == "__main__":
    main()
