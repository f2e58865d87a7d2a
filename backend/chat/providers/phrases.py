"""Pure helpers of the local engine: find a due date, a priority and #tags inside a sentence."""

import re
from datetime import UTC, datetime, time
from typing import Any

import dateparser

# A date phrase starts with one of these words; it keeps dateparser away from titles such as
# "call mom" or "read the march report" and keeps the number of parse attempts small.
DATE_STARTERS = re.compile(
    r"^(?:due|by|on|at|before|until|for|this|next|in|today|tonight|tomorrow|tmrw|tmr|noon|"
    r"mon|tue|wed|thu|fri|sat|sun|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|"
    r"end|\d)",
    re.IGNORECASE,
)
# "5 tomorrow" in "read chapter 5 tomorrow": a bare number starts a date only before a unit.
BARE_NUMBER_START = re.compile(
    r"^\d+\s+(?!(?:am|pm|a\.m\.|p\.m\.|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|"
    r"days?|weeks?|months?|hours?|minutes?|mins?)\b)",
    re.IGNORECASE,
)
LEADING_CONNECTIVE = re.compile(r"^(?:due(?:\s+(?:on|by|at))?|by|on|before|until|for)\s+", re.I)
EXPLICIT_TIME = re.compile(
    r"\d\s*(?:am|pm)\b|\d:\d\d|\bnoon\b|\bmidnight\b|\btonight\b|\bmorning\b|\bevening\b|"
    r"\bafternoon\b|\bin\s+\d+\s*(?:h|hours?|min|minutes?)\b",
    re.IGNORECASE,
)
QUOTES_AND_PUNCTUATION = " \t,;:-.!?\"'\u201c\u201d\u2018\u2019"
MAX_DATE_WORDS = 8  # "the day after tomorrow at 5 pm" is seven
MAX_DATE_CHARS = 60
END_OF_DAY = time(23, 59, 59)
DATEPARSER_SETTINGS: Any = {
    "PREFER_DATES_FROM": "future",
    "TIMEZONE": "UTC",
    "TO_TIMEZONE": "UTC",
    "RETURN_AS_TIMEZONE_AWARE": True,
    "STRICT_PARSING": False,
}

TAG = re.compile(r"(?<![\w#])#([A-Za-z][\w-]{0,49})")
PRIORITY_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\b(?:high|top)[- ]priority\b|\bpriority\s*[:=]?\s*high\b", re.I), "high"),
    (re.compile(r"\blow[- ]priority\b|\bpriority\s*[:=]?\s*low\b", re.I), "low"),
    (
        re.compile(r"\b(?:medium|normal)[- ]priority\b|\bpriority\s*[:=]?\s*medium\b", re.I),
        "medium",
    ),
    (re.compile(r"!high\b|\burgent(?:ly)?\b|\bimportant\b|\basap\b", re.I), "high"),
    (re.compile(r"!low\b|\bwhenever\b|\bsomeday\b", re.I), "low"),
    (re.compile(r"!medium\b", re.I), "medium"),
)


def parse_date_phrase(phrase: str, now: datetime) -> datetime | None:
    """The moment a phrase like "tomorrow at 5pm" names; a day without a time means its end."""
    text = LEADING_CONNECTIVE.sub("", phrase.strip())
    if len(text) > MAX_DATE_CHARS:
        return None
    if not text or text.isdigit() or BARE_NUMBER_START.match(text):
        return None
    if not DATE_STARTERS.match(text):
        return None
    parsed = dateparser.parse(
        text,
        languages=["en"],
        settings={**DATEPARSER_SETTINGS, "RELATIVE_BASE": now.astimezone(UTC).replace(tzinfo=None)},
    )
    if parsed is None:
        return None
    parsed = parsed.astimezone(UTC)
    if not EXPLICIT_TIME.search(text):
        parsed = datetime.combine(parsed.date(), END_OF_DAY, tzinfo=UTC)
    return parsed


def split_date(text: str, now: datetime) -> tuple[str, datetime | None]:
    """Split off the longest date phrase at the end (else the start) of `text`."""
    words = text.split()
    # Date phrases are short; bounding them keeps a 4000-character message to a few parses.
    for start in range(max(0, len(words) - MAX_DATE_WORDS), len(words)):
        due = parse_date_phrase(" ".join(words[start:]), now)
        if due is not None:
            return " ".join(words[:start]), due
    for end in range(min(len(words) - 1, MAX_DATE_WORDS), 0, -1):
        due = parse_date_phrase(" ".join(words[:end]), now)
        if due is not None:
            return " ".join(words[end:]), due
    return text, None


def split_tags(text: str) -> tuple[str, list[str]]:
    """Remove `#tags` from text; the rest and the tags, lower-cased, in order, once each."""
    tags = list(dict.fromkeys(tag.lower() for tag in TAG.findall(text)))
    return TAG.sub("", text), tags


def split_priority(text: str) -> tuple[str, str | None]:
    """Remove the first priority phrase ("high priority", "urgent"...); the rest and the level."""
    for pattern, level in PRIORITY_PATTERNS:
        if pattern.search(text):
            return pattern.sub("", text, count=1), level
    return text, None


def find_priority(text: str) -> str | None:
    """A bare priority level named in text ("high", "low", "medium"), for list filters."""
    _, level = split_priority(text)
    if level:
        return level
    match = re.search(r"\b(high|low|medium)\b", text, re.I)
    return match.group(1).lower() if match else None


def tidy(text: str) -> str:
    """Collapse spaces, drop dangling connectives and punctuation at the ends."""
    text = re.sub(r"\s+", " ", text).strip(QUOTES_AND_PUNCTUATION)
    text = re.sub(r"\s+(?:due|by|on|at|with|and|for)$", "", text, flags=re.I)
    return text.strip(" ,;:-")
