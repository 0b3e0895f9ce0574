"""References: positions in the last list shown, the last one added, pronouns across turns, partial titles,
and which-one questions a person can answer by position or by title."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.local_model import FIXED_NOW, check_case, new_chat

pytestmark = pytest.mark.database_independent

THREE = [{"title": "order a new router"}, {"title": "reply to Grace"}, {"title": "sharpen the knives"}]


def done(word: str, state: bool = True) -> dict[str, Any]:
    return {"match": {"title_contains": word}, "completed": state}


CASES: list[dict[str, Any]] = [
    {
        "id": "second-done",
        "setup": THREE,
        "say": ["list my tasks", "the second one is done"],
        "expect": {"tasks": [done("grace"), done("router", False), done("knives", False)]},
    },
    {
        "id": "number-3",
        "setup": THREE,
        "say": ["what's on my list", "finish 3"],
        "expect": {"tasks": [done("knives"), done("router", False)]},
    },
    {
        "id": "number-n-after-a-list",
        "setup": THREE,
        "say": ["show me my tasks", "number 2 is done"],
        "expect": {"tasks": [done("grace"), done("router", False), done("knives", False)]},
    },
    {
        "id": "positions-both-done",
        "setup": THREE,
        "say": ["list everything", "the first and the last are both finished"],
        "expect": {"tasks": [done("router"), done("knives"), done("grace", False)]},
    },
    {
        "id": "last-two",
        "setup": THREE,
        "say": ["list my tasks", "done with the last two"],
        "expect": {"tasks": [done("router", False), done("grace"), done("knives")]},
    },
    {
        "id": "first-2-deleted",
        "setup": THREE,
        "say": ["show my list", "delete the first 2"],
        "expect": {"count": 1, "tasks": [done("knives", False)]},
    },
    {
        "id": "middle-one",
        "setup": THREE,
        "say": ["what's on my list?", "tick off the middle one"],
        "expect": {"tasks": [done("grace"), done("router", False), done("knives", False)]},
    },
    {
        "id": "pronoun-with-already",
        "setup": THREE,
        "say": ["add call the electrician", "actually I did that already"],
        "expect": {"count": 4, "tasks": [done("electrician"), done("grace", False)]},
    },
    {
        "id": "delete-first",
        "setup": THREE,
        "say": ["show tasks", "delete the first one"],
        "expect": {"count": 2, "absent": [{"title_contains": "router"}]},
    },
    {
        "id": "last-priority",
        "setup": THREE,
        "say": ["show my todos", "make the last one high priority"],
        "expect": {"tasks": [{"match": {"title_contains": "knives"}, "priority": "high"}]},
    },
    {
        "id": "just-added",
        "say": ["add buy a kettle", "add call the vet", "delete the one I just added"],
        "expect": {"count": 1, "absent": [{"title_contains": "vet"}]},
    },
    {
        "id": "last-added",
        "say": ["add buy a kettle", "add call the vet", "mark the last one I added as done"],
        "expect": {"tasks": [done("vet"), done("kettle", False)]},
    },
    {
        "id": "it-after-add",
        "say": ["add water the roses", "move it to friday"],
        "expect": {"tasks": [{"match": {"title_contains": "roses"}, "due_date": "wd:fri"}]},
    },
    {
        "id": "it-after-search",
        "setup": [{"title": "renew the insurance"}, {"title": "clean the oven"}],
        "say": ["find the insurance task", "mark it done"],
        "expect": {"tasks": [done("insurance"), done("oven", False)]},
    },
    {
        "id": "that-one-after-search",
        "setup": [{"title": "renew the insurance"}, {"title": "clean the oven"}],
        "say": ["anything about the oven?", "remove that one"],
        "expect": {"count": 1, "absent": [{"title_contains": "oven"}]},
    },
    {
        "id": "partial-title",
        "setup": [{"title": "submit the quarterly tax return"}, {"title": "walk the dog"}],
        "say": ["the tax thing is done"],
        "expect": {"tasks": [done("tax")]},
    },
    {
        "id": "pronoun-two-turns",
        "say": ["add book the hotel", "set it for saturday", "and make it urgent"],
        "expect": {
            "count": 1,
            "tasks": [{"match": {"title_is": "book the hotel"}, "due_date": "wd:sat", "priority": "high"}],
        },
    },
    {
        "id": "undo-complete",
        "setup": THREE,
        "say": ["mark the router task as done", "undo that"],
        "expect": {"tasks": [done("router", False)]},
    },
    {
        "id": "which-then-2",
        "setup": [{"title": "buy bread", "due_date": "+2d"}, {"title": "buy bread", "priority": "high"}],
        "say": ["delete buy bread", "2"],
        "expect": {"count": 1, "tasks": [{"match": {"title_is": "buy bread"}, "priority": "none"}]},
    },
    {
        "id": "which-then-title",
        "setup": [{"title": "team meeting notes"}, {"title": "meeting with Sam"}],
        "say": ["complete the meeting task", "the one with Sam"],
        "expect": {"tasks": [done("sam"), done("team", False)]},
    },
    {
        "id": "position-out-of-range",
        "setup": THREE,
        "say": ["show my tasks", "complete the fifth one"],
        "expect": {"tasks": [done("router", False), done("grace", False), done("knives", False)]},
    },
]


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_references(case: dict[str, Any]) -> None:
    assert check_case(case, FIXED_NOW) == []


def test_which_one_options_differ_by_what_the_user_sees_and_help_uses_words() -> None:
    chat = new_chat(
        setup=[{"title": "buy bread", "due_date": "2026-11-28"}, {"title": "buy bread", "tags": ["bakery"]}]
    )
    reply = chat.say("delete buy bread")
    lines = reply.splitlines()
    assert lines[0].startswith("Which one do you mean")
    assert "1. 'buy bread' (due Saturday (Nov 28))" in lines
    assert "2. 'buy bread' (#bakery)" in lines
    assert "second one" in reply and "id" not in reply.lower().split()
    help_text = chat.say("help")
    assert "task 3" not in help_text and "task 4" not in help_text


def test_which_one_answered_by_position() -> None:
    chat = new_chat(
        setup=[{"title": "buy bread", "due_date": "2026-11-28"}, {"title": "buy bread", "tags": ["bakery"]}]
    )
    chat.say("complete buy bread")
    reply = chat.say("the second one")
    done = {t["id"]: t["completed"] for t in chat.store.tasks.values()}
    assert done == {1: False, 2: True}
    assert reply == "Marked 'buy bread' as done."


@pytest.mark.parametrize(("correction", "due_date", "due_time", "priority"), [
    ("no wait, 5pm", "2026-11-27", "17:00", "none"), ("actually 6pm", "2026-11-27", "18:00", "none"),
    ("sorry, I meant saturday", "2026-11-28", "16:00", "none"),
    ("oops, saturday at 10am", "2026-11-28", "10:00", "none"), ("no, high priority", "2026-11-27", "16:00", "high"),
])
def test_a_correction_right_after_an_add_changes_that_task(correction: str, due_date: str, due_time: str,
                                                           priority: str) -> None:
    """Before, "no wait, 5pm" added a task called 'no wait'."""
    from tests.support.local_model import new_chat

    chat = new_chat()
    chat.say("add collect the dry cleaning tomorrow at 4pm")
    chat.say(correction)
    [task] = chat.store.tasks.values()
    assert (task["due_date"], task["due_time"], task["priority"]) == (due_date, due_time, priority)


@pytest.mark.parametrize(("message", "gone"), [
    ("kill the grout task", "regrout the bathroom tiles"), ("bin the fence painting", "repainting the fence"),
])
def test_a_word_said_inside_a_title_word_finds_the_task(message: str, gone: str) -> None:
    chat = new_chat(setup=[{"title": "regrout the bathroom tiles"}, {"title": "repainting the fence"},
                           {"title": "plant the bulbs"}])
    chat.say(message)
    assert gone not in [t["title"] for t in chat.store.tasks.values()] and len(chat.store.tasks) == 2


def test_a_guess_never_deletes_one_of_two_tasks_it_could_mean() -> None:
    """"painting" is inside "repainting" and a letter away from "plant": before, it deleted "plant the bulbs"."""
    chat = new_chat(setup=[{"title": "repainting the fence"}, {"title": "plant the bulbs"}])
    reply = chat.say("bin the painting one")
    assert len(chat.store.tasks) == 2 and "1." in reply and "2." in reply


def test_the_words_said_beat_a_word_inside_another() -> None:
    chat = new_chat(setup=[{"title": "paint the shed"}, {"title": "repaint the fence"}])
    chat.say("delete the paint the shed task")
    assert [t["title"] for t in chat.store.tasks.values()] == ["repaint the fence"]
