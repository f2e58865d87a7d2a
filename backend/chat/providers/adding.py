"""Requests that add tasks: one or several, each with its details in natural positions."""

import re
from datetime import datetime

from backend.chat.providers.actions import AddTask, SmallTalk
from backend.chat.providers.days import one_per_day
from backend.chat.providers.normalise import PLEASE
from backend.chat.providers.phrases import tidy
from backend.chat.providers.slots import DAY, Slots, split_note, split_slots, split_tags

# What follows the verb: "a new task called …", "reminder: …", "to …"
ADD_OBJECT = (
    r"(?:\s*:\s*|\s+)(?:a\s+|an\s+)?(?:new\s+)?(?:(?:task|todo|to-do|reminder|item|entry)\b\s*)?"
    r"(?::\s*|to\s+|called\s+|named\s+|that\s+|for\s+|saying\s+)?(?P<rest>.+)$"
)
# "put" also starts changes ("put task 3 at high priority"), so it is tried after them.
PUT = re.compile(PLEASE + r"put" + ADD_OBJECT, re.I)
# "I need to …", "gotta …": a chore said as one (or a request to the engine said so: see
# `intents`)
ADVERBS = r"(?:(?:really|still|also|just|probably|definitely|seriously|totally|kinda|so)\s+)*"
OBLIGATION = re.compile(
    PLEASE
    + r"(?:(?:i|we)(?:'ve|'ll|'d|\s+will|\s+have|\s+had)?(?:\s+|(?='?m\s)))?"
    + ADVERBS
    + r"(?:need to|have to|must|should|gotta|have got to|"
    # "I got to the gym" is news, not a chore
    r"got to(?!\s+(?:the|a|an|my|work|school|home|bed)\b)|ought to|oughta|"
    r"(?:mustn'?t|must\s+not|can'?t|cannot|shouldn'?t|should\s+not)\s+forget\s+to|"
    r"'?m gonna|am gonna|"
    r"gonna|wanna|(?<=d )better|(?<=had )better|'?m supposed to|am supposed to|supposed to|"
    r"'?m going to have to|need 2)\s+"
    # "…remember to call mom": the chore; "should I …", "must be …": no chore
     + ADVERBS + r"(?:remember to\s+|not forget to\s+|go and\s+)?"
    r"(?!(?:i|we|you|it|that|this|be)\b)(?P<rest>.+)$",
    re.I,
)
ADD = (
    re.compile(
        PLEASE + r"(?:add|create|new|schedule|insert|jot down|note down|put down|write down|"
        r"(?:set|make|set up)(?=\s+(?:a|an)\s+(?:new\s+)?(?:reminder|task|todo|to-do)\b))"
        + ADD_OBJECT,
        re.I,
    ),
    re.compile(
        PLEASE + r"(?:(?:remind me to|remind me about|remember to|remember that i need to|"
        r"don'?t forget to|don'?t let me forget to|don'?t let me forget)\s+|"
        r"(?:todo|to-do|task|new task|reminder|note to self):\s*)(?P<rest>.+)$",
        re.I,
    ),
    OBLIGATION,
)
# "remind me tomorrow at 9 to call the bank": the date comes before the task
REMIND_WHEN = re.compile(
    PLEASE + r"remind me\s+(?P<when>(?:on|at|by|in|next|this|tomorrow|today|tonight|every)\b.*?)"
    r"\s+to\s+(?P<rest>.+)$",
    re.I,
)
BARE_ADD = re.compile(
    PLEASE + r"(?:add|create|new)(?:\s+(?:a|an|one))?(?:\s+(?:new|more|another))?"
    r"(?:\s+(?:task|todo|to-do|reminder|item|one))?(?:\s+for\s+me)?\s*:?$",
    re.I,
)
NUMBERS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "2": 2, "3": 3, "4": 4, "5": 5}
# "add three tasks: a, b, c", "add these: a, b"
HEADER = re.compile(
    r"^(?:the\s+following|these|(?P<count>" + "|".join(NUMBERS) + r")\s+(?:new\s+)?"
    r"(?:tasks|things|items|todos|reminders))\s*(?::|-)?\s*",
    re.I,
)
SEPARATOR = re.compile(
    r"\s*(?:,\s*(?:and\s+|&\s+)?|;\s*|\s+and\s+(?:also|then)\s+|\s+and\s+|\s+&\s+|\s+\+\s+)", re.I
)
# Verbs that start a task: a part starting with one is a task of its own ("buy milk and call
# mom"), a part without one after a verb is more of the same task ("buy milk and eggs").
TASK_VERBS = frozenset({
    "answer", "apply", "ask", "back", "bake", "bathe", "book", "bring", "brush", "buy", "call",
    "cancel", "change", "charge", "check", "clean", "clear", "collect", "confirm", "contact",
    "cook", "copy", "cut", "deliver", "deposit", "do", "donate", "drink", "drop", "email", "empty",
    "feed", "fetch", "file", "fill", "find", "finish", "fix", "fold", "follow", "get", "give",
    "go", "grab", "help", "hire", "invite", "iron", "learn", "look", "mail", "make", "meet",
    "message", "mop", "move", "mow", "order", "organise", "organize", "pack", "paint", "pay",
    "phone", "pick", "plan", "plant", "post", "practice", "practise", "prepare", "print", "read",
    "record", "register", "remember", "renew", "rent", "repair", "reply", "reserve", "return",
    "review", "ring", "run", "schedule", "send", "set", "sell", "shop", "sign", "sort", "start",
    "study", "submit", "take", "talk", "text", "tidy", "tell", "test", "throw", "train",
    "transfer", "trim", "update", "upload", "vacuum", "visit", "wake", "walk", "wash", "watch",
    "water", "write", "wrap", "hang", "install", "refill", "recycle", "replace", "ship", "sweep",
    "unpack", "dust", "rake", "defrost", "descale", "hoover", "sew", "chase"
})  # fmt: skip
TO_MY_LIST = re.compile(
    r"\s+(?:to|on|in)\s+(?:my|the)\s+(?:[\w-]+\s+)?(?:list|tasks|todos)\b", re.I
)
# What is left of "pay rent which is due friday" once the date is gone.
TRAILING_CLAUSE = re.compile(r"\s+(?:which|that|it)\s+(?:is|are|was)$|\s+(?:which|that)'s$", re.I)
# "call mom back at some point", "…later": no date, and no words of the title
VAGUE_WHEN = re.compile(
    r"\s+(?:later(?:\s+on)?|at\s+some\s+point|some\s*time|soon(?:ish)?|eventually)$", re.I
)
# "grocery run: milk, eggs, bread": one task, the list its note
TITLED_LIST = re.compile(r"^(?P<title>[^:,]{1,60}):\s*(?P<note>[^,]+(?:,[^,]+)+)$")
# "every 2 weeks", "every other day": intervals the tasks cannot repeat at
OTHER_INTERVAL = re.compile(
    rf"\bevery\s+(?:other|second|\d+|two|three|four)\s+(?:days?|weeks?|months?|years?|{DAY}s?)\b|"
    r"\b(?:every\s+year|yearly|annually|fortnightly|biweekly|hourly)\b|"
    r"\bevery\s+(?:hour|minute|\d+\s+(?:hours?|minutes?))\b",
    re.I,
)
# "a high priority task to call the bank": the priority said of the task, not in its title
LEVEL_BEFORE_TASK = re.compile(
    r"(?:(?<=\ba\s)|(?<=\ban\s))"
    r"(?P<level>(?:high|low|medium|top|urgent|important)(?:[- ]priority)?)\s+"
    r"(?=(?:new\s+)?(?:task|todo|to-do|reminder)\b)",
    re.I,
)
QUOTED = re.compile(
    r"(?<!\w)[\"'\u201c\u2018](?P<inner>[^\"'\u201c\u201d\u2018\u2019]+)[\"'\u201d\u2019](?!\w)"
)
# "tomorrow I need to …", "on friday, remind me to …": the date first, then an addition
LEADING_WHEN = re.compile(
    rf"^(?P<when>(?:today|tonight|tomorrow|next\s+week|(?:on\s+|next\s+|this\s+)?{DAY})"
    r"(?:\s+(?:morning|afternoon|evening|night))?)[\s,]+"
    r"(?P<rest>.+)$",
    re.I,
)
# "every friday take out the trash", "weekly: clean the fridge": a repeat, then the chore
LEADING_REPEAT = re.compile(
    rf"^(?P<when>(?:every|each)\s*(?:day|morning|afternoon|evening|night|week|month|weekday|"
    rf"{DAY}(?:(?:\s*,\s*|\s+and\s+|\s*/\s*){DAY})*)s?|(?:daily|weekly|monthly)"
    rf"(?:\s+(?:on\s+)?{DAY}s?)?|(?:on\s+)?{DAY}s|{OTHER_INTERVAL.pattern})"
    # "at 9", "at 9:30am", "6pm"
    r"(?:\s+at\s+\d{1,2}(?::\d\d)?\s*(?:am|pm)?|\s+\d{1,2}(?::\d\d)?\s*(?:am|pm))?"
    r"(?P<sep>\s*[:,-]\s*|\s+)(?P<rest>.+)$",
    re.I,
)
# "I have a meeting with John tomorrow at 10": an appointment, when it has a date
APPOINTMENT = re.compile(r"^i(?:'ve|\s+have)\s+(?:got\s+)?(?:a|an)\s+(?P<rest>.+)$", re.I)
# What opens a clause or a question rather than the name of a thing to do
NOT_A_THING = re.compile(
    r"^(?:it|it'?s|its|that|that'?s|this|these|those|is|are|was|were|i|i'?m|we|you|they|he|she|"
    r"there|what|which|when|how|why|who|where|do|does|did|can|could|should|would|will|my|the\s+"
    r"same|same|feels?|seems?|has|have|so|and|but|or|not|no|every|each|daily|weekly|monthly)\b",
    re.I,
)
LEADING_FILLER = re.compile(r"^(?:to|that|about|i\s+(?:need|have|must|should)\s+to)\s+", re.I)


def capitalized(title: str) -> str:
    """A title as stored: first letter upper-case ("buy milk" → "Buy milk")."""
    return title[:1].upper() + title[1:]


def starts_with_verb(part: str) -> bool:
    """Whether a part starts with a verb of a chore ("buy milk", not "milk")."""
    first = part.split(maxsplit=1)[0].lower() if part.split() else ""
    return first in TASK_VERBS


def _items(text: str) -> tuple[list[str], bool]:
    """The tasks in "milk, eggs and bread" (three), "buy milk and eggs" (one) or "wash the
    car; hoover the stairs" (two), and whether they are a plain list ("milk, eggs and bread
    tomorrow": details at the end are for all)."""
    header = HEADER.match(text)
    if header:
        text = text[header.end() :]
    parts = [part for part in SEPARATOR.split(text) if part.strip()]
    if header or len(parts) < 2:
        return parts or [text], bool(header)
    if not starts_with_verb(parts[0]):
        return parts, True
    separators = SEPARATOR.findall(text)
    items = [parts[0]]
    for separator, part in zip(separators, parts[1:], strict=False):
        if starts_with_verb(part) or ";" in separator:  # "a; b": a semicolon ends a task
            items.append(part)
        else:
            items[-1] += separator + part  # "buy milk and eggs": one task
    return items, False


def _title(text: str) -> str:
    title = LEADING_FILLER.sub("", text)
    return VAGUE_WHEN.sub("", TRAILING_CLAUSE.sub("", title)).strip()


def parse_add(rest: str, now: datetime) -> list[AddTask] | SmallTalk:
    """The tasks in "buy milk tomorrow at 5pm #errands high priority, and call mom friday".

    A note or "tags: a, b" at the very end is about the whole request; other details belong
    to the task they are written next to.
    """
    text = QUOTED.sub(lambda match: match["inner"], TO_MY_LIST.sub("", rest))
    if OTHER_INTERVAL.search(text):
        return SmallTalk("bad_repeat")
    if each := one_per_day(text):
        added: list[AddTask] = []
        for one_day in each:
            one = _added(one_day, now)
            if isinstance(one, SmallTalk):
                return one
            added.extend(one)
        return added
    return _added(text, now)


def _added(text: str, now: datetime) -> list[AddTask] | SmallTalk:
    """The tasks of an addition once its recurrence is one the tasks support."""
    text, note = split_note(text)
    tail = re.search(r"\s*\b(?:tags?|labels?)\s*:\s*.+$", text, re.I)
    shared_tags: list[str] = []
    if tail:
        _, shared_tags = split_tags(tail.group(0))
        text = text[: tail.start()]
    if not HEADER.match(text) and (titled := TITLED_LIST.match(text.strip())):
        text, note = titled["title"], note or capitalized(tidy(titled["note"]))
    items, plain_list = _items(text)
    parsed = [split_slots(item, now) for item in items]
    if plain_list and all(slots == Slots() for _, slots in parsed[:-1]):
        parsed = [(words, parsed[-1][1]) for words, _ in parsed]
    added: list[AddTask] = []
    for words, slots in parsed:
        title = _title(words)
        if not title:
            continue
        tags = list(dict.fromkeys([*slots.tags, *shared_tags]))
        slots = Slots(slots.priority, tags, slots.note or note, slots.recurrence, slots.due)
        added.append(AddTask({"title": capitalized(title), **slots.arguments()}))
    return added or SmallTalk("need_title")


def match_add(sentence: str, now: datetime) -> list[AddTask] | SmallTalk | None:
    """The tasks a sentence that opens like an addition adds; None if it does not open so."""
    if level := LEVEL_BEFORE_TASK.search(sentence):  # "add a high priority task to …"
        sentence = f"{sentence[: level.start()]}{sentence[level.end() :]} {level['level']}"
    if lead := LEADING_WHEN.match(sentence):  # "tomorrow I need to call the bank"
        added = _opening_add(lead["rest"], now, when=lead["when"])
        if added is not None:
            return added
    return _opening_add(sentence, now)


def _opening_add(sentence: str, now: datetime, when: str = "") -> list[AddTask] | SmallTalk | None:
    """`match_add` of a sentence, `when` said before it ("tomorrow") added to its task."""
    if BARE_ADD.match(sentence):
        return SmallTalk("need_title")
    if match := REMIND_WHEN.match(sentence):
        return parse_add(f"{match['rest']} {match['when']}", now)
    for pattern in ADD:
        if match := pattern.match(sentence):
            return parse_add(f"{match['rest']} {when}", now)
    if match := APPOINTMENT.match(sentence):
        return add_if_dated(f"{match['rest']} {when}", now, dates=frozenset({"due_date"}))
    return None


def add_if_dated(
    text: str, now: datetime, *, dates: frozenset[str] = frozenset({"due_date", "recurrence"})
) -> list[AddTask] | None:
    """The tasks `text` adds when each has one of `dates` (a due date or a repeat); None
    otherwise: said without an "add", only a date shows that a task is meant ("I have a
    meeting tomorrow", "call the bank tomorrow")."""
    added = parse_add(text, now)
    if isinstance(added, list) and all(dates & task.arguments.keys() for task in added):
        return added
    return None


def is_thing(text: str) -> bool:
    """Whether `text` may name a chore without a verb ("team standup"), not a clause ("it's")."""
    return NOT_A_THING.match(text) is None


def leading_chore(sentence: str) -> tuple[str, str] | None:
    """The chore and its date or repeat in "every friday take out the trash", "tomorrow call the
    bank", "daily - stretch"; None unless a chore follows (a verb, or after a repeat a ":")."""
    if (match := LEADING_REPEAT.match(sentence)) and (
        match["sep"].strip() or starts_with_verb(match["rest"]) or is_thing(match["rest"])
    ):
        return match["rest"], sentence[: match.start("sep")]
    if (match := LEADING_WHEN.match(sentence)) and starts_with_verb(match["rest"]):
        return match["rest"], match["when"]
    return None


def match_put(sentence: str, now: datetime) -> list[AddTask] | SmallTalk | None:
    """An addition opening with "put" ("put milk on my list"); tried after the changes."""
    match = PUT.match(sentence)
    return parse_add(match["rest"], now) if match else None
