"""How a request names tasks: ids, positions, pronouns, "the dentist one", title words."""

import re

from backend.chat.providers.actions import Selection, Task, TaskRef
from backend.chat.providers.phrases import tidy

SINGULAR = {
    "it", "its", "it's", "that", "this", "that one", "this one", "that task", "this task", "one",
    "task", "that item", "this item",
}  # fmt: skip
PLURAL = {
    "them", "those", "these", "they", "both", "both of them", "all of them", "all of those",
    "these ones", "those ones", "the two", "these tasks", "those tasks", "each of them",
    "all three", "them all", "they all", "all of these", "the lot",
}  # fmt: skip
ORDINALS = {
    "first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3,
    "fourth": 4, "4th": 4, "fifth": 5, "5th": 5, "sixth": 6, "6th": 6, "seventh": 7, "7th": 7,
    "eighth": 8, "8th": 8, "ninth": 9, "9th": 9, "tenth": 10, "10th": 10, "last": -1,
}  # fmt: skip
ORDINAL = "|".join(ORDINALS)
SELECTION = re.compile(
    r"^(?:(?:the|that|this|number|no\.?|task|id|#)\s*)*(?:(?P<ordinal>"
    + ORDINAL
    + r")|(?P<number>\d{1,9}))(?:\s+(?:one|task))?(?:\s+please)?$",
    re.I,
)
# "second one", "last task", "first" (after "the" is gone): a position in the last list
ORDINAL_REF = re.compile(rf"(?P<ordinal>{ORDINAL})(?:\s+(?:one|task|item|on the list))?", re.I)
COUNTS = {"two": 2, "three": 3, "four": 4, "five": 5, "2": 2, "3": 3, "4": 4, "5": 5}
# "first two", "last 3 tasks", "top three": the first or last few of the last list
FIRST_FEW = re.compile(
    rf"(?P<end>first|top|last|bottom)\s+(?P<count>{'|'.join(COUNTS)})(?:\s+(?:ones|tasks|items))?",
    re.I,
)
# "first and third", "1st, 2nd and 4th ones": several positions
SOME_ORDINALS = re.compile(
    rf"(?:{ORDINAL})(?:\s*(?:,|\band\b|&)\s*(?:the\s+)?(?:{ORDINAL}))+(?:\s+(?:ones|tasks|items))?",
    re.I,
)
STRICT_ID = re.compile(r"(?:task|todo|item|id)\s*#?\s*(\d{1,9})|#\s*(\d{1,9})", re.I)
LOOSE_ID = re.compile(r"(?:number|no\.?|num|nr)?\s*(\d{1,9})", re.I)
ID_LIST = re.compile(
    r"(?:(?:tasks?|items?|numbers?|ids?)\s+)?#?\d{1,9}(?:\s*(?:,|\band\b|&|\+)?\s*#?\d{1,9})+", re.I
)
# "tasks 3-5", "3 to 5": every id between
ID_RANGE = re.compile(
    r"(?:tasks?\s+|ids?\s+)?#?(?P<first>\d{1,9})\s*(?:-|to|through|thru)\s*#?(?P<last>\d{1,9})",
    re.I,
)
MAX_RANGE = 20
# "the dentist one", "the one about the dentist", "the dentist task": title words
ONE_ABOUT = re.compile(r"^(?:one|task)\s+(?:about|for|with|called|named|saying)\s+", re.I)
TRAILING_NOUN = re.compile(r"\s+(?:ones?|tasks?|todos?|to-dos?|items?|things?|reminders?)$", re.I)

# "laundry, milk and bread", "a, b, and c", "a, b & c": several titles named at once
SEVERAL = re.compile(r"\s*,\s*(?:and\s+|&\s*)?|\s+and\s+|\s*&\s*", re.I)

# "call the plumber, it('s urgent)": the pronoun that started a remark is no title word
LEFT_DANGLING = re.compile(r",\s*(?:it|this|that|they|these|those)\s*$", re.I)


def title_words(text: str) -> str:
    """The title words of "the passport task", "the one about the dentist", "“buy milk”"."""
    words = tidy(LEFT_DANGLING.sub("", text))
    words = re.sub(r"^(?:both\s+)?(?:the|my|a|an|that|this)\s+", "", words, flags=re.I)
    words = ONE_ABOUT.sub("", words)
    words = re.sub(r"^(?:the|my|a|an)\s+", "", words, flags=re.I)
    return tidy(TRAILING_NOUN.sub("", words))


def parse_ref(text: str) -> TaskRef | None:
    """Read "task 3", "#3", "3 and 4", "it", "them", "the second one", or title words."""
    words = re.sub(r"^(?:the|my|a)\s+", "", tidy(text), flags=re.I)
    lower = words.lower()
    if lower in SINGULAR:
        return TaskRef()
    if lower in PLURAL:
        return TaskRef(plural=True)
    if positions := _positions(words):
        return TaskRef(positions=positions)
    if ordinal := ORDINAL_REF.fullmatch(words):
        return TaskRef(position=ORDINALS[ordinal["ordinal"].lower()])
    bare = TRAILING_NOUN.sub("", words)
    if strict := STRICT_ID.fullmatch(bare):
        return TaskRef(task_id=int(strict.group(1) or strict.group(2)))
    if loose := LOOSE_ID.fullmatch(bare):
        return TaskRef(task_id=int(loose.group(1)), loose=True)
    if span := ID_RANGE.fullmatch(bare):
        first, last = int(span["first"]), int(span["last"])
        if first < last <= first + MAX_RANGE:
            return TaskRef(task_ids=tuple(range(first, last + 1)))
    if ID_LIST.fullmatch(bare):
        ids = tuple(dict.fromkeys(int(n) for n in re.findall(r"\d+", bare)))
        # bare "1 and 3" after a list are its first and third tasks, as "number 2" is one
        return TaskRef(task_ids=ids, loose=not re.search(r"#|tasks?\b|ids?\b", bare, re.I))
    found = title_words(words)
    return TaskRef(words=found) if found else None


def _positions(words: str) -> tuple[int, ...]:
    """The positions "the first two", "the last 3", "the first and third" name; () if none."""
    if few := FIRST_FEW.fullmatch(words):
        count = COUNTS[few["count"].lower()]
        if few["end"].lower() in ("last", "bottom"):
            return tuple(range(-count, 0))
        return tuple(range(1, count + 1))
    if SOME_ORDINALS.fullmatch(words):
        found = re.findall(ORDINAL, words, re.I)
        return tuple(dict.fromkeys(ORDINALS[word.lower()] for word in found))
    return ()


def parse_selection(text: str) -> Selection | None:
    """Read "3", "#3", "task 3", "the second one", "the last one"; None for anything else."""
    match = SELECTION.match(tidy(text))
    if match is None:
        return None
    if match["ordinal"]:
        return Selection(position=ORDINALS[match["ordinal"].lower()])
    return Selection(number=int(match["number"]))


def left_out(tasks: list[Task], excluded: str) -> list[Task] | None:
    """The tasks but those whose title has the words of one of the names in `excluded` ("the
    report", "the dentist and the passport"); None when a name matches no task."""
    names = [title_words(part).lower() for part in SEVERAL.split(excluded) if part.strip()]
    if not names or not all(any(n in task["title"].lower() for task in tasks) for n in names):
        return None
    return [task for task in tasks if not any(n in task["title"].lower() for n in names)]
