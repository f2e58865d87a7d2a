"""Carrying out what the local engine understood, one turn at a time, through the tools.

`Turn.call` is the only place a tool is called. A turn remembers what it acted on and what it
showed, so "add milk and mark it done" and "show my tasks … complete the second one" work.
"""

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from backend.chat.models import Message
from backend.chat.providers.actions import (
    AddTask,
    Adjustment,
    AskStatus,
    ChangeTask,
    Correction,
    ListTasks,
    ShowTask,
    SmallTalk,
    Task,
    TaskRef,
    Undo,
)
from backend.chat.providers.adding import capitalized
from backend.chat.providers.base import ToolCaller
from backend.chat.providers.changes import split_level
from backend.chat.providers.dialogue import (
    Confirmed,
    Declined,
    Step,
    last_mentioned,
    requires_confirmation,
    tasks_in,
)
from backend.chat.providers.phrases import END_OF_DAY, parse_date_phrase, parse_time_only
from backend.chat.providers.questions import ordered
from backend.chat.providers.replies import (
    MAX_LISTED,
    TALK,
    bullets,
    completed,
    describe,
    name,
    updated,
)
from backend.chat.providers.slots import LEVELS
from backend.chat.providers.targets import FETCH_LIMIT, WHICH, Resolver, Said
from backend.chat.providers.undo import undo
from backend.tasks.tools import ToolOutcome


def adjusted(task: Task, adjust: Adjustment, now: datetime) -> dict[str, Any]:
    """The `update_task` fields an adjustment gives, computed from the task as it is."""
    fields: dict[str, Any] = {}
    if adjust.later_by is not None:
        due = task.get("due_date")
        base = (
            datetime.fromisoformat(due)
            if due
            else datetime.combine(now.date(), END_OF_DAY, tzinfo=UTC)
        )
        fields["due_date"] = adjust.later_by.after(base).isoformat()
    if adjust.at_time is not None:
        due = task.get("due_date")
        day = datetime.fromisoformat(due).date() if due else now.date()
        fields["due_date"] = datetime.combine(day, adjust.at_time, tzinfo=UTC).isoformat()
    if adjust.priority_step:
        index = LEVELS.index(task.get("priority") or "medium") + adjust.priority_step
        fields["priority"] = LEVELS[max(0, min(len(LEVELS) - 1, index))]
    if adjust.add_tags or adjust.remove_tags:
        tags = [tag for tag in task.get("tags") or [] if tag not in adjust.remove_tags]
        fields["tags"] = list(dict.fromkeys([*tags, *adjust.add_tags]))
    if adjust.note:
        before = task.get("description")
        fields["description"] = f"{before}\n{adjust.note}" if before else adjust.note
    return fields


def _noun(count: int) -> str:
    return "task" if count == 1 else "tasks"


def _ids(tasks: list[Task]) -> str:
    return ", ".join(f"#{task['id']} “{task['title']}”" for task in tasks)


class Turn(Resolver):
    """One turn's execution: the tools, the stored history, the clock and what was done."""

    def __init__(self, call_tool: ToolCaller, history: Sequence[Message], now: datetime) -> None:
        super().__init__(history, now)
        self._call_tool = call_tool
        self.fresh: set[int] = set()  # ids whose state was read during this turn

    async def call(self, name: str, arguments: dict[str, Any]) -> ToolOutcome:
        """Call one tool; remember the tasks it touched or listed."""
        outcome = await self._call_tool(name, arguments)
        if outcome.ok:
            tasks = tasks_in(outcome.result)
            self.fresh.update(int(task["id"]) for task in tasks)
            if name != "list_tasks":
                self.acted.update((int(task["id"]), task) for task in tasks)
        return outcome

    async def run(self, steps: Sequence[Step]) -> str:
        """Carry out the steps in order; stop at the first that asks the user something."""
        lines: list[str] = []
        for step in steps:
            said = await self._step(step)
            lines.append(said.text)
            if said.asks:
                break
        return "\n".join(lines)

    async def _step(self, step: Step) -> Said:
        if isinstance(step, SmallTalk):
            return Said(TALK[step.kind], asks=step.kind == "need_title")
        if isinstance(step, AddTask):
            return await self._add(step)
        if isinstance(step, ListTasks):
            return await self._list(step)
        if isinstance(step, AskStatus):
            return await self._status(step)
        if isinstance(step, ShowTask):
            return await self._show(step)
        if isinstance(step, Correction):
            return await self._correct(step)
        if isinstance(step, Undo):
            return Said(await undo(self))
        if isinstance(step, Confirmed):
            targets = [{"id": task_id} for task_id in step.task_ids]
            return await self.apply(step.change, targets) if targets else Said("Nothing to do.")
        if isinstance(step, Declined):
            return Said("OK, I left your tasks as they are.")
        return await self._change(step)

    async def _add(self, intent: AddTask) -> Said:
        outcome = await self.call("add_task", intent.arguments)
        if not outcome.ok:
            return Said(f"I couldn't add that task: {outcome.result['error']}")
        return Said(f"Added task {describe(outcome.result['task'], self.now)}.")

    async def _list(self, intent: ListTasks) -> Said:
        wide = intent.sort or intent.undated
        arguments = {**intent.arguments, "limit": FETCH_LIMIT if wide else MAX_LISTED}
        outcome = await self.call("list_tasks", arguments)
        label = intent.label
        if outcome.ok and intent.tag_or_search and outcome.result["total"] == 0:
            word = arguments.pop("tag")
            label = label.replace(f"tagged #{word}", f"matching “{word}”")
            outcome = await self.call("list_tasks", {**arguments, "search": word})
        if not outcome.ok:
            return Said(f"I couldn't list your tasks: {outcome.result['error']}")
        tasks, total = list(outcome.result["tasks"]), outcome.result["total"]
        if intent.undated:
            tasks = [task for task in tasks if not task.get("due_date")]
            total = len(tasks)
        if not tasks:
            return Said(f"You have no {label}.")
        tasks = ordered(tasks, intent.sort)
        self.shown = tasks[:MAX_LISTED]
        lines = [f"Here are your {label} ({total}):", *bullets(tasks, self.now)]
        if intent.count:
            lines.insert(0, f"You have {total} {label.replace('tasks', _noun(total), 1)}.")
        if total > MAX_LISTED:
            lines.append(f"…and {total - MAX_LISTED} more.")
        if intent.caveat:
            lines.append(intent.caveat)
        return Said("\n".join(lines))

    async def _status(self, intent: AskStatus) -> Said:
        found = await self._targets(intent.ref, "all", ask=False)
        if isinstance(found, Said):
            return found
        targets = [await self._current(task) for task in found]
        if len(targets) == 1 and "completed" in targets[0]:
            task = targets[0]
            if task["completed"]:
                return Said(f"Yes, {name(task)} is done.")
            return Said(f"No, {name(task)} is still pending.")
        return Said("\n".join(["Here is where they stand:", *bullets(targets, self.now)]))

    async def _show(self, intent: ShowTask) -> Said:
        found = await self._targets(intent.ref, "all")
        if isinstance(found, Said):
            return found
        lines: list[str] = []
        # a task from the list shown is read as it was shown: this answer lists nothing new
        shown = [t if "description" in t else await self._current(t) for t in found[:MAX_LISTED]]
        for task in shown:
            note = task.get("description")
            lines += [describe(task, self.now), f"Note: {note}" if note else "It has no note."]
        return Said("\n".join(lines))

    async def _correct(self, intent: Correction) -> Said:
        targets = list(self.acted.values()) or last_mentioned(self.history)
        if len(targets) != 1:
            return Said(WHICH, asks=True)
        level = split_level(intent.text)
        said = intent.text.strip()
        # "make that 4" after "meeting at 3": a bare number is an hour, never a title
        clock = parse_time_only(f"at {said}" if said.isdigit() else said)
        due = parse_date_phrase(intent.text, self.now)
        change = ChangeTask("update_task", TaskRef(), {"title": capitalized(intent.text)})
        if level:
            change = ChangeTask("update_task", TaskRef(), {"priority": level})
        elif clock is not None:  # "make that 3pm": the same day, at 3pm
            change = ChangeTask("update_task", TaskRef(), {}, Adjustment(at_time=clock))
        elif due:
            change = ChangeTask("update_task", TaskRef(), {"due_date": due.isoformat()})
        return await self.apply(change, targets)

    async def _change(self, intent: ChangeTask) -> Said:
        status = "all"
        if intent.tool == "complete_task":
            status = "pending" if intent.changes["completed"] else "completed"
        targets = await self._targets(intent.ref, status, delete=intent.tool == "delete_task")
        if isinstance(targets, Said):
            return targets
        if requires_confirmation(intent):
            count = len(targets)
            lines = [f"This would delete {count} {_noun(count)}:", *bullets(targets, self.now)]
            if len(targets) > MAX_LISTED:
                lines.append(f"…and {len(targets) - MAX_LISTED} more.")
            them = "it" if count == 1 else "them"
            lines.append(f"Shall I go ahead? Say “yes” to delete {them} or “no” to keep {them}.")
            return Said("\n".join(lines), asks=True)
        return await self.apply(intent, targets)

    async def apply(self, intent: ChangeTask, targets: list[Task]) -> Said:
        """Make the change to each target; one sentence for one task, a summary for several."""
        done: list[Task] = []
        lines: list[str] = []
        for target in targets:
            changes = dict(intent.changes)
            if intent.adjust is not None:
                changes.update(adjusted(await self._current(target), intent.adjust, self.now))
            outcome = await self.call(intent.tool, {"task_id": target["id"], **changes})
            if not outcome.ok:
                error = outcome.result["error"]
                if "not found" in error.lower():
                    lines.append(f"I couldn't find task #{target['id']}.")
                else:
                    lines.append(f"I couldn't change task #{target['id']}: {error}")
                continue
            done.append(outcome.result.get("task") or outcome.result["deleted"])
            if len(targets) == 1:
                lines.append(self._confirm(intent, changes, outcome.result))
        if len(done) > 1:
            lines.insert(0, self._summary(intent, done))
        return Said("\n".join(lines))

    def _confirm(self, intent: ChangeTask, changes: dict[str, Any], result: dict[str, Any]) -> str:
        if intent.tool == "delete_task":
            return f"Deleted task {describe(result['deleted'], self.now)}."
        task = result["task"]
        if intent.tool == "complete_task":
            if changes["completed"]:
                return completed(task, result.get("next_occurrence"), self.now)
            return f"Reopened {name(task)}."
        return updated(task, changes, self.now)

    def _summary(self, intent: ChangeTask, done: list[Task]) -> str:
        if intent.tool == "delete_task":
            return f"Deleted {len(done)} tasks: {_ids(done)}."
        if intent.tool == "complete_task":
            verb = "Marked" if intent.changes["completed"] else "Reopened"
            return (
                f"{verb} {len(done)} tasks{' as done' if verb == 'Marked' else ''}: {_ids(done)}."
            )
        return f"Updated {len(done)} tasks: {_ids(done)}."

    async def _current(self, task: Task) -> Task:
        """The task as it is now (adjustments are relative to it), read once per turn."""
        task_id = int(task["id"])
        if task_id in self.fresh and "title" in task:
            return task
        arguments: dict[str, Any] = {"status": "all", "limit": FETCH_LIMIT}
        if task.get("title"):
            arguments["search"] = task["title"]
        outcome = await self.call("list_tasks", arguments)
        found = [t for t in tasks_in(outcome.result) if t["id"] == task_id] if outcome.ok else []
        return found[0] if found else task
