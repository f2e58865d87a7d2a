"""Pure helpers of the local engine: amounts of time as people say them ("2 days", "a week")."""

import calendar
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

NUMBER_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
                "seven": 7, "ten": 10, "a couple of": 2, "a couple": 2, "couple of": 2,
                "a few": 3}  # fmt: skip
DURATION = re.compile(
    r"\b(?P<count>\d{1,3}|" + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True)) + r")\s+"
    r"(?P<unit>min(?:ute)?s?|h(?:ou)?rs?|hours?|days?|weeks?|months?)\b",
    re.IGNORECASE,
)
UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
FORTNIGHT = re.compile(r"\b(?:a\s+|one\s+)?fortnight\b", re.I)


@dataclass(frozen=True)
class Duration:
    """An amount of time as people say it: "2 days", "a week", "an hour"."""

    count: int
    unit: str  # minutes, hours, days, weeks or months

    def after(self, moment: datetime) -> datetime:
        """`moment` moved forward by this duration (a month keeps the day when it can)."""
        if self.unit != "months":
            return moment + timedelta(**{self.unit: self.count})
        month = moment.month - 1 + self.count
        year, month = moment.year + month // 12, month % 12 + 1
        return moment.replace(
            year=year, month=month, day=min(moment.day, calendar.monthrange(year, month)[1])
        )


def split_duration(text: str) -> tuple[str, Duration | None]:
    """Remove the first duration ("2 days", "a week", "a fortnight") from text; the rest and
    the duration."""
    text = FORTNIGHT.sub("2 weeks", text)
    match = DURATION.search(text)
    if match is None:
        return text, None
    count = match["count"].lower()
    unit = match["unit"].lower()
    unit = "months" if unit.startswith("mo") else UNITS[unit[0]]
    number = int(count) if count.isdigit() else NUMBER_WORDS[count]
    return text[: match.start()] + text[match.end() :], Duration(number, unit)
