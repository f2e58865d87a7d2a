"""Several days said for one task: the task once a day. "every mon, wed and fri" and "on
tuesdays and thursdays" are a weekly task a day; "on monday and tuesday" and "mon and thu at
7am" a task due on each of those days."""

import re

from backend.chat.providers.slots import DAY

SHORT_DAY = r"(?:mon|tues?|wed|thu(?:rs?)?|fri|sat|sun)"
ANY_DAY = rf"\b(?:{DAY}|{SHORT_DAY})\b"
JOINED = r"(?:\s*,\s*(?:and\s+)?|\s+and\s+|\s*&\s*|\s*/\s*)"
# "every mon, wed and fri", "on tuesdays and thursdays": a weekly task a day
EVERY_DAYS = re.compile(
    rf"\b(?:every|on(?=\s+{DAY}s\b))\s+"
    rf"(?P<days>{DAY}s?(?:(?:\s*,\s*|\s+and\s+|\s*/\s*|\s+){DAY}s?)+)\b",
    re.I,
)
# "on monday and tuesday", "mon and thu": a task on each day
SOME_DAYS = re.compile(rf"(?:\bon\s+)?(?P<days>{ANY_DAY}(?:{JOINED}{ANY_DAY})+)", re.I)


def one_per_day(text: str) -> list[str]:
    """`text` once for each day it names, with that day alone; [] unless it names several."""
    if days := EVERY_DAYS.search(text):
        said = [f"every {day}" for day in re.findall(DAY, days["days"], re.I)]
    elif days := SOME_DAYS.search(text):
        said = [f"on {day}" for day in re.findall(ANY_DAY, days["days"], re.I)]
    else:
        return []
    return [f"{text[: days.start()]}{day}{text[days.end() :]}" for day in said]
