"""The dialogue state, read from the stored conversation (pure: history in, intents out).

Nothing is kept between requests: a question the engine asked ("which one?", "shall I delete
these 4 tasks?", "what should the task be called?") is recognised by re-reading the previous
user message and what the answer to it did, so any instance can take the next turn.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from rapidfuzz import fuzz

from backend.chat.models import Message, Role
from backend.chat.providers.actions import (
    AskStatus,
    ChangeTask,
    Intent,
    ShowTask,
    SmallTalk,
    Task,
    TaskRef,
)
from backend.chat.providers.adding import parse_add
from backend.chat.providers.after_adding import detail_of_added, more_to_add
from backend.chat.providers.intents import parse_message
from backend.chat.providers.questions import ordered, sort_key
from backend.chat.providers.references import left_out, parse_ref, parse_selection

# One answer or several in a row: "yes", "yep go ahead", "nah, keep them"
YES = re.compile(
    r"^(?:(?:yes|yeah|yep|yup|y|sure|ok|okay|do it|go ahead|confirm(?:ed)?|please do|"
    r"yes please|absolutely|delete them|go for it|correct|sure thing|sounds good|go on|"
    r"proceed|of course|definitely|yes do it|let'?s do it|fine|alright|certainly)\b[\s!.,]*)+"
    r"(?:please|thanks)?[\s!.]*$",
    re.I,
)
NO = re.compile(
    # second thoughts first: "hmm actually keep it", "wait no", "on second thought, don't"
    r"^(?:(?:hmm+|hm+|um+|uh+|oh|ah|wait|actually|hold on|sorry|on second thoughts?|"
    r"second thoughts)\b[\s!.,]*)*"
    r"(?:(?:no|nope|nah|n|cancel(?: that)?|scratch that|stop|don'?t(?: do it| bother)?|"
    r"keep (?:it|them|that|those|everything)|leave (?:it|them)(?: be)?|changed my mind|"
    r"never ?mind|nvm|forget it|no thanks)\b[\s!.,]*)+(?:thanks|thank you|actually)?[\s!.]*$",
    re.I,
)
MIN_TITLE_SCORE = 80
MIN_TITLE_WORDS_CHARS = 3


@dataclass(frozen=True)
class Confirmed:
    """The user said yes to a bulk change: carry it out on exactly the tasks shown."""

    change: ChangeTask
    task_ids: tuple[int, ...]


@dataclass(frozen=True)
class Declined:
    """The user said no to a bulk change: nothing happens."""


Step = Intent | Confirmed | Declined


def tasks_in(result: dict[str, Any]) -> list[Task]:
    """The tasks a tool result names: the one it touched or the ones it listed."""
    if "tasks" in result:
        return list(result["tasks"])
    return [result[key] for key in ("task", "deleted") if isinstance(result.get(key), dict)]


def _answer_tasks(history: Sequence[Message], index: int) -> tuple[list[Task], list[Task]]:
    """What the answer at `index` acted on, and what it listed in the order the user saw."""
    acted: dict[int, Task] = {}
    listed: dict[int, Task] = {}
    for call in history[index].tool_calls:
        found = listed if call["tool"] == "list_tasks" else acted
        found.update((task["id"], task) for task in tasks_in(call["result"]))
    asked = history[index - 1].content if index and history[index - 1].role == Role.USER else ""
    # tasks looked up but not shown ("I couldn't find …") are no list the user saw
    shown = [
        task for task in listed.values() if re.search(rf"#{task['id']}\b", history[index].content)
    ]
    return list(acted.values()), ordered(shown, sort_key(asked))


def _answers(history: Sequence[Message], latest: bool) -> list[int]:
    """Indexes of the assistant's answers, newest first (only the last message if `latest`)."""
    newest = len(history) - 1
    indexes = range(newest, max(newest - 1 if latest else -1, -1), -1)
    return [index for index in indexes if history[index].role == Role.ASSISTANT]


def last_mentioned(history: Sequence[Message], *, latest: bool = False) -> list[Task]:
    """What "it" refers to: the tasks the assistant last acted on, else the ones it last listed.

    `latest`: only the answer just given counts ("delete them" must not reach further back).
    """
    for index in _answers(history, latest):
        acted, listed = _answer_tasks(history, index)
        if acted or listed:
            return acted or listed
    return []


def last_listed(history: Sequence[Message]) -> list[Task]:
    """The tasks of the last list the user saw: what "number 2" counts in.

    An answer that only acted on tasks it looked up ("the first one is done") showed no list,
    so "the third one" after it still counts in the list before it; tasks deleted since are
    no longer in it ("remove the first one", then "rename the first one" means the next).
    """
    deleted: set[int] = set()
    for index in _answers(history, latest=False):
        acted, listed = _answer_tasks(history, index)
        if not (acted or listed or history[index].tool_calls):
            continue  # what it said named no task: "the second one" was read from the list
        if not acted or {task["id"] for task in listed} - {task["id"] for task in acted}:
            return [task for task in listed if task["id"] not in deleted]
        deleted.update(_deleted_ids(history[index]))
    return []


def _deleted_ids(answer: Message) -> set[int]:
    """The ids of the tasks an answer deleted."""
    calls = [call for call in answer.tool_calls if call["tool"] == "delete_task"]
    return {task["id"] for call in calls for task in tasks_in(call["result"])}


def requires_confirmation(intent: Intent) -> bool:
    """Deleting tasks chosen by a filter ("clear completed", "delete all") asks first; not
    those named by position in it ("the first two errands")."""
    if not isinstance(intent, ChangeTask) or intent.tool != "delete_task":
        return False
    ref = intent.ref
    named = ref.pick or ref.positions or ref.position is not None
    return ref.selector is not None and not named


def _previous_turn(history: Sequence[Message]) -> tuple[Message, Message] | None:
    """The last user message and the answer to it, when that answer only looked (a question)."""
    if len(history) < 2:
        return None
    asked, answer = history[-2], history[-1]
    if asked.role != Role.USER or answer.role != Role.ASSISTANT:
        return None
    if any(call["tool"] != "list_tasks" for call in answer.tool_calls):
        return None  # that turn acted: it asked nothing
    return asked, answer


def _listed(answer: Message) -> list[Task]:
    found = [call for call in answer.tool_calls if call["tool"] == "list_tasks"]
    return tasks_in(found[-1]["result"]) if found else []


def _pick(message: str, candidates: list[Task]) -> int | None:
    """The candidate an answer to "which one?" picks: an id, a position or title words."""
    ids = [int(task["id"]) for task in candidates]
    selection = parse_selection(message)
    if selection is not None:
        if selection.number is not None and selection.number in ids:
            return selection.number
        position = selection.position if selection.position is not None else selection.number
        if position == -1:
            return ids[-1]
        return ids[position - 1] if position is not None and 1 <= position <= len(ids) else None
    words = re.sub(r"\s*,?\s*(?:please|pls|thanks)$", "", message.strip(" .!?"), flags=re.I)
    words = re.sub(r"^(?:the|that|this)\s+|\s+(?:one|task)$", "", words, flags=re.I)
    if len(words) < MIN_TITLE_WORDS_CHARS:  # "no", "ok": a fragment that short fits any title
        return None
    scores = [fuzz.partial_ratio(words.lower(), task["title"].lower()) for task in candidates]
    best = [task_id for task_id, score in zip(ids, scores, strict=True) if score >= MIN_TITLE_SCORE]
    return best[0] if len(best) == 1 else None


def _answered(
    message: str, history: Sequence[Message], asked: Message, answer: Message, now: datetime
) -> list[Step] | None:
    """The previous request completed by this message, if it answers the question asked."""
    intents = parse_message(asked.content, now)
    pending = [intent for intent in intents if isinstance(intent, ChangeTask | AskStatus)]
    need_title = intents == [SmallTalk("need_title")]
    if (pending or need_title) and NO.match(message.strip()):  # "never mind" is no title
        return [Declined()]
    if need_title and not answer.tool_calls:
        added = parse_add(message, now)
        return list(added) if isinstance(added, list) else None
    if not pending:
        return None
    target = pending[-1]
    if isinstance(target, ChangeTask) and requires_confirmation(target):
        if YES.match(message.strip()):
            shown = _listed(answer)
            if target.ref.excluded is not None:  # "all but the report": as the question showed
                shown = left_out(shown, target.ref.excluded) or []
            return [Confirmed(target, tuple(int(task["id"]) for task in shown))]
        return None
    ref = target.ref
    if (ref.task_id is not None and not ref.loose) or ref.plural:
        return None
    if ref.selector is not None and not ref.pick:
        return None
    looked_up = ref.words is not None or ref.pick  # the answer listed the ones to pick from
    candidates = _listed(answer) if looked_up else last_mentioned(history[:-2])
    if len(candidates) < 2:
        return None
    chosen = _pick(message, candidates)
    return [replace(target, ref=TaskRef(task_id=chosen))] if chosen is not None else None


# "and the third", "the slides too", "same for the report": the previous request, another task
SAME_AGAIN = re.compile(
    r"^(?:(?:and|also|plus|oh and|and also|same\s+(?:for|with)|now)\s+(?P<ref>.+?)|(?P<too>.+?))"
    r"(?:\s+(?:too|as\s+well|also))?[\s?!.]*$",
    re.I,
)


def _same_again(message: str, history: Sequence[Message], now: datetime) -> list[Step] | None:
    """The previous request again for the task(s) this message names ("and the third", "the
    slides too")."""
    match = SAME_AGAIN.match(message.strip())
    asked = history[-2] if len(history) >= 2 and history[-2].role == Role.USER else None
    if match is None or asked is None:
        return None
    said = match["ref"] or match["too"]
    ref = parse_ref(said)
    said_too = bool(re.search(r"\b(?:too|as\s+well|also)\W*$|^same\b", message.strip(), re.I))
    if ref is None or ref == TaskRef():
        return None
    if match["too"] == said.strip() and not said_too:
        return (
            None  # "the first one" alone after a list asks for nothing (a choice needs a question)
        )
    steps = understand(asked.content, history[:-2], now)
    before = [step for step in steps if isinstance(step, ChangeTask | ShowTask | AskStatus)]
    # after a change, words alone after "and" may be more of anything ("complete the report" …
    # "and the slides"): they name a task to change only with "too" or "same for"
    if not before or (ref.words and not said_too and isinstance(before[-1], ChangeTask)):
        return None
    return [replace(before[-1], ref=ref)]


def understand(message: str, history: Sequence[Message], now: datetime) -> list[Step]:
    """What to do for a message, given the conversation so far: answers complete questions."""
    intents = parse_message(message, now)
    if intents == [SmallTalk("unknown")] and (
        more := more_to_add(message, history, now) or detail_of_added(message, history, now)
    ):
        return list(more)
    if intents == [SmallTalk("unknown")] or intents == [SmallTalk("thanks")] or _is_answer(message):
        previous = _previous_turn(history)
        if previous is not None:
            answered = _answered(message, history, *previous, now)
            if answered is not None:
                return answered
    if intents == [SmallTalk("unknown")] and (again := _same_again(message, history, now)):
        return again
    return list(intents)


def _is_answer(message: str) -> bool:
    """A yes, a no, or a choice ("2nd", "the third one") that other readings may not claim."""
    said = message.strip()
    return bool(YES.match(said) or NO.match(said) or parse_selection(said) is not None)
