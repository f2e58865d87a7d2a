"""Pure helpers of the local engine: dates and times of day inside a sentence (via dateparser);
durations are in `durations`."""

import re
from datetime import UTC, datetime, time, timedelta
from typing import Any

import dateparser

from backend.chat.providers.relative_days import end_of_period, next_day_of_month, week_after

# A date phrase starts with one of these words; it keeps dateparser away from titles such as
# "call mom" or "read the march report" and keeps the number of parse attempts small.
DATE_STARTERS = re.compile(
    r"^(?:due|by|on|at|before|until|for|this|next|in|today|tonight|tomorrow|tmrw|tmr|noon|"
    r"mon|tue|wed|thu|fri|sat|sun|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|"
    r"end|eod|cob|close|weekend|the\s+(?:day|weekend|end)|day\s+after|\d)",
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
# Phrases dateparser gets wrong or misses, rewritten (see `normalize_date_phrase`) first.
TOMORROW_SLANG = re.compile(r"\b(?:tmrw|tmr|tmw|tomorow|tomoz|tmrow)\b", re.IGNORECASE)
REWRITES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\b(?:the\s+)?day\s+after\s+tomorrow\b", re.I), "in 2 days"),
    (re.compile(r"\b(?:the\s+)?weekend\b", re.I), "saturday"),
    (re.compile(r"\b(?:a\s+)?couple(?:\s+of)?\b", re.I), "2"),
    (re.compile(r"\b(?:a\s+)?few\b", re.I), "3"),
    # "first thing tomorrow", "first thing in the morning": the start of the working day
    # (only before a day: "the first thing on my list" is no time)
    (
        re.compile(
            r"\bfirst\s+thing(?:\s+in\s+the\s+morning\b|(?=\s+(?:today|"
            r"tomorrow|tmrw|next|this|mon|tue|wed|thu|fri|sat|sun)))",
            re.I,
        ),
        "9am",
    ),
    # "in the next 3 days", "within the coming week", "within a month": by then
    (
        re.compile(
            r"\b(?:in|within|over)\s+the\s+(?:next|coming)\s+(?=(?:day|week|month)\b)", re.I
        ),
        "in 1 ",
    ),
    (re.compile(r"\b(?:in|within|over)\s+the\s+(?:next|coming)\b|\bwithin\b", re.I), "in"),
)
# "by 5", "due by 4:30": an hour today, which a bare "5" is not
BY_HOUR = re.compile(r"^(?:due\s+)?by\s+(?=\d{1,2}(?::[0-5]\d)?(?:\s*(?:am|pm))?$)", re.I)
# "end of day": a day's end, which a date without a time already means ("end of day friday" is
# friday); alone, it is today's.
END_OF_DAY_WORDS = re.compile(
    r"\b(?:eod|cob|end\s+of\s+(?:the\s+)?(?:work\s*)?day|(?:close|end)\s+of\s+(?:business|play))\b"
    r"(?:\s+on\b)?",
    re.I,
)
# Words said around a date that change nothing: "monday instead", "then tomorrow", "friday pls".
DATE_FILLER = re.compile(
    r"^(?:(?:actually|rather|instead|then|maybe|now|just|probably|sometime|some\s+time|later|"
    r"ideally|hopefully)\s+)+|"
    r"(?:[\s,]+(?:instead|then|please|pls|plz|thanks|thx|after\s+all|as\s+well|too|now|"
    r"rather|actually|maybe|ok|okay|i\s+guess|i\s+think))+[\s!.]*$",
    re.I,
)
# "end of month", "at the end of the week", "by end of week"
END_OF_PERIOD = re.compile(
    r"\b(?:at\s+)?(?:the\s+)?end\s+of\s+(?:the\s+|this\s+)?(?P<period>week|month)\b",
    re.IGNORECASE,
)
# "the 1st", "the 21st of the month": a day of the month
DAY_OF_MONTH = re.compile(
    r"\bthe\s+(?P<day>\d{1,2})(?:st|nd|rd|th)\b(?:\s+of\s+(?:the|this)\s+month)?",
    re.IGNORECASE,
)
# "at 5", "at 9 o'clock", "at 3:30": a time with no am/pm (dateparser reads "at 5" as a month
# or day, and "at 3:30" as the small hours)
BARE_HOUR = re.compile(
    r"\bat\s+(?P<hour>\d{1,2})(?::(?P<minute>[0-5]\d))?(?:\s*o'?clock)?"
    r"(?!\s*(?::|\.\d|am\b|pm\b|a\.m\.|p\.m\.|\d))",
    re.IGNORECASE,
)
LAST_AFTERNOON_HOUR = 6  # a bare "at 1".."at 6" means the afternoon; "at 7".."at 11" the morning
YEAR = re.compile(r"\b\d{4}\b")
MAX_DAYS_AHEAD = 366  # a farther date must name its year: "at 5" is not May next year
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


def _clock_hour(hour: int, minute: int, evening: bool) -> str:
    """A bare time as a clock time: 1-6 the afternoon, 7-11 the morning (the evening when the
    phrase says "tonight"), 12 noon, 0 and 13-23 as on a 24-hour clock."""
    clock = f"{hour}:{minute:02d}"
    if 1 <= hour <= LAST_AFTERNOON_HOUR or hour == 12 or (evening and 7 <= hour <= 11):
        return f"{clock}pm"
    return f"{clock}am" if 7 <= hour <= 11 else clock


def normalize_date_phrase(text: str, now: datetime) -> str | None:
    """Rewrite slang, period ends, days of month and bare hours for dateparser; None if invalid."""
    today = now.astimezone(UTC).date()
    text = TOMORROW_SLANG.sub("tomorrow", text)
    for pattern, replacement in REWRITES:
        text = pattern.sub(replacement, text)
    if END_OF_DAY_WORDS.search(text):
        rest = END_OF_DAY_WORDS.sub(" ", text)
        text = tidy(rest) if tidy(LEADING_CONNECTIVE.sub("", tidy(rest))) else "today"
    text = week_after(text, today)
    text = END_OF_PERIOD.sub(lambda m: end_of_period(m["period"], today).isoformat(), text)
    day_of_month = DAY_OF_MONTH.search(text)
    if day_of_month:
        day = next_day_of_month(int(day_of_month["day"]), today)
        if day is None:
            return None
        text = DAY_OF_MONTH.sub(day.isoformat(), text, count=1)
    bare_hour = BARE_HOUR.search(text)
    if bare_hour:
        hour = int(bare_hour["hour"])
        if hour > 23:
            return None
        evening = bool(re.search(r"\b(?:tonight|evening|night)\b", text, re.I))
        clock = _clock_hour(hour, int(bare_hour["minute"] or 0), evening)
        text = BARE_HOUR.sub(f"at {clock}", text, count=1)
    return text


def _next_at(clock: time, now: datetime) -> datetime:
    """The next moment at this clock time: today if it is still ahead, else tomorrow.

    dateparser gets this wrong on a month's last day (30 Nov at 3pm, "8am" is 1 Nov)."""
    moment = datetime.combine(now.astimezone(UTC).date(), clock, tzinfo=UTC)
    return moment if moment > now else moment + timedelta(days=1)


def parse_date_phrase(phrase: str, now: datetime) -> datetime | None:
    """The moment a phrase like "tomorrow at 5pm" names; a day without a time means its end."""
    bare = LEADING_CONNECTIVE.sub("", BY_HOUR.sub("at ", DATE_FILLER.sub("", phrase.strip())))
    text = normalize_date_phrase(bare, now)
    if text is None:
        return None
    if len(text) > MAX_DATE_CHARS:
        return None
    if not text or text.isdigit() or BARE_NUMBER_START.match(text):
        return None
    if not DATE_STARTERS.match(text):
        return None
    if (clock := parse_time_only(text)) is not None:
        return _next_at(clock, now)
    parsed = dateparser.parse(
        text,
        languages=["en"],
        settings={**DATEPARSER_SETTINGS, "RELATIVE_BASE": now.astimezone(UTC).replace(tzinfo=None)},
    )
    if parsed is None:
        return None
    parsed = parsed.astimezone(UTC)
    if parsed - now > timedelta(days=MAX_DAYS_AHEAD) and not YEAR.search(text):
        return None
    if not EXPLICIT_TIME.search(text):
        parsed = datetime.combine(parsed.date(), END_OF_DAY, tzinfo=UTC)
    return parsed


# "4pm", "9:30", "at 5", "noon"; a bare "5" is a number, not a time.
TIME_ONLY = re.compile(
    r"^(?:(?P<at>at)\s+)?(?P<hour>\d{1,2})(?::(?P<minute>\d\d))?\s*(?P<half>am|pm)?$|"
    r"^(?:at\s+)?noon$",
    re.I,
)


def parse_time_only(text: str) -> time | None:
    """The clock time of "4pm", "at 9:30", "at 5", "noon"; None for anything else."""
    match = TIME_ONLY.match(text.strip())
    if match is None:
        return None
    if match["hour"] is None:
        return time(12, 0)
    if not (match["at"] or match["minute"] or match["half"]):
        return None
    hour, minute = int(match["hour"]), int(match["minute"] or 0)
    # A bare hour: 1-6 is the afternoon, as in "at 5"; 7-11 the morning.
    half = (match["half"] or "").lower() or ("pm" if 1 <= hour <= LAST_AFTERNOON_HOUR else "")
    if half == "pm" and hour < 12:
        hour += 12
    elif half == "am" and hour == 12:
        hour = 0
    return time(hour, minute) if hour < 24 and minute < 60 else None


# Words that start a date inside a title ("call mom tomorrow about the trip"); "at" is not one
# of them, "meet at 5 guys" being a title.
INNER_DATE_START = re.compile(
    r"^(?:today|tonight|tomorrow|next|this|due|by|on|before|"
    r"(?:mon|tues|wednes|thurs|fri|satur|sun)day)$",
    re.IGNORECASE,
)
# Inside a title, dateparser skips words it does not know ("tomorrow about the" is tomorrow):
# an inner date phrase is made of these words and numbers only, and ends in no connective.
DATE_WORDS = frozenset({
    "today", "tonight", "tomorrow", "next", "this", "due", "by", "on", "before", "at", "in", "the",
    "of", "end", "week", "month", "day", "days", "weeks", "months", "morning", "afternoon",
    "evening", "noon", "midnight", "am", "pm", "monday", "tuesday", "wednesday", "thursday",
    "friday", "saturday", "sunday", "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep",
    "oct", "nov", "dec", "january", "february", "march", "april", "june", "july", "august",
    "september", "october", "november", "december"
})  # fmt: skip
CONNECTIVES = frozenset({"due", "by", "on", "before", "at", "in", "the", "of", "next", "this"})


def _inner_date_words(words: list[str]) -> bool:
    lower = [word.lower().strip(",.") for word in words]
    known = all(word in DATE_WORDS or any(c.isdigit() for c in word) for word in lower)
    return known and lower[-1] not in CONNECTIVES


def split_date(text: str, now: datetime) -> tuple[str, datetime | None]:
    """Split off the longest date phrase at the end, else the start, else inside `text`."""
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
    for start in range(1, len(words) - 1):
        if not INNER_DATE_START.match(words[start]):
            continue
        for end in range(min(len(words) - 1, start + MAX_DATE_WORDS), start, -1):
            if not _inner_date_words(words[start:end]):
                continue
            due = parse_date_phrase(" ".join(words[start:end]), now)
            if due is None:
                continue
            # "meeting at 3 tomorrow with jess": the hour before the day is its time
            if start >= 2 and words[start - 2].lower() == "at":
                wider = parse_date_phrase(" ".join(words[start - 2 : end]), now)
                start, due = (start - 2, wider) if wider is not None else (start, due)
            return " ".join(words[:start] + words[end:]), due
    return text, None


def tidy(text: str) -> str:
    """Collapse spaces, drop dangling connectives and punctuation at the ends."""
    text = re.sub(r"\(\s*\)|\[\s*\]", " ", text)  # brackets a detail was taken out of
    text = re.sub(r"\s+", " ", text).strip(QUOTES_AND_PUNCTUATION)
    text = re.sub(r"\s+(?:due|by|on|at|with|and|for)$", "", text, flags=re.I)
    return text.strip(" ,;:-")
