"""The phrasings that change when a task is due: it can wait ("no rush on X", "I can't do X
until friday"), a new due date, postponing by a duration, a day later ("I won't get to X
today"), "make it 5pm", "put the dentist on friday", "X needs to be done by wednesday"."""

from backend.chat.providers.changes import change_to, moved, postpone, reschedule, wait
from backend.chat.providers.normalise import PLEASE
from backend.chat.providers.rule_table import NOT_A_QUESTION, compile_rules

DATES = compile_rules(
    # "no rush on the report", "I can't do the report until friday": it can wait
    (
        r"^(?:there'?s\s+)?no\s+(?:rush|hurry)\s+(?:on|with|for)\s+(?P<ref>.+?)"
        r"(?:\s+(?:until|till|til)\s+(?P<when>.+))?$",
        wait,
    ),
    (
        r"^(?:i|we)\s+(?:can'?t|cannot|won'?t\s+be\s+able\s+to)\s+(?:do|get\s+to|start|work\s+on|"
        r"deal\s+with|finish)\s+(?P<ref>.+?)\s+(?:until|till|til|before)\s+(?P<when>.+)$",
        wait,
    ),
    # due dates
    (
        # "set a due date on the laundry for saturday"
        PLEASE + r"(?:set|change|update|move|put|add|give)\s+(?:the\s+|a\s+)?(?:due\s+date|"
        r"deadline)\s+(?:of|for|on|to)\s+(?P<ref>.+?)\s+(?:to|for|as|of)\s+(?P<when>.+)$",
        reschedule,
    ),
    (
        # "give the passport a deadline of friday"
        PLEASE + r"(?:give|set)\s+(?P<ref>.+?)\s+a\s+(?:due\s+date|deadline)\s+(?:of|for|on)\s+"
        r"(?P<when>.+)$",
        reschedule,
    ),
    (
        # "the due date for the slides is monday", "deadline on the report should be friday"
        r"^(?:the\s+)?(?:due\s+date|deadline)\s+(?:for|on|of)\s+(?P<ref>.+?)\s+(?:is|should\s+be|"
        r"will\s+be|'s)\s+(?:now\s+)?(?P<when>.+)$",
        reschedule,
    ),
    (
        PLEASE + r"(?:set|change|update)\s+(?P<ref>.+?)(?:'s)?\s+(?:due\s+date|deadline)"
        r"\s+to\s+(?P<when>.+)$",
        reschedule,
    ),
    (
        # "bring the slides forward to tomorrow" ("bring the cake to the party" is a chore)
        PLEASE + r"(?:move|reschedule|push|postpone|delay|defer|shift|bump|snooze|"
        r"(?:bring|pull)(?=.*\s(?:forwards?|up|earlier)\s))\s+(?:back\s+|forwards?\s+)?"
        # ("push everything for work to monday": a "for" before a later "to" names the tasks)
        r"(?P<ref>.+?)(?:\s+(?:back|forwards?|up|earlier))?\s+(?:to|until|till|"
        r"(?:for|by)(?!(?:\s+\S+){1,3}\s+to\s))\s+"
        r"(?P<when>.+)$",
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
    # "I won't get to the report today": a day later
    (
        r"^(?:i|we)\s+(?:won'?t|will\s+not|can'?t|cannot|don'?t\s+think\s+i'?ll|probably\s+won'?t)"
        r"\s+(?:get\s+(?:round\s+)?to|get\s+around\s+to|manage|do|finish)\s+(?P<ref>.+?)\s+"
        r"(?:today|tonight|this\s+evening)(?P<when>)$",
        postpone,
    ),
    (PLEASE + r"make\s+(?P<ref>.+?)\s+due\s+(?P<when>.+)$", reschedule),
    # "make it 5pm", "set it for friday" (not "make dinner tomorrow": a chore with its date)
    (
        PLEASE + r"(?:make|set|have)\s+(?P<ref>it|that|this|them|that\s+one|this\s+one|the\s+"
        r"[\w' -]+?\s+one|#\d+|task\s+\d+)\s+(?:for\s+|to\s+|on\s+|at\s+)?(?P<when>.+)$",
        moved,
    ),
    # "put the dentist on friday" (not "put milk on my list": that is no date)
    (
        PLEASE
        + r"put\s+(?:off\s+)?(?P<ref>.+?)\s+(?:off\s+)?(?:on|to|for|until|till)\s+(?P<when>.+)$",
        moved,
    ),
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
    # "set the report for 9am tomorrow" (not a chore "Set the report"), "the report needs to be
    # done by wednesday"
    (PLEASE + r"(?:set|schedule)\s+(?P<ref>the\s+.+?)\s+(?:for|to)\s+(?P<when>.+)$", moved),
    (
        NOT_A_QUESTION + r"(?!(?:i|we|you)\b)(?P<ref>.+?)\s+(?:needs?|has|have)\s+to\s+be\s+"
        r"(?:done|finished|completed|submitted|sent|paid|ready)\s+(?P<when>(?:by|before|on)\s+.+)$",
        moved,
    ),
    (PLEASE + r"(?:change|switch|swap)\s+(?P<ref>.+?)\s+to\s+(?P<when>.+)$", change_to),
    (NOT_A_QUESTION + r"(?P<ref>.+?)\s+is\s+(?:now\s+)?due\s+(?P<when>.+)$", reschedule),
)
