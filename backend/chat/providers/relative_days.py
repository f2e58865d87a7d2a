"""Days said relative to today that dateparser misses, as dates: the end of this week or month,
the next Nth of a month, and a week after a day ("friday week", "a week on friday")."""

import calendar
import re
from datetime import date, timedelta

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WEEKDAY = r"(?:mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?"
# "friday week", "a week on friday", "a week from tomorrow", "a week today": seven days after
WEEK_AFTER = re.compile(
    rf"\b(?:a\s+week\s+(?:on|from|after)\s+(?:this\s+)?(?P<after>{WEEKDAY}|today|tomorrow)|"
    rf"a\s+week\s+(?P<bare>today|tomorrow)|(?P<before>{WEEKDAY}|tomorrow)\s+week)\b",
    re.I,
)
# "the 1st of december", "3rd of jan": a day of a named month, as dateparser reads it
DAY_OF_NAMED_MONTH = re.compile(
    r"\b(?:the\s+)?(?P<day>\d{1,2})(?:st|nd|rd|th)\s+of\s+(?P<month>jan|feb|mar|apr|may|jun|jul|"
    r"aug|sep|oct|nov|dec)[a-z]*\b",
    re.I,
)


def end_of_period(period: str, today: date) -> date:
    """The last day of this week (weeks end on Sunday) or this month."""
    if period.lower() == "week":
        return today + timedelta(days=6 - today.weekday())
    return today.replace(day=calendar.monthrange(today.year, today.month)[1])


def next_day_of_month(day: int, today: date) -> date | None:
    """The next date (today included) that is the `day`th of its month; None if no month has it."""
    year, month = today.year, today.month
    for _ in range(12):
        if day <= calendar.monthrange(year, month)[1] and date(year, month, day) >= today:
            return date(year, month, day)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return None


def _day(said: str, today: date) -> date:
    """The next such weekday (never today, as "friday" is read), today or tomorrow."""
    said = said.lower()
    if said in ("today", "tomorrow"):
        return today + timedelta(days=int(said == "tomorrow"))
    ahead = (WEEKDAYS.index(said[:3]) - today.weekday()) % 7
    return today + timedelta(days=ahead or 7)


def week_after(text: str, today: date) -> str:
    """`text` with "friday week" / "a week on friday" as the date a week after that day, and
    "the 1st of december" as "1 dec" (which dateparser reads)."""
    text = DAY_OF_NAMED_MONTH.sub(lambda m: f"{m['day']} {m['month']}", text)
    said = WEEK_AFTER.search(text)
    if said is None:
        return text
    day = _day(said["after"] or said["bare"] or said["before"], today) + timedelta(days=7)
    return text[: said.start()] + day.isoformat() + text[said.end() :]
