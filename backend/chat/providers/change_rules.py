"""The phrasings of changes, as one table: a pattern, and what its match asks for.

The first rule that matches wins, so the more specific phrasings ("remove the work tag from X")
come before the general ones ("remove X"). To understand a new phrasing, add a rule here; its
builder (in `changes`) turns the match into an intent.
"""

import re
from datetime import datetime

from backend.chat.providers.actions import Intent
from backend.chat.providers.changes import (
    LEVEL,
    Build,
    add_tags,
    change_to,
    clear_completed,
    clear_due,
    complete,
    delete,
    moved,
    news,
    not_urgent,
    note,
    postpone,
    priority,
    remove_tags,
    rename,
    reopen,
    repeat,
    reschedule,
    set_slots,
    step,
    stop_repeating,
    untag,
    wait,
)
from backend.chat.providers.normalise import PLEASE

NOT_A_QUESTION = (
    r"^(?!(?:what|which|who|when|where|why|how|is|are|did|do|does|have|anything|something|"
    r"everything|nothing)\b)"
)
DONE = r"(?:done|complete|completed|finished|checked off|ticked off)"
# What a task can be marked as, besides done: "mark rent as paid", "set the car as sorted"
MARKED_DONE = rf"(?:{DONE}|paid|sorted|handled|dealt with|taken care of|sent|bought)"
# What a task is when done, said as news: "the books are back", "the car got fixed" ("out" is
# news only after "went": "the milk is out" is not)
NEWS_STATE = (
    r"(?:back|sorted(?:\s+out)?|paid|bought|sent|posted|mailed|emailed|called|booked|fixed|"
    r"repaired|cleaned|washed|done(?:\s+and\s+dusted)?|finished|returned|submitted|filed|signed|renewed|ordered|"
    r"delivered|picked\s+up|dropped\s+off|collected|written|made|cooked|baked|packed|"
    r"taken\s+out|emptied|mowed|mown|watered|fed|walked|handled|dealt\s+with|taken\s+care\s+of|"
    r"printed|shipped|uploaded|answered|charged|confirmed|wrapped|ironed|folded|vacuumed|swept|"
    r"tidied|replaced|installed|sold|read)"
)
# When the news happened: words of no task ("…, went out this morning")
NEWS_WHEN = r"(?:\s+(?:now|already|finally|at\s+last|today|yesterday|earlier|this\s+morning))?$"
NOT_DONE = (
    r"(?:not\s+(?:done|complete|completed|finished)(?:\s+yet)?|undone|incomplete|pending|open|"
    r"unfinished|to\s*do|active)"
)
REMOVE = (
    r"(?:delete|remove|erase|drop|cancel|trash|scrap|scratch|ditch|nix|bin|forget\s+about|"
    r"get\s+rid\s+of|cross\s+out|clear(?:\s+out)?|wipe(?:\s+out)?(?!\s+down)|purge|nuke|"
    r"toss(?:\s+out)?|throw\s+(?:out|away)|chuck(?:\s+out)?|junk|dump)"
)
# "get rid of everything that's done" removes; it does not report something done.
NOT_A_REMOVAL = rf"(?!{PLEASE}{REMOVE}\s)"
# "show everything done", "we're done": no task is the subject
NOT_A_REQUEST = r"(?!(?:all|i|i'm|im|we|we're|you|everything|that's all|show|list|tell|give|see)\b)"
# A short reference that cannot swallow the rest: "it", "task 3", "#3", "the dentist one"
SHORT_REF = (
    r"(?P<ref>it|this|that|this one|that one|them|both|those|these|task\s*#?\d+|#\d+|"
    r"the\s+[\w'-]+\s+one)"
)


def _rules(*rules: tuple[str, Build]) -> tuple[tuple[re.Pattern[str], Build], ...]:
    return tuple((re.compile(pattern, re.I), build) for pattern, build in rules)


TAGS = r"(?P<tags>#?[\w-]+(?:\s*(?:,|\band\b|&|\s)\s*#?[\w-]+)*)"
RULES = _rules(
    # reopening
    (PLEASE + r"(?:reopen|re-open|uncomplete|unmark|uncheck|untick|undo)\s+(?P<ref>.+)$", reopen),
    (
        PLEASE + r"(?:mark|set|put|flag|change)\s+(?P<ref>.+?)\s+(?:back\s+)?(?:to\s+|"
        r"as\s+)?" + NOT_DONE + "$",
        reopen,
    ),
    (
        PLEASE + r"(?:mark|set|put|move)\s+(?P<ref>.+?)\s+back(?:\s+(?:to\s+|on\s+)?(?:my\s+)"
        r"?(?:list|to\s*do|todo))?$",
        reopen,
    ),
    (
        NOT_A_QUESTION + r"(?P<ref>.+?)\s+(?:is\s+not|isn't|is\s+no\s+longer|wasn't|was\s+not)"
        r"\s+" + DONE + r"(?:\s+(?:yet|after all))?$",
        reopen,
    ),
    # deleting in bulk, due dates, tags, notes, recurrence
    (
        PLEASE + rf"(?:{REMOVE}|clean\s+up|archive)\s+(?:all\s+)"
        r"?(?:of\s+)?(?:the\s+|my\s+)?(?:completed|finished|done|checked off)"
        r"(?:\s+(?:tasks|ones|items|todos|stuff))?$",
        clear_completed,
    ),
    (
        PLEASE + r"(?:remove|clear|delete|drop|unset)\s+(?:the\s+)?(?:due\s+date|deadline)"
        r"\s+(?:of|from|on|for)\s+(?P<ref>.+)$",
        clear_due,
    ),
    (
        PLEASE + r"(?:add|attach|put)\s+(?:a\s+|the\s+)?(?:note|description|comment)"
        r"\s+(?:to|on)\s+(?P<ref>.+?)(?:\s*:\s*|\s+saying\s+|\s+that\s+says\s+|"
        r"\s+-\s+)(?P<note>.+)$",
        note,
    ),
    (PLEASE + r"(?:note|comment)\s+(?:on|for)\s+(?P<ref>.+?)\s*:\s*(?P<note>.+)$", note),
    (
        PLEASE
        + r"(?:remove|delete|drop|take)\s+(?:the\s+)?(?:tags?\s+)?"
        + TAGS
        + r"\s+(?:tags?\s+)?(?:from|off(?:\s+of)?)\s+(?P<ref>.+)$",
        remove_tags,
    ),
    (PLEASE + r"untag\s+(?P<ref>.+)$", untag),
    (
        PLEASE
        + r"(?:add|put|attach|stick)\s+(?:the\s+|a\s+|an\s+)?tags?\s+"
        + TAGS
        + r"\s+(?:to|on)\s+(?P<ref>.+)$",
        add_tags,
    ),
    (
        PLEASE
        + r"(?:add|put|attach|stick)\s+(?:the\s+|a\s+|an\s+)?"
        + TAGS
        + r"\s+tags?(?:\s+(?:to|on)\s+(?P<ref>.+))?$",
        add_tags,
    ),
    (PLEASE + r"(?:also\s+)?(?:tag|label)\s+(?P<ref>.+?)\s+(?:with|as)\s+" + TAGS + "$", add_tags),
    (PLEASE + r"(?:also\s+)?(?:tag|label)\s+" + SHORT_REF + r"\s+" + TAGS + "$", add_tags),
    (PLEASE + r"(?:stop\s+repeating|don'?t\s+repeat|unrepeat)\s+(?P<ref>.+)$", stop_repeating),
    (
        PLEASE + r"make\s+(?P<ref>.+?)\s+(?:stop\s+repeating|not\s+repeat|non-?recurring|"
        r"a\s+one[- ]off|one[- ]off|not\s+recurring)$",
        stop_repeating,
    ),
    (
        NOT_A_QUESTION + r"(?P<ref>.+?)\s+(?:should\s+not|shouldn't|doesn't|does\s+not|don't|"
        r"needn't)\s+(?:repeat|recur)(?:\s+any\s*more)?$",
        stop_repeating,
    ),
    (
        PLEASE + r"(?:make|set)\s+(?P<ref>.+?)\s+(?:to\s+)?(?:repeat|recur)(?:ring)?\s+(?P<how>.+)"
        r"$",
        repeat,
    ),
    (
        PLEASE + r"(?:repeat)\s+(?P<ref>.+?)\s+(?P<how>(?:every|each|daily|weekly|monthly|"
        r"on)\b.*)$",
        repeat,
    ),
    (
        PLEASE + r"(?:make|set)\s+(?P<ref>.+?)\s+(?:to\s+)?(?P<how>(?:daily|weekly|monthly)"
        r"(?:\s+on\s+.+)?|recurring\s+.+)$",
        repeat,
    ),
    (NOT_A_QUESTION + r"(?P<ref>.+?)\s+should\s+(?:repeat|recur)\s+(?P<how>.+)$", repeat),
    # several details at once: "make it high priority and due friday", "set task 3 to weekly"
    (
        PLEASE + r"(?:make|set|mark|change|update|give)\s+(?P<ref>.+?)\s+(?:to\s+|as\s+)?"
        r"(?P<rest>(?:high|low|medium|normal|urgent|important|top|due|tagged|every|each|daily|"
        r"weekly|monthly|priority|not\s+(?:very\s+)?(?:important|urgent))\b.*)$",
        set_slots,
    ),
    # renaming
    (
        PLEASE + r"(?:call|name|title)\s+(?P<ref>it|this|that|this one|that one)\s+(?P<title>.+)$",
        rename,
    ),
    (PLEASE + r"(?:rename|retitle)(?:\s+it)?\s+to\s+(?P<title>.+)$", rename),
    (
        PLEASE + r"(?:rename|retitle)\s+(?P<ref>.+?)(?:\s+(?:to|as))?\s+"
        r"[\"\u201c'](?P<title>[^\"\u201d']+)[\"\u201d']$",
        rename,
    ),
    (PLEASE + r"(?:rename|retitle|call)\s+(?P<ref>.+?)\s+(?:to|as)\s+(?P<title>.+)$", rename),
    (
        PLEASE + r"(?:change|update|set)\s+(?:the\s+)?(?:title|name)\s+(?:of|for)\s+(?P<ref>.+?)"
        r"\s+to\s+(?P<title>.+)$",
        rename,
    ),
    (
        PLEASE
        + r"(?:change|update|set)\s+(?P<ref>.+?)(?:'s)?\s+(?:title|name)\s+to\s+(?P<title>.+)"
        r"$",
        rename,
    ),
    # priority
    (PLEASE + r"bump\s+(?P<ref>.+?)\s+down(?:\s+a\s+(?:level|notch|bit))?$", step(-1)),
    (
        # "bump the dentist to monday" moves it (a due-date rule below)
        PLEASE + r"(?!bump\s.*\s(?:to|until|till)\s)"
        r"(?:bump|raise|increase|up|boost)\s+(?:up\s+)?(?:the\s+)?(?:priority\s+(?:of|"
        r"on|for)\s+)?(?P<ref>.+?)(?:'s\s+priority)?(?:\s+up)?(?:\s+a\s+(?:level|"
        r"notch|bit))?$",
        step(1),
    ),
    (
        PLEASE + r"(?:lower|decrease|reduce|drop)\s+(?:the\s+)?priority\s+(?:of|on|for)"
        r"\s+(?P<ref>.+)$",
        step(-1),
    ),
    (
        PLEASE + r"(?:lower|decrease|reduce|deprioriti[sz]e|de-prioriti[sz]e)\s+(?P<ref>.+?)"
        r"(?:'s\s+priority)?(?:\s+a\s+(?:level|notch|bit))?$",
        step(-1),
    ),
    (
        PLEASE + r"(?:set|change|update)\s+(?:the\s+)?priority\s+(?:of|for|on)\s+(?P<ref>.+?)"
        r"\s+to\s+" + LEVEL + r"$",
        priority,
    ),
    (
        PLEASE + r"(?:set|change|update)\s+(?P<ref>.+?)(?:'s)?\s+priority\s+to\s+" + LEVEL + "$",
        priority,
    ),
    (
        PLEASE + r"(?:make|set|mark|change|put|flag)\s+(?P<ref>.+?)\s+(?:to\s+|as\s+|"
        r"at\s+)?(?:a\s+)?" + LEVEL + r"(?:[- ]priority|[- ]prio)?$",
        priority,
    ),
    (PLEASE + r"(?P<level>prioriti[sz]e)\s+(?P<ref>.+)$", priority),
    (
        NOT_A_QUESTION
        + r"(?P<ref>.+?)\s+(?:isn'?t|aren'?t|(?:is|are)\s+(?:not|no\s+longer)|'s\s+not)\s+"
        r"(?:very\s+|that\s+|so\s+|super\s+)?(?:urgent|important|a\s+priority|high\s+priority)"
        r"(?:\s+any\s*more)?$",
        not_urgent,
    ),
    (
        NOT_A_QUESTION
        + r"(?P<ref>.+?)(?:'s|\s+is)\s+(?:now\s+)?(?:a\s+)?"
        + LEVEL
        + r"(?:[- ]priority)?$",
        priority,
    ),
    (
        NOT_A_QUESTION + r"(?P<ref>.+?)\s+(?:can|could|will\s+have\s+to)\s+wait"
        r"(?:\s+(?:(?:until|till|til|for)\s+)?(?P<when>.+))?$",
        wait,
    ),
    # due dates
    (
        PLEASE + r"(?:set|change|update|move)\s+(?:the\s+)?(?:due\s+date|deadline)\s+(?:of|"
        r"for|on)\s+(?P<ref>.+?)\s+to\s+(?P<when>.+)$",
        reschedule,
    ),
    (
        PLEASE + r"(?:set|change|update)\s+(?P<ref>.+?)(?:'s)?\s+(?:due\s+date|deadline)"
        r"\s+to\s+(?P<when>.+)$",
        reschedule,
    ),
    (
        PLEASE + r"(?:move|reschedule|push|postpone|delay|defer|shift|bump|snooze)\s+"
        r"(?:back\s+)?(?P<ref>.+?)(?:\s+back)?\s+(?:to|until|till|for|by)\s+(?P<when>.+)$",
        reschedule,
    ),
    (
        PLEASE + r"(?:postpone|push\s+back|delay|defer|snooze)\s+(?P<ref>.+?)(?:\s+(?:by\s+)"
        r"?(?P<when>(?:\d+|an?|one|two|three|a\s+few|a\s+couple\s+of)\s+\w+)"
        r")?$",
        postpone,
    ),
    (
        PLEASE + r"(?:push|move|bump|put)\s+(?P<ref>.+?)\s+back(?:\s+(?:by\s+)?(?P<when>.+)"
        r")?$",
        postpone,
    ),
    (PLEASE + r"make\s+(?P<ref>.+?)\s+due\s+(?P<when>.+)$", reschedule),
    # "put the dentist on friday" (not "put milk on my list": that is no date)
    (PLEASE + r"put\s+(?P<ref>.+?)\s+(?:off\s+)?(?:on|to|for|until|till)\s+(?P<when>.+)$", moved),
    (
        NOT_A_QUESTION
        + r"(?P<ref>.+?)\s+(?:(?:is|was|has\s+been|got)\s+)?(?:now\s+)?(?:moved|pushed|"
        r"rescheduled|postponed|changed|put\s+off)\s+(?:back\s+)?(?:to|until|till)\s+"
        r"(?P<when>.+?)(?:\s+now)?$",
        moved,
    ),
    (
        NOT_A_QUESTION + r"(?P<ref>.+?)\s+is\s+(?:now\s+)?(?P<when>(?:today|tonight|tomorrow|on|"
        r"next|this|at|in|(?:mon|tues|wednes|thurs|fri|satur|sun)day)\b.*?)(?:\s+now)?$",
        moved,
    ),
    (PLEASE + r"(?:change|switch)\s+(?P<ref>.+?)\s+to\s+(?P<when>.+)$", change_to),
    (NOT_A_QUESTION + r"(?P<ref>.+?)\s+is\s+(?:now\s+)?due\s+(?P<when>.+)$", reschedule),
    # completing
    (PLEASE + r"(?:mark|set|flag)\s+(?P<ref>.+?)\s+(?:as\s+)?" + MARKED_DONE + "$", complete),
    (PLEASE + r"(?:mark|set|flag)\s+(?:as\s+)?" + MARKED_DONE + r"\s+(?P<ref>.+)$", complete),
    (
        PLEASE + r"(?:complete|finish|check off|tick off|cross off|close|tick|check)"
        r"\s+(?P<ref>.+?)(?:\s+off)?$",
        complete,
    ),
    (r"^(?:i'?m\s+|i am\s+)?(?:all\s+)?done\s+with\s+(?P<ref>.+)$", complete),
    (
        r"^(?:i(?:'ve|\s+have)?\s+)?(?:just\s+|already\s+)?(?:did|finished|"
        r"completed|done)\s+(?P<ref>.+)$",
        complete,
    ),
    (NOT_A_REMOVAL + r"^(?:i\s+)?(?:got|get)\s+(?P<ref>.+?)\s+done$", complete),
    (
        NOT_A_QUESTION
        + NOT_A_REMOVAL
        + r"(?P<ref>.+?)\s+(?:is|are)\s+(?:now\s+|all\s+)?"
        + DONE
        + "$",
        complete,
    ),
    (r"^(?:done|finished|completed)\s*[:-]\s*(?P<ref>.+)$", complete),
    (
        NOT_A_QUESTION + NOT_A_REMOVAL + NOT_A_REQUEST + r"(?P<ref>.+?)(?:'s)?\s+"
        r"(?:done|finished|completed)$",
        complete,
    ),
    (
        r"^(?P<ref>it|that|this|they|these|those)(?:'s|'re|\s+is|\s+are)\s+(?:now\s+|all\s+)?"
        + DONE
        + "$",
        complete,
    ),
    (r"^(?:check|tick|cross)\s+(?P<ref>.+?)\s+off(?:\s+(?:the|my)\s+list)?$", complete),
    # deleting
    (
        r"^(?:i\s+)?(?:don'?t|do\s+not|no\s+longer)\s+need\s+(?P<ref>.+?)(?:\s+any\s*more)"
        r"?$",
        delete,
    ),
    (
        NOT_A_QUESTION + r"(?P<ref>.+?)\s+(?:can|could|should|may)\s+(?:go|be\s+(?:deleted|"
        r"removed|binned|dropped|scrapped|trashed|tossed))(?:\s+now)?$",
        delete,
    ),
    (
        NOT_A_QUESTION
        + r"(?P<ref>.+?)\s+(?:is|are)\s+(?:no\s+longer\s+needed|not\s+needed\s+any\s*more|"
        r"cancell?ed|off)$",
        delete,
    ),
    (
        PLEASE + REMOVE + r"\s+(?P<ref>.+)$",
        delete,
    ),
    # news that a task was done: "the books are back", "rent's paid", "emailed the landlord"
    (
        NOT_A_QUESTION
        + NOT_A_REMOVAL
        + NOT_A_REQUEST
        + r"(?P<ref>.+?)(?:(?:'s|'re|\s+(?:is|are|was|were|has\s+been|have\s+been|got))\s+"
        r"(?:now\s+|all\s+|finally\s+|already\s+)?" + NEWS_STATE + r"|\s+went\s+out)" + NEWS_WHEN,
        news,
    ),
    (
        r"^(?:just\s+|finally\s+|already\s+)?(?P<verb>[a-z]+)\s+(?P<ref>.+?)" + NEWS_WHEN,
        news,
    ),
)


# "add the errands tag to X", "add a note to X: …": changes, though they open like additions
ADD_SHAPED = re.compile(
    PLEASE + r"(?:add|put|attach)\s+(?:the\s+|a\s+|an\s+)?(?:[#\w-]+\s+)?"
    r"(?:tags?|note|description|comment)\b(?:.*?\s(?:to|on)\s|$)",
    re.I,
)


def parse_change(sentence: str, now: datetime) -> Intent | None:
    """The change a sentence asks for, or None when no rule matches it."""
    for pattern, build in RULES:
        if (match := pattern.match(sentence)) and (intent := build(match, now)) is not None:
            return intent
    return None
