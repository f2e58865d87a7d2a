"""What a change phrase asks for: the builders `change_rules.RULES` calls with each match
(complete, reopen, delete, rename, reschedule, retag, repeat…), and the references they read."""

import re
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from typing import Any

from backend.chat.providers.actions import (
    Adjustment,
    ChangeTask,
    ChangeTool,
    Intent,
    SmallTalk,
    TaskRef,
)
from backend.chat.providers.adding import capitalized
from backend.chat.providers.durations import split_duration
from backend.chat.providers.many import change_ref
from backend.chat.providers.phrases import parse_date_phrase, parse_time_only, tidy
from backend.chat.providers.references import parse_ref, title_words
from backend.chat.providers.slots import split_priority, split_recurrence, split_slots, tag_words

LEVEL = r"(?P<level>high|low|medium|normal|urgent|important|top)"
# Verbs that say a task was done: "I paid the rent" on its own completes it ("I added milk"
# or "I wanted to ask" do not).
DONE_VERBS = frozenset({
    "paid", "called", "phoned", "rang", "emailed", "texted", "sent", "submitted", "finished",
    "completed", "did", "done", "bought", "picked", "cleaned", "fixed", "booked", "renewed",
    "returned", "filed", "wrote", "watered", "washed", "mailed", "posted", "ordered",
    "collected", "signed", "handed", "prepared", "walked", "fed", "visited", "cooked", "sorted",
    "got", "grabbed",
})  # fmt: skip
# A builder: what a rule's match asks for, or None to let the next rule try.
Build = Callable[[re.Match[str], datetime], Intent | None]


def _ref(match: re.Match[str], now: datetime) -> TaskRef | None:
    """The match's reference; a rule without one ("rename to …", "add the work tag") means it."""
    words = match.groupdict().get("ref")
    return TaskRef() if words is None else change_ref(words, now)


def _change(match: re.Match[str], now: datetime, tool: ChangeTool, **changes: Any) -> Intent:
    ref = _ref(match, now)
    if ref is None:
        return SmallTalk("unknown")
    if ref.selector is not None and tool == "complete_task":
        wanted = "pending" if changes["completed"] else "completed"
        ref = replace(ref, selector={"status": wanted, **ref.selector})
    elif ref.selector is not None and tool == "update_task":  # moving "everything": what is left
        ref = replace(ref, selector={"status": "pending", **ref.selector})
    return ChangeTask(tool, ref, changes)


def _adjust(match: re.Match[str], now: datetime, adjustment: Adjustment, **changes: Any) -> Intent:
    ref = _ref(match, now)
    if ref is None:
        return SmallTalk("unknown")
    if ref.selector is not None:
        ref = replace(ref, selector={"status": "pending", **ref.selector})
    return ChangeTask("update_task", ref, changes, adjustment)


def complete(match: re.Match[str], now: datetime) -> Intent:
    return _change(match, now, "complete_task", completed=True)


def news(match: re.Match[str], now: datetime) -> Intent | None:
    """News that a task was done ("the books are back", "emailed the landlord"): it completes
    the one pending task its words clearly name (see `TaskRef.guessed`)."""
    verb = match.groupdict().get("verb")
    ref = parse_ref(match["ref"])
    if ref is None or (verb is not None and verb.lower() not in DONE_VERBS):
        return None
    guessed = replace(ref, guessed=True) if ref.words is not None else ref
    return ChangeTask("complete_task", guessed, {"completed": True})


def reopen(match: re.Match[str], now: datetime) -> Intent:
    return _change(match, now, "complete_task", completed=False)


def not_done_news(match: re.Match[str], now: datetime) -> Intent | None:
    """News that a done task was not done after all ("I didn't go to the gym"): it reopens the
    one completed task its words clearly name, else it was no request ("paid the rent": "rent")."""
    verb, _, rest = match["ref"].partition(" ")
    ref = parse_ref(rest if verb.lower() in DONE_VERBS and rest else match["ref"])
    if ref is None or ref.words is None:
        return None
    return ChangeTask("complete_task", replace(ref, guessed=True), {"completed": False})


def delete(match: re.Match[str], now: datetime) -> Intent:
    return _change(match, now, "delete_task")


def delete_asking(match: re.Match[str], now: datetime) -> Intent | None:
    """A deletion said loosely ("forget the dentist"): the tasks its words find, asked about
    first as a deletion by a filter is, since the words may only mean "never mind"."""
    words = title_words(match["ref"])
    return ChangeTask("delete_task", TaskRef(selector={"search": words})) if words else None


def rename(match: re.Match[str], now: datetime) -> Intent:
    return _change(match, now, "update_task", title=capitalized(tidy(match["title"])))


def _level(word: str) -> str:
    word = word.lower()
    if word in ("urgent", "important", "top") or word.startswith("priorit"):
        return "high"
    return "medium" if word == "normal" else word


def priority(match: re.Match[str], now: datetime) -> Intent:
    return _change(match, now, "update_task", priority=_level(match["level"]))


def not_urgent(match: re.Match[str], now: datetime) -> Intent:
    """Low priority, for "X isn't urgent any more"."""
    return _change(match, now, "update_task", priority="low")


def step(step: int) -> Build:
    return lambda match, now: _adjust(match, now, Adjustment(priority_step=step))


def wait(match: re.Match[str], now: datetime) -> Intent:
    """One priority level lower for "X can wait"; a new due date for "X can wait a week"."""
    if match["when"]:
        return reschedule(match, now)
    return _adjust(match, now, Adjustment(priority_step=-1))


def reschedule(match: re.Match[str], now: datetime) -> Intent:
    when = match["when"]
    if (clock := parse_time_only(when)) is not None:  # "move it to 4pm": same day, new time
        return _adjust(match, now, Adjustment(at_time=clock))
    rest, duration = split_duration(when)
    if duration is not None and not tidy(re.sub(r"\b(?:by|later|back|more)\b", "", rest)):
        return _adjust(match, now, Adjustment(later_by=duration))
    due = parse_date_phrase(when, now)
    if due is None:
        return SmallTalk("bad_date")
    return _change(match, now, "update_task", due_date=due.isoformat())


def change_to(match: re.Match[str], now: datetime) -> Intent:
    """A new time ("change the dentist to 4pm"), date, else title ("change X to buy rolls")."""
    when = match["when"]
    if parse_time_only(when) is not None or parse_date_phrase(when, now) is not None:
        return reschedule(match, now)
    return _change(match, now, "update_task", title=capitalized(tidy(when)))


def moved(match: re.Match[str], now: datetime) -> Intent | None:
    """A new date said as news ("the dentist was moved to friday"); None if it is no date."""
    when = match["when"]
    if parse_time_only(when) is None and parse_date_phrase(when, now) is None:
        return None
    return reschedule(match, now)


def postpone(match: re.Match[str], now: datetime) -> Intent:
    _, duration = split_duration(match["when"] or "a day")
    if duration is None:
        return SmallTalk("bad_date")
    return _adjust(match, now, Adjustment(later_by=duration))


def add_tags(match: re.Match[str], now: datetime) -> Intent:
    return _adjust(match, now, Adjustment(add_tags=tuple(tag_words(match["tags"]))))


def untag(match: re.Match[str], now: datetime) -> Intent:
    return _change(match, now, "update_task", tags=[])


def remove_tags(match: re.Match[str], now: datetime) -> Intent:
    return _adjust(match, now, Adjustment(remove_tags=tuple(tag_words(match["tags"]))))


def note(match: re.Match[str], now: datetime) -> Intent:
    note = tidy(match["note"])
    return _adjust(match, now, Adjustment(note=capitalized(note))) if note else SmallTalk("unknown")


def repeat(match: re.Match[str], now: datetime) -> Intent:
    rest, recurrence = split_recurrence(match["how"])
    if recurrence is None:
        return SmallTalk("unknown")
    due = parse_date_phrase(tidy(rest), now) if tidy(rest) else None
    changes: dict[str, Any] = {"recurrence": recurrence}
    if due is not None:
        changes["due_date"] = due.isoformat()
    return _change(match, now, "update_task", **changes)


def stop_repeating(match: re.Match[str], now: datetime) -> Intent:
    return _change(match, now, "update_task", recurrence="none")


def clear_due(match: re.Match[str], now: datetime) -> Intent:
    return _change(match, now, "update_task", due_date=None)


def clear_completed(match: re.Match[str], now: datetime) -> Intent:
    return ChangeTask("delete_task", TaskRef(selector={"status": "completed"}))


def clear_all(match: re.Match[str], now: datetime) -> Intent:
    """ "clear my list": every task, listed and asked about first as any deletion by a filter."""
    return ChangeTask("delete_task", TaskRef(selector={}))


def set_slots(match: re.Match[str], now: datetime) -> Intent | None:
    """Several details at once: "make it high priority and due friday", "set task 3 to weekly"."""
    rest, slots = split_slots(match["rest"], now)
    leftover = tidy(re.sub(r"\b(?:and|due|priority|to|be|a|as|it|with)\b", "", rest, flags=re.I))
    changes = slots.arguments()
    if leftover or not changes:
        return None
    changes.pop("description", None)
    return _change(match, now, "update_task", **changes)


def is_detail(text: str, now: datetime) -> bool:
    """Whether text is only a date, a time or a priority ("friday", "3pm", "high priority")."""
    return bool(
        split_level(text)
        or parse_time_only(text) is not None
        or parse_date_phrase(text, now) is not None
    )


def split_level(text: str) -> str | None:
    """The priority level a correction is made of ("high priority", "urgent"), else None."""
    rest, level = split_priority(text)
    if level and not tidy(rest):
        return level
    match = re.fullmatch(LEVEL + r"(?:\s+priority)?", tidy(text), re.I)
    return _level(match["level"]) if match else None
