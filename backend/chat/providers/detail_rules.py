"""The phrasings that change a task's details: its due date cleared, notes, tags, recurrence,
several details at once, title and priority (when it is due is in `date_rules`)."""

from backend.chat.providers.changes import (
    LEVEL,
    add_tags,
    clear_due,
    not_urgent,
    note,
    priority,
    remove_tags,
    rename,
    repeat,
    set_slots,
    step,
    stop_repeating,
    untag,
    wait,
)
from backend.chat.providers.normalise import PLEASE
from backend.chat.providers.rule_table import MY_LIST, NOT_A_QUESTION, compile_rules

# A short reference that cannot swallow the rest: "it", "task 3", "#3", "the dentist one"
SHORT_REF = (
    r"(?P<ref>it|this|that|this one|that one|them|both|those|these|task\s*#?\d+|#\d+|"
    r"the\s+[\w'-]+\s+one)"
)
TAGS = r"(?P<tags>#?[\w-]+(?:\s*(?:,|\band\b|&|\s)\s*#?[\w-]+)*)"
DETAILS = compile_rules(
    # a due date cleared, notes, tags, recurrence
    (
        PLEASE + r"(?:remove|clear|delete|drop|unset)\s+(?:the\s+)?(?:due\s+date|deadline)"
        r"\s+(?:of|from|on|for)\s+(?P<ref>.+)$",
        clear_due,
    ),
    (r"^no\s+(?:more\s+)?(?:due\s+date|deadline)\s+(?:for|on)\s+(?P<ref>.+)$", clear_due),
    (
        PLEASE + r"(?:add|attach|put)\s+(?:a\s+|the\s+)?(?:note|description|comment)"
        r"\s+(?:to|on)\s+(?P<ref>.+?)(?:\s*:\s*|\s+saying\s+|\s+that\s+says\s+|"
        r"\s+-\s+)(?P<note>.+)$",
        note,
    ),
    (PLEASE + r"(?:note|comment)\s+(?:on|for)\s+(?P<ref>.+?)\s*:\s*(?P<note>.+)$", note),
    # "give task 5 a note: bring x-rays", "leave the dentist a note saying …"
    (
        PLEASE + r"(?:give|leave)\s+(?P<ref>.+?)\s+(?:a|the|this|another)\s+(?:note|comment)"
        r"(?:\s*:\s*|\s+saying\s+|\s+that\s+says\s+|\s+-\s+)(?P<note>.+)$",
        note,
    ),
    (
        PLEASE
        + r"(?:remove|delete|drop|take)\s+(?:the\s+)?(?:tags?\s+)?"
        + TAGS
        # "remove milk from my list" is no tag taken off a task
        + r"\s+(?:tags?\s+)?(?:from|off(?:\s+of)?)\s+(?!"
        + MY_LIST
        + r"$)(?P<ref>.+)$",
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
    # "tag the report work": the last word is the tag
    (
        PLEASE + r"(?:also\s+)?(?:tag|label)\s+(?P<ref>(?:the|my)\s+.+?)\s+(?P<tags>#?[\w-]+)$",
        add_tags,
    ),
    (PLEASE + r"(?:stop\s+repeating|don'?t\s+repeat|unrepeat)\s+(?P<ref>.+)$", stop_repeating),
    (PLEASE + r"stop\s+(?P<ref>.+?)\s+(?:from\s+)?(?:repeating|recurring)$", stop_repeating),
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
        # "drop the report's priority" ("drop the report" deletes it)
        PLEASE + r"(?:lower|decrease|reduce|deprioriti[sz]e|de-prioriti[sz]e|drop(?=.+'s\s+prio))"
        r"\s+(?P<ref>.+?)"
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
    # "make call mom a priority", "make the report top priority"
    (
        PLEASE
        + r"(?:make|put)\s+(?P<ref>.+?)\s+(?:a|my|the|your)\s+(?:top\s+)?(?P<level>priority)$",
        priority,
    ),
    (
        NOT_A_QUESTION
        + r"(?P<ref>.+?)\s+(?:isn'?t|aren'?t|(?:is|are)\s+(?:not|no\s+longer)|'s\s+not)\s+"
        r"(?:very\s+|that\s+|so\s+|super\s+)?(?:urgent|important|a\s+priority|high\s+priority)"
        r"(?:\s+any\s*more)?$",
        not_urgent,
    ),
    (
        NOT_A_QUESTION
        + r"(?P<ref>.+?)(?:'s|\s+is|\s+are)\s+(?:now\s+)?(?:a\s+)?(?:very\s+|super\s+|so\s+)?"
        + LEVEL
        + r"(?:[- ]priority)?$",
        priority,
    ),
    (
        NOT_A_QUESTION + r"(?P<ref>.+?)\s+(?:can|could|will\s+have\s+to)\s+wait"
        r"(?:\s+(?:(?:until|till|til|for)\s+)?(?P<when>.+))?$",
        wait,
    ),
)
