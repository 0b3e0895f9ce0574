"""Unit tests of the local model's understanding, with a fixed "now" (Thursday 26 Nov 2026, 14:05)."""

from __future__ import annotations

import datetime as dt

import pytest

from app.agent.local_model.clock import Now, now_from_instructions
from app.agent.local_model.conversation import ConversationReader, Turn, read_conversation
from app.agent.local_model.dates import extract_when
from app.agent.local_model.fields import extract_fields
from app.agent.local_model.intents import ADD, COMPLETE, DELETE, LIST, REOPEN, UPDATE, parse_intent
from app.agent.local_model.recurrence import extract_recurrence, first_occurrence
from app.agent.local_model.references import best_matches, parse_reference
from app.agent.local_model.text import stem

pytestmark = pytest.mark.database_independent

NOW = Now(moment=dt.datetime(2026, 11, 26, 14, 5), timezone="Europe/Paris")
D = dt.date


def test_now_comes_from_the_instructions_line() -> None:
    now = now_from_instructions("Be nice.\nCurrent date and time: 2026-11-26T14:05 (Thursday), timezone: Europe/Paris")
    assert now.moment == dt.datetime(2026, 11, 26, 14, 5) and now.timezone == "Europe/Paris"
    fallback = now_from_instructions("no date here")
    assert fallback.timezone == "UTC" and abs(fallback.moment - dt.datetime.utcnow()) < dt.timedelta(minutes=2)


@pytest.mark.parametrize(
    ("text", "day", "clock", "rest"),
    [
        ("call grandma tomorrow at 7pm", D(2026, 11, 27), dt.time(19, 0), "call grandma"),
        ("pay the water bill today", D(2026, 11, 26), None, "pay the water bill"),
        ("finish the budget by wednesday", D(2026, 12, 2), None, "finish the budget"),
        ("submit it on thursday", D(2026, 11, 26), None, "submit it"),
        ("renew car insurance on march 14", D(2027, 3, 14), None, "renew car insurance"),
        ("dentist december 3 at 10:30am", D(2026, 12, 3), dt.time(10, 30), "dentist"),
        ("party on the 3rd of january", D(2027, 1, 3), None, "party"),
        ("in 2 days: defrost the freezer", D(2026, 11, 28), None, ": defrost the freezer"),
        ("review in 3 weeks", D(2026, 12, 17), None, "review"),
        ("standup at 9:15am", D(2026, 11, 27), dt.time(9, 15), "standup"),
        ("lunch at noon", D(2026, 11, 27), dt.time(12, 0), "lunch"),
        ("coffee at 4pm", D(2026, 11, 26), dt.time(16, 0), "coffee"),
        ("call at 15:30", D(2026, 11, 26), dt.time(15, 30), "call"),
        ("clean garage this weekend", D(2026, 11, 28), None, "clean garage"),
        ("report end of the month", D(2026, 11, 30), None, "report"),
        ("lock the door tonight", D(2026, 11, 26), dt.time(20, 0), "lock the door"),
        ("gym next monday", D(2026, 11, 30), None, "gym"),
        ("send invoice by the 3rd", D(2026, 12, 3), None, "send invoice"),
        ("call the garage the day after tomorrow", D(2026, 11, 28), None, "call the garage"),
    ],
)
def test_dates_and_times(text: str, day: dt.date, clock: dt.time | None, rest: str) -> None:
    when, left = extract_when(text, NOW)
    assert (when.date, when.time) == (day, clock)
    assert " ".join(left.split()) == rest


@pytest.mark.parametrize(
    "text",
    ["read 2 books", "march in the parade", "ask if we may bring the dog", "call at 5 main street", "buy 3 apples"],
)
def test_numbers_and_month_words_in_titles_are_not_dates(text: str) -> None:
    when, left = extract_when(text, NOW)
    assert when.date is None and when.time is None
    assert left == text


@pytest.mark.parametrize(
    ("text", "rule", "first"),
    [
        ("take out the recycling every thursday", "FREQ=WEEKLY;BYDAY=TH", D(2026, 11, 26)),
        ("stretch every day", "FREQ=DAILY", D(2026, 11, 26)),
        ("stand-up every weekday", "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", D(2026, 11, 26)),
        ("water the ferns every 2 weeks", "FREQ=WEEKLY;INTERVAL=2", D(2026, 11, 26)),
        ("pay rent every month on the 1st", "FREQ=MONTHLY;BYMONTHDAY=1", D(2026, 12, 1)),
        ("gym on mondays and wednesdays", "FREQ=WEEKLY;BYDAY=MO,WE", D(2026, 11, 30)),
        ("backups monthly", "FREQ=MONTHLY", D(2026, 11, 26)),
    ],
)
def test_recurrence_rules(text: str, rule: str, first: dt.date) -> None:
    found, _rest = extract_recurrence(text)
    assert found is not None and found.rule == rule
    assert first_occurrence(rule, NOW.today) == first


@pytest.mark.parametrize(
    ("text", "priority"),
    [
        ("add an urgent task: send the contract", "high"),
        ("call the bank asap", "high"),
        ("renew the lease, it's important", "high"),
        ("low priority: clean out the attic", "low"),
        ("sort photos, not important", "low"),
        ("organize the garage medium priority", "medium"),
        ("buy milk", None),
    ],
)
def test_priorities(text: str, priority: str | None) -> None:
    assert extract_fields(text, NOW)[0].priority == priority


@pytest.mark.parametrize(
    ("text", "tags"),
    [
        ("buy stamps #errands", ["errands"]),
        ("review pull requests tagged work", ["work"]),
        ("buy gift with tags family, shopping", ["family", "shopping"]),
        ("order glasses and tag it health", ["health"]),
        ("milk on my shopping list", ["shopping"]),
    ],
)
def test_tags(text: str, tags: list[str]) -> None:
    assert extract_fields(text, NOW)[0].tags == tags


@pytest.mark.parametrize(
    ("message", "title"),
    [
        ("add buy milk", "buy milk"),
        ("Add a task to call the electrician", "call the electrician"),
        ("remind me to return the library books.", "return the library books"),
        ("new task: order a birthday cake", "order a birthday cake"),
        ("I need to book a table", "book a table"),
        ("don't let me forget to water the plants", "water the plants"),
        ("put renew passport on my list", "renew passport"),
        ("can you add schedule a haircut?", "schedule a haircut"),
        ("add an urgent task: send the contract", "send the contract"),
        ("in 2 days: defrost the freezer", "defrost the freezer"),
        ("add buy stamps #errands", "buy stamps"),
        ("add 'meet at 5 guys' tomorrow", "meet at 5 guys"),
    ],
)
def test_add_titles_are_cleaned(message: str, title: str) -> None:
    intent = parse_intent(message, NOW)
    assert intent.kind == ADD and intent.title == title


@pytest.mark.parametrize(
    ("message", "kind", "target"),
    [
        ("mark task 3 as done", COMPLETE, "task 3"),
        ("I finished buying groceries", COMPLETE, "buying groceries"),
        ("done with the expense report", COMPLETE, "the expense report"),
        ("I paid the rent", COMPLETE, "paid the rent"),
        ("check off call the bank", COMPLETE, "call the bank"),
        ("reopen task 4", REOPEN, "task 4"),
        ("mark the dentist as not done", REOPEN, "the dentist"),
        ("delete task 2", DELETE, "task 2"),
        ("get rid of the groceries task", DELETE, "the groceries task"),
        ("cancel the dentist appointment", DELETE, "the dentist appointment"),
        ("make the quarterly report high priority", UPDATE, "the quarterly report"),
        ("move the dentist appointment to tomorrow at 3pm", UPDATE, "the dentist appointment"),
        ("rename task 4 to call dad", UPDATE, "task 4"),
    ],
)
def test_actions_on_existing_tasks(message: str, kind: str, target: str) -> None:
    intent = parse_intent(message, NOW)
    assert (intent.kind, intent.target) == (kind, target)


def test_update_details() -> None:
    moved = parse_intent("move the dentist appointment to tomorrow at 3pm", NOW)
    assert (moved.fields.due_date, moved.fields.due_time) == (D(2026, 11, 27), dt.time(15, 0))
    renamed = parse_intent("rename task 4 to call dad", NOW)
    assert renamed.title == "call dad"
    cleared = parse_intent("remove the due date from the report", NOW)
    assert cleared.kind == UPDATE and cleared.clear == ["due_date", "due_time"]
    tagged = parse_intent("add tag work to the report", NOW)
    assert tagged.kind == UPDATE and tagged.fields.tags == ["work"] and tagged.target == "the report"
    repeat = parse_intent("make it repeat every monday", NOW)
    assert repeat.fields.recurrence == "FREQ=WEEKLY;BYDAY=MO" and parse_reference(repeat.target).pronoun


@pytest.mark.parametrize(
    ("message", "status", "extra"),
    [
        ("what's on my list?", "pending", {}),
        ("what have I completed?", "completed", {}),
        ("show my high priority tasks", "pending", {"priority": "high"}),
        ("tasks tagged work", "pending", {"tag": "work"}),
        ("find tasks about invoice", "all", {"search": "invoice"}),
        ("search for dentist", "all", {"search": "dentist"}),
        ("what's due today?", "pending", {"due_from": D(2026, 11, 26), "due_to": D(2026, 11, 26)}),
        ("what's overdue?", "pending", {"due_to": D(2026, 11, 25)}),
        ("what's due this week", "pending", {"due_from": D(2026, 11, 26), "due_to": D(2026, 11, 29)}),
    ],
)
def test_list_queries(message: str, status: str, extra: dict[str, object]) -> None:
    intent = parse_intent(message, NOW)
    assert intent.kind == LIST and intent.query is not None
    assert intent.query.status == status
    for key, value in extra.items():
        assert getattr(intent.query, key) == value


@pytest.mark.parametrize(
    ("phrase", "task_id", "position", "pronoun"),
    [
        ("task 3", 3, None, False),
        ("#12", 12, None, False),
        ("number 7", 7, None, False),
        ("the second one", None, 2, False),
        ("the last one", None, -1, False),
        ("it", None, None, True),
        ("that one", None, None, True),
    ],
)
def test_reference_kinds(phrase: str, task_id: int | None, position: int | None, pronoun: bool) -> None:
    ref = parse_reference(phrase)
    assert (ref.task_id, ref.position, ref.pronoun) == (task_id, position, pronoun)


def test_several_ids() -> None:
    assert parse_reference("tasks 2, 3 and 5").task_ids == [2, 3, 5]


TASKS = [
    {"id": 1, "title": "buy groceries", "completed": False},
    {"id": 2, "title": "submit expense report", "completed": False},
    {"id": 3, "title": "team meeting notes", "completed": False},
    {"id": 4, "title": "meeting with Sam", "completed": False},
    {"id": 5, "title": "call mom", "completed": False},
    {"id": 6, "title": "call mom about dinner", "completed": False},
]


@pytest.mark.parametrize(
    ("phrase", "ids"),
    [
        ("buying groceries", [1]),
        ("the expense report", [2]),
        ("the meeting task", [3, 4]),
        ("call mom", [5]),
        ("the piano lesson", []),
    ],
)
def test_title_matching(phrase: str, ids: list[int]) -> None:
    found = best_matches(parse_reference(phrase).stems, TASKS)
    assert [t["id"] for t in found] == ids


def test_stemming_maps_inflections_together() -> None:
    assert stem("buying") == stem("buy") == stem("buys")
    assert stem("groceries") == stem("grocery")
    assert stem("baked") == stem("bake")
    assert stem("paid") == stem("pay")


def test_conversation_reading_groups_turns_and_outputs() -> None:
    items = [
        {"role": "user", "content": "add milk"},
        {"type": "function_call", "call_id": "c1", "name": "add_task", "arguments": '{"title": "milk"}'},
        {
            "type": "function_call_output",
            "call_id": "c1",
            "output": [{"type": "input_text", "text": '{"task": {"id": 4}}'}],
        },
        {"role": "assistant", "content": [{"type": "output_text", "text": "Added 'milk'."}]},
        {"role": "user", "content": "delete it"},
        {"type": "function_call", "call_id": "c2", "name": "delete_task", "arguments": '{"task_id": 4}'},
        {"type": "function_call_output", "call_id": "c2", "output": "no task 4"},
    ]
    conversation = read_conversation(items)
    assert [t.user for t in conversation.turns] == ["add milk", "delete it"]
    first = conversation.turns[0]
    assert first.assistant == "Added 'milk'." and first.exchanges[0].tasks() == [{"id": 4}]
    assert conversation.current.exchanges[0].failed


def test_a_reply_after_tools_reads_on_from_the_step_and_gets_the_whole_conversation() -> None:
    """The reply to a step's tool results reads only the step's calls and their outputs, on from the step's
    own reading (`ConversationReader`), and sees the same conversation as a reading of everything."""
    step = [
        {"role": "user", "content": "add milk"},
        {"type": "function_call", "call_id": "c1", "name": "add_task", "arguments": '{"title": "milk"}'},
        {"type": "function_call_output", "call_id": "c1", "output": '{"task": {"id": 4, "title": "milk"}}'},
        {"role": "assistant", "content": "Added 'milk'."},
        {"role": "user", "content": "make it high priority and add bread"},
    ]
    after = [
        {"type": "function_call", "call_id": "c2", "name": "update_task", "arguments": '{"task_id": 4}'},
        {"type": "function_call", "call_id": "c3", "name": "add_task", "arguments": '{"title": "bread"}'},
        {"type": "function_call_output", "call_id": "c3", "output": '{"task": {"id": 5, "title": "bread"}}'},
        {"type": "function_call_output", "call_id": "c2", "output": "no task 4"},
    ]
    reader = ConversationReader().read(step)
    assert [t.user for t in reader.conversation().turns] == ["add milk", "make it high priority and add bread"]
    assert reader.conversation().current.exchanges == []
    read_on = reader.read(after).conversation()
    assert read_on == read_conversation(step + after)
    assert [(e.name, e.failed) for e in read_on.current.exchanges] == [("update_task", True), ("add_task", False)]
    assert read_on.current.exchanges[1].tasks() == [{"id": 5, "title": "bread"}]
    assert ConversationReader().conversation().turns == [Turn(user="")]
    assert ConversationReader().read(after[:1]).conversation().turns[0].user == ""  # a call before any message


def test_a_message_read_again_is_understood_afresh_whatever_the_last_reader_changed() -> None:
    """The model keeps its reading of recent messages (each step of a turn reads the message again); a caller
    that edits the intent it got (a batch setting shared fields, a position resolved) changes no later reading."""
    first = parse_intent("add water the plants tomorrow #home", NOW)
    first.title, first.target = "changed", "2"
    first.fields.tags.append("garden")
    first.fields.due_date = None
    again = parse_intent("add water the plants tomorrow #home", NOW)
    assert (again.kind, again.title, again.target) == (ADD, "water the plants", "")
    assert again.fields.tags == ["home"] and again.fields.due_date == D(2026, 11, 27)
    asked = parse_intent("what's due this week?", NOW)
    assert asked.query is not None
    asked.query.status = "completed"
    assert parse_intent("what's due this week?", NOW).query.status == "pending"  # type: ignore[union-attr]


@pytest.mark.parametrize(("question", "tag"), [
    ("which tasks have the groceries tag?", "groceries"), ("show everything with the work label", "work"),
    ("list the tasks carrying the #home tag", "home"),
])
def test_a_tag_named_before_the_word_tag(question: str, tag: str) -> None:
    from app.agent.local_model.listing import parse_list_query

    assert parse_list_query(question, NOW).tag == tag


def test_missing_a_deadline_means_overdue() -> None:
    from app.agent.local_model.listing import parse_list_query

    query = parse_list_query("which tasks did I miss the deadline on?", NOW)
    assert query.label == "overdue" and query.due_to == D(2026, 11, 25)


def test_questions_about_a_span_from_now_the_calendar_and_overdue_or_today() -> None:
    from app.agent.local_model.listing import parse_list_query

    span = parse_list_query("what do I have between now and sunday?", NOW)
    assert (span.due_from, span.due_to) == (D(2026, 11, 26), D(2026, 11, 29))
    calendar = parse_list_query("anything on the calendar for tomorrow?", NOW)
    assert (calendar.due_from, calendar.due_to, calendar.search) == (D(2026, 11, 27), D(2026, 11, 27), None)
    both = parse_list_query("anything overdue or due today?", NOW)
    assert (both.due_from, both.due_to, both.search, both.status) == (None, D(2026, 11, 26), None, "pending")


@pytest.mark.parametrize(("message", "title", "due_date", "recurrence"), [
    ("add pay the cleaner on the first of every month", "pay the cleaner", "2026-12-01", "FREQ=MONTHLY;BYMONTHDAY=1"),
    ("add read the meter on the twenty-third of each month", "read the meter", "2026-12-23",
     "FREQ=MONTHLY;BYMONTHDAY=23"),
    ("add a task for December 19: collect the turkey", "collect the turkey", "2026-12-19", None),
])
def test_spelled_monthly_days_and_a_date_before_a_colon(message: str, title: str, due_date: str,
                                                        recurrence: str | None) -> None:
    from tests.support.local_model import new_chat

    chat = new_chat()
    chat.say(message)
    [task] = chat.store.tasks.values()
    assert (task["title"], task["due_date"], task["recurrence"]) == (title, due_date, recurrence)


@pytest.mark.parametrize(("message", "title", "due_date", "due_time"), [
    ("add call grandma tomorrow at half past 4", "call grandma", "2026-11-27", "16:30"),
    ("add dentist on friday at quarter to 9", "dentist", "2026-11-27", "08:45"),
    ("add standup a quarter past ten tomorrow", "standup", "2026-11-27", "10:15"),
    ("add collect the kids at half 3 today", "collect the kids", "2026-11-26", "15:30"),
    ("add renew passport two weeks from today", "renew passport", "2026-12-10", None),
    ("add dinner with Jo a week from friday", "dinner with Jo", "2026-12-04", None),
    ("add gym 3 days from tomorrow", "gym", "2026-11-30", None),
    ("add pay council tax next month on the 5th", "pay council tax", "2026-12-05", None),
    ("add rent on the 1st of next month", "rent", "2026-12-01", None),
    ("add half marathon training tomorrow", "half marathon training", "2026-11-27", None),
    ("add split the bill in half 3 ways", "split the bill in half 3 ways", None, None),
])
def test_clock_times_in_words_and_dates_counted_from_a_day(message: str, title: str, due_date: str | None,
                                                          due_time: str | None) -> None:
    """Before, "half past 4" stayed in the title with no time, and "two weeks from today" was today."""
    from tests.support.local_model import new_chat

    chat = new_chat()
    chat.say(message)
    [task] = chat.store.tasks.values()
    assert (task["title"], task["due_date"], task["due_time"]) == (title, due_date, due_time)


@pytest.mark.parametrize(("message", "title", "recurrence", "priority"), [
    ("add book club on the first monday of every month", "book club", "FREQ=MONTHLY;BYDAY=1MO", "none"),
    ("add submit my timesheet on the last friday of every month", "submit my timesheet", "FREQ=MONTHLY;BYDAY=-1FR",
     "none"),
    ("add chase the unpaid invoice as a high priority item", "chase the unpaid invoice", None, "high"),
])
def test_nth_weekday_of_the_month_and_a_priority_item(message: str, title: str, recurrence: str | None,
                                                      priority: str) -> None:
    from tests.support.local_model import new_chat

    chat = new_chat()
    reply = chat.say(message)
    [task] = chat.store.tasks.values()
    assert (task["title"], task["recurrence"], task["priority"]) == (title, recurrence, priority)
    assert "-1FR" not in reply and "1MO" not in reply
