"""Undo: the previous answer's changes taken back, the last one first, from the stored calls."""

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from backend.chat.models import Message, Role
from backend.chat.providers.actions import ChangeTask, Task, TaskRef
from backend.chat.providers.dialogue import tasks_in
from backend.chat.providers.replies import describe, name
from backend.tasks.tools import ToolOutcome

if TYPE_CHECKING:  # the executor imports this module to run an undo
    from backend.chat.providers.execution import Turn

# The fields a deleted task is re-added with when its deletion is undone.
RESTORED_FIELDS = ("title", "description", "priority", "tags", "due_date", "recurrence")
EDITABLE = RESTORED_FIELDS


def _snapshot(history: Sequence[Message], task_id: int, before: int) -> Task | None:
    """The task as the conversation last saw it before the last answer's call at `before`."""
    last = len(history) - 1
    for index in range(last, -1, -1):
        message = history[index]
        if message.role != Role.ASSISTANT:
            continue
        calls = message.tool_calls[:before] if index == last else message.tool_calls
        for call in reversed(calls):
            for task in tasks_in(call["result"]):
                if task["id"] == task_id:
                    return task
    return None


async def undo(turn: "Turn") -> str:
    """Take back every change of the previous answer, the last one first."""
    history = turn.history
    previous = history[-1] if history and history[-1].role == Role.ASSISTANT else None
    calls = previous.tool_calls if previous else []
    changes = [
        (index, call)
        for index, call in enumerate(calls)
        if call["tool"] != "list_tasks" and "error" not in call["result"]
    ]
    if not changes:
        return "There is nothing to undo: my last answer changed no task."
    return "\n".join([await _undo_one(turn, index, call) for index, call in reversed(changes)])


async def _undo_one(turn: "Turn", index: int, call: dict[str, Any]) -> str:
    tool, result = call["tool"], call["result"]
    if tool == "complete_task":
        task = result["task"]
        reverse = ChangeTask("complete_task", TaskRef(), {"completed": not task["completed"]})
        lines = [(await turn.apply(reverse, [task])).text]
        following = result.get("next_occurrence")
        if following:
            outcome = await turn.call("delete_task", {"task_id": following["id"]})
            if outcome.ok:
                lines.append(f"Removed its next occurrence #{following['id']}.")
        return "\n".join(lines)
    if tool == "add_task":
        outcome = await turn.call("delete_task", {"task_id": result["task"]["id"]})
        if not outcome.ok:
            return _cannot_undo(outcome)
        return f"Undone: removed task {describe(outcome.result['deleted'], turn.now)}."
    if tool == "delete_task":
        deleted = result["deleted"]
        fields = {key: deleted[key] for key in RESTORED_FIELDS if deleted.get(key) is not None}
        outcome = await turn.call("add_task", fields)
        if not outcome.ok:
            return _cannot_undo(outcome)
        return f"Undone: task restored as {describe(outcome.result['task'], turn.now)}."
    before = _snapshot(turn.history, result["task"]["id"], index)
    if before is None:
        return "I can't undo an edit; tell me the value to set instead (e.g. “move it to friday”)."
    fields = {key: before.get(key) for key in EDITABLE if key in call["arguments"]}
    outcome = await turn.call("update_task", {"task_id": before["id"], **fields})
    if not outcome.ok:
        return _cannot_undo(outcome)
    return f"Undone: {name(outcome.result['task'])} is back as it was."


def _cannot_undo(outcome: ToolOutcome) -> str:
    return f"I couldn't undo that: {outcome.result['error']}"
