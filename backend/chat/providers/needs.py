"""Things said as missing, no "add": "need milk", "we're out of eggs", "running low on coffee"
are a task to get them ("Buy milk"); "I need help", "need a break" are none."""

import re
from datetime import datetime

from backend.chat.providers.actions import AddTask
from backend.chat.providers.adding import parse_add, starts_with_verb

# "out of milk", "ran out of eggs", "low on coffee": something to buy
RUN_OUT = re.compile(
    r"^(?:(?:i|we)(?:'re|'m|\s+are|\s+am)?\s+|(?:i|we)\s+)?(?:all\s+|totally\s+|completely\s+)?"
    r"(?:(?:running|run|ran|nearly|almost|getting)\s+)?(?:out\s+of|low\s+on|short\s+on)\s+"
    r"(?P<thing>.+)$",
    re.I,
)
# "need milk", "we need eggs and bread": something to get (not "need to …": an obligation)
NEED = re.compile(
    r"^(?:(?:i|we)\s+)?(?:still\s+|also\s+|really\s+)?need(?:s)?\s+(?:some\s+|more\s+|new\s+)?"
    r"(?!to\b)(?P<thing>.+)$",
    re.I,
)
# What is needed that no one buys: "need help", "need a break", "need you to …"
NOT_BOUGHT = re.compile(
    r"^(?:help|a\s+hand|a\s+break|(?:a\s+)?rest|sleep|a\s+nap|a\s+holiday|a\s+vacation|time|"
    r"space|a\s+(?:minute|moment|second|sec)|you|it|that|this|them|nothing|anything|something|"
    r"everything|more\s+time|advice|a\s+list|my\s+(?:list|tasks)|a\s+task|the\s+|an?\s+"
    r"(?:idea|answer|update|summary|overview))\b",
    re.I,
)


def parse_need(sentence: str, now: datetime) -> list[AddTask] | None:
    """ "Buy X" for a thing said as missing; None for anything else."""
    match = RUN_OUT.match(sentence) or NEED.match(sentence)
    if match is None:
        return None
    thing = match["thing"].strip()
    if NOT_BOUGHT.match(thing) or starts_with_verb(thing) or len(thing.split()) > 6:
        return None
    added = parse_add(f"buy {thing}", now)
    return added if isinstance(added, list) else None
