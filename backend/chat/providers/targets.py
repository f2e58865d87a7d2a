"""Which tasks a request means: ids, positions in the list shown, pronouns, title words,
filters; or the question to ask instead when that is not clear."""

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from rapidfuzz import fuzz

from backend.chat.models import Message
from backend.chat.providers.actions import Task, TaskRef
from backend.chat.providers.dialogue import last_listed, last_mentioned, tasks_in
from backend.chat.providers.normalise import other_spelling
from backend.chat.providers.references import SEVERAL, left_out, title_words
from backend.chat.providers.replies import MAX_LISTED, TALK, bullets, name
from backend.tasks.tools import ToolOutcome

FETCH_LIMIT = 100  # the most tasks one list call returns
MIN_FUZZY_SCORE = 75
WHICH = "Which task do you mean? Tell me its number or some words of its title."


@dataclass(frozen=True)
class Said:
    """A reply line; `asks`: it asks the user something, so the turn stops there."""

    text: str
    asks: bool = False


class Resolver(ABC):
    """Finds the tasks a reference means, reading them through `call` (the executor's)."""

    def __init__(self, history: Sequence[Message], now: datetime) -> None:
        self.history = history
        self.now = now
        self.acted: dict[int, Task] = {}  # what this turn acted on, latest state
        self.shown: list[Task] = []  # the list this turn showed

    @abstractmethod
    async def call(self, name: str, arguments: dict[str, Any]) -> ToolOutcome:
        """Call one tool."""

    def _shown_before(self) -> list[Task]:
        """The tasks of the last list the user saw: this turn's, else the last answer's."""
        return self.shown or last_listed(self.history)

    async def _targets(
        self, ref: TaskRef, status: str, *, delete: bool = False, ask: bool = True
    ) -> list[Task] | Said:
        """The tasks `ref` means, or what to say instead (a question, or that none matched)."""
        if ref.task_ids and ref.loose and self._shown_before():
            shown = self._shown_before()
            if all(1 <= task_id <= len(shown) for task_id in ref.task_ids):
                return [shown[task_id - 1] for task_id in ref.task_ids]
        if ref.task_ids:
            return [{"id": task_id} for task_id in ref.task_ids]
        if ref.task_id is not None:
            shown = self._shown_before() if ref.loose else []
            # After a list, "number 2" is its second task; "task 2" and "#2" are always ids.
            if 1 <= ref.task_id <= len(shown):
                return [shown[ref.task_id - 1]]
            return [{"id": ref.task_id}]
        if ref.selector is not None:
            selected = await self._selected(ref.selector, ref.excluded)
            if isinstance(selected, Said):
                return selected
            if ref.pick:  # "one of my errands": which one?
                return _single(selected, None, len(selected), self.now)
            if ref.positions:  # "the first two errands"
                return _at_positions(selected, ref.positions)
            return selected if ref.position is None else _at_position(selected, ref.position)
        if ref.words is not None and ref.guessed:
            return await self._guessed(ref.words, status)
        if ref.words is not None:
            return await self._matching(ref.words, status, ask)
        # Deleting by pronoun only trusts the answer just given: "them" must not reach back
        # to a list from several turns ago.
        candidates = (
            list(self.acted.values()) or self.shown or last_mentioned(self.history, latest=delete)
        )
        if ref.positions:
            return _at_positions(self._shown_before() or candidates, ref.positions)
        if ref.position is not None:  # a position counts in the list the user last saw
            candidates = self._shown_before() or candidates
        if not candidates:
            return Said(WHICH, asks=True)
        if ref.position is not None:
            return _at_position(candidates, ref.position)
        if ref.plural or not ask:
            return candidates
        return _single(candidates, None, len(candidates), self.now)

    async def _selected(self, selector: dict[str, Any], excluded: str | None) -> list[Task] | Said:
        """The tasks a filter selects, but those it leaves out by name ("all but the report")."""
        outcome = await self.call("list_tasks", {**selector, "limit": FETCH_LIMIT})
        tasks = tasks_in(outcome.result) if outcome.ok else []
        if excluded is not None:
            kept = left_out(tasks, excluded)
            if kept is None:
                return Said(f"I couldn't find a task matching “{excluded}”, so I changed nothing.")
            tasks = kept
        if not tasks:
            return Said("No task matches that, so I changed nothing.")
        return tasks

    async def _matching(self, words: str, status: str, ask: bool) -> list[Task] | Said:
        """Tasks whose title has these words; close titles when none has them exactly."""
        outcome = await self._search(words, status)
        matches = tasks_in(outcome.result) if outcome.ok else []
        total = outcome.result.get("total", 0) if outcome.ok else 0
        parts = [part for part in SEVERAL.split(words) if part]
        if not matches and len(parts) > 1:
            found: list[Task] = []
            for part in parts:
                result = await self._matching(title_words(part), status, ask)
                if isinstance(result, Said):
                    return result
                found.extend(result)
            # "milk and eggs" may both name "Buy milk, eggs": act on it once
            return list({task["id"]: task for task in found}.values())
        if not matches and len(words.split()) > 1:
            matches = await self._close_titles(words, status)
            total = len(matches)
        if not matches:
            kind = "" if status == "all" else f"{status} "
            return Said(f"I couldn't find a {kind}task matching “{words}”.")
        exact = [task for task in matches if task["title"].lower() == words.lower()]
        if len(exact) == 1:
            return exact
        if not ask:
            return matches
        return _single(matches, words, total, self.now)

    async def _search(self, words: str, status: str) -> ToolOutcome:
        """The tasks whose title has these words; when none has, those with the words spelt the
        other way, British or American ("i rang mum" finds "Call mom")."""
        outcome = await self.call("list_tasks", {"search": words, "status": status})
        respelt = other_spelling(words)
        if outcome.ok and not tasks_in(outcome.result) and respelt != words:
            other = await self.call("list_tasks", {"search": respelt, "status": status})
            return other if other.ok and tasks_in(other.result) else outcome
        return outcome

    async def _guessed(self, words: str, status: str) -> list[Task] | Said:
        """The one task news names ("the books are back"); else the news was not a request."""
        found = await self._matching(words, status, ask=False)
        if isinstance(found, Said) or len(found) != 1:
            done = (
                await self._matching(words, "completed", ask=False) if status == "pending" else []
            )
            if isinstance(done, list) and len(done) == 1:  # "paid the rent", already done
                return Said(f"That one is done already ({name(done[0])}), so I changed nothing.")
            return Said(TALK["unknown"])
        return found

    async def _close_titles(self, words: str, status: str) -> list[Task]:
        outcome = await self.call("list_tasks", {"status": status, "limit": FETCH_LIMIT})
        tasks = tasks_in(outcome.result) if outcome.ok else []
        scored = [(fuzz.token_set_ratio(words.lower(), t["title"].lower()), t) for t in tasks]
        best = max((score for score, _ in scored), default=0)
        return [t for score, t in scored if score == best and score >= MIN_FUZZY_SCORE]


def _at_position(candidates: list[Task], position: int) -> list[Task] | Said:
    """The task at a 1-based position of the tasks last shown (-1: the last one)."""
    if position == -1:
        return [candidates[-1]]
    if 1 <= position <= len(candidates):
        return [candidates[position - 1]]
    shown = "one task" if len(candidates) == 1 else f"{len(candidates)} tasks"
    return Said(f"I only showed {shown}; tell me its number instead.", asks=True)


def _at_positions(candidates: list[Task], positions: tuple[int, ...]) -> list[Task] | Said:
    """The tasks at several positions of the tasks last shown (negative: from the end)."""
    count = len(candidates)
    if not candidates or any(not (1 <= p <= count or -count <= p <= -1) for p in positions):
        return Said(WHICH if not candidates else _only_showed(count), asks=True)
    return [candidates[p - 1 if p > 0 else p] for p in positions]


def _only_showed(count: int) -> str:
    shown = "one task" if count == 1 else f"{count} tasks"
    return f"I only showed {shown}; tell me their numbers instead."


def _single(
    candidates: list[Task], words: str | None, total: int, now: datetime
) -> list[Task] | Said:
    """The one candidate, else a question listing them (the first MAX_LISTED of `total`)."""
    if total == 1:
        return candidates[:1]
    found = f"I found {total} tasks" + (f" matching “{words}”" if words else "")
    lines = [f"{found}; which one do you mean?", *bullets(candidates, now)]
    if total > min(len(candidates), MAX_LISTED):
        shown = min(len(candidates), MAX_LISTED)
        lines.append(f"…and {total - shown} more; more words of the title will narrow it.")
    lines.append(f"Answer with its number (like “{candidates[0]['id']}”) or “the first one”.")
    return Said("\n".join(lines), asks=True)
