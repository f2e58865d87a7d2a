"""How a change names many tasks: a filter ("all my work tasks", "everything"), all but some
("everything except the report"), one of them for the user to pick ("one of my errands") or
the first few of them ("the first two errands", "the last work task")."""

import re
from dataclasses import replace
from datetime import datetime

from backend.chat.providers.actions import TaskRef
from backend.chat.providers.phrases import tidy
from backend.chat.providers.questions import NOT_TAGS, parse_list
from backend.chat.providers.references import COUNTS, ORDINAL, ORDINALS, PLURAL, parse_ref

# "all my work tasks", "everything", "today's tasks", "the completed ones": many tasks at once
BULK = re.compile(
    r"^(?:all|every|everything|each|whatever)\b|(?:tasks|ones|todos|to-?dos|items|stuff)$", re.I
)

# The words of a bulk phrase that select nothing by themselves: "all of my tasks", "everything"
PLAIN_BULK = re.compile(
    r"\b(?:my|the|of|on|in|list|tasks?|todos?|to-?dos?|items?|stuff|things|ones|everything|"
    r"else|there|i\s+have|i've\s+got)\b",
    re.I,
)
# "one of my errands", "any one of my work tasks": one task of many, the user to say which
ONE_OF = re.compile(r"^(?:just\s+|any\s+)?one\s+of\s+(?P<many>.+)$", re.I)
EXCEPT = re.compile(
    r"\b(?:except(?:\s+for)?|but(?:\s+not)?|apart\s+from|other\s+than|besides|excluding|"
    r"save\s+for)\b",
    re.I,
)
# "the first two errands", "the last work task": positions among the tasks a filter selects
FEW_OF = re.compile(
    rf"^(?:(?P<end>first|top|last|bottom)\s+(?P<count>{'|'.join(COUNTS)})|(?P<ordinal>{ORDINAL}))"
    r"\s+(?P<many>.+)$",
    re.I,
)
# "both errands", "both of my work tasks": every task of that kind
BOTH = re.compile(r"^both\s+(?:of\s+)?(?:my\s+|the\s+)?(?P<noun>[a-z][\w-]*(?:\s+tasks)?)$", re.I)
# "the first thing", "the second item": a position in the list shown, no filter
GENERIC = re.compile(r"(?:ones?|tasks?|things?|items?|todos?|to-?dos?)", re.I)


def change_ref(text: str, now: datetime) -> TaskRef | None:
    """The tasks a change names; a bulk phrase ("all my work tasks") becomes a list filter,
    "one of" it ("one of my errands") the tasks to pick one from."""
    if one := ONE_OF.match(tidy(text)):
        said = one["many"]
        if said.lower() in PLURAL:  # "one of them": which of those just shown, asked
            return TaskRef()
        many = change_ref(f"all {said}", now) or change_ref(f"all {said} tasks", now)
        return replace(many, pick=True) if many is not None and many.selector is not None else None
    if both := BOTH.match(tidy(text)):  # "both errands": all (two) of them
        return change_ref(f"all my {both['noun']}", now)
    ref = parse_ref(text)
    if ref is not None and ref.words is not None and (few := _few_of(text, now)):
        return few
    if ref is None or ref.words is None or not BULK.search(tidy(text)):
        return ref
    # "everything except the report": the filter, and the tasks it leaves out by name
    text, *rest = EXCEPT.split(text, maxsplit=1)
    excluded = tidy(rest[0]) if rest else None
    if excluded == "":
        return None
    stripped = tidy(re.sub(r"^(?:all|every|each|whatever)(?:\s+of)?\b", "", tidy(text), flags=re.I))
    selector = parse_list(stripped, now).arguments
    # "everything for work", "all the stuff under home": the place is the tag
    left = re.sub(r"^(?:for|in|under|at)\s+", "", tidy(PLAIN_BULK.sub(" ", stripped)), flags=re.I)
    if not selector and re.fullmatch(r"[a-z][\w-]*", left, re.I) and left not in NOT_TAGS:
        selector = {"tag": left.lower()}  # "all my errands": a tag said as a plain noun
    # "everything from the garden": words that are no filter must not widen it to every task
    if not selector and left:
        return None
    return TaskRef(selector=selector, excluded=excluded)


def _few_of(text: str, now: datetime) -> TaskRef | None:
    """ "the first two errands", "the second work task": those positions among the tasks a
    filter (not every task: "the first two tasks" count in the list shown) selects."""
    few = FEW_OF.match(re.sub(r"^(?:the|my)\s+", "", tidy(text), flags=re.I))
    if few is None or GENERIC.fullmatch(few["many"]):
        return None
    many = change_ref(f"all {few['many']}", now)
    if many is None or not many.selector:
        return None
    if few["ordinal"]:
        return replace(many, position=ORDINALS[few["ordinal"].lower()])
    count = COUNTS[few["count"].lower()]
    last = few["end"].lower() in ("last", "bottom")
    return replace(many, positions=tuple(range(-count, 0) if last else range(1, count + 1)))
