"""The phrasings that say whether a task is open, done or gone: reopening, clearing the
completed ones, completing, deleting, and news that a task was done ("the books are back")."""

from backend.chat.providers.changes import (
    clear_all,
    clear_completed,
    complete,
    delete,
    delete_asking,
    news,
    not_done_news,
    reopen,
)
from backend.chat.providers.normalise import PLEASE
from backend.chat.providers.rule_table import MY_LIST, NOT_A_QUESTION, compile_rules

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
    r"(?:delete|remove|erase|drop|cancel|trash(?!\s+out\b)|scrap|scratch|ditch|nix|bin|forget\s+about|"
    r"get\s+rid\s+of|cross\s+out|clear(?:\s+out)?|wipe(?:\s+out)?(?!\s+down)|purge|nuke|"
    r"toss(?:\s+out)?|throw\s+(?:out|away)|chuck(?:\s+out)?|junk|dump)"
)
# "get rid of everything that's done" removes; it does not report something done.
NOT_A_REMOVAL = rf"(?!{PLEASE}{REMOVE}\s)"
# "show everything done", "we're done": no task is the subject
NOT_A_REQUEST = (
    r"(?!(?:all|i|i'm|im|we|we're|you|everything|that's all|show|list|tell|give|see|can|could|"
    r"would|will)\b)"
)

REOPENING = compile_rules(
    # "actually I didn't go to the gym", "I haven't paid the rent after all"
    (
        r"^(?:i|we)\s+(?:didn'?t|did\s+not|haven'?t|have\s+not|never)\s+(?:actually\s+|really\s+)?"
        r"(?P<ref>.+?)(?:\s+(?:yet|after\s+all|actually))?$",
        not_done_news,
    ),
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
)
CLEARING_COMPLETED = compile_rules(
    (
        PLEASE + rf"(?:{REMOVE}|clean\s+up|archive)\s+(?:all\s+)"
        r"?(?:of\s+)?(?:the\s+|my\s+)?(?:completed|finished|done|checked off)"
        r"(?:\s+(?:tasks|ones|items|todos|stuff))?$",
        clear_completed,
    ),
    # "clear my list", "wipe my whole todo list", "empty my list": everything, asked first
    (
        PLEASE + rf"(?:{REMOVE}|empty|reset)\s+(?:out\s+)?(?:my|the)\s+(?:whole\s+|entire\s+)?"
        r"(?:to-?do\s+|task\s+)?(?:list|tasks|todos|to-?dos)$",
        clear_all,
    ),
)
COMPLETING = compile_rules(
    (PLEASE + r"(?:mark|set|flag)\s+(?P<ref>.+?)\s+(?:as\s+)?" + MARKED_DONE + "$", complete),
    (PLEASE + r"(?:mark|set|flag)\s+(?:as\s+)?" + MARKED_DONE + r"\s+(?P<ref>.+)$", complete),
    (
        PLEASE + r"(?:complete|finish|check off|tick off|cross off|knock off|knock out|polish off|"
        r"wrap up|close|tick|check)"
        r"\s+(?P<ref>.+?)(?:\s+off)?$",
        complete,
    ),
    (r"^(?:i'?m\s+|i am\s+)?(?:all\s+)?(?:done|finished|through)\s+with\s+(?P<ref>.+)$", complete),
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
    # "everything is done", "everything's been finished": all that is pending, as "I did
    # everything" (a statement, so no question reads it)
    (
        r"^(?P<ref>everything)(?:'s|\s+is|\s+has)(?:\s+been)?\s+(?:now\s+|all\s+)?" + DONE + "$",
        complete,
    ),
    (r"^(?:done|finished|completed)\s*[:-]\s*(?P<ref>.+)$", complete),
    (
        NOT_A_QUESTION + NOT_A_REMOVAL + NOT_A_REQUEST + r"(?P<ref>.+?)(?:'s(?:\s+been)?|"
        r"\s+(?:has|have)\s+been)?\s+(?:done|finished|completed)$",
        complete,
    ),
    (
        r"^(?P<ref>it|that|this|they|these|those)(?:'s|'re|\s+is|\s+are)\s+(?:now\s+|all\s+)?"
        + DONE
        + "$",
        complete,
    ),
    (r"^(?:check|tick|cross)\s+(?P<ref>.+?)\s+off(?:\s+(?:the|my)\s+list)?$", complete),
    # "ticked off the milk", "I've crossed the report off", "knocked out the laundry"
    (
        r"^(?:i(?:'ve|\s+have)?\s+)?(?:just\s+|already\s+|finally\s+)?(?:ticked|checked|crossed|"
        r"knocked|polished|struck)\s+(?:off|out)\s+(?P<ref>.+?)(?:\s+(?:the|my)\s+list)?$",
        complete,
    ),
    (
        r"^(?:i(?:'ve|\s+have)?\s+)?(?:just\s+|already\s+|finally\s+)?(?:ticked|checked|crossed|"
        r"knocked|struck)\s+(?P<ref>.+?)\s+off(?:\s+(?:the|my)\s+list)?$",
        complete,
    ),
)
DELETING = compile_rules(
    (
        r"^(?:i\s+)?(?:don'?t|do\s+not|no\s+longer)\s+need\s+(?:to\s+)?(?P<ref>.+?)"
        r"(?:\s+any\s*more)?$",
        delete,
    ),
    # "no need to call mom anymore", "there's no need for the dentist any more"
    (
        # (not "no need to water the plants this week": that time only, so nothing is deleted)
        r"^(?:there'?s\s+|there\s+is\s+)?no\s+(?:more\s+|longer\s+any\s+)?need\s+(?:to|for)\s+"
        r"(?!.*\b(?:today|tonight|tomorrow|this|next)\b)(?P<ref>.+?)(?:\s+any\s*more)?$",
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
        PLEASE + REMOVE + r"\s+(?P<ref>.+?)(?:\s+(?:from|off(?:\s+of)?)\s+" + MY_LIST + r")?$",
        delete,
    ),
    (PLEASE + r"take\s+(?P<ref>.+?)\s+off\s+(?:of\s+)?" + MY_LIST + r"$", delete),
    # "forget the dentist": may mean "never mind"; it lists the task and asks before deleting
    (
        r"^(?:just\s+|oh\s+)?forget\s+(?!(?:it|that|this|them|those|about\s+it|what|i|you|"
        r"everything|all)\b)(?P<ref>.+)$",
        delete_asking,
    ),
)
NEWS = compile_rules(
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
