"""The due dates a question names: a day ("on friday", "what's happening friday"), a period
("this week", "the weekend", "in the next 3 days"), or a bound ("before thursday", "after the
weekend"); as `list_tasks` filters with a label."""

import re
from datetime import UTC, datetime, time, timedelta
from typing import Any

from backend.chat.providers.durations import split_duration
from backend.chat.providers.phrases import END_OF_DAY, parse_date_phrase
from backend.chat.providers.slots import DAY

NEXT_SPAN = re.compile(
    r"\b(?:(?:in|over)\s+the\s+next|within(?:\s+the\s+next)?)\s+(?P<span>.+)$", re.I
)
BARE_DAY = re.compile(rf"\b(?P<kind>)(?P<when>(?:this\s+|next\s+)?{DAY})\??$", re.I)  # "… friday"
DUE_ON = re.compile(
    r"\b(?P<kind>due\s+before|due\s+by|due\s+after|before|by|after|due\s+on|due|on|for|from)\s+"
    r"(?P<when>.+?)\??$",
    re.I,
)
# "before the weekend", "after next week": a bound at a period's start or end
PERIOD_BOUND = re.compile(
    r"\b(?P<side>before|after)\s+(?:the\s+|this\s+)?(?P<period>weekend|next\s+week)\b", re.I
)


def _bound(side: str, first: datetime, last: datetime, label: str) -> tuple[dict[str, Any], str]:
    """Due before the start of `first`'s day, or after the end of `last`'s."""
    if side.lower() == "before":
        start = datetime.combine(first.date(), time(0, 0), tzinfo=UTC)
        return {"due_before": (start - timedelta(seconds=1)).isoformat()}, f"due before {label}"
    end = datetime.combine(last.date() + timedelta(days=1), time(0, 0), tzinfo=UTC)
    return {"due_after": end.isoformat()}, f"due after {label}"


def _window(first: datetime, last: datetime) -> dict[str, Any]:
    """Due from the start of `first`'s day to the end of `last`'s."""
    start = datetime.combine(first.date(), time(0, 0), tzinfo=UTC)
    end = datetime.combine(last.date(), END_OF_DAY, tzinfo=UTC)
    return {"due_after": start.isoformat(), "due_before": end.isoformat()}


def due_window(text: str, now: datetime) -> tuple[dict[str, Any], str] | None:
    """The due-date filter a question names ("today", "this week", "on friday", "before
    thursday"), and its label. Windows start today at the earliest (what is already late is
    "overdue", not "this week"), but for "yesterday", asked for by name."""
    sunday = now + timedelta(days=6 - now.weekday())  # weeks run Monday to Sunday
    low = text.lower()
    # "this afternoon", "tonight": today's tasks (a due time is not a window of its own)
    today = re.search(
        r"\btoday\b|\btonight\b|\btoday's\b|\bthis\s+(?:morning|afternoon|evening)\b", low
    )
    if bound := PERIOD_BOUND.search(text):
        weekend = bound["period"].lower() == "weekend"
        first = sunday + timedelta(days=-1 if weekend else 1)
        last = sunday + timedelta(days=0 if weekend else 7)
        return _bound(bound["side"], first, last, "the weekend" if weekend else "next week")
    if today and re.search(r"\btomorrow\b", low):
        return _window(now, now + timedelta(days=1)), "due today or tomorrow"
    if today:
        return _window(now, now), "due today"
    if re.search(r"\byesterday\b|\byesterday's\b", low):  # asked for: the one day in the past
        yesterday = now - timedelta(days=1)
        return _window(yesterday, yesterday), "due yesterday"
    if re.search(r"\btomorrow\b|\btomorrow's\b", low) and not re.search(r"\bbefore\b", low):
        tomorrow = now + timedelta(days=1)
        return _window(tomorrow, tomorrow), "due tomorrow"
    if re.search(r"(?<!next )\bweekend\b", low):
        saturday = sunday - timedelta(days=1)
        return _window(max(now, saturday), sunday), "due this weekend"
    if re.search(r"\bthis\s+week\b|\bthis\s+week's\b", low):
        return _window(now, sunday), "due this week"
    if ahead := NEXT_SPAN.search(text):  # "in the next 3 days", "within a week"
        _, span = split_duration(re.sub(r"^(?=few|couple)", "a ", ahead["span"], flags=re.I))
        if span is not None and span.unit in ("days", "weeks", "months"):
            said = span.unit[:-1] if span.count == 1 else f"{span.count} {span.unit}"
            return _window(now, span.after(now)), f"due in the next {said}"
    if re.search(r"\bnext\s+week\b", low):
        return _window(sunday + timedelta(days=1), sunday + timedelta(days=7)), "due next week"
    if match := DUE_ON.search(text) or BARE_DAY.search(text):
        day = parse_date_phrase(match["when"], now)
        if day is None:
            return None
        side = re.search(r"before|after", match["kind"], re.I)
        if side:
            return _bound(side.group(0), day, day, f"{day:%A %d %b}")
        if "by" in match["kind"].lower():
            return _window(now, day), f"due by {day:%A %d %b}"
        return _window(day, day), f"due on {day:%A %d %b}"
    return None
