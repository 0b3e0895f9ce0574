"""Typos and text-speak: misspelt command words and abbreviations are understood; titles keep the user's words."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.local_model import FIXED_NOW, check_case

pytestmark = pytest.mark.database_independent

TWO = [{"title": "book the vet appointment"}, {"title": "clean the garage"}]
CASES: list[dict[str, Any]] = [
    {
        "id": "ad",
        "say": ["ad walk the dog"],
        "expect": {"count": 1, "tasks": [{"match": {"title_is": "walk the dog"}}]},
    },
    {
        "id": "addd",
        "say": ["addd pick up the parcel"],
        "expect": {"count": 1, "tasks": [{"match": {"title_is": "pick up the parcel"}}]},
    },
    {
        "id": "crete-task",
        "say": ["crete a tsak to renew the permit"],
        "expect": {"count": 1, "tasks": [{"match": {"title_is": "renew the permit"}}]},
    },
    {
        "id": "2moro",
        "say": ["add buy bread 2moro"],
        "expect": {"count": 1, "tasks": [{"match": {"title_is": "buy bread"}, "due_date": "+1d"}]},
    },
    {
        "id": "tmrw-at",
        "say": ["call the garage tmrw at 10am pls"],
        "expect": {
            "count": 1,
            "tasks": [{"match": {"title_is": "call the garage"}, "due_date": "+1d", "due_time": "10:00"}],
        },
    },
    {
        "id": "2nite",
        "say": ["remind me 2 lock the shed 2nite"],
        "expect": {"count": 1, "tasks": [{"match": {"title_is": "lock the shed"}, "due_date": "+0d"}]},
    },
    {
        "id": "glued-time",
        "say": ["add feed the fish 2day at7pm"],
        "expect": {
            "count": 1,
            "tasks": [{"match": {"title_is": "feed the fish"}, "due_date": "+0d", "due_time": "19:00"}],
        },
    },
    {
        "id": "cmplete",
        "setup": TWO,
        "say": ["cmplete the garage one"],
        "expect": {
            "tasks": [
                {"match": {"title_contains": "garage"}, "completed": True},
                {"match": {"title_contains": "vet"}, "completed": False},
            ]
        },
    },
    {
        "id": "compelte",
        "setup": TWO,
        "say": ["compelte the vet task"],
        "expect": {"tasks": [{"match": {"title_contains": "vet"}, "completed": True}]},
    },
    {
        "id": "delte",
        "setup": TWO,
        "say": ["delte the garage task"],
        "expect": {"count": 1, "absent": [{"title_contains": "garage"}]},
    },
    {
        "id": "remvoe",
        "setup": TWO,
        "say": ["remvoe the vet one thx"],
        "expect": {"count": 1, "absent": [{"title_contains": "vet"}]},
    },
    {
        "id": "title-typo",
        "setup": TWO,
        "say": ["mark the garrage task as done"],
        "expect": {"tasks": [{"match": {"title_contains": "garage"}, "completed": True}]},
    },
    {"id": "shwo", "setup": TWO, "say": ["shwo my tasks"], "expect": {"reply_contains_all": ["vet", "garage"]}},
    {
        "id": "waht-due",
        "setup": [{"title": "pay the nanny", "due_date": "TODAY"}, {"title": "plan the trip", "due_date": "+9d"}],
        "say": ["waht is due 2day"],
        "expect": {"reply_contains_all": ["nanny"], "reply_contains_none": ["trip"]},
    },
    {
        "id": "u-can",
        "setup": TWO,
        "say": ["can u delete the vet one plz"],
        "expect": {"count": 1, "absent": [{"title_contains": "vet"}]},
    },
    {
        "id": "caps",
        "say": ["ADD RENEW THE GYM PASS TOMORROW"],
        "expect": {"count": 1, "tasks": [{"match": {"title_contains": "renew the gym pass"}, "due_date": "+1d"}]},
    },
    {
        "id": "misspelt-day-after-on",
        "say": ["add renew the passport on thrusday"],
        "expect": {"count": 1, "tasks": [{"match": {"title_is": "renew the passport"}, "due_date": "wd:thu"}]},
    },
    {
        "id": "misspelt-day-after-by",
        "say": ["remind me to send the invoice by tuseday"],
        "expect": {"count": 1, "tasks": [{"match": {"title_is": "send the invoice"}, "due_date": "wd:tue"}]},
    },
    {
        "id": "misspelt-month-beside-a-number",
        "say": ["add dentist checkup on janaury 12"],
        "expect": {"count": 1, "tasks": [{"match": {"title_is": "dentist checkup"}, "due_date": "md:01-12"}]},
    },
    {
        "id": "misspelt-level-before-priority",
        "say": ["add replace the smoke alarm battery, meduim priority"],
        "expect": {"count": 1, "tasks": [{"match": {"title_contains": "smoke alarm"}, "priority": "medium"}]},
    },
    {
        "id": "misspelt-state-at-the-end",
        "setup": TWO,
        "say": ["mark the garage one as dnoe"],
        "expect": {"tasks": [{"match": {"title_contains": "garage"}, "completed": True}]},
    },
    {
        "id": "names-near-days-stay",
        "say": ["add call Frida about the Augusta trip"],
        "expect": {
            "count": 1,
            "tasks": [{"match": {"title_contains": "Frida about the Augusta trip"}, "due_date": None}],
        },
    },
    {
        "id": "real-words-near-commands-stay",
        "setup": [{"title": "defrost the fridge"}, {"title": "oil the bike chain"}],
        "say": ["remove the fridge task and mark the bike chain as finished"],
        "expect": {
            "count": 1,
            "absent": [{"title_contains": "fridge"}],
            "tasks": [{"match": {"title_contains": "bike chain"}, "completed": True}],
        },
    },
    {
        "id": "plural-of-a-known-word",
        "setup": [{"title": "sweep the porch", "completed": True}, {"title": "wash the car"}],
        "say": ["delete the completed ones", "yes"],
        "expect": {"count": 1, "tasks": [{"match": {"title_is": "wash the car"}}]},
    },
    {
        "id": "title-kept",
        "say": ["add dome repair quote"],
        "expect": {"count": 1, "tasks": [{"match": {"title_is": "dome repair quote"}}]},
    },
    {
        "id": "priority-misspelt-beside-its-level",
        "say": ["add call the landlord about the heating, priorty high"],
        "expect": {"count": 1, "tasks": [{"match": {"title_is": "call the landlord about the heating"},
                                          "priority": "high"}]},
    },
    {
        "id": "level-then-misspelt-priority-keeps-the-title",
        "setup": [{"title": "project report"}],
        "say": ["chnage the project report to low prioirty"],
        "expect": {"count": 1, "tasks": [{"match": {"title_is": "project report"}, "priority": "low"}]},
    },
    {
        "id": "tomorrow-misspelt-anywhere",
        "say": ["add take the bins out tmorrow"],
        "expect": {"count": 1, "tasks": [{"match": {"title_is": "take the bins out"}, "due_date": "+1d"}]},
    },
    {
        "id": "next-misspelt-before-a-day",
        "say": ["add buy wrapping paper nxet monday"],
        "expect": {"count": 1, "tasks": [{"match": {"title_is": "buy wrapping paper"}, "due_date": "2026-11-30"}]},
    },
    {
        "id": "week-misspelt-after-this",
        "setup": [{"title": "file the taxes", "due_date": "+2d"}, {"title": "paint the fence", "due_date": "+20d"}],
        "say": [{"text": "waht's due this wek?", "reply_contains": ["file the taxes"],
                 "reply_excludes": ["paint the fence"]}],
        "expect": {"count": 2},
    },
    {
        "id": "next-door-stays",
        "say": ["add visit the next door neighbour"],
        "expect": {"count": 1, "tasks": [{"match": {"title_contains": "next door neighbour"}}]},
    },
]


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_typing(case: dict[str, Any]) -> None:
    assert check_case(case, FIXED_NOW) == []


@pytest.mark.parametrize(("message", "title", "due_date", "due_time", "priority"), [
    ("add stretch tommorow mornin", "stretch", "2026-11-27", "09:00", "none"),
    ("add walk the dog saturdy evenin", "walk the dog", "2026-11-28", "18:00", "none"),
    ("add renew the permit fridy at 3pm", "renew the permit", "2026-11-27", "15:00", "none"),
    ("add call the insurer, its urgnet", "call the insurer", None, None, "high"),
    ("add chase the refund its urgent", "chase the refund", None, None, "high"),
])
def test_misspelt_day_parts_days_and_levels_by_their_neighbours(message: str, title: str, due_date: str | None,
                                                                 due_time: str | None, priority: str) -> None:
    from tests.support.local_model import new_chat

    chat = new_chat()
    chat.say(message)
    [task] = chat.store.tasks.values()
    assert (task["title"], task["due_date"], task["due_time"], task["priority"]) == (title, due_date, due_time,
                                                                                     priority)


def test_its_stays_in_a_title_where_it_is_a_possessive() -> None:
    from tests.support.local_model import new_chat

    chat = new_chat()
    chat.say("add clean the bike and its chain")
    assert [t["title"] for t in chat.store.tasks.values()] == ["clean the bike and its chain"]


@pytest.mark.parametrize(("message", "left", "done"), [
    ("take of the cinema tickets from my list", ["gutter clean"], []),
    ("tick of the cinema tickets", ["cinema tickets", "gutter clean"], ["cinema tickets"]),
])
def test_of_for_off_after_a_list_verb(message: str, left: list[str], done: list[str]) -> None:
    from tests.support.local_model import new_chat

    chat = new_chat(setup=[{"title": "cinema tickets"}, {"title": "gutter clean"}])
    chat.say(message)
    assert sorted(t["title"] for t in chat.store.tasks.values()) == left
    assert [t["title"] for t in chat.store.tasks.values() if t["completed"]] == done
