"""Searches of titles: "find the passport task", "where is the dentist one", "when is the
dentist?", and "show my errands" (one word: a tag, else words of titles)."""

import re

from backend.chat.providers.actions import ListTasks
from backend.chat.providers.normalise import PLEASE
from backend.chat.providers.questions import LIST_NOUN, NOT_TAGS
from backend.chat.providers.references import title_words

FIND = re.compile(
    PLEASE + r"(?:find|search(?:\s+for)?|look\s+(?:up|for)|where(?:'s|\s+is|\s+are)|"
    # "when is the dentist?", "when's the report due": the task, with its due date
    r"when(?:'s|s|\s+is|\s+are|\s+was|\s+do\s+i\s+have))\s+(?P<words>.+?)"
    r"(?:\s+(?:due|happening|scheduled|on|again))*$",
    re.I,
)
PRONOUNS = {"it", "that", "this", "they", "them", "those", "these", "we", "i", "you", "things"}
# "show my errands", "show me the report": one word, a tag, else words of titles
SHOW_WORD = re.compile(
    PLEASE + r"(?:show|list|see|view)\s+(?:me\s+)?(?:my\s+|the\s+|all\s+)?(?P<word>[a-z][\w-]*)$",
    re.I,
)


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
