"""Several requests in one message: one tool call per request, in one model step, each confirmed."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.local_model import FIXED_NOW, check_case, new_chat

pytestmark = pytest.mark.database_independent


def titles(*names: str) -> list[dict[str, Any]]:
    return [{"match": {"title_is": n}, "completed": False} for n in names]


CASES: list[dict[str, Any]] = [
    {
        "id": "need-to-colon",
        "say": ["need to: descale the kettle, renew the library card, buy envelopes"],
        "expect": {"count": 3, "tasks": titles("descale the kettle", "renew the library card", "buy envelopes")},
    },
    {
        "id": "numbered-inline",
        "say": ["add 1) order printer ink 2) sign the lease 3) book a plumber"],
        "expect": {"count": 3, "tasks": titles("order printer ink", "sign the lease", "book a plumber")},
    },
    {
        "id": "dash-list-with-date",
        "say": ["add these for tomorrow - hoover the stairs, iron shirts, pack lunch"],
        "expect": {
            "count": 3,
            "tasks": [
                {"match": {"title_is": t}, "due_date": "+1d"}
                for t in ("hoover the stairs", "iron shirts", "pack lunch")
            ],
        },
    },
    {
        "id": "one-per-line",
        "say": ["add ring the garage\nadd post the birthday card\n- collect the prescription"],
        "expect": {
            "count": 3,
            "tasks": titles("ring the garage", "post the birthday card", "collect the prescription"),
        },
    },
    {
        "id": "and-to",
        "say": ["remind me to book the MOT on friday and to renew the parking permit"],
        "expect": {
            "count": 2,
            "tasks": [
                {"match": {"title_is": "book the MOT"}, "due_date": "wd:fri"},
                {"match": {"title_is": "renew the parking permit"}},
            ],
        },
    },
    {
        "id": "time-takes-the-day-said-before",
        "say": ["on saturday I have to return the library books and collect the cake at 11am"],
        "expect": {
            "count": 2,
            "tasks": [
                {"match": {"title_contains": "library books"}, "due_date": "wd:sat"},
                {"match": {"title_contains": "collect the cake"}, "due_date": "wd:sat", "due_time": "11:00"},
            ],
        },
    },
    {
        "id": "dash-note-stays-one",
        "say": ["add call the landlord - about the boiler"],
        "expect": {"count": 1, "tasks": [{"match": {"title_contains": "call the landlord"}}]},
    },
    {
        "id": "and-verbs",
        "say": ["add wash the car and buy stamps"],
        "expect": {"count": 2, "tasks": titles("wash the car", "buy stamps")},
    },
    {
        "id": "comma-and",
        "say": ["add feed the cat, water the plants and empty the dishwasher"],
        "expect": {"count": 3, "tasks": titles("feed the cat", "water the plants", "empty the dishwasher")},
    },
    {
        "id": "colon-count",
        "say": ["add three things: wash the car, buy stamps, call the bank"],
        "expect": {"count": 3, "tasks": titles("wash the car", "buy stamps", "call the bank")},
    },
    {
        "id": "colon-and",
        "say": ["new tasks: iron the shirts and pack the suitcase"],
        "expect": {"count": 2, "tasks": titles("iron the shirts", "pack the suitcase")},
    },
    {
        "id": "dates-each",
        "say": ["add pick up dry cleaning tomorrow and dentist on friday"],
        "expect": {
            "count": 2,
            "tasks": [
                {"match": {"title_contains": "dry cleaning"}, "due_date": "+1d"},
                {"match": {"title_contains": "dentist"}, "due_date": "wd:fri"},
            ],
        },
    },
    {
        "id": "shared-both",
        "say": ["call mom and pay rent, both for tomorrow"],
        "expect": {
            "count": 2,
            "tasks": [
                {"match": {"title_is": "call mom"}, "due_date": "+1d"},
                {"match": {"title_is": "pay rent"}, "due_date": "+1d"},
            ],
        },
    },
    {
        "id": "shared-all",
        "say": ["add clean the fridge, sort the mail and fix the tap, all high priority"],
        "expect": {
            "count": 3,
            "tasks": [
                {"match": {"title_is": n}, "priority": "high"}
                for n in ("clean the fridge", "sort the mail", "fix the tap")
            ],
        },
    },
    {
        "id": "keep-and-name",
        "say": ["add buy salt and pepper grinders"],
        "expect": {"count": 1, "tasks": titles("buy salt and pepper grinders")},
    },
    {
        "id": "keep-and-people",
        "say": ["add dinner with Tom and Jerry on saturday"],
        "expect": {"count": 1, "tasks": [{"match": {"title_contains": "tom and jerry"}, "due_date": "wd:sat"}]},
    },
    {
        "id": "keep-rock-roll",
        "say": ["add listen to some rock and roll records"],
        "expect": {"count": 1, "tasks": [{"match": {"title_contains": "rock and roll"}}]},
    },
    {
        "id": "done-and-add",
        "setup": [{"title": "pay the gas bill"}],
        "say": ["done with the gas bill, and add call the plumber"],
        "expect": {
            "count": 2,
            "tasks": [
                {"match": {"title_contains": "gas bill"}, "completed": True},
                {"match": {"title_is": "call the plumber"}, "completed": False},
            ],
        },
    },
    {
        "id": "complete-positions",
        "setup": [
            {"title": "a1 walk the dog"},
            {"title": "a2 file taxes"},
            {"title": "a3 pay rent"},
            {"title": "a4 buy milk"},
        ],
        "say": ["show my tasks", "complete 2 and 4"],
        "expect": {
            "tasks": [
                {"match": {"title_contains": "a2"}, "completed": True},
                {"match": {"title_contains": "a4"}, "completed": True},
                {"match": {"title_contains": "a1"}, "completed": False},
                {"match": {"title_contains": "a3"}, "completed": False},
            ]
        },
    },
    {
        "id": "delete-two-names",
        "setup": [{"title": "go to the gym"}, {"title": "do the laundry"}, {"title": "read a book"}],
        "say": ["delete the gym task and the laundry task"],
        "expect": {"count": 1, "absent": [{"title_contains": "gym"}, {"title_contains": "laundry"}]},
    },
    {
        "id": "remove-a-b",
        "setup": [{"title": "renew passport"}, {"title": "book flights"}, {"title": "pack bags"}],
        "say": ["remove passport and flights"],
        "expect": {"count": 1, "absent": [{"title_contains": "passport"}, {"title_contains": "flights"}]},
    },
    {
        "id": "mark-three",
        "setup": [{"title": "email Sara"}, {"title": "print tickets"}, {"title": "charge the camera"}],
        "say": ["I emailed Sara, printed the tickets and charged the camera"],
        "expect": {
            "tasks": [{"match": {"title_contains": n}, "completed": True} for n in ("sara", "tickets", "camera")]
        },
    },
    {
        "id": "complete-then-delete",
        "setup": [{"title": "buy paint"}, {"title": "sand the door"}],
        "say": ["mark buy paint as done, then delete sand the door"],
        "expect": {"count": 1, "tasks": [{"match": {"title_contains": "paint"}, "completed": True}]},
    },
    {
        "id": "delete-name-with-and",
        "setup": [{"title": "buy salt and pepper"}, {"title": "walk the dog"}],
        "say": ["delete the salt and pepper task"],
        "expect": {"count": 1, "absent": [{"title_contains": "salt"}]},
    },
    {
        "id": "add-and-make-it",
        "say": ["add renew the visa and make it urgent"],
        "expect": {"count": 1, "tasks": [{"match": {"title_is": "renew the visa"}, "priority": "high"}]},
    },
    {
        "id": "fields-only-piece-belongs-to-the-task-before",
        "say": ["add organise the garage on sunday, high priority, and buy a new rake"],
        "expect": {"count": 2, "tasks": [
            {"match": {"title_is": "organise the garage"}, "priority": "high", "due_date": "wd:sun"},
            {"match": {"title_is": "buy a new rake"}, "priority": "none"},
        ]},
    },
]


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_several_requests(case: dict[str, Any]) -> None:
    assert check_case(case, FIXED_NOW) == []


def test_requests_become_parallel_calls_in_one_step_and_each_is_confirmed() -> None:
    chat = new_chat(setup=[{"title": "water the ferns"}, {"title": "oil the hinges"}])
    reply = chat.say("add buy rice and book a table, then delete the hinges task")
    names = [name for name, _args in chat.store.calls]
    assert names == ["list_tasks", "add_task", "add_task", "delete_task"]
    assert "buy rice" in reply and "book a table" in reply and "oil the hinges" in reply
    step_items = [i for i in chat.items if isinstance(i, dict) and i.get("type") == "function_call"]
    assert len(step_items) == 4


@pytest.mark.parametrize(("message", "title", "due_date", "due_time"), [
    ("don't let me forget to renew the passport, ping me on the 28th at 9am", "renew the passport", "2026-11-28",
     "09:00"),
    ("add collect the prescription, remind me on friday", "collect the prescription", "2026-11-27", None),
    ("put order the logs on my list and nudge me tomorrow at 8am", "order the logs", "2026-11-27", "08:00"),
])
def test_remind_me_with_only_a_when_says_when_the_task_is(message: str, title: str, due_date: str,
                                                          due_time: str | None) -> None:
    """Before, "ping me on the 28th at 9am" became a second task called 'ping me'."""
    from tests.support.local_model import new_chat

    chat = new_chat()
    chat.say(message)
    [task] = chat.store.tasks.values()
    assert (task["title"], task["due_date"], task["due_time"]) == (title, due_date, due_time)


def test_remind_me_to_after_a_task_is_still_a_second_task() -> None:
    from tests.support.local_model import new_chat

    chat = new_chat()
    chat.say("add call the vet and remind me to buy cat food")
    assert sorted(t["title"] for t in chat.store.tasks.values()) == ["buy cat food", "call the vet"]
