"""One request → what it asks for: read by the first family that recognises it (help, undo,
correction, status question, addition, change, list question, a chore said with its date), with
what a trailing remark adds ("…, it's urgent", "…, I did it yesterday")."""

import re
from datetime import datetime

from backend.chat.providers.actions import (
    AddTask,
    AskStatus,
    ChangeTask,
    Correction,
    Intent,
    Mention,
    SmallTalk,
    Undo,
)
from backend.chat.providers.adding import (
    OBLIGATION,
    OTHER_INTERVAL,
    add_if_dated,
    is_thing,
    leading_chore,
    match_add,
    match_put,
    parse_add,
    starts_with_verb,
)
from backend.chat.providers.change_rules import ADD_SHAPED, parse_change
from backend.chat.providers.changes import DONE_VERBS, is_detail
from backend.chat.providers.finding import parse_find, parse_show
from backend.chat.providers.needs import parse_need
from backend.chat.providers.normalise import plain_request, split_remark
from backend.chat.providers.overview import parse_loose_list, parse_oldest, parse_tag_state
from backend.chat.providers.questions import (
    is_list_request,
    parse_list,
    parse_status_question,
)
from backend.chat.providers.references import title_words
from backend.chat.providers.slots import CLOCK, split_slots
from backend.chat.providers.small_talk import (
    DISMISS,
    FAREWELL,
    HELP,
    HELP_ME,
    TRAILING_FILLER,
    strip_openers,
)

UNDO = re.compile(
    r"^(?:(?:please|can you|could you)\s+)*(?:undo|un-do|revert|take back|roll back|undo my last)"
    r"(?:\s+(?:that|this|it|the last (?:change|action|one|thing)|what you (?:just )?did|"
    r"my last (?:change|action|message)|please))?$"
    # "scratch that", "cancel that": take back what was just done (not delete "it")
    r"|^(?:scratch|cancel|forget|ignore)\s+(?:that|this|what i (?:just )?said)$"
    # "bring it back", "restore it": take back the deletion just made
    r"|^bring\s+(?:it|that|them|those)\s+back$|^restore\s+(?:it|that|them|those)$",
    re.I,
)
CORRECTION = re.compile(
    r"^(?:i\s+meant|i\s+mean|make\s+that|change\s+that\s+to|i\s+said|that\s+should\s+be|"
    r"it\s+should\s+be|should\s+have\s+been)\s+(?P<text>.+)$",
    re.I,
)
# "not tomorrow, saturday", "not 3 but 4": the detail said instead
NOT_THAT = re.compile(r"^not\s+[^,]{1,30}?(?:,\s*|\s+but\s+)(?:but\s+)?(?P<text>.+)$", re.I)
# "I've submitted the report": a statement naming a task, for a following "check it off"
STATEMENT = re.compile(
    r"^i(?:'ve|\s+have)?\s+(?:just\s+|already\s+|finally\s+)?"
    r"(?P<verb>[a-z]+ed|paid|sent|did|made|wrote|bought|took|got|done|read|built|found|gave|"
    r"rang|fed)\s+"
    r"(?:up\s+|off\s+|in\s+|out\s+)?(?P<words>.+)$",
    re.I,
)
# Verbs that ask the engine for something rather than name a chore after "I need to"
ENGINE_REQUEST = re.compile(
    r"(?:mark|move|push|bump|reschedule|postpone|rename|reopen|untag|tick|check\s+off|"
    r"cross\s+off|see|show|list|what|which|how\s+many|do\s+i\s+have|have\s+i\s+got)\b",
    re.I,
)
# "I need to know what's due": the question after the verb of asking
ASKING = re.compile(r"^(?:know|check|find\s+out|look\s+at)\s+(?=(?:what|which|how\s+many)\b)", re.I)
# A remark saying the task was done: "…, I did it yesterday", "…, it's done already".
DONE_REMARK = re.compile(
    r"^(?:i\s+(?:already\s+|just\s+)?(?:did|finished|completed|handled|sorted)|"
    r"i'?ve\s+(?:already\s+|just\s+)?(?:done|did|finished|completed|handled|sorted)|"
    r"(?:it'?s|its|it\s+is|it\s+was|that'?s|thats)\s+(?:already\s+|all\s+)?(?:done|finished|"
    r"complete|completed|handled|sorted|taken\s+care\s+of)|already\s+(?:done|did\s+it|finished))\b",
    re.I,
)
# A remark that gives the task's own date: "…, it's due friday", "…, needs doing by monday"
DUE_REMARK = re.compile(r"\b(?:due|by|before|until|deadline)\b", re.I)
# Removals that say "delete" mean it, whatever the remark; "scratch", "remove", "drop" after
# "I did it" mean the task is done, and completing it keeps its history.
EXPLICIT_DELETE = re.compile(r"^(?:please\s+)?(?:delete|erase|trash)\b", re.I)
# A thing that happens at a time, so a date after it is when: "dentist appointment tomorrow at 3"
EVENT = re.compile(
    r"\b(?:appointment|appt|meeting|lunch|dinner|breakfast|brunch|coffee|drinks|party|class|"
    r"lesson|session|interview|call|date|game|match|practice|rehearsal|flight|check-?up|haircut|"
    r"stand-?up|exam|recital|concert|wedding|shift|viewing|webinar|presentation|demo|sync|"
    r"catch-?up)s?\b|\bwith\s+(?-i:[A-Z])",
    re.I,
)
# "which one should I delete?" (after a list): that change, for one of the tasks shown
WHICH_ONE = re.compile(
    r"^which\s+(?:one|task)\s+(?:should|shall|do|can|could)\s+(?:i|we)\s+(?P<change>.+)$", re.I
)
# "milk, bread and eggs", "a, b, c": three or more things listed
LISTED = re.compile(r",\s*[^,]+?(?:,|\s+and\s+|\s*&\s*)\s*\S", re.I)
# "the dentist appointment tomorrow": a task named, maybe to move, not one to add
REFERS = re.compile(r"^(?:the|my|that|this|our)\b", re.I)
URGENT_MARK = re.compile(r"\s*!high\b\s*")  # what `correct_spelling` makes of "!!"


def _status_from(intent: Intent) -> Intent:
    """A completion asked as a question ("finished the report?") is a question, not the action."""
    if isinstance(intent, ChangeTask) and intent.tool == "complete_task":
        return AskStatus(intent.ref)
    return intent


# A request as read, before a statement is tied to the "it" that follows it.
Piece = Intent | Mention


def parse_request(text: str, now: datetime) -> list[Piece]:
    """What one request asks for (several intents only for "add milk and eggs").

    A trailing remark ("scratch the dry cleaning, I did it yesterday") is read apart: it may
    add details or say the task was done, but its words name nothing.
    """
    sentence, opener = strip_openers(re.sub(r"\s+", " ", text).strip().rstrip(".!"))
    asked = sentence.endswith("?")
    sentence = TRAILING_FILLER.sub("", sentence.rstrip("?").strip())
    if not sentence:
        return [SmallTalk(opener)]
    main, remark = split_remark(sentence)
    if remark:
        pieces = _read(main, asked, now)
        if understood(pieces) and not any(isinstance(piece, Correction) for piece in pieces):
            return [_with_remark(piece, main, remark, now) for piece in pieces]
    return _read(sentence, asked, now)


def _with_remark(piece: Piece, request: str, remark: str, now: datetime) -> Piece:
    """A request with what its remark adds: an addition takes its details ("…, it's urgent");
    a removal the remark says was done ("…, I did it") completes the task instead."""
    if isinstance(piece, AddTask):
        _, slots = split_slots(remark, now)
        details = {key: value for key, value in slots.arguments().items() if key != "description"}
        if not DUE_REMARK.search(remark):  # "…, it's for the wedding in june": not its due date
            details.pop("due_date", None)
        return AddTask({**details, **piece.arguments})
    if not isinstance(piece, ChangeTask) or piece.tool != "delete_task":
        return piece
    said_done = DONE_REMARK.match(remark) and not EXPLICIT_DELETE.match(request)
    if piece.ref.selector is None and said_done:
        return ChangeTask("complete_task", piece.ref, {"completed": True})
    return piece


def _read(sentence: str, asked: bool, now: datetime) -> list[Piece]:
    """The request of a sentence stripped of openers, politeness and its question mark."""
    if HELP.match(sentence):
        return [SmallTalk("help")]
    said = HELP_ME.sub("", sentence)
    sentence = plain_request(said)
    # "would you mind marking it done?" asks for the change, not whether it is done
    polite = sentence != said or re.match(r"(?:please|can|could|would|will)\b", said, re.I)
    if UNDO.match(sentence):
        return [Undo()]
    if DISMISS.match(sentence):
        return [SmallTalk("dismiss")]
    if FAREWELL.match(sentence):
        return [SmallTalk("bye")]
    if match := CORRECTION.match(sentence):
        return [Correction(match["text"])]
    if is_detail(sentence, now):  # "no wait, friday", "make that 3pm" read as "I meant …"
        return [Correction(sentence)]
    if (instead := NOT_THAT.match(sentence)) and is_detail(instead["text"], now):
        return [Correction(instead["text"])]
    if which := _which_one(sentence, now):
        return [which]
    if question := parse_status_question(sentence):
        return [question]
    if ADD_SHAPED.match(sentence) and (change := parse_change(sentence, now)):
        return [change]
    if request := _said_as_chore(sentence, now):
        return [request]
    # A sentence that opens like an addition is one, whatever it mentions later ("add check if
    # the laundry is done", "I need to pay rent which is due friday").
    added = match_add(sentence, now)
    if added is not None:
        return [*added] if isinstance(added, list) else [added]
    # Past the additions, "done!!" is emphasis, not a word of the task.
    sentence = URGENT_MARK.sub(" ", sentence).strip()
    if change := parse_change(sentence, now):
        return [_status_from(change) if asked and not polite else change]
    if shown := parse_show(sentence):
        return [shown]
    if found := parse_find(sentence):
        return [found]
    if listed := parse_oldest(sentence) or parse_tag_state(sentence, now):
        return [listed]
    if is_list_request(sentence, now):
        return [parse_list(sentence, now)]
    if loose := parse_loose_list(sentence, now):
        return [loose]
    put = match_put(sentence, now)
    if put is not None:
        return [*put] if isinstance(put, list) else [put]
    if chore := _dated_chore(sentence, now, asked):
        return [*chore] if isinstance(chore, list) else [chore]
    if (need := parse_need(sentence, now)) and not asked:
        return [*need]
    if statement := STATEMENT.match(sentence):
        done = statement["verb"].lower() in DONE_VERBS
        return [Mention(title_words(statement["words"]), done)]
    return [SmallTalk("unknown")]


def _said_as_chore(sentence: str, now: datetime) -> Intent | None:
    """A request to the engine said as a chore ("I need to move the dentist to friday",
    "gotta mark rent done", "I need to see my list"); None for a real chore ("I need to move
    the couch"), which is an addition."""
    match = OBLIGATION.match(sentence)
    rest = ASKING.sub("", match["rest"]) if match else ""  # "know what's due" → "what's due"
    if not ENGINE_REQUEST.match(rest):
        return None
    if isinstance(change := parse_change(rest, now), ChangeTask):
        return change
    return parse_list(rest, now) if is_list_request(rest, now) else None


def _which_one(sentence: str, now: datetime) -> Intent | None:
    """ "which one should I delete?": the change for one of the tasks just shown (the engine then
    asks which, and "the second one" answers); None for any other sentence."""
    if (which := WHICH_ONE.match(sentence)) is None:
        return None
    said = which["change"]
    marked = re.sub(r"^(mark|tick|check|cross)\b", r"\1 one of them", said, count=1, flags=re.I)
    change = parse_change(f"{said} one of them", now) or parse_change(marked, now)
    return change if isinstance(change, ChangeTask) else None


def _dated_chore(sentence: str, now: datetime, asked: bool) -> list[AddTask] | SmallTalk | None:
    """The chore after a leading date or repeat ("every friday take out the trash"); None when
    what follows is a request to the engine ("tomorrow, show my list")."""
    found = leading_chore(sentence)
    if found is None:
        return _chore_then_date(sentence, now, asked)
    rest, when = found
    change = parse_change(rest, now)
    # "every friday throw out the trash", "tomorrow finish the report": chores, though "throw
    # out" and "finish" also delete and complete tasks
    chore = isinstance(change, ChangeTask) and change.tool != "update_task"
    if (change and not (chore and starts_with_verb(rest))) or is_list_request(rest, now):
        return None
    return parse_add(f"{rest} {when}", now)


def _chore_then_date(sentence: str, now: datetime, asked: bool) -> list[AddTask] | SmallTalk | None:
    """A chore with its date or repeat after it, no "add" ("call the bank tomorrow", "pick up
    the kids at 3:15 tomorrow"), a thing with its repeat ("team standup every monday at 9am")
    or an event with its date ("lunch with Sara friday at 12:30"); None without one ("call the
    bank" stays not understood: it could be a request, but a verb before a list of three adds:
    "buy milk, bread and eggs") or when it opens like a request to the engine ("move the
    dentist …"). A repeat the tasks cannot keep ("yoga every 3 days") adds
    nothing and says so. A thing asked about ("the dentist every monday?") is no chore."""
    verb = starts_with_verb(sentence)
    if ENGINE_REQUEST.match(sentence) or not (verb or (is_thing(sentence) and not asked)):
        return None
    if OTHER_INTERVAL.search(sentence):
        return SmallTalk("bad_repeat")
    # "gym at 6 tomorrow": a thing at a time of day is something to be at
    event = (EVENT.search(sentence) or CLOCK.search(sentence)) and not REFERS.match(sentence)
    dates = {"due_date", "recurrence"} if verb or event else {"recurrence"}
    dated = add_if_dated(sentence, now, dates=frozenset(dates))
    if dated is None and verb and not asked and LISTED.search(sentence):
        listed = parse_add(sentence, now)  # "buy milk, bread and eggs": a list names no task
        return listed if isinstance(listed, list) else None
    return dated


def understood(intents: list[Piece]) -> bool:
    """Whether any of a request's pieces asks for something (small talk alone does not)."""
    return not all(isinstance(intent, SmallTalk) for intent in intents)
