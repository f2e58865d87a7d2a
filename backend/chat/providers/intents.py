"""The local engine's understanding: one plain-English sentence → one intent (pure functions)."""

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from typing import Any, Literal

from backend.chat.providers.phrases import (
    END_OF_DAY,
    TAG,
    find_priority,
    parse_date_phrase,
    split_date,
    split_priority,
    split_tags,
    tidy,
)

ChangeTool = Literal["complete_task", "delete_task", "update_task"]
TalkKind = Literal["greeting", "thanks", "help", "unknown", "need_title", "bad_date"]


@dataclass(frozen=True)
class TaskRef:
    """Which task a sentence means: an id, title words, a position in the last list ("the
    second one"; -1 is the last), or none of those ("it", from history)."""

    task_id: int | None = None
    words: str | None = None
    position: int | None = None


@dataclass(frozen=True)
class AddTask:
    """Create a task with these `add_task` arguments."""

    arguments: dict[str, Any]


@dataclass(frozen=True)
class ListTasks:
    """List tasks with these `list_tasks` arguments; `label` names the selection in the reply."""

    arguments: dict[str, Any]
    label: str = "tasks"


@dataclass(frozen=True)
class ChangeTask:
    """Complete, reopen, delete or update the task `ref` names, with these extra arguments."""

    tool: ChangeTool
    ref: TaskRef
    changes: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class SmallTalk:
    """No tool: a greeting, thanks, help, or a sentence the engine cannot act on."""

    kind: TalkKind


@dataclass(frozen=True)
class Selection:
    """An answer to "which one?": a number (a task id, else a position) or an ordinal."""

    number: int | None = None
    position: int | None = None  # 1-based; -1 is the last


@dataclass(frozen=True)
class Undo:
    """Take back the previous answer's change ("undo that"), read from the stored history."""


Intent = AddTask | ListTasks | ChangeTask | SmallTalk | Undo

PLEASE = r"^(?:(?:please|pls|can you|could you|would you|kindly)\s+)*"
NOT_A_QUESTION = r"^(?!(?:what|which|who|when|anything|something|everything|nothing)\b)"
DONE_WORDS = r"(?:done|complete|completed|finished)"
LEVEL = r"(?P<level>high|low|medium|normal|urgent|important)"
PRONOUNS = {
    "it", "its", "it's", "that", "this", "that one", "this one", "that task", "this task", "one",
    "task", "them", "those", "these", "they", "both",
}  # fmt: skip
RECURRENCES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\b(?:every\s*day|daily|each\s+day)\b", re.I), "daily"),
    (re.compile(r"\b(?:every\s+week|weekly|each\s+week)\b", re.I), "weekly"),
    (re.compile(r"\b(?:every\s+month|monthly|each\s+month)\b", re.I), "monthly"),
)

GREETING = r"hi|hello|hey|hiya|howdy|yo|good (?:morning|afternoon|evening)"
THANKS = r"thanks|thank you|thx|ty|cheers|great|perfect|awesome|ok|okay|cool|alright|nice"
# Words that may follow an opener without asking for anything: "thanks a lot", "hi there".
OPENER_FILLER = r"(?:\s+(?:there|a lot|so much|very much|again|all|everyone))*"
OPENERS: tuple[tuple[re.Pattern[str], TalkKind], ...] = (
    (re.compile(rf"^(?:{GREETING}){OPENER_FILLER}\b[\s,!.?:;-]*", re.I), "greeting"),
    (re.compile(rf"^(?:{THANKS}){OPENER_FILLER}\b[\s,!.?:;-]*", re.I), "thanks"),
    # "now show my tasks", "and delete it": connectives left once an opener is gone
    (re.compile(r"^(?:now|also|and|then|so)\b[\s,]*", re.I), "unknown"),
)
HELP = re.compile(
    r"^(?:help|\?|what can you do|how does this work|what do you do|commands)"
    r"(?:\s+(?:me|please|for you)|\s+(?:with|on|about)\s+.*)?\W*$",
    re.I,
)
# "help me add buy bread", "can you help me to finish the report": the rest is the request
HELP_ME = re.compile(r"^(?:can you\s+|could you\s+|please\s+)?help me(?:\s+to)?\s+(?=\S)", re.I)

UNDO = re.compile(
    PLEASE + r"(?:undo|revert|take back)(?:\s+(?:that|this|it|the last (?:change|action|one)))?$",
    re.I,
)
REOPEN = (
    re.compile(PLEASE + r"(?:reopen|re-open|uncomplete|unmark|undo)\s+(?P<ref>.+)$", re.I),
    re.compile(
        PLEASE + r"(?:mark|set)\s+(?P<ref>.+?)\s+(?:as\s+)?(?:not\s+(?:done|complete|completed|"
        r"finished)|undone|incomplete|pending|open|unfinished)$",
        re.I,
    ),
)
COMPLETE = (
    re.compile(PLEASE + r"(?:mark|set|flag)\s+(?P<ref>.+?)\s+(?:as\s+)?" + DONE_WORDS + "$", re.I),
    re.compile(
        PLEASE + r"(?:complete|finish|check off|tick off|cross off|close)\s+(?P<ref>.+)$", re.I
    ),
    re.compile(r"^(?:i(?:'ve|\s+have)?\s+)?(?:did|finished|completed)\s+(?P<ref>.+)$", re.I),
    re.compile(r"^(?:i'?m\s+|i am\s+)?done with\s+(?P<ref>.+)$", re.I),
    re.compile(NOT_A_QUESTION + r"(?P<ref>.+?)\s+is\s+(?:now\s+)?" + DONE_WORDS + "$", re.I),
    re.compile(r"^(?:check|tick|cross)\s+(?P<ref>.+?)\s+off$", re.I),
)
CLEAR_DUE = re.compile(
    PLEASE + r"(?:remove|clear|delete|drop|unset)\s+(?:the\s+)?(?:due\s+date|deadline)\s+"
    r"(?:of|from|on|for)\s+(?P<ref>.+)$",
    re.I,
)
DELETE = re.compile(
    PLEASE + r"(?:delete|remove|erase|drop|cancel|trash|scrap|get rid of)\s+(?P<ref>.+)$", re.I
)
RENAME = (
    re.compile(PLEASE + r"(?:rename|retitle)\s+(?P<ref>.+?)\s+(?:to|as)\s+(?P<title>.+)$", re.I),
    re.compile(
        PLEASE + r"(?:change|update|set)\s+(?:the\s+)?(?:title|name)\s+(?:of|for)\s+(?P<ref>.+?)"
        r"\s+to\s+(?P<title>.+)$",
        re.I,
    ),
    re.compile(
        PLEASE + r"(?:change|update|set)\s+(?P<ref>.+?)(?:'s)?\s+(?:title|name)\s+to\s+"
        r"(?P<title>.+)$",
        re.I,
    ),
)
REPRIORITIZE = (
    re.compile(
        PLEASE + r"(?:set|change|update)\s+(?:the\s+)?priority\s+(?:of|for|on)\s+(?P<ref>.+?)\s+"
        r"to\s+" + LEVEL + r"$",
        re.I,
    ),
    re.compile(
        PLEASE + r"(?:set|change|update)\s+(?P<ref>.+?)(?:'s)?\s+priority\s+to\s+" + LEVEL + "$",
        re.I,
    ),
    re.compile(
        PLEASE
        + r"(?:make|set|mark|change|put)\s+(?P<ref>.+?)\s+(?:to\s+|as\s+|at\s+)?"
        + LEVEL
        + r"(?:\s+priority)?$",
        re.I,
    ),
    re.compile(PLEASE + r"(?P<level>prioriti[sz]e)\s+(?P<ref>.+)$", re.I),
)
RESCHEDULE = (
    re.compile(
        PLEASE + r"(?:set|change|update|move)\s+(?:the\s+)?(?:due\s+date|deadline)\s+"
        r"(?:of|for|on)\s+(?P<ref>.+?)\s+to\s+(?P<when>.+)$",
        re.I,
    ),
    re.compile(
        PLEASE + r"(?:set|change|update)\s+(?P<ref>.+?)(?:'s)?\s+(?:due\s+date|deadline)\s+"
        r"to\s+(?P<when>.+)$",
        re.I,
    ),
    re.compile(
        PLEASE + r"(?:move|reschedule|push|postpone|delay|defer)\s+(?P<ref>.+?)\s+"
        r"(?:to|until|till|for)\s+(?P<when>.+)$",
        re.I,
    ),
    re.compile(PLEASE + r"make\s+(?P<ref>.+?)\s+due\s+(?P<when>.+)$", re.I),
    re.compile(NOT_A_QUESTION + r"(?P<ref>.+?)\s+is\s+(?:now\s+)?due\s+(?P<when>.+)$", re.I),
)
RETAG = re.compile(PLEASE + r"tag\s+(?P<ref>.+?)\s+(?:with|as)\s+(?P<tags>.+)$", re.I)

LIST_VERB = re.compile(
    PLEASE + r"(?:show|list|display|view|see|get|give me|tell me|what are|what's|whats|what is|"
    r"what do i have|what have i got|which|do i have|are there|any|anything|how many)\b",
    re.I,
)
LIST_NOUN = re.compile(
    r"\b(?:tasks?|todos?|to-?dos?|to do|list|items?|things|agenda|plate|overdue|due|left|"
    r"pending|completed|done|finished)\b",
    re.I,
)
BARE_LIST = re.compile(
    r"^(?:my\s+|all\s+(?:my\s+)?)?(?:(?:pending|open|completed|done|overdue|high|low|medium)\s+)*"
    r"(?:tasks|todos|to-?dos|todo list|to-do list)"
    # a filter may follow: "tasks tagged #work", "todos due next week", "tasks about milk"
    r"(?:\s+(?:tagged|due|about|containing|matching|mentioning|called|named|with|for)\b.*)?$",
    re.I,
)
ORDINALS = {
    "first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3,
    "fourth": 4, "4th": 4, "fifth": 5, "5th": 5, "last": -1,
}  # fmt: skip
SELECTION = re.compile(
    r"^(?:(?:the|that|this|number|no\.?|task|id|#)\s*)*(?:(?P<ordinal>"
    + "|".join(ORDINALS)
    + r")|(?P<number>\d{1,9}))(?:\s+(?:one|task))?(?:\s+please)?$",
    re.I,
)
# "second one", "last task", "first" (after "the" is gone): a position in the last list
ORDINAL_REF = re.compile(r"(?P<ordinal>" + "|".join(ORDINALS) + r")(?:\s+(?:one|task|item))?", re.I)
PENDING_WORDS = re.compile(
    r"\b(?:not\s+done|undone|pending|open|remaining|incomplete|unfinished|outstanding|left|"
    r"active|to do|still)\b"
)
# What follows the verb: "a new task called …", "reminder: …", "to …"
ADD_OBJECT = (
    r"\s+(?:a\s+|an\s+)?(?:new\s+)?(?:(?:task|todo|to-do|reminder|item)\b\s*)?"
    r"(?::\s*|to\s+|called\s+|named\s+|that\s+)?(?P<rest>.+)$"
)
# "put" also starts changes ("put task 3 at high priority"), so it is tried after them.
PUT = re.compile(PLEASE + r"put" + ADD_OBJECT, re.I)
ADD = (
    re.compile(PLEASE + r"(?:add|create|new|schedule|insert)" + ADD_OBJECT, re.I),
    re.compile(
        r"^(?:remind me to|i need to|i have to|i must|i should|i gotta|don'?t forget to|"
        r"don'?t let me forget to|todo:|to-do:|task:|note to self:)\s*(?P<rest>.+)$",
        re.I,
    ),
)
# What is left of "pay rent which is due friday" once the date is gone.
TRAILING_CLAUSE = re.compile(r"\s+(?:which|that|it)\s+(?:is|are|was)$|\s+(?:which|that)'s$", re.I)
TO_MY_LIST = re.compile(r"\s+(?:to|on|in)\s+(?:my|the)\s+(?:\w+\s+)?(?:list|tasks|todos)\b", re.I)


def parse_ref(text: str) -> TaskRef | None:
    """Read "task 3", "#3", "it", or title words; None when nothing is left."""
    words = tidy(text)
    words = re.sub(r"^(?:the|my|a)\s+", "", words, flags=re.I)
    if words.lower() in PRONOUNS:
        return TaskRef()
    ordinal = ORDINAL_REF.fullmatch(words)
    if ordinal:
        return TaskRef(position=ORDINALS[ordinal["ordinal"].lower()])
    words = re.sub(r"\s+(?:task|todo|to-do|item)$", "", words, flags=re.I)
    number = re.fullmatch(r"(?:task|todo|item|number|no\.?|id)?\s*#?\s*(\d{1,9})", words, re.I)
    if number:
        return TaskRef(task_id=int(number.group(1)))
    words = tidy(words)
    return TaskRef(words=words) if words else None


def capitalized(title: str) -> str:
    """A title as stored: tidied, first letter upper-case ("buy milk" → "Buy milk")."""
    title = tidy(title)
    return title[:1].upper() + title[1:]


def _level(word: str) -> str:
    word = word.lower()
    if word in ("urgent", "important") or word.startswith("prioriti"):
        return "high"
    return "medium" if word == "normal" else word


def _split_recurrence(text: str) -> tuple[str, str | None]:
    for pattern, recurrence in RECURRENCES:
        if pattern.search(text):
            return pattern.sub("", text, count=1), recurrence
    return text, None


def parse_add(rest: str, now: datetime) -> AddTask | SmallTalk:
    """The `add_task` arguments in "buy milk tomorrow at 5pm #errands high priority"."""
    text = TO_MY_LIST.sub("", rest)
    text, tags = split_tags(text)
    text, priority = split_priority(text)
    text, recurrence = _split_recurrence(text)
    text, due = split_date(tidy(text), now)
    title = tidy(re.sub(r"^(?:to|that|about)\s+", "", tidy(text), flags=re.I))
    title = tidy(TRAILING_CLAUSE.sub("", title))
    if not title:
        return SmallTalk("need_title")
    arguments: dict[str, Any] = {"title": capitalized(title)}
    if priority:
        arguments["priority"] = priority
    if tags:
        arguments["tags"] = tags
    if due:
        arguments["due_date"] = due.isoformat()
    if recurrence:
        arguments["recurrence"] = recurrence
    return AddTask(arguments)


def _window(first: datetime, last: datetime) -> dict[str, Any]:
    """Due from the start of `first`'s day to the end of `last`'s."""
    start = datetime.combine(first.date(), time(0, 0), tzinfo=UTC)
    end = datetime.combine(last.date(), END_OF_DAY, tzinfo=UTC)
    return {"due_after": start.isoformat(), "due_before": end.isoformat()}


def due_window(text: str, now: datetime) -> tuple[dict[str, Any], str] | None:
    """The due-date filter "today", "tomorrow", "this week" or "next week" names, and its label.

    Windows start today at the earliest: what is already overdue is "overdue", not "this week".
    """
    sunday = now + timedelta(days=6 - now.weekday())  # weeks run Monday to Sunday
    if re.search(r"\btoday\b|\btonight\b", text):
        return _window(now, now), "due today"
    if re.search(r"\btomorrow\b", text):
        tomorrow = now + timedelta(days=1)
        return _window(tomorrow, tomorrow), "due tomorrow"
    if re.search(r"\bthis\s+week\b", text):
        return _window(now, sunday), "due this week"
    if re.search(r"\bnext\s+week\b", text):
        return _window(sunday + timedelta(days=1), sunday + timedelta(days=7)), "due next week"
    return None


def parse_list(text: str, now: datetime) -> ListTasks:
    """The `list_tasks` filters in "show my pending high priority tasks tagged #work"."""
    arguments: dict[str, Any] = {}
    adjectives: list[str] = []  # "pending high-priority" tasks
    suffixes: list[str] = []  # tasks "tagged #work due today"
    low = text.lower()
    if PENDING_WORDS.search(low):
        arguments["status"] = "pending"
        adjectives.append("pending")
    elif re.search(r"\b(?:completed|done|finished)\b", low):
        arguments["status"] = "completed"
        adjectives.append("completed")
    priority = find_priority(low)
    if priority:
        arguments["priority"] = priority
        adjectives.append(f"{priority}-priority")
    tag = TAG.search(text) or re.search(r"\btagged\s+(?:as\s+|with\s+)?#?([\w-]+)", text, re.I)
    if tag:
        arguments["tag"] = tag.group(1).lower()
        suffixes.append(f"tagged #{arguments['tag']}")
    if re.search(r"\boverdue\b|\blate\b|\bpast due\b", low):
        arguments["overdue"] = True
        adjectives.insert(0, "overdue")
    elif window := due_window(low, now):
        filters, label = window
        arguments.update(filters)
        # What is due is still to do, unless completed ones were asked for.
        arguments.setdefault("status", "pending")
        suffixes.append(label)
    search = re.search(r"\b(?:about|containing|matching|mentioning|called|named)\s+(.+)$", text)
    if search:
        arguments["search"] = tidy(search.group(1))
        suffixes.append(f"matching “{arguments['search']}”")
    return ListTasks(arguments, " ".join([*adjectives, "tasks", *suffixes]))


def _change(pattern_groups: dict[str, str | None], tool: ChangeTool, **changes: Any) -> Intent:
    ref = parse_ref(pattern_groups["ref"] or "")
    if ref is None:
        return SmallTalk("unknown")
    return ChangeTask(tool, ref, changes)


def _parse_change(text: str, now: datetime) -> Intent | None:
    for pattern in REOPEN:
        if match := pattern.match(text):
            return _change(match.groupdict(), "complete_task", completed=False)
    if match := CLEAR_DUE.match(text):
        return _change(match.groupdict(), "update_task", due_date=None)
    for pattern in RENAME:
        if match := pattern.match(text):
            return _change(match.groupdict(), "update_task", title=capitalized(match["title"]))
    for pattern in REPRIORITIZE:
        if match := pattern.match(text):
            return _change(match.groupdict(), "update_task", priority=_level(match["level"]))
    for pattern in RESCHEDULE:
        if match := pattern.match(text):
            due = parse_date_phrase(match["when"], now)
            if due is None:
                return SmallTalk("bad_date")
            return _change(match.groupdict(), "update_task", due_date=due.isoformat())
    if match := RETAG.match(text):
        _, tags = split_tags(match["tags"])
        words = tags or [w.lower() for w in re.split(r"[\s,]+(?:and\s+)?", match["tags"]) if w]
        return _change(match.groupdict(), "update_task", tags=words)
    for pattern in COMPLETE:
        if match := pattern.match(text):
            return _change(match.groupdict(), "complete_task", completed=True)
    if match := DELETE.match(text):
        return _change(match.groupdict(), "delete_task")
    return None


def parse_selection(text: str) -> Selection | None:
    """Read "3", "#3", "task 3", "the second one", "the last one"; None for anything else."""
    match = SELECTION.match(tidy(text))
    if match is None:
        return None
    if match["ordinal"]:
        return Selection(position=ORDINALS[match["ordinal"].lower()])
    return Selection(number=int(match["number"]))


def strip_openers(sentence: str) -> tuple[str, TalkKind]:
    """Drop leading "ok", "thanks,", "hey", "now"…; what is left and the first opener's kind."""
    first: TalkKind = "unknown"
    stripped = True
    while stripped and sentence:
        stripped = False
        for pattern, kind in OPENERS:
            if match := pattern.match(sentence):
                first = kind if first == "unknown" else first
                sentence, stripped = sentence[match.end() :], True
                break
    return sentence, first


def parse_utterance(text: str, now: datetime) -> Intent:
    """What a user's sentence asks for, given the current time for relative dates."""
    sentence, opener = strip_openers(re.sub(r"\s+", " ", text).strip().rstrip(".!"))
    if not sentence:
        return SmallTalk(opener)
    if HELP.match(sentence):
        return SmallTalk("help")
    sentence = HELP_ME.sub("", sentence)
    # A sentence that opens like an addition is one, whatever it mentions later ("add check if
    # the laundry is done", "I need to pay rent which is due friday").
    for pattern in ADD:
        if match := pattern.match(sentence):
            return parse_add(match["rest"], now)
    if UNDO.match(sentence):
        return Undo()
    change = _parse_change(sentence, now)
    if change is not None:
        return change
    bare = sentence.rstrip("?").strip()
    if BARE_LIST.match(bare) or (LIST_VERB.match(bare) and LIST_NOUN.search(bare)):
        return parse_list(bare, now)
    if match := PUT.match(sentence):
        return parse_add(match["rest"], now)
    return SmallTalk("unknown")
