"""Our messages as ChatKit thread items, and a ChatKit user message as our text: pure.

A user message is one `user_message` item; an assistant message is one `assistant_message` item,
preceded by a `workflow` item listing its tool calls when it made any. The workflow's id is the
message's with `wf_` for `msg_`, so both stay stable and unique without a row of their own.
"""

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from backend.chat.models import Message, Role
from chatkit.types import (
    AssistantMessageContent,
    AssistantMessageItem,
    CustomSummary,
    CustomTask,
    InferenceOptions,
    ThreadItem,
    UserMessageContent,
    UserMessageItem,
    UserMessageTextContent,
    Workflow,
    WorkflowItem,
)

MESSAGE_PREFIX = "msg_"
WORKFLOW_PREFIX = "wf_"


def message_text(content: Sequence[UserMessageContent]) -> str:
    """What the user typed: the text of every part (a tag part by its text)."""
    return "".join(part.text for part in content)


def workflow_id(message_id: str) -> str:
    """The id of the workflow item showing an assistant message's tool calls."""
    return WORKFLOW_PREFIX + message_id.removeprefix(MESSAGE_PREFIX)


def message_id(item_id: str) -> str:
    """The id of the message an item shows (a workflow shows its assistant message's calls)."""
    if item_id.startswith(WORKFLOW_PREFIX):
        return MESSAGE_PREFIX + item_id.removeprefix(WORKFLOW_PREFIX)
    return item_id


def tool_task(call: Mapping[str, Any]) -> CustomTask:
    """One tool call as a workflow task: what it did to which task, or its error."""
    result: Mapping[str, Any] = call["result"]
    if "error" in result:
        title, icon = f"{call['tool']} failed: {result['error']}", "circle-question"
    elif "status" in result:
        title, icon = f"Task #{result['task_id']} {result['status']}: {result['title']}", "check"
    else:
        title, icon = f"Listed {result.get('total', 0)} task(s)", "search"
    return CustomTask(title=title, icon=icon, status_indicator="complete")


def workflow_item(
    item_id: str, thread_id: str, created_at: datetime, calls: Sequence[Mapping[str, Any]]
) -> WorkflowItem:
    """The workflow item listing a reply's tool calls."""
    return WorkflowItem(
        id=workflow_id(item_id),
        thread_id=thread_id,
        created_at=created_at,
        workflow=Workflow(
            type="custom",
            tasks=[tool_task(call) for call in calls],
            summary=CustomSummary(title="Tasks", icon="check-circle"),
        ),
    )


def assistant_item(
    item_id: str, thread_id: str, created_at: datetime, text: str
) -> AssistantMessageItem:
    """An assistant message item with its text."""
    return AssistantMessageItem(
        id=item_id,
        thread_id=thread_id,
        created_at=created_at,
        content=[AssistantMessageContent(text=text)],
    )


def user_item(item_id: str, thread_id: str, created_at: datetime, text: str) -> UserMessageItem:
    """A user message item with its text."""
    return UserMessageItem(
        id=item_id,
        thread_id=thread_id,
        created_at=created_at,
        content=[UserMessageTextContent(text=text)],
        inference_options=InferenceOptions(),
    )


def thread_items(message: Message, thread_id: str) -> list[ThreadItem]:
    """A stored message as ChatKit shows it, oldest item first."""
    if message.role == Role.USER:
        return [user_item(message.chatkit_id, thread_id, message.created_at, message.content)]
    reply = assistant_item(message.chatkit_id, thread_id, message.created_at, message.content)
    if not message.tool_calls:
        return [reply]
    return [
        workflow_item(message.chatkit_id, thread_id, message.created_at, message.tool_calls),
        reply,
    ]
