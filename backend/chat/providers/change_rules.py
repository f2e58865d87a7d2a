"""The phrasings of changes, as one ordered table: a pattern, and what its match asks for.

The first rule that matches wins, so the more specific phrasings ("remove the work tag from X")
come before the general ones ("remove X"). To understand a new phrasing, add a rule to the
table of its concern (`status_rules`, `detail_rules`, `date_rules`); its builder (in
`changes`) turns the match into an intent.
"""

import re
from dataclasses import replace
from datetime import datetime

from backend.chat.providers.actions import ChangeTask, Intent
from backend.chat.providers.date_rules import DATES
from backend.chat.providers.detail_rules import DETAILS
from backend.chat.providers.many import EXCEPT
from backend.chat.providers.normalise import PLEASE
from backend.chat.providers.rule_table import Rule
from backend.chat.providers.status_rules import (
    CLEARING_COMPLETED,
    COMPLETING,
    DELETING,
    NEWS,
    REOPENING,
)

RULES: tuple[Rule, ...] = (
    *REOPENING,
    # before "remove the checked off tasks" reads as taking a tag off "tasks"
    *CLEARING_COMPLETED,
    *DETAILS,
    *DATES,
    *COMPLETING,
    *DELETING,
    *NEWS,
)

# "add the errands tag to X", "add a note to X: …": changes, though they open like additions
ADD_SHAPED = re.compile(
    PLEASE + r"(?:add|put|attach)\s+(?:the\s+|a\s+|an\s+)?(?:[#\w-]+\s+)?"
    r"(?:tags?|note|description|comment)\b(?:.*?\s(?:to|on)\s|$)",
    re.I,
)


# "mark all my work tasks done except the meeting": the tasks left out, said last
SAID_LAST_EXCEPT = re.compile(rf"^(?P<change>.+?)\s*,?\s+{EXCEPT.pattern}\s+(?P<names>.+)$", re.I)


def parse_change(sentence: str, now: datetime) -> Intent | None:
    """The change a sentence asks for, or None when no rule matches it; the tasks a change of
    many leaves out may be said after the change ("… done except the meeting")."""
    if (intent := _first_rule(sentence, now)) is not None:
        return intent
    if said := SAID_LAST_EXCEPT.match(sentence):
        change = _first_rule(said["change"], now)
        if isinstance(change, ChangeTask) and _of_many(change):
            return replace(change, ref=replace(change.ref, excluded=said["names"]))
    return None


def _of_many(change: ChangeTask) -> bool:
    """Whether a change is for every task a filter selects, none left out yet."""
    ref = change.ref
    return ref.selector is not None and ref.excluded is None and not ref.pick


def _first_rule(sentence: str, now: datetime) -> Intent | None:
    for pattern, build in RULES:
        if (match := pattern.match(sentence)) and (intent := build(match, now)) is not None:
            return intent
    return None
