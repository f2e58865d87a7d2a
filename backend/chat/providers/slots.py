"""Task details inside a sentence: priority in its many phrasings, tags, a note, a recurrence."""

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from backend.chat.providers.phrases import split_date, tidy

# Negations come first: "not important" is low, never high.
PRIORITY_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(
            r"\bnot\s+(?:very\s+|that\s+|super\s+)?(?:important|urgent|a\s+priority)\b|"
            r"\bunimportant\b|\bno\s+rush\b|\blow(?:est)?[- ]?(?:priority|prio|pri)\b|"
            r"\bpriority\s*[:=]?\s*low\b|!low\b|\bwhenever\b|\bsomeday\b|\bp3\b|"
            r"\bwhen(?:ever)?\s+i\s+(?:get|have)\s+(?:a\s+)?(?:chance|time)\b",
            re.I,
        ),
        "low",
    ),
    (
        re.compile(
            r"\b(?:high(?:est)?|top)[- ]?(?:priority|prio|pri)\b|\bpriority\s*[:=]?\s*high\b|"
            r"!high\b|\burgent(?:ly)?\b|\b(?:very\s+|super\s+|really\s+)?important\b|\basap\b|"
            r"\bcritical\b|\bp1\b",
            re.I,
        ),
        "high",
    ),
    (
        re.compile(
            r"\b(?:medium|normal|mid)[- ]?(?:priority|prio|pri)\b|"
            r"\bpriority\s*[:=]?\s*(?:medium|normal)\b|!medium\b|\bp2\b",
            re.I,
        ),
        "medium",
    ),
)
LEVELS = ("low", "medium", "high")  # in rising order, for "bump it" and sorting
BARE_LEVEL = re.compile(r"\b(high|low|medium)\b", re.I)

HASHTAG = re.compile(r"(?<![\w#])#([A-Za-z][\w-]{0,49})")
TAG_WORD = r"#?[A-Za-z][\w-]{0,49}"
# "tagged work", "tags: a, b", "with tags a and b", "labelled home"; "…, low priority, tag
# career": a tag said as an instruction after a comma
TAG_PHRASE = re.compile(
    r"(?:\b(?:tagged(?:\s+(?:as|with))?|tags?\s*[:=]|with\s+(?:the\s+)?tags?|label(?:l?ed|s?\s*:))"
    r"\s*|,\s*(?:tag|label)(?:\s+it)?(?:\s+(?:as|with))?\s+)"
    rf"(?P<tags>{TAG_WORD}(?:\s*(?:,|\band\b|&)\s*{TAG_WORD})*)",
    re.I,
)
# "with the work tag", "with a home tag"
TAG_BEFORE_WORD = re.compile(rf"\bwith\s+(?:the\s+|a\s+|an\s+)?(?P<tags>{TAG_WORD})\s+tag\b", re.I)
# A note after a spaced dash, "note:", "with a note saying …": always the end of the sentence.
NOTE = re.compile(
    r"(?:\s+[-\u2013\u2014]+\s+|\s*\b(?:notes?|description|details|desc)\s*:\s*|"
    r"\s+(?:with|and)\s+(?:a\s+|the\s+)?(?:note|description)\s*(?::|saying|that\s+says|that)?\s+)"
    r"(?P<note>\S.*)$",
    re.I,
)

DAY = r"(?:mon|tues|wednes|thurs|fri|satur|sun)day"
PART_OF_DAY = {"morning": "at 9am", "afternoon": "at 2pm", "evening": "at 6pm", "night": "at 9pm"}
# A time of day said outright: "at 6", "at 9:30", "10pm" (it wins over "every night"'s 9pm)
CLOCK = re.compile(r"\bat\s+\d{1,2}(?::[0-5]\d)?\b|\b\d{1,2}(?::[0-5]\d)?\s*(?:am|pm)\b", re.I)
# Each pattern: the recurrence, and what of the phrase is kept as its first due date.
RECURRENCES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(rf"\b(?:every|each)\s+(?P<day>{DAY})s?\b", re.I), "weekly"),
    (
        re.compile(
            rf"\b(?:weekly|every\s+week|each\s+week|once\s+a\s+week)(?:\s+(?:on\s+)?(?P<day>{DAY})s?)?\b"
            rf"|\b(?:on\s+)?(?P<days>{DAY})s\b",  # "on mondays", "standup mondays 9am"
            re.I,
        ),
        "weekly",
    ),
    (re.compile(r"\b(?:every|each)\s+(?P<part>morning|afternoon|evening|night)\b", re.I), "daily"),
    (
        re.compile(
            r"\b(?:every\s*day|daily|each\s+day|every\s+weekday|on\s+weekdays|once\s+a\s+day)\b",
            re.I,
        ),
        "daily",
    ),
    (
        re.compile(
            r"\b(?:monthly|every\s+month|each\s+month|once\s+a\s+month)"
            r"(?:\s+on\s+(?P<dom>the\s+\d{1,2}(?:st|nd|rd|th)))?\b",
            re.I,
        ),
        "monthly",
    ),
)


@dataclass(frozen=True)
class Slots:
    """The details a sentence gave for a task; None (or empty) for what it did not mention."""

    priority: str | None = None
    tags: list[str] = field(default_factory=list)
    note: str | None = None
    recurrence: str | None = None
    due: datetime | None = None

    def arguments(self) -> dict[str, Any]:
        """These details as `add_task` / `update_task` arguments."""
        found: dict[str, Any] = {}
        if self.priority:
            found["priority"] = self.priority
        if self.tags:
            found["tags"] = self.tags
        if self.due:
            found["due_date"] = self.due.isoformat()
        if self.recurrence:
            found["recurrence"] = self.recurrence
        if self.note:
            found["description"] = self.note
        return found


def split_priority(text: str) -> tuple[str, str | None]:
    """Remove every priority phrase ("high priority", "not important", "asap!!"); the rest and
    the level of the first kind found (negations first)."""
    found = None
    for pattern, level in PRIORITY_PATTERNS:
        if pattern.search(text):
            found = found or level
            text = pattern.sub(" ", text)
    return text, found


def find_priority(text: str) -> str | None:
    """A priority level named in text, bare words included ("anything high?"), for filters."""
    _, level = split_priority(text)
    if level:
        return level
    match = BARE_LEVEL.search(text)
    return match.group(1).lower() if match else None


def tag_words(text: str) -> list[str]:
    """Tag names in "a, b and #c": lower-case, without '#', in order, once each."""
    words = re.split(r"\s*(?:,|\band\b|&)\s*|\s+", text.strip(), flags=re.I)
    return list(dict.fromkeys(word.lstrip("#").lower() for word in words if word.strip("#")))


def split_tags(text: str) -> tuple[str, list[str]]:
    """Remove #tags and "tagged x" / "tags: a, b" / "with the x tag"; the rest and the tags."""
    tags: list[str] = []
    for pattern in (TAG_PHRASE, TAG_BEFORE_WORD):
        for match in pattern.finditer(text):
            tags.extend(tag_words(match["tags"]))
        text = pattern.sub(" ", text)
    tags.extend(tag.lower() for tag in HASHTAG.findall(text))
    return HASHTAG.sub(" ", text), list(dict.fromkeys(tags))


def split_note(text: str) -> tuple[str, str | None]:
    """Remove a trailing note ("- bring the receipts", "note: gate code 42"); rest, note.

    What follows a dash may be a priority instead ("- not urgent"): then it is no note.
    """
    match = NOTE.search(text)
    if match is None or not tidy(split_priority(match["note"])[0]):
        return text, None
    note = tidy(match["note"])
    return text[: match.start()], (note[:1].upper() + note[1:]) if note else None


def split_recurrence(text: str) -> tuple[str, str | None]:
    """Replace "every monday at 9" by "monday at 9" (the first due date); rest, recurrence."""
    for pattern, recurrence in RECURRENCES:
        match = pattern.search(text)
        if match is None:
            continue
        groups = match.groupdict()
        day = groups.get("day") or groups.get("days")
        part = (groups.get("part") or "").lower()
        clock = CLOCK.search(text)
        when = day or groups.get("dom") or ("" if clock else PART_OF_DAY.get(part, ""))
        rest = text[: match.start()] + f" {when} " + text[match.end() :]
        if clock and part in ("afternoon", "evening", "night"):  # "every evening at 7": 7pm
            rest = re.sub(r"\bat\s+(\d{1,2}(?::[0-5]\d)?)\b(?!\s*(?:am|pm))", r"at \1pm", rest)
        if groups.get("days"):  # "weekly standup mondays": "weekly" said twice
            rest = re.sub(r"\bweekly\b", " ", rest, flags=re.I)
        return rest, recurrence
    return text, None


def split_slots(text: str, now: datetime) -> tuple[str, Slots]:
    """Every detail of a task in text, removed from it: the words left (a title) and the slots."""
    text, note = split_note(text)
    text, tags = split_tags(text)
    text, priority = split_priority(text)
    text, recurrence = split_recurrence(text)
    text, due = split_date(tidy(text), now)
    return tidy(text), Slots(priority, tags, note, recurrence, due)
