"""`run_tool`, the interface REST chat and MCP share: validation, owner binding, errors."""

import json
from collections.abc import Callable

import pytest
from sqlmodel import Session

from backend.tasks.models import Task
from backend.tasks.tools import TOOLS, ToolOutcome
from tests.chat.conftest import SeedTask
from tests.conftest import AuthedUser

Tool = Callable[..., ToolOutcome]


class TestToolDefinitions:
    def test_the_five_tools_in_order(self) -> None:
        assert [spec.name for spec in TOOLS] == [
            "add_task", "list_tasks", "complete_task", "delete_task", "update_task",
        ]  # fmt: skip

    @pytest.mark.parametrize("spec", TOOLS, ids=[spec.name for spec in TOOLS])
    def test_schema_never_asks_for_a_user(self, spec: object) -> None:
        schema = json.dumps(spec.arguments.model_json_schema())  # type: ignore[attr-defined]
        assert "user" not in schema
        assert "owner" not in schema
        assert spec.description  # type: ignore[attr-defined]


class TestSpecContract:
    """The hackathon spec's results, `{task_id, status, title}`, and its `user_id` argument."""

    def test_each_change_answers_task_id_status_and_title(
        self, tool: Tool, alice: AuthedUser
    ) -> None:
        added = tool("add_task", {"title": "Buy milk"}, owner_id=alice.id).result
        task_id = added["task_id"]
        assert (added["status"], added["title"], added["task"]["id"]) == (
            "created",
            "Buy milk",
            task_id,
        )
        calls = [
            ("update_task", {"task_id": task_id, "title": "Buy oat milk"}, "updated"),
            ("complete_task", {"task_id": task_id}, "completed"),
            ("complete_task", {"task_id": task_id, "completed": False}, "updated"),
            ("delete_task", {"task_id": task_id}, "deleted"),
        ]
        for name, arguments, status in calls:
            result = tool(name, arguments, owner_id=alice.id).result
            expected = {"task_id": task_id, "status": status, "title": "Buy oat milk"}
            assert {key: result[key] for key in expected} == expected, name

    def test_list_answers_the_tasks_array_with_id_title_completed(
        self, tool: Tool, alice: AuthedUser, seed_task: SeedTask
    ) -> None:
        done = seed_task(alice, "Done", completed=True)
        pending = seed_task(alice, "Pending")
        result = tool("list_tasks", {"status": "completed"}, owner_id=alice.id).result
        assert [(t["id"], t["title"], t["completed"]) for t in result["tasks"]] == [
            (done, "Done", True)
        ]
        result = tool("list_tasks", {"status": "pending"}, owner_id=alice.id).result
        assert [t["id"] for t in result["tasks"]] == [pending]

    @pytest.mark.parametrize("claimed", ["OWN", "me"])
    def test_own_user_id_is_accepted_and_stored_nowhere(
        self, tool: Tool, alice: AuthedUser, claimed: str
    ) -> None:
        user_id = alice.id if claimed == "OWN" else claimed
        outcome = tool("add_task", {"title": "Buy milk", "user_id": user_id}, owner_id=alice.id)
        assert outcome.ok, outcome.result
        assert outcome.result["task"]["user_id"] == alice.id
        listed = tool("list_tasks", {"user_id": user_id}, owner_id=alice.id)
        assert [t["title"] for t in listed.result["tasks"]] == ["Buy milk"]

    def test_another_users_id_is_a_tool_error_and_never_selects_them(
        self, tool: Tool, alice: AuthedUser, bob: AuthedUser, seed_task: SeedTask
    ) -> None:
        bobs = seed_task(bob, "Bob's plan")
        listed = tool("list_tasks", {"user_id": bob.id}, owner_id=alice.id)
        assert not listed.ok
        assert "user_id must be your own user id" in listed.result["error"]
        completed = tool("complete_task", {"task_id": bobs, "user_id": bob.id}, owner_id=alice.id)
        assert not completed.ok
        assert tool("list_tasks", {"status": "completed"}, owner_id=bob.id).result["tasks"] == []

    @pytest.mark.parametrize("spec", TOOLS, ids=[spec.name for spec in TOOLS])
    def test_descriptions_document_results_and_user_id(self, spec: object) -> None:
        description: str = spec.description  # type: ignore[attr-defined]
        assert "Answers {" in description
        assert "user_id" in description


class TestRunTool:
    def test_json_string_and_mapping_both_work(self, tool: Tool, alice: AuthedUser) -> None:
        from_text = tool("add_task", '{"title": "Buy milk"}', owner_id=alice.id)
        from_dict = tool("add_task", {"title": "Call mom"}, owner_id=alice.id)
        assert from_text.ok
        assert from_dict.ok
        assert from_text.result["task"]["user_id"] == alice.id
        listed = tool("list_tasks", {}, owner_id=alice.id)
        assert [t["title"] for t in listed.result["tasks"]] == ["Buy milk", "Call mom"]
        assert listed.result["total"] == 2
        assert json.loads(json.dumps(listed.result)) == listed.result

    def test_empty_argument_text_means_no_arguments(self, tool: Tool, alice: AuthedUser) -> None:
        assert tool("list_tasks", "", owner_id=alice.id).ok

    @pytest.mark.parametrize(
        ("name", "arguments", "error"),
        [
            ("add_task", {"title": "x" * 201}, "title: String should have at most 200 characters"),
            ("add_task", {"title": "  "}, "title: String should have at least 1 character"),
            (
                "add_task",
                {"title": "x", "description": "d" * 2001},
                "description: String should have at most 2000 characters",
            ),
            (
                "list_tasks",
                {"search": "s" * 201},
                "search: String should have at most 200 characters",
            ),
            ("list_tasks", {"tag": "t" * 31}, "tag: String should have at most 30 characters"),
            ("list_tasks", {"tag": " "}, "tag: String should have at least 1 character"),
        ],
    )
    def test_text_limits_are_worded_in_characters_at_the_argument(
        self, tool: Tool, alice: AuthedUser, name: str, arguments: dict[str, str], error: str
    ) -> None:
        outcome = tool(name, arguments, owner_id=alice.id)
        assert not outcome.ok
        assert outcome.result == {"error": "Invalid arguments: " + error}

    def test_tag_filter_is_trimmed_and_matched_in_any_case(
        self, tool: Tool, alice: AuthedUser, seed_task: SeedTask
    ) -> None:
        seed_task(alice, "Finish slides", tags=["work"])
        seed_task(alice, "Buy milk")
        outcome = tool("list_tasks", {"tag": " Work "}, owner_id=alice.id)
        assert [task["title"] for task in outcome.result["tasks"]] == ["Finish slides"]

    @pytest.mark.parametrize(
        ("name", "arguments", "error"),
        [
            ("drop_database", {}, "Unknown tool 'drop_database'"),
            ("add_task", "{oops", "Arguments are not valid JSON"),
            ("add_task", "[1, 2]", "Arguments must be a JSON object"),
            ("add_task", {}, "Invalid arguments: title: Field required"),
            ("add_task", {"title": "x", "user_id": "bob"}, "user_id must be your own user id"),
            ("add_task", {"title": "x", "owner": "bob"}, "owner: Extra inputs are not permitted"),
            ("add_task", {"title": "x", "priority": "extreme"}, "Invalid arguments: priority"),
            ("complete_task", {"task_id": "three"}, "Invalid arguments: task_id"),
            ("complete_task", {"task_id": 999999}, "Task not found"),
            ("delete_task", {"task_id": 2**31}, "Invalid arguments: task_id"),
            ("update_task", {"task_id": 999999, "title": "x"}, "Task not found"),
            ("update_task", {"task_id": "SEEDED", "title": None}, "title cannot be null"),
            ("list_tasks", {"limit": 1000}, "Invalid arguments: limit"),
        ],
    )
    def test_bad_calls_are_errors_not_exceptions(
        self,
        tool: Tool,
        alice: AuthedUser,
        seed_task: SeedTask,
        name: str,
        arguments: object,
        error: str,
    ) -> None:
        seeded = seed_task(alice, "Buy milk")
        if isinstance(arguments, dict) and arguments.get("task_id") == "SEEDED":
            arguments = {**arguments, "task_id": seeded}
        outcome = tool(name, arguments, owner_id=alice.id)  # type: ignore[arg-type]
        assert not outcome.ok
        assert error in outcome.result["error"]

    @pytest.mark.parametrize(
        ("name", "arguments"),
        [
            ("complete_task", {}),
            ("delete_task", {}),
            ("update_task", {"title": "Mine now"}),
        ],
    )
    def test_another_users_task_is_not_found(
        self,
        tool: Tool,
        session: Session,
        alice: AuthedUser,
        bob: AuthedUser,
        seed_task: SeedTask,
        name: str,
        arguments: dict[str, object],
    ) -> None:
        bobs = seed_task(bob, "Bob's plan")
        outcome = tool(name, {"task_id": bobs, **arguments}, owner_id=alice.id)
        assert outcome.result == {"error": "Task not found"}
        task = session.get(Task, bobs)
        assert task is not None
        assert (task.title, task.completed) == ("Bob's plan", False)

    def test_update_changes_only_given_fields_and_null_clears_due_date(
        self, tool: Tool, alice: AuthedUser, seed_task: SeedTask
    ) -> None:
        task_id = seed_task(alice, "Buy milk", priority="high", due_date="2026-12-01")
        outcome = tool(
            "update_task",
            {"task_id": task_id, "due_date": None, "tags": "home, errands"},
            owner_id=alice.id,
        )
        task = outcome.result["task"]
        assert (task["title"], task["priority"], task["due_date"]) == ("Buy milk", "high", None)
        assert task["tags"] == ["errands", "home"]

    def test_date_only_due_date_and_due_before_mean_the_end_of_that_day(
        self, tool: Tool, alice: AuthedUser, seed_task: SeedTask
    ) -> None:
        added = tool("add_task", {"title": "Pay rent", "due_date": "2026-12-01"}, owner_id=alice.id,
        )  # fmt: skip
        assert added.result["task"]["due_date"] == "2026-12-01T23:59:59Z"
        seed_task(alice, "Late that day", due_date="2026-12-01T20:00:00Z")
        outcome = tool("list_tasks", {"due_before": "2026-12-01"}, owner_id=alice.id)
        assert {task["title"] for task in outcome.result["tasks"]} == {"Pay rent", "Late that day"}

    def test_date_only_due_after_includes_that_day(
        self, tool: Tool, alice: AuthedUser, seed_task: SeedTask
    ) -> None:
        seed_task(alice, "Early", due_date="2026-12-01T08:00:00Z")
        seed_task(alice, "Day before", due_date="2026-11-30T20:00:00Z")
        outcome = tool("list_tasks", {"due_after": "2026-12-01"}, owner_id=alice.id)
        assert [task["title"] for task in outcome.result["tasks"]] == ["Early"]

    def test_complete_then_reopen(self, tool: Tool, alice: AuthedUser, seed_task: SeedTask) -> None:
        task_id = seed_task(alice, "Buy milk")
        done = tool("complete_task", {"task_id": task_id}, owner_id=alice.id)
        assert done.result["task"]["completed"] is True
        reopened = tool(
            "complete_task",
            {"task_id": task_id, "completed": False},
            owner_id=alice.id,
        )
        assert reopened.result["task"]["completed"] is False

    def test_delete_answers_the_deleted_task(
        self, tool: Tool, alice: AuthedUser, seed_task: SeedTask
    ) -> None:
        task_id = seed_task(alice, "Buy milk")
        outcome = tool("delete_task", {"task_id": task_id}, owner_id=alice.id)
        assert outcome.result["deleted"]["title"] == "Buy milk"
        again = tool("delete_task", {"task_id": task_id}, owner_id=alice.id)
        assert again.result == {"error": "Task not found"}
