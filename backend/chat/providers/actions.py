"""What the local engine understood a request to ask for: plain data, no I/O."""

from dataclasses import dataclass, field
from datetime import time
from typing import Any, Literal

from backend.chat.providers.durations import Duration

ChangeTool = Literal["complete_task", "delete_task", "update_task"]
Task = dict[str, Any]  # a task as the tools answer it (its public JSON)
TalkKind = Literal[
    "greeting",
    "thanks",
    "help",
    "dismiss",
    "bye",
    "unknown",
    "need_title",
    "bad_date",
    "bad_repeat",
]


@dataclass(frozen=True)
class TaskRef:
    """Which task(s) a request means.

    An id (`loose`: a bare "2" / "number 2", which after a list is a position in it), several
    ids, title words, a position in the last list ("the second one"; -1 is the last), a filter
    selecting many ("all my work tasks"; `excluded`: "… except the report"), or none of those:
    "it" (or, `plural`, "them").
    `guessed`: the words come from news ("the books are back"), so they count only if they
    clearly name one task.
    """

    task_id: int | None = None
    words: str | None = None
    position: int | None = None
    positions: tuple[int, ...] = ()  # several positions: "the first two", "the 1st and 3rd"
    task_ids: tuple[int, ...] = ()
    selector: dict[str, Any] | None = None
    excluded: str | None = None  # title words of tasks a selector leaves out ("all but X")
    pick: bool = False  # "one of my errands": the user picks one of the tasks selected
    plural: bool = False
    loose: bool = False
    guessed: bool = False


@dataclass(frozen=True)
class Adjustment:
    """A change relative to the task as it is: later by a duration, a new time on the same day,
    priority up or down, tags added or removed, a note appended."""

    later_by: Duration | None = None
    at_time: time | None = None
    priority_step: int = 0
    add_tags: tuple[str, ...] = ()
    remove_tags: tuple[str, ...] = ()
    note: str | None = None


@dataclass(frozen=True)
class AddTask:
    """Create a task with these `add_task` arguments."""

    arguments: dict[str, Any]


@dataclass(frozen=True)
class ListTasks:
    """List tasks with these `list_tasks` arguments; `label` names the selection in the reply.

    `sort` orders the reply ("due_date" or "priority"); `tag_or_search`: the tag came from a
    plain word ("my work tasks"), so no task with that tag means searching titles for it;
    `count`: the question asked how many, so the answer starts with the number; `caveat`: what
    the answer could not do as asked, said after it; `undated`: only the tasks without a due
    date (which `list_tasks` cannot select, so they are picked from what it returns).
    """

    arguments: dict[str, Any]
    label: str = "tasks"
    sort: str | None = None
    tag_or_search: bool = False
    count: bool = False
    caveat: str = ""
    undated: bool = False


@dataclass(frozen=True)
class ChangeTask:
    """Complete, reopen, delete or update the task(s) `ref` names, with these arguments."""

    tool: ChangeTool
    ref: TaskRef
    changes: dict[str, Any] = field(default_factory=dict)
    adjust: Adjustment | None = None


@dataclass(frozen=True)
class AskStatus:
    """A question about a task's state ("is the report done?"): answered, nothing changed."""

    ref: TaskRef


@dataclass(frozen=True)
class ShowTask:
    """A question about one task's details ("what's the note on the dentist?", "the second
    one" after a list): its line and its note, nothing changed."""

    ref: TaskRef


@dataclass(frozen=True)
class Correction:
    """A correction ("I meant friday"): the task just acted on takes what these words say."""

    text: str


@dataclass(frozen=True)
class Mention:
    """A statement naming a task ("I've submitted the report"), for a following "check it off".

    `done`: its verb says the task was done ("I paid the rent"): alone, it completes the task.
    """

    words: str
    done: bool = False


@dataclass(frozen=True)
class SmallTalk:
    """No tool: a greeting, thanks, help, or a sentence the engine cannot act on."""

    kind: TalkKind


@dataclass(frozen=True)
class Selection:
    """An answer to "which one?": a number (a task id, else a position) or an ordinal."""

    number: int | None = None
    position: int | None = None  # 1-based; -1 is the last


@dataclass(frozen=True)
class Undo:
    """Take back the previous answer's changes ("undo that"), read from the stored history."""


Intent = AddTask | ListTasks | ChangeTask | AskStatus | ShowTask | Correction | SmallTalk | Undo
