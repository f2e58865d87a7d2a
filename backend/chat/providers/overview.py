"""Questions said loosely, read after the plain list questions: an overview ("how's my week
looking", "catch me up") and a tag said as a place or a kind ("what's under work", "show me
the family ones", "anything with the family tag?")."""

import re
from dataclasses import replace
from datetime import datetime

from backend.chat.providers.actions import ListTasks
from backend.chat.providers.due_windows import due_window
from backend.chat.providers.phrases import parse_date_phrase
from backend.chat.providers.questions import LIST_VERB, NOT_TAGS, parse_list
from backend.chat.providers.slots import HASHTAG, TAG_BEFORE_WORD, TAG_PHRASE

# "how's my week looking", "what does today look like", "what's my day like"
PERIOD_QUESTION = re.compile(
    r"^(?:how|what)\b.*\b(?:look(?:s|ing)?|like|shaping\s+up|going|plan|schedule|agenda|"
    r"in\s+store)\b|^how(?:'s|s|\s+is)\s+(?:my\s+|the\s+)?(?:day|today|week|tomorrow)$"
    # "am I free tomorrow?", "am I busy this week?"
    r"|^am\s+i\s+(?:free|busy|swamped|booked)\b",
    re.I,
)
PERIOD = re.compile(r"\b(?:day|today|tonight|tomorrow|week|weekend)\b", re.I)
# What a bare period means as a due window: "my day" is today, "my week" this week.
PERIOD_WINDOW = {"day": "today", "tonight": "today", "week": "this week"}
# "give me a summary", "catch me up", "where am I at": what is left, soonest due first
SUMMARY = re.compile(
    r"^(?:(?:give|get|show|send|do)\s+(?:me\s+|us\s+)?(?:a\s+|an\s+|the\s+|my\s+|quick\s+|"
    r"brief\s+|short\s+|little\s+)*(?:summary|overview|rundown|run-down|recap|status(?:\s+update)?|"
    r"update|breakdown|snapshot|sitrep|lowdown)|(?:a\s+|quick\s+)*(?:summary|overview|rundown|"
    r"recap|status\s+(?:update|report)|sitrep|summari[sz]e|recap)|catch\s+me\s+up|fill\s+me\s+in|"
    r"status|brief\s+me|"
    r"bring\s+me\s+up\s+to\s+speed|update\s+me|where\s+(?:am\s+i|are\s+we|do\s+i\s+stand|do\s+"
    r"things\s+stand)(?:\s+at)?|how\s+am\s+i\s+doing|how\s+are\s+things(?:\s+looking)?|what'?s\s+"
    r"the\s+(?:situation|damage|status|story|state\s+of\s+play|latest))"
    r"(?:\s+(?:on|of|with|for|about|in)\s+(?:my\s+|the\s+|all\s+)*(?:tasks|todos|to-?dos|list|"
    r"to-?do\s+list|things|stuff|today|tomorrow|this\s+week|the\s+week|my\s+week|week))?$",
    re.I,
)
# "what's the oldest thing", "what have I had on my list longest": pending, oldest first
OLDEST = re.compile(
    r"^(?:what|whats|which|show|list|tell|give|anything)\b.*\b(?:oldest|longest|for\s+ages|forever)\b",
    re.I,
)
# "what's under work", "anything in family?", "what have I got for work"
TAG_PLACE = re.compile(
    r"^(?:what(?:'s|s|\s+is|\s+do\s+i\s+have|\s+have\s+i\s+got|'ve\s+i\s+got)"
    # "what's going on with work", "what's left at home", "anything new on family?"
    r"(?P<state>\s+(?:still\s+)?(?:going\s+on|happening|up|new|left|outstanding|open|pending))?|"
    # "do I need to do anything for work", "is there anything for home"
    r"(?:(?:do|did)\s+i\s+(?:need|have)\s+to\s+do\s+|is\s+there\s+|have\s+i\s+got\s+)?anything|"
    r"any\s+tasks?|stuff|(?:show|list)(?:\s+me)?(?:\s+what'?s)?)\s+"
    r"(?:in|under|for|from|with|at|on)\s+(?:the\s+|my\s+)?"
    r"#?(?P<tag>[a-z][\w-]*)(?:\s+(?:tag|label|list|category|pile|bucket|folder))?$"
    # "do I have any errands?", "any errands?"
    r"|^(?:(?:do\s+i\s+have|have\s+i\s+got|are\s+there|is\s+there)\s+)?any(?:thing)?\s+#?"
    r"(?P<kind>[a-z][\w-]*)(?:\s+(?:left|on|today|to\s+do))?$"
    # "what errands do I have?", "which chores are left"
    r"|^(?:what|which)\s+#?(?P<noun>[a-z][\w-]*)\s+(?:do\s+i\s+(?:still\s+)?have|have\s+i\s+got|"
    r"are\s+(?:there|left|pending|open))(?:\s+(?:left|on|today|to\s+do))?$",
    re.I,
)
# "show me the family ones", "the work ones", "anything family-related"
TAG_KIND = re.compile(
    r"(?:^|\s)(?:the\s+|my\s+|all\s+)?(?P<tag>[a-z][\w-]*?)(?:\s+ones|[\s-]related(?:\s+\w+)?|"
    r"\s+(?:jobs|chores|bits))$",
    re.I,
)
ONES_ALONE = re.compile(r"^(?:just\s+|only\s+)?(?:the|my)\s+[a-z][\w-]*\s+ones$", re.I)
# Words after "what's in …" that name no tag
NOT_PLACES = {
    "it", "there", "here", "store", "stock", "mind", "progress", "question", "general", "else",
    "me", "you", "that", "this", "them", "new", "left", "more", "other", "wrong", "time",
}  # fmt: skip


def parse_loose_list(text: str, now: datetime) -> ListTasks | None:
    """The tasks a loosely said question asks for; None when it is none of these."""
    return _summary(text, now) or _tag_place(text, now) or _tag_kind(text, now)


def parse_oldest(text: str) -> ListTasks | None:
    """ "what's the oldest thing on my list", "what's been sitting there longest": the pending
    tasks in the order they were added (the tools list them oldest first)."""
    if not OLDEST.match(text):
        return None
    return ListTasks({"status": "pending"}, "pending tasks, oldest first")


def parse_tag_state(text: str, now: datetime) -> ListTasks | None:
    """ "what's going on with work", "what's left at home": read before the list questions,
    which would take "going on" / "left" for every pending task and drop the tag."""
    match = TAG_PLACE.match(text)
    listed = _tag_place(text, now) if match is not None and match["state"] else None
    if listed is None:
        return None
    word = listed.arguments["tag"]
    return replace(
        listed, arguments={"status": "pending", "tag": word}, label=f"pending {listed.label}"
    )


def _summary(text: str, now: datetime) -> ListTasks | None:
    """An overview: pending tasks soonest due first, within the period it names if any."""
    period = PERIOD.search(text)
    if not SUMMARY.match(text) and not (PERIOD_QUESTION.match(text) and period):
        return None
    window = due_window(text, now)
    if window is None and period:
        said = period.group(0).lower()
        window = due_window(PERIOD_WINDOW.get(said, said), now)
    if window is None:
        return ListTasks({"status": "pending"}, "pending tasks", "due_date", count=True)
    filters, label = window
    return ListTasks({"status": "pending", **filters}, f"pending tasks {label}", "due_date")


def _tag_place(text: str, now: datetime) -> ListTasks | None:
    """A tag said as where tasks are: a tag if one has the name, else words of titles."""
    match = TAG_PLACE.match(text)
    if match is None:
        return None
    word = (match["tag"] or match["kind"] or match["noun"]).lower()
    if word in NOT_TAGS or word in NOT_PLACES or parse_date_phrase(word, now) is not None:
        return None
    return ListTasks({"tag": word}, f"tasks tagged #{word}", tag_or_search=True)


def _tag_kind(text: str, now: datetime) -> ListTasks | None:
    """A list question naming a tag outright ("anything with the family tag?") or as a kind
    of task ("show me the family ones")."""
    named = HASHTAG.search(text) or TAG_PHRASE.search(text) or TAG_BEFORE_WORD.search(text)
    kind = TAG_KIND.search(text)
    if not (LIST_VERB.match(text) and (named or kind)) and not ONES_ALONE.match(text):
        return None
    listed = parse_list(text, now)
    if kind and not named:
        word = kind["tag"].lower()
        if word in NOT_TAGS or parse_date_phrase(word, now) is not None:
            return listed if listed.arguments else None  # "the done ones", "the urgent ones"
        return ListTasks({"tag": word}, f"tasks tagged #{word}", tag_or_search=True)
    return listed if "tag" in listed.arguments else None
