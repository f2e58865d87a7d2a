"""Stored conversations of a chosen length, for the query-count test and the benchmark."""

from sqlmodel import Session

from backend.chat.models import Conversation, Message, Role


def seed_conversation(
    session: Session, owner_id: str, task_id: int, size: int, filler: str = ""
) -> tuple[int, int]:
    """A conversation of `size` messages whose last (assistant) message added task `task_id`.

    Returns the conversation's id and its last message's id.
    """
    conversation = Conversation(user_id=owner_id, title=f"{size} messages")
    session.add(conversation)
    session.flush()
    assert conversation.id is not None
    added = {
        "tool": "add_task",
        "arguments": {"title": "Buy milk"},
        "result": {"task": {"id": task_id, "title": "Buy milk"}},
    }
    messages = []
    for index in range(size):
        assistant = (size - 1 - index) % 2 == 0
        messages.append(
            Message(
                conversation_id=conversation.id,
                user_id=owner_id,
                role=Role.ASSISTANT if assistant else Role.USER,
                content=f"message {index} {filler}",
                tool_calls=[added] if assistant and index == size - 1 else [],
            )
        )
    session.add_all(messages)
    session.commit()
    assert messages[-1].id is not None
    return conversation.id, messages[-1].id
