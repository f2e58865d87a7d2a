"""The built-in offline engine: acts on parsed intents through the tools, answers in sentences."""

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from backend.chat.models import Message, Role
from backend.chat.providers.base import ToolCaller
from backend.chat.providers.intents import (
    AddTask,
    ChangeTask,
    ListTasks,
    Selection,
    SmallTalk,
    TalkKind,
    TaskRef,
    Undo,
    parse_selection,
    parse_utterance,
)
from backend.chat.providers.phrases import parse_date_phrase
from backend.datetimes import utcnow
from backend.tasks.tools import ToolOutcome

MAX_LISTED = 10
TALK: dict[TalkKind, str] = {
    "greeting": (
        "Hi! I can add, list, complete, update and delete your tasks. "
        "Try “add buy milk tomorrow at 5pm #errands”."
    ),
    "thanks": "You're welcome! Anything else I can do for your tasks?",
    "help": (
        "Here is what I understand:\n"
        "• add buy milk tomorrow at 5pm #errands high priority\n"
        "• show my pending tasks / what's overdue / tasks due this week / tasks tagged #work\n"
        "• mark buy milk as done / complete task 3 / reopen task 3\n"
        "• rename task 3 to buy oat milk / make task 3 low priority / move it to next friday\n"
        "• delete task 3 / undo that\n"
        "You can say “it” for the task we just talked about."
    ),
    "unknown": (
        "Sorry, I didn't catch that. I can add, list, complete, reopen, rename, reschedule and "
        "delete tasks; say “help” for examples."
    ),
    "need_title": "What should the task be called? For example: “add buy milk tomorrow”.",
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
    details.extend(f"#{tag}" for tag in task.get("tags") or [])
    line = f"#{task['id']} “{task['title']}”"
    if task.get("completed"):
        line = "✓ " + line
    return f"{line} ({', '.join(details)})" if details else line


def tasks_in(result: dict[str, Any]) -> list[dict[str, Any]]:
    """The tasks a tool result names: the one it touched or the ones it listed."""
    if "tasks" in result:
        return list(result["tasks"])
    return [result[key] for key in ("task", "deleted") if isinstance(result.get(key), dict)]


def last_mentioned(history: Sequence[Message]) -> list[dict[str, Any]]:
    """What "it" refers to: the tasks the assistant last acted on, else the ones it last listed."""
    for message in reversed(history):
        if message.role != Role.ASSISTANT:
            continue
        acted: dict[int, dict[str, Any]] = {}
        listed: dict[int, dict[str, Any]] = {}
        for call in message.tool_calls:
            found = listed if call["tool"] == "list_tasks" else acted
            found.update((task["id"], task) for task in tasks_in(call["result"]))
        if acted or listed:
            return list((acted or listed).values())
    return []


def answered_choice(message: str, history: Sequence[Message], now: datetime) -> ChangeTask | None:
    """The change a "which one?" question was about, now that the user picked one.

    The question's own turn is re-read from the stored history: the user's previous message
    gives the action, the assistant's answer (or the turns before it) gives the candidates.
    """
    selection = parse_selection(message)
    if selection is None or len(history) < 2:
        return None
    asked, question = history[-2], history[-1]
    if asked.role != Role.USER or question.role != Role.ASSISTANT:
        return None
    if any(call["tool"] != "list_tasks" for call in question.tool_calls):
        return None  # that turn acted: it asked nothing
    intent = parse_utterance(asked.content, now)
    if not isinstance(intent, ChangeTask) or intent.ref.task_id is not None:
        return None
    if intent.ref.words is None:
        candidates = last_mentioned(history[:-2])
    else:
        found = [call for call in question.tool_calls if call["tool"] == "list_tasks"]
        candidates = tasks_in(found[-1]["result"]) if found else []
    if len(candidates) < 2:
        return None
    chosen = _pick(selection, candidates)
    return replace(intent, ref=TaskRef(task_id=chosen)) if chosen is not None else None


def _pick(selection: Selection, candidates: list[dict[str, Any]]) -> int | None:
    ids = [int(task["id"]) for task in candidates]
    if selection.number is not None and selection.number in ids:
        return selection.number
    position = selection.position if selection.position is not None else selection.number
    return _id_at(candidates, position) if position is not None else None


class LocalEngine:
    """Deterministic, offline provider: plain-English task commands, no model, no network."""

    def __init__(self, clock: Callable[[], datetime] = utcnow) -> None:
        self._clock = clock
        # dateparser loads its language data on first use (about a second): pay that when the
        # app starts, not on some user's first message.
        parse_date_phrase("tomorrow", clock())

    async def reply(
        self, *, history: Sequence[Message], message: str, call_tool: ToolCaller
    ) -> str:
        """Understand the message, call the tools it needs and confirm what was done."""
        now = self._clock()
        intent = parse_utterance(message, now)
        if intent == SmallTalk("unknown"):
            intent = answered_choice(message, history, now) or intent
        if isinstance(intent, SmallTalk):
            return TALK[intent.kind]
        if isinstance(intent, AddTask):
            outcome = await call_tool("add_task", intent.arguments)
            if not outcome.ok:
                return f"I couldn't add that task: {outcome.result['error']}"
            return f"Added task {describe(outcome.result['task'], now)}."
        if isinstance(intent, ListTasks):
            return await self._list(intent, call_tool, now)
        if isinstance(intent, Undo):
            return await undo(history, call_tool, now)
        return await self._change(intent, history, call_tool, now)

    async def _list(self, intent: ListTasks, call_tool: ToolCaller, now: datetime) -> str:
        outcome = await call_tool("list_tasks", {**intent.arguments, "limit": MAX_LISTED})
        if not outcome.ok:
            return f"I couldn't list your tasks: {outcome.result['error']}"
        tasks, total = outcome.result["tasks"], outcome.result["total"]
        if not tasks:
            return f"You have no {intent.label}."
        lines = [f"Here are your {intent.label} ({total}):"]
        lines.extend("• " + describe(task, now) for task in tasks)
        if total > len(tasks):
            lines.append(f"…and {total - len(tasks)} more.")
        return "\n".join(lines)

    async def _change(
        self, intent: ChangeTask, history: Sequence[Message], call_tool: ToolCaller, now: datetime
    ) -> str:
        target = await self._resolve(intent, history, call_tool, now)
        if isinstance(target, str):
            return target
        outcome = await call_tool(intent.tool, {"task_id": target, **intent.changes})
        if not outcome.ok:
            error = outcome.result["error"]
            if "not found" in error.lower():
                return f"I couldn't find task #{target}."
            return f"I couldn't change task #{target}: {error}"
        return confirm(intent, outcome.result, now)

    async def _resolve(
        self, intent: ChangeTask, history: Sequence[Message], call_tool: ToolCaller, now: datetime
    ) -> int | str:
        """The task id the intent means, or a question/answer to give instead."""
        ref: TaskRef = intent.ref
        if ref.task_id is not None:
            return ref.task_id
        if ref.words is None:
            # Deleting by pronoun only trusts the answer just given: "them" must not reach back
            # to a list from several turns ago.
            recent = history[-1:] if intent.tool == "delete_task" else history
            candidates = last_mentioned(recent)
            if not candidates:
                return "Which task do you mean? Tell me its number or some words of its title."
            if ref.position is not None:
                return _at_position(candidates, ref.position)
            return _single(candidates, None, len(candidates), now)
        status = "all"
        if intent.tool == "complete_task":
            status = "pending" if intent.changes["completed"] else "completed"
        outcome = await call_tool("list_tasks", {"search": ref.words, "status": status})
        matches = outcome.result.get("tasks", []) if outcome.ok else []
        if not matches:
            kind = "" if status == "all" else f"{status} "
            return f"I couldn't find a {kind}task matching “{ref.words}”."
        exact = [task for task in matches if task["title"].lower() == ref.words.lower()]
        if len(exact) == 1:
            return int(exact[0]["id"])
        return _single(matches, ref.words, outcome.result["total"], now)


def _id_at(candidates: list[dict[str, Any]], position: int) -> int | None:
    """The id of the task at a 1-based position of `candidates` (-1: the last one), if any."""
    if position == -1 and candidates:
        return int(candidates[-1]["id"])
    if 1 <= position <= len(candidates):
        return int(candidates[position - 1]["id"])
    return None


def _at_position(candidates: list[dict[str, Any]], position: int) -> int | str:
    """The task at a 1-based position of the tasks last shown (-1: the last one)."""
    found = _id_at(candidates, position)
    if found is not None:
        return found
    shown = "one task" if len(candidates) == 1 else f"{len(candidates)} tasks"
    return f"I only showed {shown}; tell me its number instead."


def _single(
    candidates: list[dict[str, Any]], words: str | None, total: int, now: datetime
) -> int | str:
    """The one candidate's id, else a question listing them (the first MAX_LISTED of `total`)."""
    if total == 1:
        return int(candidates[0]["id"])
    found = f"I found {total} tasks" + (f" matching “{words}”" if words else "")
    shown = candidates[:MAX_LISTED]
    lines = [f"{found}; which one do you mean?"]
    lines.extend("• " + describe(task, now) for task in shown)
    if total > len(shown):
        lines.append(f"…and {total - len(shown)} more; more words of the title will narrow it.")
    lines.append(f"Answer with its number (like “{candidates[0]['id']}”) or “the first one”.")
    return "\n".join(lines)


# The fields a deleted task is re-added with when its deletion is undone.
RESTORED_FIELDS = ("title", "description", "priority", "tags", "due_date", "recurrence")


async def undo(history: Sequence[Message], call_tool: ToolCaller, now: datetime) -> str:
    """Take back the last change of the previous answer: complete, reopen, add or delete."""
    previous = history[-1] if history and history[-1].role == Role.ASSISTANT else None
    changes = [
        call
        for call in (previous.tool_calls if previous else [])
        if call["tool"] != "list_tasks" and "error" not in call["result"]
    ]
    if not changes:
        return "There is nothing to undo: my last answer changed no task."
    last = changes[-1]
    tool, result = last["tool"], last["result"]
    if tool == "complete_task":
        task = result["task"]
        reverse = ChangeTask("complete_task", TaskRef(), {"completed": not task["completed"]})
        outcome = await call_tool("complete_task", {"task_id": task["id"], **reverse.changes})
        return confirm(reverse, outcome.result, now) if outcome.ok else _cannot_undo(outcome)
    if tool == "add_task":
        outcome = await call_tool("delete_task", {"task_id": result["task"]["id"]})
        if not outcome.ok:
            return _cannot_undo(outcome)
        return f"Undone: removed task {describe(outcome.result['deleted'], now)}."
    if tool == "delete_task":
        deleted = result["deleted"]
        fields = {key: deleted[key] for key in RESTORED_FIELDS if deleted.get(key) is not None}
        outcome = await call_tool("add_task", fields)
        if not outcome.ok:
            return _cannot_undo(outcome)
        return f"Undone: task restored as {describe(outcome.result['task'], now)}."
    return "I can't undo an edit; tell me the value to set instead (e.g. “move it to friday”)."


def _cannot_undo(outcome: ToolOutcome) -> str:
    return f"I couldn't undo that: {outcome.result['error']}"


def confirm(intent: ChangeTask, result: dict[str, Any], now: datetime) -> str:
    """The sentence confirming a complete/reopen/delete/update."""
    if intent.tool == "delete_task":
        return f"Deleted task {describe(result['deleted'], now)}."
    task = result["task"]
    name = f"task #{task['id']} “{task['title']}”"
    if intent.tool == "complete_task":
        if intent.changes["completed"]:
            done = f"Marked {name} as done. Nice work!"
            following = result.get("next_occurrence")
            if following:
                done += f" The next one is {describe(following, now)}."
            return done
        return f"Reopened {name}."
    changes = []
    if "title" in intent.changes:
        changes.append("renamed it")
    if "priority" in intent.changes:
        changes.append(f"set its priority to {task['priority']}")
    if "due_date" in intent.changes:
        due = task.get("due_date")
        changes.append(f"moved it to {format_due(due, now)}" if due else "removed its due date")
    if "tags" in intent.changes:
        changes.append("tagged it " + " ".join(f"#{tag}" for tag in task.get("tags") or []))
    return f"Updated {name}: " + " and ".join(changes) + "."
