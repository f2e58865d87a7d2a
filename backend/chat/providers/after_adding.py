"""What a message right after an addition adds to it: more tasks ("and milk"; "and the
electrician" after "add call the bank" takes that verb) or a detail of the task just added
("it's for mum's birthday on sunday", "that's for tomorrow")."""

import re
from collections.abc import Sequence
from datetime import datetime

from backend.chat.models import Message, Role
from backend.chat.providers.actions import AddTask, Adjustment, ChangeTask, TaskRef
from backend.chat.providers.adding import capitalized, parse_add, starts_with_verb
from backend.chat.providers.intents import parse_message
from backend.chat.providers.slots import split_slots

# "add buy eggs" … "and milk": more of the same addition
MORE = re.compile(r"^(?:and|also|plus|oh and|and also)\s+(?P<rest>.+)$", re.I)
# "the electrician", "a plumber", "my tax return": what the verb just used acts on
OBJECT = re.compile(r"^(?:the|a|an|my|his|her|our|their|your)\s+", re.I)
PARTICLES = frozenset({"up", "off", "out", "back", "in", "on", "down"})
TOO = re.compile(r"\s+(?:too|as\s+well|also)[\s!.]*$", re.I)
# "it's for mum's birthday on sunday", "that's for tomorrow": what the new task is for
FOR_DETAIL = re.compile(
    r"^(?:it'?s|its|it\s+is|that'?s|thats|that\s+is|this\s+is)\s+(?P<detail>for\s+.+?)[\s!.]*$",
    re.I,
)


def _just_added(history: Sequence[Message], now: datetime) -> list[AddTask]:
    """The additions the previous user message asked for (none when it asked for no task)."""
    if len(history) < 2 or history[-2].role != Role.USER:
        return []
    return [i for i in parse_message(history[-2].content, now) if isinstance(i, AddTask)]


def _verb(title: str) -> str:
    """The verb a title starts with, with its particle ("Pick up the kids" → "pick up")."""
    words = title.split()
    if not words or not starts_with_verb(title):
        return ""
    taken = words[:2] if len(words) > 2 and words[1].lower() in PARTICLES else words[:1]
    return " ".join(taken).lower()


def more_to_add(message: str, history: Sequence[Message], now: datetime) -> list[AddTask] | None:
    """More tasks after an addition: "and milk"; an object alone ("and the electrician") after
    "add call the bank" is done with the same verb ("Call the electrician")."""
    more = MORE.match(message.strip())
    if more is None:
        return None  # the previous message is parsed again only for a message that may add
    added = _just_added(history, now)
    if not added:
        return None
    rest = TOO.sub("", more["rest"].strip())
    verb = _verb(added[-1].arguments["title"])
    if verb and OBJECT.match(rest) and not starts_with_verb(rest):
        rest = f"{verb} {rest}"
    found = parse_add(rest, now)
    return list(found) if isinstance(found, list) else None


def detail_of_added(
    message: str, history: Sequence[Message], now: datetime
) -> list[ChangeTask] | None:
    """What the task just added is for: its note, and its due date when a day is said."""
    said = FOR_DETAIL.match(message.strip())
    if said is None or len(_just_added(history, now)) != 1:
        return None
    words, slots = split_slots(said["detail"], now)
    purpose = re.sub(r"^for\s*$", "", words, flags=re.I)
    changes = {"due_date": slots.due.isoformat()} if slots.due else {}
    if not (changes or purpose):
        return None
    adjust = Adjustment(note=capitalized(purpose)) if purpose else None
    return [ChangeTask("update_task", TaskRef(), changes, adjust)]
