"""The local engine's parser, a pure function: sentence → intent, against a fixed "now"."""

# ruff: noqa: E501  (the tables read best one case per line)

from datetime import UTC, datetime

import pytest

from backend.chat.providers.actions import (
    AddTask,
    Adjustment,
    ChangeTask,
    Intent,
    ListTasks,
    Selection,
    SmallTalk,
    TaskRef,
    Undo,
)
from backend.chat.providers.intents import parse_message
from backend.chat.providers.phrases import parse_date_phrase, split_date
from backend.chat.providers.references import parse_ref, parse_selection
from tests.chat.conftest import NOW

EOD = "T23:59:59+00:00"  # a day without a time means its end

PARSES: list[tuple[str, Intent]] = [
    # adding
    ("add buy milk", AddTask({"title": "Buy milk"})),
    ("Add a task to buy milk", AddTask({"title": "Buy milk"})),
    ("add buy milk tomorrow at 5pm", AddTask({"title": "Buy milk", "due_date": "2026-11-19T17:00:00+00:00"})),
    ("add buy milk tomorrow 5pm", AddTask({"title": "Buy milk", "due_date": "2026-11-19T17:00:00+00:00"})),
    ("create task: call mom next friday", AddTask({"title": "Call mom", "due_date": "2026-11-20" + EOD})),
    ("remind me to pay rent in 3 days", AddTask({"title": "Pay rent", "due_date": "2026-11-21" + EOD})),
    ("add renew passport on 2026-12-01", AddTask({"title": "Renew passport", "due_date": "2026-12-01" + EOD})),
    ("add finish slides #work high priority", AddTask({"title": "Finish slides", "priority": "high", "tags": ["work"]})),
    ("add #Home #errands fix the sink", AddTask({"title": "Fix the sink", "tags": ["home", "errands"]})),
    ("add urgent: fix the leak", AddTask({"title": "Fix the leak", "priority": "high"})),
    ("add read chapter 5 low priority", AddTask({"title": "Read chapter 5", "priority": "low"})),
    ("add groceries to my shopping list", AddTask({"title": "Groceries"})),
    ("schedule dentist on dec 5 at 3pm", AddTask({"title": "Dentist", "due_date": "2026-12-05T15:00:00+00:00"})),
    ("don't forget to call the bank tomorrow", AddTask({"title": "Call the bank", "due_date": "2026-11-19" + EOD})),
    ("I need to book flights by friday #travel", AddTask({"title": "Book flights", "tags": ["travel"], "due_date": "2026-11-20" + EOD})),
    ("new task Email Sam tonight", AddTask({"title": "Email Sam", "due_date": "2026-11-18T20:00:00+00:00"})),
    ("add water the plants every week", AddTask({"title": "Water the plants", "recurrence": "weekly"})),
    ("add standup notes daily #work", AddTask({"title": "Standup notes", "tags": ["work"], "recurrence": "daily"})),
    ("todo: plan for 2027", AddTask({"title": "Plan for 2027"})),
    ("add tomorrow", SmallTalk("need_title")),
    # a bare "at N" is an hour (1-6 afternoon, 7-11 morning), next occurrence; never months away
    ("add call bob at 5", AddTask({"title": "Call bob", "due_date": "2026-11-18T17:00:00+00:00"})),
    ("add meet Ann at 9", AddTask({"title": "Meet Ann", "due_date": "2026-11-19T09:00:00+00:00"})),
    ("add call bob at 11", AddTask({"title": "Call bob", "due_date": "2026-11-18T11:00:00+00:00"})),
    ("add call bob tomorrow at 5", AddTask({"title": "Call bob", "due_date": "2026-11-19T17:00:00+00:00"})),
    ("add meet Ann friday at 9", AddTask({"title": "Meet Ann", "due_date": "2026-11-20T09:00:00+00:00"})),
    ("add call mom at 5 o'clock", AddTask({"title": "Call mom", "due_date": "2026-11-18T17:00:00+00:00"})),
    ("add lunch at 12", AddTask({"title": "Lunch", "due_date": "2026-11-18T12:00:00+00:00"})),
    ("add meet at 5 guys", AddTask({"title": "Meet at 5 guys"})),
    # "the Nth" is the next such day of the month
    ("add pay rent on the 1st", AddTask({"title": "Pay rent", "due_date": "2026-12-01" + EOD})),
    ("add pay rent on the 21st", AddTask({"title": "Pay rent", "due_date": "2026-11-21" + EOD})),
    ("add dinner on the 18th", AddTask({"title": "Dinner", "due_date": "2026-11-18" + EOD})),
    ("add pay rent on the 1st at 9", AddTask({"title": "Pay rent", "due_date": "2026-12-01T09:00:00+00:00"})),
    ("add read the 2nd chapter", AddTask({"title": "Read the 2nd chapter"})),
    # end of week/month, tmrw/tmr
    ("add Pay rent end of month high priority", AddTask({"title": "Pay rent", "priority": "high", "due_date": "2026-11-30" + EOD})),
    ("add pay rent end of the month", AddTask({"title": "Pay rent", "due_date": "2026-11-30" + EOD})),
    ("add pay rent at the end of the month", AddTask({"title": "Pay rent", "due_date": "2026-11-30" + EOD})),
    ("add pay rent by end of month", AddTask({"title": "Pay rent", "due_date": "2026-11-30" + EOD})),
    ("add review sprint at the end of the week", AddTask({"title": "Review sprint", "due_date": "2026-11-22" + EOD})),
    ("add lunch with Sam tmrw noon", AddTask({"title": "Lunch with Sam", "due_date": "2026-11-19T12:00:00+00:00"})),
    ("add call Sam tmr", AddTask({"title": "Call Sam", "due_date": "2026-11-19" + EOD})),
    ("add go to the end of the world", AddTask({"title": "Go to the end of the world"})),
    # listing
    ("show my tasks", ListTasks({}, "tasks")),
    ("list all tasks", ListTasks({}, "tasks")),
    ("my tasks", ListTasks({}, "tasks")),
    ("todo list", ListTasks({}, "tasks")),
    ("what's pending?", ListTasks({"status": "pending"}, "pending tasks")),
    ("pending tasks", ListTasks({"status": "pending"}, "pending tasks")),
    ("what do I have to do?", ListTasks({"status": "pending"}, "pending tasks")),
    ("show completed tasks", ListTasks({"status": "completed"}, "completed tasks")),
    (
        "show high priority tasks",
        ListTasks({"status": "pending", "priority": "high"}, "pending high-priority tasks"),
    ),
    ("any low priority tasks left?", ListTasks({"status": "pending", "priority": "low"}, "pending low-priority tasks")),
    ("list tasks tagged #work", ListTasks({"tag": "work"}, "tasks tagged #work")),
    ("show tasks tagged home", ListTasks({"tag": "home"}, "tasks tagged #home")),
    ("what's overdue?", ListTasks({"overdue": True}, "overdue tasks")),
    ("what's due today?", ListTasks({"status": "pending", "due_after": "2026-11-18T00:00:00+00:00", "due_before": "2026-11-18" + EOD}, "tasks due today")),
    ("show tasks due tomorrow", ListTasks({"status": "pending", "due_after": "2026-11-19T00:00:00+00:00", "due_before": "2026-11-19" + EOD}, "tasks due tomorrow")),
    ("what's due this week", ListTasks({"status": "pending", "due_after": "2026-11-18T00:00:00+00:00", "due_before": "2026-11-22" + EOD}, "tasks due this week")),
    ("what's due next week", ListTasks({"status": "pending", "due_after": "2026-11-23T00:00:00+00:00", "due_before": "2026-11-29" + EOD}, "tasks due next week")),
    ("my todos due next week", ListTasks({"status": "pending", "due_after": "2026-11-23T00:00:00+00:00", "due_before": "2026-11-29" + EOD}, "tasks due next week")),
    ("show completed tasks due today", ListTasks({"status": "completed", "due_after": "2026-11-18T00:00:00+00:00", "due_before": "2026-11-18" + EOD}, "completed tasks due today")),
    ("tasks tagged #work", ListTasks({"tag": "work"}, "tasks tagged #work")),
    ("tasks about milk", ListTasks({"search": "milk"}, "tasks matching “milk”")),
    ("show tasks about milk", ListTasks({"search": "milk"}, "tasks matching “milk”")),
    # completing and reopening
    ("complete task 3", ChangeTask("complete_task", TaskRef(task_id=3), {"completed": True})),
    ("mark task 3 as done", ChangeTask("complete_task", TaskRef(task_id=3), {"completed": True})),
    ("finish #3", ChangeTask("complete_task", TaskRef(task_id=3), {"completed": True})),
    ("task 3 is done", ChangeTask("complete_task", TaskRef(task_id=3), {"completed": True})),
    ("mark buy milk as done", ChangeTask("complete_task", TaskRef(words="buy milk"), {"completed": True})),
    ("I finished the report", ChangeTask("complete_task", TaskRef(words="report"), {"completed": True})),
    ("done with call mom", ChangeTask("complete_task", TaskRef(words="call mom"), {"completed": True})),
    ("mark it as complete", ChangeTask("complete_task", TaskRef(), {"completed": True})),
    ("I did it!", ChangeTask("complete_task", TaskRef(), {"completed": True})),
    ("check off that one", ChangeTask("complete_task", TaskRef(), {"completed": True})),
    ("reopen task 3", ChangeTask("complete_task", TaskRef(task_id=3), {"completed": False})),
    ("mark buy milk as not done", ChangeTask("complete_task", TaskRef(words="buy milk"), {"completed": False})),
    # deleting
    ("delete task 3", ChangeTask("delete_task", TaskRef(task_id=3))),
    ("please remove the dentist task", ChangeTask("delete_task", TaskRef(words="dentist"))),
    ("get rid of it", ChangeTask("delete_task", TaskRef())),
    # positions in the last list, and pronouns with "the"/"its"
    ("complete the second one", ChangeTask("complete_task", TaskRef(position=2), {"completed": True})),
    ("finish the first task", ChangeTask("complete_task", TaskRef(position=1), {"completed": True})),
    ("delete the last one", ChangeTask("delete_task", TaskRef(position=-1))),
    ("delete the 2nd one", ChangeTask("delete_task", TaskRef(position=2))),
    ("delete the task", ChangeTask("delete_task", TaskRef())),
    ("mark the one as done", ChangeTask("complete_task", TaskRef(), {"completed": True})),
    ("change its due date to friday", ChangeTask("update_task", TaskRef(), {"due_date": "2026-11-20" + EOD})),
    ("set its priority to low", ChangeTask("update_task", TaskRef(), {"priority": "low"})),
    ("delete them", ChangeTask("delete_task", TaskRef(plural=True))),
    # updating
    ("rename task 3 to buy oat milk", ChangeTask("update_task", TaskRef(task_id=3), {"title": "Buy oat milk"})),
    ("change the title of call mom to Call dad", ChangeTask("update_task", TaskRef(words="call mom"), {"title": "Call dad"})),
    ("make task 3 high priority", ChangeTask("update_task", TaskRef(task_id=3), {"priority": "high"})),
    ("set the priority of buy milk to low", ChangeTask("update_task", TaskRef(words="buy milk"), {"priority": "low"})),
    ("make it urgent", ChangeTask("update_task", TaskRef(), {"priority": "high"})),
    ("prioritize task 4", ChangeTask("update_task", TaskRef(task_id=4), {"priority": "high"})),
    ("move task 3 to next monday", ChangeTask("update_task", TaskRef(task_id=3), {"due_date": "2026-11-23" + EOD})),
    ("reschedule it for tomorrow at 9am", ChangeTask("update_task", TaskRef(), {"due_date": "2026-11-19T09:00:00+00:00"})),
    ("change the due date of task 3 to 2026-12-24", ChangeTask("update_task", TaskRef(task_id=3), {"due_date": "2026-12-24" + EOD})),
    ("task 3 is due friday", ChangeTask("update_task", TaskRef(task_id=3), {"due_date": "2026-11-20" + EOD})),
    ("remove the due date from task 3", ChangeTask("update_task", TaskRef(task_id=3), {"due_date": None})),
    ("tag task 3 with #work #q4", ChangeTask("update_task", TaskRef(task_id=3), {}, Adjustment(add_tags=("work", "q4")))),
    ("move task 3 to whenever", SmallTalk("bad_date")),
    # talk
    ("hello", SmallTalk("greeting")),
    ("Good morning!", SmallTalk("greeting")),
    ("thanks!", SmallTalk("thanks")),
    ("help", SmallTalk("help")),
    ("what can you do?", SmallTalk("help")),
    ("sing me a song", SmallTalk("unknown")),
    ("undo that", Undo()),
    ("undo", Undo()),
    ("please undo the last change", Undo()),
    ("undo task 3", ChangeTask("complete_task", TaskRef(task_id=3), {"completed": False})),
    ("thanks a lot", SmallTalk("thanks")),
    ("hi there", SmallTalk("greeting")),
    ("ok", SmallTalk("thanks")),
    ("help me", SmallTalk("help")),
    ("help with adding tasks", SmallTalk("help")),
    # an opener (greeting, thanks, "ok", "help me") before a request: the request counts
    ("ok delete task 3", ChangeTask("delete_task", TaskRef(task_id=3))),
    ("Okay, mark it done", ChangeTask("complete_task", TaskRef(), {"completed": True})),
    ("thanks, now show my tasks", ListTasks({}, "tasks")),
    ("hey add buy eggs", AddTask({"title": "Buy eggs"})),
    ("help me add buy bread", AddTask({"title": "Buy bread"})),
    ("hello, what's overdue?", ListTasks({"overdue": True}, "overdue tasks")),
    ("great thanks! also complete task 4", ChangeTask("complete_task", TaskRef(task_id=4), {"completed": True})),
    ("can you help me to finish the report", ChangeTask("complete_task", TaskRef(words="report"), {"completed": True})),
    # an addition stays one whatever it mentions later
    ("I need to pay rent which is due friday", AddTask({"title": "Pay rent", "due_date": "2026-11-20" + EOD})),
    ("add check if the laundry is done", AddTask({"title": "Check if the laundry is done"})),
    ("remind me to move the car to the garage", AddTask({"title": "Move the car to the garage"})),
    ("add mark the essays as done", AddTask({"title": "Mark the essays as done"})),
    ("put milk on my list", AddTask({"title": "Milk"})),
    ("put task 3 at high priority", ChangeTask("update_task", TaskRef(task_id=3), {"priority": "high"})),
    ("what is due?", ListTasks({}, "tasks")),
]  # fmt: skip


class TestParseUtterance:
    @pytest.mark.parametrize(("sentence", "expected"), PARSES, ids=[row[0] for row in PARSES])
    def test_sentence_gives_intent(self, sentence: str, expected: Intent) -> None:
        assert parse_message(sentence, NOW) == [expected]

    def test_table_covers_at_least_sixty_sentences(self) -> None:
        assert len(PARSES) >= 60

    def test_same_sentence_same_intent_every_time(self) -> None:
        first = parse_message("add buy milk tomorrow at 5pm #errands", NOW)
        assert all(
            parse_message("add buy milk tomorrow at 5pm #errands", NOW) == first for _ in range(3)
        )


class TestParseRef:
    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("task 12", TaskRef(task_id=12)),
            ("#12", TaskRef(task_id=12)),
            ("number 12", TaskRef(task_id=12, loose=True)),
            ("it", TaskRef()),
            ("that one", TaskRef()),
            ("the task", TaskRef()),
            ("the one", TaskRef()),
            ("its", TaskRef()),
            ("the second one", TaskRef(position=2)),
            ("the last task", TaskRef(position=-1)),
            ("the third", TaskRef(position=3)),
            ("the milk task", TaskRef(words="milk")),
            ("“buy milk”", TaskRef(words="buy milk")),
            ("  ", None),
        ],
    )
    def test_reads_ids_pronouns_and_words(self, text: str, expected: TaskRef | None) -> None:
        assert parse_ref(text) == expected


class TestParseSelection:
    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("3", Selection(number=3)),
            ("#12", Selection(number=12)),
            ("task 12", Selection(number=12)),
            ("number 2", Selection(number=2)),
            ("the first one", Selection(position=1)),
            ("the 2nd one", Selection(position=2)),
            ("second", Selection(position=2)),
            ("the last one.", Selection(position=-1)),
            ("buy milk", None),
            ("the first of many", None),
        ],
    )
    def test_reads_answers_to_which_one(self, text: str, expected: Selection | None) -> None:
        assert parse_selection(text) == expected


class TestDatePhrases:
    @pytest.mark.parametrize(
        ("phrase", "expected"),
        [
            ("tomorrow at 5pm", "2026-11-19T17:00:00+00:00"),
            ("next friday", "2026-11-20" + EOD),
            ("in 3 days", "2026-11-21" + EOD),
            ("on 2026-12-01", "2026-12-01" + EOD),
            ("by monday at 9am", "2026-11-23T09:00:00+00:00"),
            ("in 2 hours", "2026-11-18T12:00:00+00:00"),
            ("today", "2026-11-18" + EOD),
            ("at 5", "2026-11-18T17:00:00+00:00"),
            ("at 9", "2026-11-19T09:00:00+00:00"),
            ("at 0", "2026-11-19T00:00:00+00:00"),
            ("at 17", "2026-11-18T17:00:00+00:00"),
            ("the 31st", "2026-12-31" + EOD),
            ("on jan 3 2028", "2028-01-03" + EOD),
            ("tmrw at 5pm", "2026-11-19T17:00:00+00:00"),
            ("end of week", "2026-11-22" + EOD),
            ("by end of day friday", "2026-11-20" + EOD),
            ("friday eod", "2026-11-20" + EOD),
            ("close of business on thursday", "2026-11-19" + EOD),
            ("by end of the day", "2026-11-18" + EOD),
            ("monday instead", "2026-11-23" + EOD),
            ("then tomorrow", "2026-11-19" + EOD),
            ("friday after all", "2026-11-20" + EOD),
            ("sometime next week", "2026-11-25" + EOD),
            ("at 3:30", "2026-11-18T15:30:00+00:00"),
            ("at 9:15", "2026-11-19T09:15:00+00:00"),
        ],
    )
    def test_library_parses_relative_and_absolute_dates(self, phrase: str, expected: str) -> None:
        parsed = parse_date_phrase(phrase, NOW)
        assert parsed is not None
        assert parsed.isoformat() == expected

    @pytest.mark.parametrize(
        "phrase", ["5", "2027", "the boss", "mom", "whenever", "at 25", "the 32nd", "in 2 years"]
    )
    def test_numbers_and_plain_words_are_not_dates(self, phrase: str) -> None:
        assert parse_date_phrase(phrase, NOW) is None

    @pytest.mark.parametrize(
        ("phrase", "expected"),
        [("8am", "2026-12-01T08:00:00+00:00"), ("at 5", "2026-11-30T17:00:00+00:00")],
    )
    def test_a_passed_time_on_a_months_last_day_is_tomorrow(
        self, phrase: str, expected: str
    ) -> None:
        last_day = datetime(2026, 11, 30, 15, 0, tzinfo=UTC)
        parsed = parse_date_phrase(phrase, last_day)
        assert parsed is not None
        assert parsed.isoformat() == expected

    @pytest.mark.parametrize("phrase", ["instead", "then please", "after all"])
    def test_filler_alone_is_no_date(self, phrase: str) -> None:
        assert parse_date_phrase(phrase, NOW) is None

    def test_title_keeps_words_before_the_date(self) -> None:
        title, due = split_date("read chapter 5 tomorrow", NOW)
        assert title == "read chapter 5"
        assert due is not None
        assert due.isoformat() == "2026-11-19" + EOD
