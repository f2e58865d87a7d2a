"""The dialogue state, a pure function of the stored messages: no database, no engine."""

from typing import Any

import pytest

from backend.chat.models import Message, Role
from backend.chat.providers.actions import AddTask, ChangeTask, SmallTalk, TaskRef
from backend.chat.providers.dialogue import Confirmed, Declined, understand
from backend.chat.providers.normalise import correct_spelling, sentences
from backend.chat.providers.slots import Slots, split_slots
from tests.chat.conftest import NOW

MILK = {"id": 11, "title": "Buy milk", "completed": False}
BREAD = {"id": 12, "title": "Buy bread", "completed": False}
RENT = {"id": 13, "title": "Pay rent", "completed": True}


def listed(*tasks: dict[str, Any]) -> dict[str, Any]:
    """A stored list_tasks call that found these tasks."""
    return {"tool": "list_tasks", "arguments": {}, "result": {"tasks": list(tasks), "total": 2}}


def turn(user: str, answer: str, *calls: dict[str, Any]) -> list[Message]:
    """One stored exchange: the user's message and the answer with its tool calls."""
    return [
        Message(conversation_id=1, owner_id="u", role=Role.USER, content=user),
        Message(
            conversation_id=1,
            owner_id="u",
            role=Role.ASSISTANT,
            content=answer,
            tool_calls=list(calls),
        ),
    ]


WHICH_BUY = turn("complete buy", "I found 2 tasks matching “buy”; which one?", listed(MILK, BREAD))
CLEAR = turn("clear completed", "This would delete 1 task: … Shall I go ahead?", listed(RENT))
COMPLETE_BREAD = ChangeTask("complete_task", TaskRef(task_id=12), {"completed": True})


class TestUnderstandInContext:
    @pytest.mark.parametrize("answer", ["bread", "the bread one", "2", "the last one", "12"])
    def test_which_one_is_answered_by_a_title_word_a_position_or_an_id(self, answer: str) -> None:
        assert understand(answer, WHICH_BUY, NOW) == [COMPLETE_BREAD]

    @pytest.mark.parametrize("answer", ["no", "nope", "never mind"])
    def test_no_to_which_one_does_nothing(self, answer: str) -> None:
        assert understand(answer, WHICH_BUY, NOW) == [Declined()]

    def test_a_word_matching_no_candidate_is_not_an_answer(self) -> None:
        assert understand("ok", WHICH_BUY, NOW) == [SmallTalk("thanks")]

    @pytest.mark.parametrize("answer", ["yes", "ok", "go ahead", "yes please", "sure"])
    def test_yes_confirms_the_bulk_delete_on_the_tasks_shown(self, answer: str) -> None:
        [step] = understand(answer, CLEAR, NOW)
        assert isinstance(step, Confirmed)
        assert (step.change.tool, step.task_ids) == ("delete_task", (13,))

    def test_no_declines_the_bulk_delete(self) -> None:
        assert understand("no", CLEAR, NOW) == [Declined()]

    def test_yes_with_nothing_asked_is_not_understood(self) -> None:
        assert understand("yes", [], NOW) == [SmallTalk("unknown")]

    def test_a_title_after_add_a_task_is_added(self) -> None:
        history = turn("add a task", "What should the task be called?")
        assert understand("call the bank friday", history, NOW) == [
            AddTask({"title": "Call the bank", "due_date": "2026-11-20T23:59:59+00:00"})
        ]

    def test_a_request_after_a_question_is_that_request(self) -> None:
        assert understand("delete task 11", WHICH_BUY, NOW) == [
            ChangeTask("delete_task", TaskRef(task_id=11))
        ]


class TestNormalise:
    @pytest.mark.parametrize(
        ("typed", "read"),
        [
            ("ad task buy milk tommorow", "add task buy milk tomorrow"),
            ("meet on wensday", "meet on wednesday"),
            ("thursady", "thursday"),
            ("compelte task 3", "complete task 3"),
            ("buy a sundae", "buy a sundae"),
            ("monkey business", "monkey business"),
            ("remote work", "remote work"),
            ("call mom!!", "call mom !high "),
        ],
    )
    def test_common_words_are_respelt_and_others_kept(self, typed: str, read: str) -> None:
        assert correct_spelling(typed) == read

    def test_sentences_split_on_ends_but_not_on_numbers(self) -> None:
        assert sentences("Busy day. Add milk? Thanks!\nno. 2 at 9.30") == [
            "Busy day.",
            "Add milk?",
            "Thanks!",
            "no. 2 at 9.30",
        ]


class TestSlots:
    @pytest.mark.parametrize(
        ("text", "title", "slots"),
        [
            ("sort photos not important", "sort photos", Slots(priority="low")),
            ("fix sink !high", "fix sink", Slots(priority="high")),
            ("deck tagged work and q4", "deck", Slots(tags=["work", "q4"])),
            ("call bank - ask about fees", "call bank", Slots(note="Ask about fees")),
            ("stretch every morning", "stretch", Slots(recurrence="daily")),
        ],
    )
    def test_details_leave_the_title(self, text: str, title: str, slots: Slots) -> None:
        found_title, found = split_slots(text, NOW)
        assert found_title == title
        assert (found.priority, found.tags, found.note, found.recurrence) == (
            slots.priority,
            slots.tags,
            slots.note,
            slots.recurrence,
        )
