"""Next-occurrence date math for recurring tasks."""

import calendar
from datetime import MAXYEAR, datetime, timedelta

from backend.tasks.fields import Recurrence

STEP = {Recurrence.daily: timedelta(days=1), Recurrence.weekly: timedelta(weeks=1)}


def add_month(moment: datetime, anchor_day: int | None = None) -> datetime:
    """Next month on `anchor_day` (default: `moment`'s day) at the same time, clamped to that
    month's last day: Jan 31 → Feb 28/29, and with anchor 31, Feb 28 → Mar 31."""
    year, month = (moment.year + 1, 1) if moment.month == 12 else (moment.year, moment.month + 1)
    day = min(anchor_day or moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def next_due(
    due: datetime, recurrence: Recurrence, anchor_day: int | None = None
) -> datetime | None:
    """The due date of the occurrence after one due at `due`; None past year 9999 (series ends).

    A monthly series is due on `anchor_day` (the day of the series' first due date), clamped.
    """
    if recurrence == Recurrence.none:
        raise ValueError("a task without recurrence has no next occurrence")
    if recurrence == Recurrence.monthly:
        if (due.year, due.month) == (MAXYEAR, 12):
            return None
        return add_month(due, anchor_day)
    try:
        return due + STEP[recurrence]
    except OverflowError:
        return None
