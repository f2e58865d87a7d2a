"""What people actually type, judged by what happened to their tasks.

Each case of `tests.chat.utterances` runs its turns through HTTP in one conversation, on a
fixed set of seeded tasks, then compares every task before and after: the new ones, the
deleted ones, and each field of the rest. A question must leave every task as it was and name
the right ones in its answer.
"""

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from backend.chat.providers.actions import AddTask
from backend.chat.providers.intents import parse_message
from tests.chat.conftest import NOW, Chat, SeedTask
from tests.chat.utterances import CASES, COMMAND_WORDS, SEEDS, Case
from tests.conftest import AuthedUser

COMPARED = ("title", "description", "priority", "tags", "due_date", "recurrence", "completed")


def comparable(fields: dict[str, Any]) -> dict[str, Any]:
    """Task fields as compared: tags are a set (the API returns them sorted)."""
    return {key: sorted(value) if key == "tags" else value for key, value in fields.items()}


def snapshot(client: TestClient, user: AuthedUser) -> dict[int, dict[str, Any]]:
    """Every task of the user, by id, through the API."""
    response = client.get("/api/me/tasks?status=all&limit=100", headers=user.headers)
    assert response.status_code == 200, response.text
    return {
        task["id"]: comparable({key: task[key] for key in COMPARED}) for task in response.json()
    }


@pytest.fixture
def seeded(alice: AuthedUser, seed_task: SeedTask) -> dict[str, int]:
    """Alice's tasks the cases talk about, by name."""
    return {key: seed_task(alice, title, **fields) for key, (title, fields) in SEEDS.items()}


def _title_of(seeded: dict[str, int], key: str) -> str:
    assert key in seeded, key
    return SEEDS[key][0]


class TestUtterances:
    def test_table_is_large_and_has_dialogues(self) -> None:
        assert len(CASES) >= 300
        assert sum(len(case.turns) > 1 for case in CASES) >= 40

    @pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
    def test_turns_leave_the_tasks_as_expected(
        self,
        chat: Chat,
        client: TestClient,
        alice: AuthedUser,
        seeded: dict[str, int],
        case: Case,
    ) -> None:
        before = snapshot(client, alice)
        conversation_id = None
        reply = ""
        for text in case.turns:
            turn = chat(alice, text.format(**seeded), conversation_id)
            conversation_id, reply = turn["conversation_id"], turn["response"]
        after = snapshot(client, alice)

        added = [after[task_id] for task_id in sorted(set(after) - set(before))]
        assert len(added) == len(case.added), (added, reply)
        assert not [task for task in added if re.search(COMMAND_WORDS, task["title"], re.I)]
        for task, expected in zip(added, case.added, strict=True):
            assert {key: task[key] for key in expected} == comparable(expected), reply
        assert {key for key, task_id in seeded.items() if task_id not in after} == set(
            case.deleted
        ), reply
        for key, task_id in seeded.items():
            if task_id in after:
                expected = {**before[task_id], **comparable(case.changed.get(key, {}))}
                assert after[task_id] == expected, (key, reply)
        for key in case.shows:
            assert f"“{_title_of(seeded, key)}”" in reply, (key, reply)
        for key in case.hides:
            assert f"“{_title_of(seeded, key)}”" not in reply, (key, reply)
        shown_at = [reply.find(f"“{_title_of(seeded, key)}”") for key in case.in_order]
        assert shown_at == sorted(shown_at), reply
        if case.says:
            assert case.says in reply

    @pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
    def test_no_title_keeps_a_word_it_should_have_understood(self, case: Case) -> None:
        for text in case.turns:
            for intent in parse_message(text, NOW):
                if isinstance(intent, AddTask):
                    title = intent.arguments["title"]
                    assert not re.search(COMMAND_WORDS, title, re.I), (text, title)
