"""Full chat turns through HTTP with the local engine: what each sentence makes the tools do."""

# ruff: noqa: E501  (the table reads best one case per line)

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from tests.chat.conftest import Chat, SeedTask, stored_task
from tests.conftest import AuthedUser

EOD = "T23:59:59+00:00"
TODAY = {"due_after": "2026-11-18T00:00:00+00:00", "due_before": "2026-11-18" + EOD}
Call = tuple[str, dict[str, Any]]


def ids(seeded: dict[str, int], calls: list[Call]) -> list[Call]:
    """The expected calls with `{milk}`-style placeholders replaced by seeded task ids."""
    resolved = []
    for tool, arguments in calls:
        arguments = {
            key: seeded[value[1:-1]] if isinstance(value, str) and value.startswith("{") else value
            for key, value in arguments.items()
        }
        resolved.append((tool, arguments))
    return resolved


def search(words: str, status: str = "all") -> Call:
    return ("list_tasks", {"search": words, "status": status})


def listed(**arguments: Any) -> Call:
    return ("list_tasks", {**arguments, "limit": 10})


def listed_all() -> Call:
    return ("list_tasks", {"status": "all", "limit": 100})


TURNS: list[tuple[str, list[Call]]] = [
    # adding
    ("add buy eggs", [("add_task", {"title": "Buy eggs"})]),
    (
        "Add a task to buy eggs tomorrow at 5pm",
        [("add_task", {"title": "Buy eggs", "due_date": "2026-11-19T17:00:00+00:00"})],
    ),
    (
        "create task: call the plumber next friday",
        [("add_task", {"title": "Call the plumber", "due_date": "2026-11-20" + EOD})],
    ),
    (
        "remind me to pay the gas bill in 3 days",
        [("add_task", {"title": "Pay the gas bill", "due_date": "2026-11-21" + EOD})],
    ),
    (
        "add renew passport on 2026-12-01",
        [("add_task", {"title": "Renew passport", "due_date": "2026-12-01" + EOD})],
    ),
    (
        "add finish slides #work high priority",
        [("add_task", {"title": "Finish slides", "priority": "high", "tags": ["work"]})],
    ),
    ("add urgent: fix the leak", [("add_task", {"title": "Fix the leak", "priority": "high"})]),
    (
        "add read chapter 5 low priority",
        [("add_task", {"title": "Read chapter 5", "priority": "low"})],
    ),
    ("add groceries to my shopping list", [("add_task", {"title": "Groceries"})]),
    (
        "schedule dentist on dec 5 at 3pm",
        [("add_task", {"title": "Dentist", "due_date": "2026-12-05T15:00:00+00:00"})],
    ),
    (
        "don't forget to call the bank tomorrow",
        [("add_task", {"title": "Call the bank", "due_date": "2026-11-19" + EOD})],
    ),
    (
        "I need to book flights by friday #travel",
        [
            (
                "add_task",
                {"title": "Book flights", "tags": ["travel"], "due_date": "2026-11-20" + EOD},
            )
        ],
    ),
    (
        "new task Email Sam tonight",
        [("add_task", {"title": "Email Sam", "due_date": "2026-11-18T20:00:00+00:00"})],
    ),
    (
        "add water the plants every week",
        [("add_task", {"title": "Water the plants", "recurrence": "weekly"})],
    ),
    (
        "add standup notes daily #work",
        [("add_task", {"title": "Standup notes", "tags": ["work"], "recurrence": "daily"})],
    ),
    # review 2: a bare "at N" is an hour, "the Nth" a day of the month, end of month, tmrw
    (
        "add call bob at 5",
        [("add_task", {"title": "Call bob", "due_date": "2026-11-18T17:00:00+00:00"})],
    ),
    (
        "add meet Ann at 9",
        [("add_task", {"title": "Meet Ann", "due_date": "2026-11-19T09:00:00+00:00"})],
    ),
    (
        "add pay rent on the 1st",
        [("add_task", {"title": "Pay rent", "due_date": "2026-12-01" + EOD})],
    ),
    (
        "add Pay rent end of month high priority",
        [("add_task", {"title": "Pay rent", "priority": "high", "due_date": "2026-11-30" + EOD})],
    ),
    (
        "add pay rent at the end of the month",
        [("add_task", {"title": "Pay rent", "due_date": "2026-11-30" + EOD})],
    ),
    (
        "add lunch with Sam tmrw noon",
        [("add_task", {"title": "Lunch with Sam", "due_date": "2026-11-19T12:00:00+00:00"})],
    ),
    # listing
    ("show my tasks", [listed()]),
    ("list all tasks", [listed()]),
    ("my tasks", [listed()]),
    ("what's pending?", [listed(status="pending")]),
    ("what do I have to do?", [listed(status="pending")]),
    ("show completed tasks", [listed(status="completed")]),
    ("show high priority tasks", [listed(status="pending", priority="high")]),
    ("any low priority tasks left?", [listed(status="pending", priority="low")]),
    ("list tasks tagged #work", [listed(tag="work")]),
    ("what's overdue?", [listed(overdue=True)]),
    ("what's due today?", [listed(status="pending", **TODAY)]),
    (
        "show tasks due tomorrow",
        [
            listed(
                status="pending",
                due_after="2026-11-19T00:00:00+00:00",
                due_before="2026-11-19" + EOD,
            )
        ],
    ),
    (
        "what's due this week",
        [
            listed(
                status="pending",
                due_after="2026-11-18T00:00:00+00:00",
                due_before="2026-11-22" + EOD,
            )
        ],
    ),
    (
        "what's due next week",
        [
            listed(
                status="pending",
                due_after="2026-11-23T00:00:00+00:00",
                due_before="2026-11-29" + EOD,
            )
        ],
    ),
    ("show completed tasks due today", [listed(status="completed", **TODAY)]),
    ("tasks tagged #work", [listed(tag="work")]),
    ("show tasks about milk", [listed(search="milk")]),
    # completing / reopening by id
    ("complete task {mom}", [("complete_task", {"task_id": "{mom}", "completed": True})]),
    ("mark task {mom} as done", [("complete_task", {"task_id": "{mom}", "completed": True})]),
    ("finish #{mom}", [("complete_task", {"task_id": "{mom}", "completed": True})]),
    ("task {mom} is done", [("complete_task", {"task_id": "{mom}", "completed": True})]),
    ("reopen task {rent}", [("complete_task", {"task_id": "{rent}", "completed": False})]),
    (
        "mark task {rent} as not done",
        [("complete_task", {"task_id": "{rent}", "completed": False})],
    ),
    # by title words
    (
        "mark call mom as done",
        [search("call mom", "pending"), ("complete_task", {"task_id": "{mom}", "completed": True})],
    ),
    (
        "I finished the report",
        [
            search("report", "pending"),
            ("complete_task", {"task_id": "{report}", "completed": True}),
        ],
    ),
    (
        "done with call mom",
        [search("call mom", "pending"), ("complete_task", {"task_id": "{mom}", "completed": True})],
    ),
    (
        "complete buy milk",
        [
            search("buy milk", "pending"),
            ("complete_task", {"task_id": "{milk}", "completed": True}),
        ],
    ),
    (
        "reopen pay rent",
        [
            search("pay rent", "completed"),
            ("complete_task", {"task_id": "{rent}", "completed": False}),
        ],
    ),
    ("complete milk", [search("milk", "pending")]),
    ("complete dragons", [search("dragons", "pending")]),
    # deleting
    ("delete task {mom}", [("delete_task", {"task_id": "{mom}"})]),
    ("remove task {mom}", [("delete_task", {"task_id": "{mom}"})]),
    ("delete call mom", [search("call mom"), ("delete_task", {"task_id": "{mom}"})]),
    ("please remove the report task", [search("report"), ("delete_task", {"task_id": "{report}"})]),
    ("delete task 999999", [("delete_task", {"task_id": 999999})]),
    # updating
    ("rename task {mom} to Call dad", [("update_task", {"task_id": "{mom}", "title": "Call dad"})]),
    (
        "change the title of call mom to Call grandma",
        [search("call mom"), ("update_task", {"task_id": "{mom}", "title": "Call grandma"})],
    ),
    ("make task {mom} high priority", [("update_task", {"task_id": "{mom}", "priority": "high"})]),
    (
        "set the priority of task {report} to low",
        [("update_task", {"task_id": "{report}", "priority": "low"})],
    ),
    (
        "make write report urgent",
        [search("write report"), ("update_task", {"task_id": "{report}", "priority": "high"})],
    ),
    ("prioritize task {mom}", [("update_task", {"task_id": "{mom}", "priority": "high"})]),
    (
        "move task {report} to next monday",
        [("update_task", {"task_id": "{report}", "due_date": "2026-11-23" + EOD})],
    ),
    (
        "reschedule task {report} for tomorrow at 9am",
        [("update_task", {"task_id": "{report}", "due_date": "2026-11-19T09:00:00+00:00"})],
    ),
    (
        "change the due date of task {report} to 2026-12-24",
        [("update_task", {"task_id": "{report}", "due_date": "2026-12-24" + EOD})],
    ),
    (
        "move call mom to friday",
        [search("call mom"), ("update_task", {"task_id": "{mom}", "due_date": "2026-11-20" + EOD})],
    ),
    (
        "remove the due date from task {report}",
        [("update_task", {"task_id": "{report}", "due_date": None})],
    ),
    # tags are added to the task's own, read first
    (
        "tag task {report} with #urgent #q4",
        [
            listed_all(),
            ("update_task", {"task_id": "{report}", "tags": ["work", "urgent", "q4"]}),
        ],
    ),
    # review 3: an opener before a request does not swallow it
    ("ok delete task {mom}", [("delete_task", {"task_id": "{mom}"})]),
    (
        "Okay, mark call mom done",
        [search("call mom", "pending"), ("complete_task", {"task_id": "{mom}", "completed": True})],
    ),
    ("thanks, now show my tasks", [listed()]),
    ("hey add buy eggs", [("add_task", {"title": "Buy eggs"})]),
    ("help me add buy bread", [("add_task", {"title": "Buy bread"})]),
    # review 4: an addition stays one, whatever it mentions later
    (
        "I need to pay rent which is due friday",
        [("add_task", {"title": "Pay rent", "due_date": "2026-11-20" + EOD})],
    ),
    ("add check if the laundry is done", [("add_task", {"title": "Check if the laundry is done"})]),
    # no tool
    ("hello", []),
    ("thanks a lot", []),
    ("thanks!", []),
    ("help", []),
    ("what can you do?", []),
    ("sing me a song", []),
    ("move task {report} to whenever", []),
    ("mark it as done", []),
]


@pytest.fixture
def seeded(alice: AuthedUser, seed_task: SeedTask) -> dict[str, int]:
    """Alice's tasks the sentences refer to."""
    return {
        "milk": seed_task(alice, "Buy milk", priority="high", tags=["errands"]),
        "eggs": seed_task(alice, "Buy milk and eggs"),
        "mom": seed_task(alice, "Call mom"),
        "report": seed_task(alice, "Write report", tags=["work"], due_date="2026-11-17T09:00:00Z"),
        "rent": seed_task(alice, "Pay rent", completed=True),
    }


class TestLocalEngineTurns:
    def test_table_covers_at_least_sixty_sentences(self) -> None:
        assert len(TURNS) >= 60

    @pytest.mark.parametrize(("sentence", "expected"), TURNS, ids=[row[0] for row in TURNS])
    def test_sentence_makes_these_tool_calls(
        self,
        chat: Chat,
        alice: AuthedUser,
        seeded: dict[str, int],
        sentence: str,
        expected: list[Call],
    ) -> None:
        turn = chat(alice, sentence.format(**seeded))
        made = [(call["tool"], call["arguments"]) for call in turn["tool_calls"]]
        assert made == ids(seeded, expected)
        assert turn["response"]

    def test_adding_confirms_with_the_new_task(self, chat: Chat, alice: AuthedUser) -> None:
        turn = chat(alice, "add buy milk tomorrow at 5pm #errands high priority")
        task = turn["tool_calls"][0]["result"]["task"]
        assert task["title"] == "Buy milk"
        assert task["priority"] == "high"
        assert task["tags"] == ["errands"]
        assert task["due_date"] == "2026-11-19T17:00:00Z"
        assert turn["response"] == (
            f"Added task #{task['id']} “Buy milk” (due Thu 19 Nov 17:00 UTC, high priority, #errands)."
        )

    def test_several_matches_are_listed_and_none_is_changed(
        self, chat: Chat, alice: AuthedUser, seeded: dict[str, int], session: Session
    ) -> None:
        turn = chat(alice, "complete milk")
        assert "which one do you mean?" in turn["response"]
        assert f"#{seeded['milk']} “Buy milk”" in turn["response"]
        assert f"#{seeded['eggs']} “Buy milk and eggs”" in turn["response"]
        for key in ("milk", "eggs"):
            task = stored_task(session, seeded[key])
            assert not task.completed

    def test_completing_a_recurring_task_returns_and_mentions_the_next_one(
        self, chat: Chat, alice: AuthedUser, seed_task: SeedTask, session: Session
    ) -> None:
        plants = seed_task(
            alice, "Water plants", recurrence="weekly", due_date="2026-11-18T09:00:00Z"
        )
        turn = chat(alice, f"complete task {plants}")
        [call] = turn["tool_calls"]
        following = call["result"]["next_occurrence"]
        assert following["id"] != plants
        assert (following["title"], following["completed"]) == ("Water plants", False)
        assert following["due_date"] == "2026-11-25T09:00:00Z"
        assert stored_task(session, following["id"])
        assert turn["response"] == (
            f"Marked task #{plants} “Water plants” as done. Nice work! "
            f"The next one is #{following['id']} “Water plants” (due Wed 25 Nov 09:00 UTC, "
            "repeats weekly)."
        )

    def test_completing_a_one_off_task_schedules_nothing(
        self, chat: Chat, alice: AuthedUser, seeded: dict[str, int]
    ) -> None:
        turn = chat(alice, f"complete task {seeded['mom']}")
        assert "next_occurrence" not in turn["tool_calls"][0]["result"]
        assert turn["response"] == f"Marked task #{seeded['mom']} “Call mom” as done. Nice work!"

    def test_no_match_says_so(self, chat: Chat, alice: AuthedUser, seeded: dict[str, int]) -> None:
        turn = chat(alice, "complete dragons")
        assert turn["response"] == "I couldn't find a pending task matching “dragons”."

    def test_missing_task_id_is_not_found(self, chat: Chat, alice: AuthedUser) -> None:
        turn = chat(alice, "delete task 999999")
        assert turn["tool_calls"][0]["result"] == {"error": "Task not found"}
        assert turn["response"] == "I couldn't find task #999999."

    def test_listing_shows_tasks_and_total(
        self, chat: Chat, alice: AuthedUser, seeded: dict[str, int]
    ) -> None:
        turn = chat(alice, "what's pending?")
        assert turn["response"].startswith("Here are your pending tasks (4):")
        assert "Pay rent" not in turn["response"]
        assert turn["tool_calls"][0]["result"]["total"] == 4


class TestUndo:
    def test_undo_after_completing_reopens(
        self, chat: Chat, alice: AuthedUser, seeded: dict[str, int]
    ) -> None:
        done = chat(alice, f"complete task {seeded['mom']}")
        turn = chat(alice, "undo that", done["conversation_id"])
        assert [(c["tool"], c["arguments"]) for c in turn["tool_calls"]] == [
            ("complete_task", {"task_id": seeded["mom"], "completed": False})
        ]
        assert turn["response"] == f"Reopened task #{seeded['mom']} “Call mom”."

    def test_undo_after_reopening_completes_again(
        self, chat: Chat, alice: AuthedUser, seeded: dict[str, int]
    ) -> None:
        reopened = chat(alice, f"reopen task {seeded['rent']}")
        turn = chat(alice, "undo", reopened["conversation_id"])
        assert [(c["tool"], c["arguments"]) for c in turn["tool_calls"]] == [
            ("complete_task", {"task_id": seeded["rent"], "completed": True})
        ]

    def test_undo_after_adding_removes_the_new_task(
        self, chat: Chat, alice: AuthedUser, session: Session
    ) -> None:
        added = chat(alice, "add buy stamps")
        task_id = added["tool_calls"][0]["result"]["task"]["id"]
        turn = chat(alice, "undo that", added["conversation_id"])
        assert [(c["tool"], c["arguments"]) for c in turn["tool_calls"]] == [
            ("delete_task", {"task_id": task_id})
        ]
        assert turn["response"] == f"Undone: removed task #{task_id} “Buy stamps”."

    def test_undo_after_deleting_restores_the_task(
        self, chat: Chat, alice: AuthedUser, seeded: dict[str, int]
    ) -> None:
        deleted = chat(alice, f"delete task {seeded['report']}")
        turn = chat(alice, "undo that", deleted["conversation_id"])
        [call] = turn["tool_calls"]
        assert call["tool"] == "add_task"
        restored = call["result"]["task"]
        assert (restored["title"], restored["tags"], restored["due_date"]) == (
            "Write report",
            ["work"],
            "2026-11-17T09:00:00Z",
        )
        assert turn["response"].startswith(f"Undone: task restored as #{restored['id']}")

    def test_undo_of_an_edit_changes_nothing_and_says_so(
        self, chat: Chat, alice: AuthedUser, seeded: dict[str, int]
    ) -> None:
        renamed = chat(alice, f"rename task {seeded['mom']} to Call dad")
        turn = chat(alice, "undo that", renamed["conversation_id"])
        assert turn["tool_calls"] == []
        assert turn["response"].startswith("I can't undo an edit")

    def test_undo_with_no_change_before_does_nothing(self, chat: Chat, alice: AuthedUser) -> None:
        listed = chat(alice, "show my tasks")
        turn = chat(alice, "undo that", listed["conversation_id"])
        assert turn["tool_calls"] == []
        assert turn["response"] == "There is nothing to undo: my last answer changed no task."


class TestLocalEngineConversations:
    def test_add_then_complete_it(self, chat: Chat, alice: AuthedUser, session: Session) -> None:
        first = chat(alice, "add buy milk tomorrow")
        task_id = first["tool_calls"][0]["result"]["task"]["id"]
        second = chat(alice, "mark it as done", first["conversation_id"])
        assert [(c["tool"], c["arguments"]) for c in second["tool_calls"]] == [
            ("complete_task", {"task_id": task_id, "completed": True})
        ]
        assert second["response"] == f"Marked task #{task_id} “Buy milk” as done. Nice work!"
        assert stored_task(session, task_id).completed

    def test_list_one_then_rename_it(
        self, chat: Chat, alice: AuthedUser, seeded: dict[str, int]
    ) -> None:
        first = chat(alice, "show tasks about report")
        second = chat(alice, "rename it to Write the Q4 report", first["conversation_id"])
        assert second["tool_calls"][0]["arguments"] == {
            "task_id": seeded["report"],
            "title": "Write the Q4 report",
        }

    def test_it_after_a_list_of_several_asks_which(
        self, chat: Chat, alice: AuthedUser, seeded: dict[str, int]
    ) -> None:
        first = chat(alice, "show my tasks")
        second = chat(alice, "delete it", first["conversation_id"])
        assert second["tool_calls"] == []
        assert "I found 5 tasks; which one do you mean?" in second["response"]

    def test_ambiguity_then_answer_with_the_number(
        self, chat: Chat, alice: AuthedUser, seeded: dict[str, int], session: Session
    ) -> None:
        first = chat(alice, "complete milk")
        second = chat(alice, f"complete task {seeded['eggs']}", first["conversation_id"])
        assert second["tool_calls"][0]["result"]["task"]["completed"] is True
        third = chat(alice, "reopen it", second["conversation_id"])
        assert third["tool_calls"][0]["arguments"] == {
            "task_id": seeded["eggs"],
            "completed": False,
        }

    @pytest.mark.parametrize(
        ("answer", "chosen"), [("the second one", "eggs"), ("{eggs}", "eggs"), ("1", "milk")]
    )
    def test_which_one_answered_with_a_choice(
        self,
        chat: Chat,
        alice: AuthedUser,
        seeded: dict[str, int],
        session: Session,
        answer: str,
        chosen: str,
    ) -> None:
        question = chat(alice, "complete milk")
        example = f"Answer with its number (like “{seeded['milk']}”) or “the first one”."
        assert question["response"].endswith(example)
        turn = chat(alice, answer.format(**seeded), question["conversation_id"])
        assert [(c["tool"], c["arguments"]) for c in turn["tool_calls"]] == [
            ("complete_task", {"task_id": seeded[chosen], "completed": True})
        ]
        others = {"milk", "eggs"} - {chosen}
        for key in others:
            task = stored_task(session, seeded[key])
            assert not task.completed

    def test_which_one_after_it_picks_from_the_listed_tasks(
        self, chat: Chat, alice: AuthedUser, seeded: dict[str, int]
    ) -> None:
        listed = chat(alice, "show tasks about milk")
        question = chat(alice, "delete it", listed["conversation_id"])
        assert "which one do you mean?" in question["response"]
        turn = chat(alice, "the last one", listed["conversation_id"])
        assert turn["tool_calls"][0]["arguments"] == {"task_id": seeded["eggs"]}

    def test_ordinal_after_a_plain_list_picks_from_that_list(
        self, chat: Chat, alice: AuthedUser, seeded: dict[str, int], session: Session
    ) -> None:
        listed = chat(alice, "show tasks about milk")
        turn = chat(alice, "complete the second one", listed["conversation_id"])
        assert [(c["tool"], c["arguments"]) for c in turn["tool_calls"]] == [
            ("complete_task", {"task_id": seeded["eggs"], "completed": True})
        ]
        milk = stored_task(session, seeded["milk"])
        assert not milk.completed

    def test_delete_the_last_one_after_a_list_deletes_the_last_listed(
        self, chat: Chat, alice: AuthedUser, seeded: dict[str, int]
    ) -> None:
        listed = chat(alice, "what's pending?")
        turn = chat(alice, "delete the last one", listed["conversation_id"])
        last_listed = listed["tool_calls"][0]["result"]["tasks"][-1]["id"]
        assert [(c["tool"], c["arguments"]) for c in turn["tool_calls"]] == [
            ("delete_task", {"task_id": last_listed})
        ]

    def test_ordinal_beyond_the_list_asks_for_a_number(
        self, chat: Chat, alice: AuthedUser, seeded: dict[str, int]
    ) -> None:
        listed = chat(alice, "show tasks about milk")
        turn = chat(alice, "complete the fifth one", listed["conversation_id"])
        assert turn["tool_calls"] == []
        assert turn["response"] == "I only showed 2 tasks; tell me its number instead."

    def test_change_its_due_date_after_adding(self, chat: Chat, alice: AuthedUser) -> None:
        added = chat(alice, "add buy stamps")
        task_id = added["tool_calls"][0]["result"]["task"]["id"]
        turn = chat(alice, "change its due date to friday", added["conversation_id"])
        assert [(c["tool"], c["arguments"]) for c in turn["tool_calls"]] == [
            ("update_task", {"task_id": task_id, "due_date": "2026-11-20" + EOD})
        ]

    def test_delete_them_does_not_reach_back_past_the_last_answer(
        self, chat: Chat, alice: AuthedUser, seeded: dict[str, int], session: Session
    ) -> None:
        listed = chat(alice, "show tasks about report")
        failed = chat(alice, "delete dragons", listed["conversation_id"])
        assert failed["tool_calls"][0]["tool"] == "list_tasks"
        turn = chat(alice, "delete them", listed["conversation_id"])
        assert turn["tool_calls"] == []
        assert turn["response"].startswith("Which task do you mean?")
        assert stored_task(session, seeded["report"])

    def test_many_matches_say_the_true_count_and_show_ten(
        self, chat: Chat, alice: AuthedUser, seed_task: SeedTask
    ) -> None:
        for number in range(12):
            seed_task(alice, f"Water plant {number}")
        turn = chat(alice, "complete water plant")
        lines = turn["response"].splitlines()
        assert lines[0] == "I found 12 tasks matching “water plant”; which one do you mean?"
        assert sum(line.startswith("• ") for line in lines) == 10
        assert "…and 2 more; more words of the title will narrow it." in lines

    def test_a_bare_number_without_a_question_is_not_understood(
        self, chat: Chat, alice: AuthedUser, seeded: dict[str, int]
    ) -> None:
        first = chat(alice, "show my tasks")
        turn = chat(alice, "the first one", first["conversation_id"])
        assert turn["tool_calls"] == []
        assert turn["response"].startswith("Sorry, I didn't catch that.")

    def test_a_number_after_a_completed_action_is_not_a_choice(
        self, chat: Chat, alice: AuthedUser, seeded: dict[str, int]
    ) -> None:
        done = chat(alice, "complete buy milk")
        turn = chat(alice, "1", done["conversation_id"])
        assert turn["tool_calls"] == []

    def test_it_with_nothing_mentioned_asks_which(self, chat: Chat, alice: AuthedUser) -> None:
        first = chat(alice, "hello")
        second = chat(alice, "delete it", first["conversation_id"])
        assert second["tool_calls"] == []
        assert second["response"].startswith("Which task do you mean?")

    def test_it_is_read_from_the_stored_history_only(
        self, chat: Chat, alice: AuthedUser, client: TestClient
    ) -> None:
        first = chat(alice, "add buy milk")
        other = chat(alice, "add call mom")  # another conversation: must not change "it" here
        second = chat(alice, "delete it", first["conversation_id"])
        deleted = second["tool_calls"][0]["result"]["deleted"]
        assert deleted["id"] == first["tool_calls"][0]["result"]["task"]["id"]
        assert deleted["id"] != other["tool_calls"][0]["result"]["task"]["id"]
