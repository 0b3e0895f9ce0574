"""Questions: finished today / this week / last week (by completion time), overdue, due this week, counts,
by tag and by priority."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.local_model import FIXED_NOW, check_case, new_chat

pytestmark = pytest.mark.database_independent

MIX: list[dict[str, Any]] = [
    {"title": "assemble the crib", "completed": True},
    {"title": "write the speech", "due_date": "+20d", "completed": True},
    {"title": "book a hearing test", "due_date": "TOMORROW"},
    {"title": "return the jury form", "due_date": "2026-11-02"},
    {"title": "call the accountant", "tags": ["finance"], "priority": "high"},
    {"title": "compare savings accounts", "tags": ["finance"]},
    {"title": "book a massage", "tags": ["selfcare"], "priority": "low"},
]


def reply(all_of: list[str], none_of: list[str]) -> dict[str, Any]:
    return {"count": len(MIX), "reply_contains_all": all_of, "reply_contains_none": none_of}


DONE = ["crib", "speech"]
OPEN = ["hearing test", "jury form", "accountant", "savings", "massage"]
CASES: list[dict[str, Any]] = [
    {"id": "finished-this-week", "say": ["what did I finish this week?"], "expect": reply(DONE, OPEN)},
    {"id": "done-today", "say": ["what have I done today?"], "expect": reply(DONE, OPEN)},
    {"id": "completed-today", "say": ["show tasks I completed today"], "expect": reply(DONE, OPEN)},
    {"id": "wrapped-up", "say": ["anything wrapped up this week?"], "expect": reply(DONE, OPEN)},
    {"id": "last-week", "say": ["what did I complete last week?"], "expect": reply([], DONE + OPEN)},
    {"id": "overdue", "say": ["what's overdue?"], "expect": reply(["jury form"], ["hearing test", "crib"])},
    {"id": "behind", "say": ["am I behind on anything?"], "expect": reply(["jury form"], ["hearing test", "crib"])},
    {"id": "late", "say": ["which tasks are late?"], "expect": reply(["jury form"], ["hearing test"])},
    {
        "id": "due-this-week",
        "say": ["what's due this week?"],
        "expect": reply(["hearing test"], ["jury form", "speech"]),
    },
    {"id": "due-tomorrow", "say": ["anything due tomorrow?"], "expect": reply(["hearing test"], ["jury form"])},
    {
        "id": "how-many-open",
        "say": ["how many tasks do I have left?"],
        "expect": {"reply_contains_any": ["5 pending", "5 task"]},
    },
    {
        "id": "how-many-high",
        "say": ["how many high priority tasks are open?"],
        "expect": {"reply_contains_any": ["1 pending", "1 high"]},
    },
    {"id": "by-tag", "say": ["show me the finance stuff"], "expect": reply(["accountant", "savings"], ["massage"])},
    {"id": "by-hashtag", "say": ["list #selfcare"], "expect": reply(["massage"], ["accountant"])},
    {"id": "tagged", "say": ["what's tagged finance?"], "expect": reply(["accountant", "savings"], ["massage"])},
    {
        "id": "by-priority",
        "say": ["show my high priority tasks"],
        "expect": reply(["accountant"], ["massage", "savings"]),
    },
    {"id": "low-priority", "say": ["what's low priority?"], "expect": reply(["massage"], ["accountant"])},
    {
        "id": "not-important",
        "say": ["which of my tasks aren't that important?"],
        "expect": reply(["massage"], ["accountant"]),
    },
    {"id": "non-urgent", "say": ["show me the non-urgent ones"], "expect": reply(["massage"], ["accountant"])},
    {"id": "havent-finished", "say": ["what haven't I done yet?"], "expect": reply(OPEN, DONE)},
    {"id": "didnt-finish", "say": ["which ones didn't I complete?"], "expect": reply(OPEN, DONE)},
    {"id": "hasnt-been-done", "say": ["show what hasn't been finished"], "expect": reply(OPEN, DONE)},
]


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_questions(case: dict[str, Any]) -> None:
    case = {**case, "setup": [dict(t) for t in MIX]}
    assert check_case(case, FIXED_NOW) == []


def test_finished_questions_ask_the_tool_by_completion_time() -> None:
    chat = new_chat()
    chat.say("what did I finish this week?")
    name, args = chat.store.calls[0]
    assert name == "list_tasks"
    assert args["status"] == "completed"
    assert args["completed_after"] == "2026-11-23" and args["completed_before"] == "2026-11-26"


WEEKEND = [  # FIXED_NOW is Thursday 26 November: Saturday and Sunday are +2d and +3d
    {"title": "clean the gutters", "due_date": "+2d"},
    {"title": "visit the farmers market", "due_date": "+3d"},
    {"title": "dentist appointment", "due_date": "+4d"},
    {"title": "post the parcel", "due_date": "+1d"},
]


@pytest.mark.parametrize(
    ("question", "shown", "hidden"),
    [
        ("anything planned for the weekend?", ["gutters", "farmers market"], ["dentist", "parcel"]),
        ("what have I got lined up this weekend?", ["gutters", "farmers market"], ["dentist", "parcel"]),
        ("anything I need to get done before the weekend?", ["parcel"], ["dentist"]),
    ],
)
def test_weekend_questions(question: str, shown: list[str], hidden: list[str]) -> None:
    case = {
        "setup": [dict(t) for t in WEEKEND],
        "say": [question],
        "expect": {"count": 4, "reply_contains_all": shown, "reply_contains_none": hidden},
    }
    assert check_case(case, FIXED_NOW) == []


REPEATING = [
    {"title": "put the bins out", "recurrence": "FREQ=WEEKLY;BYDAY=MO"},
    {"title": "water the ferns", "recurrence": "FREQ=DAILY"},
    {"title": "renew the passport"},
]


@pytest.mark.parametrize("question", ["do I have any recurring tasks?", "show the tasks that repeat"])
def test_questions_about_repeating_tasks(question: str) -> None:
    case = {
        "setup": [dict(t) for t in REPEATING],
        "say": [question],
        "expect": {"count": 3, "reply_contains_all": ["bins", "ferns"], "reply_contains_none": ["passport"]},
    }
    assert check_case(case, FIXED_NOW) == []


QUESTION_TASKS: list[dict[str, Any]] = [
    {"title": "school fete", "due_date": "2026-11-27"}, {"title": "car tax", "due_date": "2026-11-20"},
    {"title": "porch light", "priority": "high", "completed": True}, {"title": "modem reset", "priority": "high"},
    {"title": "pay nursery", "due_date": "2026-12-10", "tags": ["family"]},
]


@pytest.mark.parametrize(("message", "shown"), [
    ("show me this week's tasks", ["school fete"]),
    ("what are next month's tasks?", ["pay nursery"]),
    ("which tasks are past their due date?", ["car tax"]),
    ("anything past its deadline?", ["car tax"]),
    ("show me the high priority ones that aren't done yet", ["modem reset"]),
    ("which high priority tasks aren't finished?", ["modem reset"]),
    ("anything with a deadline tomorrow?", ["school fete"]),
    ("show my family-tagged tasks", ["pay nursery"]),
    ("what's under the family tag?", ["pay nursery"]),
    ("which tasks are marked high?", ["modem reset"]),
    ("which tasks don't have a due date?", ["modem reset"]),
    ("what's due in the next 3 days?", ["school fete"]),
    ("anything coming up in the next two weeks?", ["school fete", "pay nursery"]),
])
def test_list_questions_in_other_words(message: str, shown: list[str]) -> None:
    """Before: "this week's" searched for 's', "past their due date" and "aren't done" were not read, "with a
    deadline" searched for the word 'deadline', "<tag>-tagged" was not a tag."""
    from tests.support.local_model import new_chat

    chat = new_chat(setup=[dict(t) for t in QUESTION_TASKS])
    reply = chat.say(message)
    for title in [t["title"] for t in QUESTION_TASKS]:
        assert (title in reply) == (title in shown), (title, reply)
