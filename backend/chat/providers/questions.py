"""Questions about tasks: which ones to list (status, priority, tag, due window, words, order)."""

import re
from datetime import datetime
from typing import Any

from backend.chat.providers.actions import AskStatus, ListTasks, Task
from backend.chat.providers.due_windows import due_window
from backend.chat.providers.normalise import PLEASE
from backend.chat.providers.references import parse_ref, title_words
from backend.chat.providers.slots import (
    HASHTAG,
    LEVELS,
    TAG_BEFORE_WORD,
    TAG_PHRASE,
    find_priority,
    tag_words,
)

LIST_VERB = re.compile(
    PLEASE + r"(?:show|list|display|view|see|get|give me|tell me|what are|what's|whats|what is|"
    r"what do i have|what have i got|what did i|what have i|what do i need|what should i|"
    r"what's left|what is left|what else|remind me (?:of )?what|what|which|do i have|are there|any|"
    r"have i|"
    r"am i|"
    r"is anything|are any|read\s+(?:me|out)|pull\s+up|bring\s+up|"
    r"anything|is there|how many|sort|order)\b",
    re.I,
)
LIST_NOUN = re.compile(
    r"\b(?:tasks?|todos?|to-?dos?|to do|(?:my|the|to-?do|to do)\s+list|items?|things|stuff|"
    r"agenda|plate|deck|pipeline|overdue|behind|late|due|left|going\s+on|lined\s+up|planned|"
    r"happening|pending|completed|done|finished|priority|prio|urgent|important|tagged|sorted|"
    r"coming up|upcoming|next|first|everything|all|ticked\s+off|checked\s+off|crossed\s+off|"
    r"outstanding|remaining|unfinished|forgotten|forgot|missed)\b",
    re.I,
)
BARE_LIST = re.compile(
    # "most urgent task", "my top priority things"
    r"^(?:my\s+|the\s+)?(?:most|top)\s+(?:urgent|important|pressing|priority)\s+"
    r"(?:tasks?|todos?|things?|stuff|items?|ones?)$|"
    r"^(?:my\s+|all\s+(?:my\s+)?)?(?:[\w'-]+\s+){0,2}(?:tasks|todos|to-?dos|todo list|to-do list|"
    r"stuff|things|items)"
    # a filter may follow: "tasks tagged #work", "todos due next week", "tasks about milk"
    r"(?:\s+(?:tagged|due|about|containing|matching|mentioning|called|named|with|for|sorted|"
    r"by|in|ordered)\b.*)?$",
    re.I,
)
STATUS_QUESTION = (
    re.compile(
        r"^(?:is|are|was)\s+(?P<ref>.+?)\s+(?:already\s+)?(?:done|finished|complete|completed|"
        # "is the rent paid?", "are the flights booked yet?"
        r"checked off|ticked off|paid|sent|booked|bought|submitted|sorted|handled|called|"
        r"taken care of|dealt with)(?:\s+yet)?$",
        re.I,
    ),
    re.compile(
        r"^(?:did|have)\s+i\s+(?:already\s+|ever\s+)?(?:check off|checked off|tick off|"
        r"[a-z]+)\s+(?P<ref>.+?)(?:\s+yet)?$",
        re.I,
    ),
    re.compile(r"^(?:is|are)\s+(?P<ref>.+?)\s+still\s+(?:pending|open|to do|left)$", re.I),
    re.compile(r"^what(?:'s|\s+is)\s+the\s+status\s+of\s+(?P<ref>.+)$", re.I),
)
ANY_TASK = frozenset({"anything", "something", "everything", "nothing", "any"})
PENDING_WORDS = re.compile(
    r"\b(?:not\s+done|undone|pending|open|remaining|incomplete|unfinished|outstanding|left|"
    r"active|to do(?!\s*list)|still|need to do|on my plate|going on|lined up|happening)\b"
    # "what haven't I done", "what didn't I finish", "what have I not done yet"
    r"|\b(?:haven'?t|have\s+not|didn'?t|did\s+not|not\s+yet)\b",
    re.I,
)
COMPLETED_WORDS = re.compile(
    r"\b(?:completed|done|finished|get done|got done|accomplished|achieved|ticked off|"
    r"checked off)\b|\bdid\s+i\s+(?:\w+\s+)?(?:finish|complete|do|tick|check|cross|"
    r"accomplish|achieve|get\s+through)\b",
    re.I,
)
# "everything incl completed", "done and not done": every task, whatever its status
ANY_STATUS = re.compile(
    r"\b(?:incl(?:uding|udes?|\.)?|with|even|plus|and|also)\s+(?:the\s+)?(?:completed|done|"
    r"finished|ticked\s+off|checked\s+off)\b"
    r"|\b(?:done|completed|finished)\s+(?:and|or|&|/)\s+(?:not|un|pending|open|undone)"
    r"|\b(?:pending|open|undone|not\s+done)\s+(?:and|or|&|/)\s+(?:done|completed|finished)\b"
    r"|\b(?:completed|done|finished)\s+(?:ones\s+)?(?:too|as\s+well)\b",
    re.I,
)
# When something was done, besides the windows of `due_window`: "yesterday", "last week"
PAST_PERIOD = re.compile(
    r"\b(?:yesterday|last\s+(?:night|week|month|year)|recently|lately|so\s+far|"
    r"(?:in\s+)?the\s+(?:past|last)\s+(?:\w+\s+)?(?:days?|weeks?|months?))\b",
    re.I,
)
# The tasks answer no question about when they were completed, only when they are due.
NO_COMPLETION_DATES = (
    "I can't tell when tasks were completed, so these are all your completed tasks, "
    "whenever they were done."
)
# "my work tasks", "home stuff": a word before the noun names a tag, unless it is one of these.
NOUN_TAG = re.compile(
    r"(?:^|\b(?:my|the|all|any|show|list|see|of|what|which)\s+)(?P<tag>[a-z][\w-]*)\s+"
    r"(?:tasks|todos|to-?dos|stuff|things|items|ones|list)\b",
    re.I,
)
NOT_TAGS = {
    "pending", "open", "completed", "complete", "done", "finished", "overdue", "high", "low",
    "medium", "priority", "prio", "all", "my", "the", "any", "other", "remaining", "urgent",
    "important", "due", "these", "those", "of", "old", "new", "current", "some", "many", "more",
    "incomplete", "unfinished", "outstanding", "active", "late", "recurring", "upcoming",
    "today's", "tomorrow's", "todo", "to-do", "your", "list", "show", "a", "what", "which",
    "next", "this", "week's", "first", "last", "latest", "recent", "every", "me", "us", "our",
}  # fmt: skip
SEARCH = re.compile(
    r"\b(?:about|containing|matching|mentioning|called|named|with\s+the\s+words?)\s+"
    r"(?:the\s+words?\s+)?(.+)$",
    re.I,
)
SORT = re.compile(
    r"\b(?:sort(?:ed)?|order(?:ed)?|by|in\s+order\s+of)\s+(?:by\s+)?(?:their\s+|the\s+)?"
    r"(?P<key>due\s*dates?|deadlines?|due|dates?|priority|importance)\b",
    re.I,
)
COMING_UP = re.compile(
    r"\b(?:coming\s+up|upcoming|next\s+(?:deadline|task|thing|one|up)|next\W*$|do\s+first|"
    r"on\s+deck|in\s+the\s+pipeline|"
    r"first\W*$|soonest|soon)\b",
    re.I,
)
UNDATED = re.compile(  # "tasks without a due date", "anything unscheduled?"
    r"\b(?:without|with\s+no|no|missing|(?:don'?t|doesn'?t|do\s+not|does\s+not)\s+have)\s+"
    r"(?:a\s+|any\s+)?(?:due\s+)?(?:dates?|deadlines?)\b|"
    r"\b(?:undated|unscheduled|not\s+scheduled)\b",
    re.I,
)
# "what's overdue", "am I behind on anything?"
OVERDUE = re.compile(r"\b(?:overdue|late|past due|behind|forgotten|forgot|missed)\b", re.I)
HOW_MANY = re.compile(r"^how\s+many\b", re.I)


def _tag(text: str) -> tuple[str | None, bool]:
    """The tag a question names, and whether it came from a plain word ("my work tasks")."""
    if found := HASHTAG.search(text):
        return found.group(1).lower(), False
    if found := TAG_PHRASE.search(text) or TAG_BEFORE_WORD.search(text):
        return tag_words(found["tags"])[0], False
    for match in NOUN_TAG.finditer(text):
        if match["tag"].lower() not in NOT_TAGS:
            return match["tag"].lower(), True
    return None, False


def parse_list(text: str, now: datetime) -> ListTasks:
    """The `list_tasks` filters in "show my pending high priority work tasks due friday"."""
    arguments: dict[str, Any] = {}
    adjectives: list[str] = []  # "pending high-priority" tasks
    suffixes: list[str] = []  # tasks "tagged #work due today"
    caveat = ""
    key = sort_key(text)
    text = SORT.sub("", text)
    upcoming = bool(COMING_UP.search(text))  # "what's coming up": what is left, soonest first
    key = key or ("due_date" if upcoming else None)
    if ANY_STATUS.search(text):
        arguments["status"] = "all"
        suffixes.append("including completed ones")
    elif upcoming or PENDING_WORDS.search(text):
        arguments["status"] = "pending"
        adjectives.append("pending")
    elif COMPLETED_WORDS.search(text):
        arguments["status"] = "completed"
        adjectives.append("completed")
    if priority := find_priority(text):
        arguments["priority"] = priority
        if "status" not in arguments:  # what is urgent is still to do, unless done ones were asked
            arguments["status"] = "pending"
            adjectives.append("pending")
        adjectives.append(f"{priority}-priority")
    tag, loose = _tag(text)
    if tag:
        arguments["tag"] = tag
        suffixes.append(f"tagged #{tag}")
    if OVERDUE.search(text):
        arguments["overdue"] = True
        adjectives.insert(0, "overdue")
    elif _when_done(arguments, text, now):
        caveat = NO_COMPLETION_DATES
    elif window := due_window(text, now):
        filters, label = window
        arguments.update(filters)
        # What is due is still to do, unless completed ones were asked for.
        arguments.setdefault("status", "pending")
        suffixes.append(label)
    undated = bool(UNDATED.search(text))
    if undated and "status" not in arguments:
        arguments["status"] = "pending"
        adjectives.insert(0, "pending")
    if undated:
        suffixes.append("without a due date")
    if search := SEARCH.search(text):
        arguments["search"] = title_words(search.group(1))  # "about the passport": "passport"
        suffixes.append(f"matching “{arguments['search']}”")
    if key:
        suffixes.append("by " + key.replace("_", " "))
    label = " ".join([*adjectives, "tasks", *suffixes])
    counted = bool(HOW_MANY.match(text))
    return ListTasks(arguments, label, key, loose, counted, caveat, undated)


def _when_done(arguments: dict[str, Any], text: str, now: datetime) -> bool:
    """Whether a period names when tasks were done ("what did I finish this week"), not when
    they are due."""
    if arguments.get("status") != "completed" or re.search(r"\bdue\b", text, re.I):
        return False
    return bool(PAST_PERIOD.search(text) or due_window(text, now))


def sort_key(text: str) -> str | None:
    """The order a question asks for ("sorted by due date", "by priority"), if any."""
    match = SORT.search(text)
    if match is None:
        return None
    return "priority" if match["key"].lower() in ("priority", "importance") else "due_date"


def ordered(tasks: list[Task], key: str | None) -> list[Task]:
    """Tasks in the order asked: soonest due first (undated last), or highest priority first."""
    if key == "due_date":
        return sorted(tasks, key=lambda task: task.get("due_date") or "9999")
    if key == "priority":
        return sorted(tasks, key=lambda task: -LEVELS.index(task.get("priority") or "medium"))
    return tasks


def parse_status_question(text: str) -> AskStatus | None:
    """The task a question asks about: "is the report done?", "did I finish the taxes?"."""
    for pattern in STATUS_QUESTION:
        if match := pattern.match(text):
            ref = parse_ref(match["ref"])
            # "have I missed anything", "have I got anything on tomorrow": a list question
            if ref is None or (ref.words and ref.words.split()[0].lower() in ANY_TASK):
                return None
            return AskStatus(ref)
    return None


def is_list_request(text: str, now: datetime) -> bool:
    """Whether a sentence asks to see tasks ("what's due friday?", "anything for tomorrow?")."""
    if BARE_LIST.match(text) or (ANY_STATUS.search(text) and LIST_NOUN.match(text)):
        return True
    named = LIST_NOUN.search(text) or COMPLETED_WORDS.search(text) or UNDATED.search(text)
    return bool(LIST_VERB.match(text) and (named or due_window(text, now)))
