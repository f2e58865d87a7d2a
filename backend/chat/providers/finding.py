"""Searches of titles: "find the passport task", "where is the dentist one", "when is the
dentist?", and "show my errands" (one word: a tag, else words of titles); one task's details:
"what's the note on the dentist?", "what did I just add?"."""

import re

from backend.chat.providers.actions import ListTasks, ShowTask, TaskRef
from backend.chat.providers.normalise import PLEASE
from backend.chat.providers.questions import LIST_NOUN, NOT_TAGS
from backend.chat.providers.references import parse_ref, title_words

FIND = re.compile(
    PLEASE + r"(?:find|search(?:\s+for)?|look\s+(?:up|for)|where(?:'s|\s+is|\s+are)|"
    # "when is the dentist?", "when's the report due": the task, with its due date
    r"when(?:'s|s|\s+is|\s+are|\s+was|\s+do\s+i\s+have)|"
    # "is the dentist tomorrow?", "is the meeting on friday": when it is, with its date
    r"(?:is|are)(?=\s+(?:the|my)\s.+\s(?:today|tonight|tomorrow|(?:on\s+|this\s+|next\s+)?"
    r"(?:mon|tues|wednes|thurs|fri|satur|sun)day)$)|"
    # "what's the deadline for the report?": when it is due
    r"what(?:'s|s|\s+is)\s+the\s+(?:deadline|due\s+date)\s+(?:for|on|of))\s+(?P<words>.+?)"
    r"(?:\s+(?:due|happening|scheduled|on|again))*"
    r"(?:\s+(?:(?:on|this|next)\s+)?(?:today|tonight|tomorrow|(?:mon|tues|wednes|thurs|fri|"
    r"satur|sun)day))?$",
    re.I,
)
PRONOUNS = {"it", "that", "this", "they", "them", "those", "these", "we", "i", "you", "things"}
# "show my errands", "show me the report": one word, a tag, else words of titles
SHOW_WORD = re.compile(
    PLEASE + r"(?:show|list|see|view)\s+(?:me\s+)?(?:my\s+|the\s+|all\s+)?(?P<word>[a-z][\w-]*)$",
    re.I,
)

# "what's the note on the dentist", "any notes on task 3?", "tell me about the report",
# "details of the slides", "more about it"
DETAILS = re.compile(
    PLEASE + r"(?:(?:what(?:'s|s|\s+is|\s+are|\s+was)|show\s+(?:me\s+)?|read\s+(?:me\s+)?|"
    r"any|is\s+there\s+an?|did\s+i\s+(?:add|leave|put)\s+an?)\s+(?:the\s+|my\s+)?"
    r"(?:notes?|description|details?|comments?)\s+(?:on|for|of|about|in|to)|"
    r"tell\s+me\s+(?:more\s+)?about|(?:more\s+)?details\s+(?:on|of|for|about)|"
    r"more\s+(?:on|about)|what\s+do\s+you\s+know\s+about|"
    # "what's the deal with the passport", "what's the story with the slides"
    r"what(?:'s|s|\s+is)\s+the\s+(?:deal|story|score|latest)\s+(?:with|on))\s+(?P<ref>.+)$"
    # "what's the plumber one?", "what was the second one again"
    r"|^(?:what(?:'s|s|\s+is|\s+was))\s+(?P<one>the\s+[\w' -]+?\s+one)(?:\s+again)?$",
    re.I,
)
# "when do I need to renew the passport?", "when should I call mom": that task, with its date
WHEN_CHORE = re.compile(
    r"^when\s+(?:do|should|must|can)\s+i\s+(?:need\s+to|have\s+to|got\s+to)\s+(?P<ref>.+?)"
    r"(?:\s+by)?$|^when\s+(?:should|must)\s+i\s+(?P<ref2>.+?)(?:\s+by)?$",
    re.I,
)
# "what did I just add?", "what was that last one?": the tasks the last answer acted on
JUST_DONE = re.compile(
    r"^(?:what|which\s+(?:task|one)s?)\s+(?:did\s+(?:i|you)\s+just\s+(?:add|change|do|make|"
    r"create|put\s+in)|was\s+that(?:\s+(?:last\s+)?one)?|(?:have\s+)?i\s+just\s+added)$",
    re.I,
)


def parse_show(text: str) -> ShowTask | None:
    """A question about a task's details; None for anything else."""
    if JUST_DONE.match(text):
        return ShowTask(TaskRef(plural=True))
    if chore := WHEN_CHORE.match(text):  # its words are a chore, found as a task's title is
        ref = parse_ref(chore["ref"] or chore["ref2"])
        return ShowTask(ref) if ref is not None and ref.words is not None else None
    match = DETAILS.match(text)
    ref = parse_ref(match["ref"] or match["one"]) if match else None
    return ShowTask(ref) if ref is not None else None


def parse_find(text: str) -> ListTasks | None:
    """A search of titles: "find the passport task", "where is the dentist one"."""
    shown = SHOW_WORD.match(text)
    if shown and shown["word"].lower() not in NOT_TAGS and not LIST_NOUN.match(shown["word"]):
        word = shown["word"].lower()
        return ListTasks({"tag": word}, f"tasks tagged #{word}", tag_or_search=True)
    match = FIND.match(text)
    if match is None:
        return None
    words = title_words(match["words"])
    if not words or words.lower() in PRONOUNS:  # "when is it due": no words of a title
        return None
    return ListTasks({"search": words}, f"tasks matching “{words}”")
