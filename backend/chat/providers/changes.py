"""Requests that change tasks: complete, reopen, delete, rename, reschedule, retag, repeat...

Each rule is a pattern and what its match asks for; the first rule that matches wins, so the
more specific phrasings ("remove the work tag from X") come before the general ones ("remove X").
"""

import re
from collections.abc import Callable
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
from backend.chat.providers.normalise import PLEASE
from backend.chat.providers.phrases import (
    parse_date_phrase,
    parse_time_only,
    split_duration,
    tidy,
)
from backend.chat.providers.questions import parse_list
from backend.chat.providers.references import parse_ref
from backend.chat.providers.slots import split_priority, split_recurrence, split_slots, tag_words

NOT_A_QUESTION = (
    r"^(?!(?:what|which|who|when|where|why|how|is|are|did|do|does|have|anything|something|"
    r"everything|nothing)\b)"
)
DONE = r"(?:done|complete|completed|finished|checked off|ticked off)"
NOT_DONE = (
    r"(?:not\s+(?:done|complete|completed|finished)(?:\s+yet)?|undone|incomplete|pending|open|"
    r"unfinished|to\s*do|active)"
)
LEVEL = r"(?P<level>high|low|medium|normal|urgent|important|top)"
# A short reference that cannot swallow the rest: "it", "task 3", "#3", "the dentist one"
SHORT_REF = (
    r"(?P<ref>it|this|that|this one|that one|them|both|those|these|task\s*#?\d+|#\d+|"
    r"the\s+[\w'-]+\s+one)"
)
# "all my work tasks", "everything", "today's tasks", "the completed ones": many tasks at once
BULK = re.compile(
    r"^(?:all|every|everything|each)\b|(?:tasks|ones|todos|to-?dos|items|stuff)$", re.I
)

Build = Callable[[re.Match[str], datetime], Intent | None]


def change_ref(text: str, now: datetime) -> TaskRef | None:
    """The tasks a change names; a bulk phrase ("all my work tasks") becomes a list filter."""
    ref = parse_ref(text)
    if ref is None or ref.words is None or not BULK.search(tidy(text)):
        return ref
    stripped = re.sub(r"^(?:all|every|each)(?:\s+of)?\b", "", tidy(text), flags=re.I)
    return TaskRef(selector=parse_list(stripped, now).arguments)


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
        ref = TaskRef(selector={"status": wanted, **ref.selector})
    return ChangeTask(tool, ref, changes)


def _adjust(match: re.Match[str], now: datetime, adjustment: Adjustment, **changes: Any) -> Intent:
    ref = _ref(match, now)
    if ref is None:
        return SmallTalk("unknown")
    return ChangeTask("update_task", ref, changes, adjustment)


def _complete(match: re.Match[str], now: datetime) -> Intent:
    return _change(match, now, "complete_task", completed=True)


def _reopen(match: re.Match[str], now: datetime) -> Intent:
    return _change(match, now, "complete_task", completed=False)


def _delete(match: re.Match[str], now: datetime) -> Intent:
    return _change(match, now, "delete_task")


def _rename(match: re.Match[str], now: datetime) -> Intent:
    return _change(match, now, "update_task", title=capitalized(tidy(match["title"])))


def _level(word: str) -> str:
    word = word.lower()
    if word in ("urgent", "important", "top") or word.startswith("prioriti"):
        return "high"
    return "medium" if word == "normal" else word


def _priority(match: re.Match[str], now: datetime) -> Intent:
    return _change(match, now, "update_task", priority=_level(match["level"]))


def _step(step: int) -> Build:
    return lambda match, now: _adjust(match, now, Adjustment(priority_step=step))


def _reschedule(match: re.Match[str], now: datetime) -> Intent:
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


def _change_to(match: re.Match[str], now: datetime) -> Intent:
    """ "change the dentist to 4pm" is a new time, "change buy bread to buy rolls" a new title."""
    when = match["when"]
    if parse_time_only(when) is not None or parse_date_phrase(when, now) is not None:
        return _reschedule(match, now)
    return _change(match, now, "update_task", title=capitalized(tidy(when)))


def _moved(match: re.Match[str], now: datetime) -> Intent | None:
    """ "the dentist was moved to friday", "X is tomorrow at 4pm now": only when it is a date."""
    when = match["when"]
    if parse_time_only(when) is None and parse_date_phrase(when, now) is None:
        return None
    return _reschedule(match, now)


def _postpone(match: re.Match[str], now: datetime) -> Intent:
    _, duration = split_duration(match["when"] or "a day")
    if duration is None:
        return SmallTalk("bad_date")
    return _adjust(match, now, Adjustment(later_by=duration))


def _add_tags(match: re.Match[str], now: datetime) -> Intent:
    return _adjust(match, now, Adjustment(add_tags=tuple(tag_words(match["tags"]))))


def _untag(match: re.Match[str], now: datetime) -> Intent:
    return _change(match, now, "update_task", tags=[])


def _remove_tags(match: re.Match[str], now: datetime) -> Intent:
    return _adjust(match, now, Adjustment(remove_tags=tuple(tag_words(match["tags"]))))


def _note(match: re.Match[str], now: datetime) -> Intent:
    note = tidy(match["note"])
    return _adjust(match, now, Adjustment(note=capitalized(note))) if note else SmallTalk("unknown")


def _repeat(match: re.Match[str], now: datetime) -> Intent:
    rest, recurrence = split_recurrence(match["how"])
    if recurrence is None:
        return SmallTalk("unknown")
    due = parse_date_phrase(tidy(rest), now) if tidy(rest) else None
    changes: dict[str, Any] = {"recurrence": recurrence}
    if due is not None:
        changes["due_date"] = due.isoformat()
    return _change(match, now, "update_task", **changes)


def _stop_repeating(match: re.Match[str], now: datetime) -> Intent:
    return _change(match, now, "update_task", recurrence="none")


def _clear_due(match: re.Match[str], now: datetime) -> Intent:
    return _change(match, now, "update_task", due_date=None)


def _clear_completed(match: re.Match[str], now: datetime) -> Intent:
    return ChangeTask("delete_task", TaskRef(selector={"status": "completed"}))


def _set_slots(match: re.Match[str], now: datetime) -> Intent | None:
    """Several details at once: "make it high priority and due friday", "set task 3 to weekly"."""
    rest, slots = split_slots(match["rest"], now)
    leftover = tidy(re.sub(r"\b(?:and|due|priority|to|be|a|as|it|with)\b", "", rest, flags=re.I))
    changes = slots.arguments()
    if leftover or not changes:
        return None
    changes.pop("description", None)
    return _change(match, now, "update_task", **changes)


def _rules(*rules: tuple[str, Build]) -> tuple[tuple[re.Pattern[str], Build], ...]:
    return tuple((re.compile(pattern, re.I), build) for pattern, build in rules)


TAGS = r"(?P<tags>#?[\w-]+(?:\s*(?:,|\band\b|&|\s)\s*#?[\w-]+)*)"
RULES = _rules(
    # reopening
    (PLEASE + r"(?:reopen|re-open|uncomplete|unmark|uncheck|untick|undo)\s+(?P<ref>.+)$", _reopen),
    (
        PLEASE + r"(?:mark|set|put|flag|change)\s+(?P<ref>.+?)\s+(?:back\s+)?(?:to\s+|"
        r"as\s+)?" + NOT_DONE + "$",
        _reopen,
    ),
    (
        PLEASE + r"(?:mark|set|put|move)\s+(?P<ref>.+?)\s+back(?:\s+(?:to\s+|on\s+)?(?:my\s+)"
        r"?(?:list|to\s*do|todo))?$",
        _reopen,
    ),
    (
        NOT_A_QUESTION + r"(?P<ref>.+?)\s+(?:is\s+not|isn't|is\s+no\s+longer|wasn't|was\s+not)"
        r"\s+" + DONE + r"(?:\s+(?:yet|after all))?$",
        _reopen,
    ),
    # deleting in bulk, due dates, tags, notes, recurrence
    (
        PLEASE + r"(?:clear|clean\s+up|purge|delete|remove|get rid of|archive)\s+(?:all\s+)"
        r"?(?:of\s+)?(?:the\s+|my\s+)?(?:completed|finished|done|checked off)"
        r"(?:\s+(?:tasks|ones|items|todos|stuff))?$",
        _clear_completed,
    ),
    (
        PLEASE + r"(?:remove|clear|delete|drop|unset)\s+(?:the\s+)?(?:due\s+date|deadline)"
        r"\s+(?:of|from|on|for)\s+(?P<ref>.+)$",
        _clear_due,
    ),
    (
        PLEASE + r"(?:add|attach|put)\s+(?:a\s+|the\s+)?(?:note|description|comment)"
        r"\s+(?:to|on)\s+(?P<ref>.+?)(?:\s*:\s*|\s+saying\s+|\s+that\s+says\s+|"
        r"\s+-\s+)(?P<note>.+)$",
        _note,
    ),
    (PLEASE + r"(?:note|comment)\s+(?:on|for)\s+(?P<ref>.+?)\s*:\s*(?P<note>.+)$", _note),
    (
        PLEASE
        + r"(?:remove|delete|drop|take)\s+(?:the\s+)?(?:tags?\s+)?"
        + TAGS
        + r"\s+(?:tags?\s+)?(?:from|off(?:\s+of)?)\s+(?P<ref>.+)$",
        _remove_tags,
    ),
    (PLEASE + r"untag\s+(?P<ref>.+)$", _untag),
    (
        PLEASE
        + r"(?:add|put|attach|stick)\s+(?:the\s+|a\s+|an\s+)?tags?\s+"
        + TAGS
        + r"\s+(?:to|on)\s+(?P<ref>.+)$",
        _add_tags,
    ),
    (
        PLEASE
        + r"(?:add|put|attach|stick)\s+(?:the\s+|a\s+|an\s+)?"
        + TAGS
        + r"\s+tags?(?:\s+(?:to|on)\s+(?P<ref>.+))?$",
        _add_tags,
    ),
    (PLEASE + r"(?:also\s+)?(?:tag|label)\s+(?P<ref>.+?)\s+(?:with|as)\s+" + TAGS + "$", _add_tags),
    (PLEASE + r"(?:also\s+)?(?:tag|label)\s+" + SHORT_REF + r"\s+" + TAGS + "$", _add_tags),
    (PLEASE + r"(?:stop\s+repeating|don'?t\s+repeat|unrepeat)\s+(?P<ref>.+)$", _stop_repeating),
    (
        PLEASE + r"make\s+(?P<ref>.+?)\s+(?:stop\s+repeating|not\s+repeat|non-?recurring|"
        r"a\s+one[- ]off|one[- ]off|not\s+recurring)$",
        _stop_repeating,
    ),
    (
        NOT_A_QUESTION + r"(?P<ref>.+?)\s+(?:should\s+not|shouldn't|doesn't|does\s+not|don't|"
        r"needn't)\s+(?:repeat|recur)(?:\s+any\s*more)?$",
        _stop_repeating,
    ),
    (
        PLEASE + r"(?:make|set)\s+(?P<ref>.+?)\s+(?:to\s+)?(?:repeat|recur)(?:ring)?\s+(?P<how>.+)"
        r"$",
        _repeat,
    ),
    (
        PLEASE + r"(?:repeat)\s+(?P<ref>.+?)\s+(?P<how>(?:every|each|daily|weekly|monthly|"
        r"on)\b.*)$",
        _repeat,
    ),
    (
        PLEASE + r"(?:make|set)\s+(?P<ref>.+?)\s+(?:to\s+)?(?P<how>(?:daily|weekly|monthly)"
        r"(?:\s+on\s+.+)?|recurring\s+.+)$",
        _repeat,
    ),
    (NOT_A_QUESTION + r"(?P<ref>.+?)\s+should\s+(?:repeat|recur)\s+(?P<how>.+)$", _repeat),
    # several details at once: "make it high priority and due friday", "set task 3 to weekly"
    (
        PLEASE + r"(?:make|set|mark|change|update|give)\s+(?P<ref>.+?)\s+(?:to\s+|as\s+)?"
        r"(?P<rest>(?:high|low|medium|normal|urgent|important|top|due|tagged|every|each|daily|"
        r"weekly|monthly|priority|not\s+(?:very\s+)?(?:important|urgent))\b.*)$",
        _set_slots,
    ),
    # renaming
    (
        PLEASE + r"(?:call|name|title)\s+(?P<ref>it|this|that|this one|that one)\s+(?P<title>.+)$",
        _rename,
    ),
    (PLEASE + r"(?:rename|retitle)(?:\s+it)?\s+to\s+(?P<title>.+)$", _rename),
    (PLEASE + r"(?:rename|retitle|call)\s+(?P<ref>.+?)\s+(?:to|as)\s+(?P<title>.+)$", _rename),
    (
        PLEASE + r"(?:change|update|set)\s+(?:the\s+)?(?:title|name)\s+(?:of|for)\s+(?P<ref>.+?)"
        r"\s+to\s+(?P<title>.+)$",
        _rename,
    ),
    (
        PLEASE
        + r"(?:change|update|set)\s+(?P<ref>.+?)(?:'s)?\s+(?:title|name)\s+to\s+(?P<title>.+)"
        r"$",
        _rename,
    ),
    # priority
    (PLEASE + r"bump\s+(?P<ref>.+?)\s+down(?:\s+a\s+(?:level|notch|bit))?$", _step(-1)),
    (
        PLEASE + r"(?:bump|raise|increase|up|boost)\s+(?:up\s+)?(?:the\s+)?(?:priority\s+(?:of|"
        r"on|for)\s+)?(?P<ref>.+?)(?:'s\s+priority)?(?:\s+up)?(?:\s+a\s+(?:level|"
        r"notch|bit))?$",
        _step(1),
    ),
    (
        PLEASE + r"(?:lower|decrease|reduce|drop)\s+(?:the\s+)?priority\s+(?:of|on|for)"
        r"\s+(?P<ref>.+)$",
        _step(-1),
    ),
    (
        PLEASE + r"(?:lower|decrease|reduce|deprioriti[sz]e|de-prioriti[sz]e)\s+(?P<ref>.+?)"
        r"(?:'s\s+priority)?(?:\s+a\s+(?:level|notch|bit))?$",
        _step(-1),
    ),
    (
        PLEASE + r"(?:set|change|update)\s+(?:the\s+)?priority\s+(?:of|for|on)\s+(?P<ref>.+?)"
        r"\s+to\s+" + LEVEL + r"$",
        _priority,
    ),
    (
        PLEASE + r"(?:set|change|update)\s+(?P<ref>.+?)(?:'s)?\s+priority\s+to\s+" + LEVEL + "$",
        _priority,
    ),
    (
        PLEASE + r"(?:make|set|mark|change|put|flag)\s+(?P<ref>.+?)\s+(?:to\s+|as\s+|"
        r"at\s+)?(?:a\s+)?" + LEVEL + r"(?:[- ]priority|[- ]prio)?$",
        _priority,
    ),
    (PLEASE + r"(?P<level>prioriti[sz]e)\s+(?P<ref>.+)$", _priority),
    (
        NOT_A_QUESTION
        + r"(?P<ref>.+?)(?:'s|\s+is)\s+(?:now\s+)?(?:a\s+)?"
        + LEVEL
        + r"(?:[- ]priority)?$",
        _priority,
    ),
    # due dates
    (
        PLEASE + r"(?:set|change|update|move)\s+(?:the\s+)?(?:due\s+date|deadline)\s+(?:of|"
        r"for|on)\s+(?P<ref>.+?)\s+to\s+(?P<when>.+)$",
        _reschedule,
    ),
    (
        PLEASE + r"(?:set|change|update)\s+(?P<ref>.+?)(?:'s)?\s+(?:due\s+date|deadline)"
        r"\s+to\s+(?P<when>.+)$",
        _reschedule,
    ),
    (
        PLEASE + r"(?:move|reschedule|push|postpone|delay|defer|shift|bump|snooze)\s+"
        r"(?:back\s+)?(?P<ref>.+?)(?:\s+back)?\s+(?:to|until|till|for|by)\s+(?P<when>.+)$",
        _reschedule,
    ),
    (
        PLEASE + r"(?:postpone|push\s+back|delay|defer|snooze)\s+(?P<ref>.+?)(?:\s+(?:by\s+)"
        r"?(?P<when>(?:\d+|an?|one|two|three|a\s+few|a\s+couple\s+of)\s+\w+)"
        r")?$",
        _postpone,
    ),
    (
        PLEASE + r"(?:push|move|bump|put)\s+(?P<ref>.+?)\s+back(?:\s+(?:by\s+)?(?P<when>.+)"
        r")?$",
        _postpone,
    ),
    (PLEASE + r"make\s+(?P<ref>.+?)\s+due\s+(?P<when>.+)$", _reschedule),
    (
        NOT_A_QUESTION + r"(?P<ref>.+?)\s+(?:is|was|has\s+been|got)\s+(?:now\s+)?(?:moved|pushed|"
        r"rescheduled|postponed|changed|put\s+off)\s+(?:back\s+)?(?:to|until|till)\s+"
        r"(?P<when>.+?)(?:\s+now)?$",
        _moved,
    ),
    (
        NOT_A_QUESTION + r"(?P<ref>.+?)\s+is\s+(?:now\s+)?(?P<when>(?:today|tonight|tomorrow|on|"
        r"next|this|at|in|(?:mon|tues|wednes|thurs|fri|satur|sun)day)\b.*?)(?:\s+now)?$",
        _moved,
    ),
    (PLEASE + r"(?:change|switch)\s+(?P<ref>.+?)\s+to\s+(?P<when>.+)$", _change_to),
    (NOT_A_QUESTION + r"(?P<ref>.+?)\s+is\s+(?:now\s+)?due\s+(?P<when>.+)$", _reschedule),
    # completing
    (PLEASE + r"(?:mark|set|flag)\s+(?P<ref>.+?)\s+(?:as\s+)?" + DONE + "$", _complete),
    (
        PLEASE + r"(?:complete|finish|check off|tick off|cross off|close|tick|check)"
        r"\s+(?P<ref>.+?)(?:\s+off)?$",
        _complete,
    ),
    (r"^(?:i'?m\s+|i am\s+)?(?:all\s+)?done\s+with\s+(?P<ref>.+)$", _complete),
    (
        r"^(?:i(?:'ve|\s+have)?\s+)?(?:just\s+|already\s+)?(?:did|finished|"
        r"completed|done)\s+(?P<ref>.+)$",
        _complete,
    ),
    (r"^(?:i\s+)?(?:got|get)\s+(?P<ref>.+?)\s+done$", _complete),
    (NOT_A_QUESTION + r"(?P<ref>.+?)\s+(?:is|are)\s+(?:now\s+|all\s+)?" + DONE + "$", _complete),
    (r"^(?:done|finished|completed)\s*[:-]\s*(?P<ref>.+)$", _complete),
    (
        NOT_A_QUESTION + r"(?!(?:all|i|i'm|im|we|we're|you|everything|that's all)\b)"
        r"(?P<ref>.+?)\s+"
        r"(?:done|finished|completed)$",
        _complete,
    ),
    (
        r"^(?P<ref>it|that|this|they|these|those)(?:'s|'re|\s+is|\s+are)\s+(?:now\s+|all\s+)?"
        + DONE
        + "$",
        _complete,
    ),
    (r"^(?:check|tick|cross)\s+(?P<ref>.+?)\s+off(?:\s+(?:the|my)\s+list)?$", _complete),
    # deleting
    (
        r"^(?:i\s+)?(?:don'?t|do\s+not|no\s+longer)\s+need\s+(?P<ref>.+?)(?:\s+any\s*more)"
        r"?$",
        _delete,
    ),
    (
        NOT_A_QUESTION
        + r"(?P<ref>.+?)\s+(?:is|are)\s+(?:no\s+longer\s+needed|not\s+needed\s+any\s*more|"
        r"cancell?ed|off)$",
        _delete,
    ),
    (
        PLEASE + r"(?:delete|remove|erase|drop|cancel|trash|scrap|scratch|ditch|nix|"
        r"bin|forget\s+about|get rid of|cross out)\s+(?P<ref>.+)$",
        _delete,
    ),
)


# "add the errands tag to X", "add a note to X: …": changes, though they open like additions
ADD_SHAPED = re.compile(
    PLEASE + r"(?:add|put|attach)\s+(?:the\s+|a\s+|an\s+)?(?:[#\w-]+\s+)?"
    r"(?:tags?|note|description|comment)\b(?:.*?\s(?:to|on)\s|$)",
    re.I,
)


def parse_change(sentence: str, now: datetime) -> Intent | None:
    """The change a sentence asks for, or None when no rule matches it."""
    for pattern, build in RULES:
        if (match := pattern.match(sentence)) and (intent := build(match, now)) is not None:
            return intent
    return None


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
