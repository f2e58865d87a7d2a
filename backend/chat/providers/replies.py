"""The local engine's sentences: tasks as people read them, and what each change did."""

from datetime import datetime
from typing import Any

from backend.chat.providers.actions import TalkKind

MAX_LISTED = 10
HELP = (
    "Here is what I understand:\n"
    "• add buy milk tomorrow at 5pm #errands high priority — or several: add milk, eggs and bread\n"
    "• remind me to call mom every monday at 9:30 - ask about the trip\n"
    "• what's due today? / anything high priority? / my work tasks / find the passport task\n"
    "• what did I get done? / is the report done? / show my tasks sorted by due date\n"
    "• mark buy milk as done / delete 3 and 4 / mark all my work tasks done / clear completed\n"
    "• push the dentist back 2 days / bump it up / tag it family / remove the work tag from it\n"
    "• make it repeat weekly / stop repeating it / add a note to it: bring receipts\n"
    "• rename it to buy oat milk / reopen it / undo that / sorry, I meant friday\n"
    "After a list, “the second one” or “number 2” means a task in it; “it” and “them” mean the "
    "tasks we just talked about."
)
TALK: dict[TalkKind, str] = {
    "greeting": (
        "Hi! I can add, list, complete, update and delete your tasks. "
        "Try “add buy milk tomorrow at 5pm #errands”."
    ),
    "thanks": "You're welcome! Anything else I can do for your tasks?",
    "dismiss": "OK, I changed nothing. (To take back my last change, say “undo”.)",
    "bye": "Bye! Your tasks are saved; come back any time.",
    "help": HELP,
    "unknown": (
        "Sorry, I didn't catch that. Nothing was changed. I can add, list, complete, reopen, "
        "rename, reschedule, tag and delete tasks; say “help” for examples."
    ),
    "need_title": "What should the task be called? For example: “add buy milk tomorrow”.",
    "bad_repeat": (
        "I can repeat a task daily, weekly (on one day) or monthly, not at other intervals; "
        "nothing was added. Try “every monday” or “every day at 8am”."
    ),
    "bad_date": (
        "I couldn't understand that date. Try “tomorrow at 5pm”, “next friday”, “in 3 days” or "
        "“on 2026-12-01”."
    ),
}


def format_due(value: str, now: datetime) -> str:
    """A due date as people read it: "Thu 19 Nov 17:00 UTC", the year only when not this one."""
    due = datetime.fromisoformat(value)
    text = due.strftime("%a %d %b" if due.year == now.year else "%a %d %b %Y")
    if (due.hour, due.minute) != (23, 59):
        text += due.strftime(" %H:%M UTC")
    return text


def describe(task: dict[str, Any], now: datetime) -> str:
    """One task on one line: "#3 “Buy milk” (due Thu 19 Nov, high priority, #errands)"."""
    details = []
    if task.get("due_date"):
        details.append("due " + format_due(task["due_date"], now))
    if task.get("priority") and task["priority"] != "medium":
        details.append(f"{task['priority']} priority")
    if task.get("recurrence") and task["recurrence"] != "none":
        details.append(f"repeats {task['recurrence']}")
    details.extend(f"#{tag}" for tag in task.get("tags") or [])
    line = f"#{task['id']} “{task['title']}”"
    if task.get("completed"):
        line = "✓ " + line
    return f"{line} ({', '.join(details)})" if details else line


def bullets(tasks: list[dict[str, Any]], now: datetime) -> list[str]:
    """Tasks as bullet lines, the first MAX_LISTED of them."""
    return ["• " + describe(task, now) for task in tasks[:MAX_LISTED]]


def name(task: dict[str, Any]) -> str:
    """A task by id and title: task #3 “Buy milk”."""
    return f"task #{task['id']} “{task['title']}”"


def completed(task: dict[str, Any], following: dict[str, Any] | None, now: datetime) -> str:
    """The sentence confirming a task was marked done (and its next occurrence)."""
    done = f"Marked {name(task)} as done. Nice work!"
    if following:
        done += f" The next one is {describe(following, now)}."
    return done


def updated(task: dict[str, Any], arguments: dict[str, Any], now: datetime) -> str:
    """The sentence confirming an update: each field that was sent, as it now is."""
    changes = []
    if "title" in arguments:
        changes.append("renamed it")
    if "priority" in arguments:
        changes.append(f"set its priority to {task['priority']}")
    if "due_date" in arguments:
        due = task.get("due_date")
        changes.append(f"moved it to {format_due(due, now)}" if due else "removed its due date")
    if "tags" in arguments:
        tags = task.get("tags") or []
        changes.append(
            "tagged it " + " ".join(f"#{tag}" for tag in tags) if tags else "untagged it"
        )
    if "recurrence" in arguments:
        recurrence = task.get("recurrence", "none")
        changes.append(
            "made it repeat " + recurrence if recurrence != "none" else "stopped it repeating"
        )
    if "description" in arguments:
        changes.append("added the note")
    return f"Updated {name(task)}: " + " and ".join(changes) + "."
