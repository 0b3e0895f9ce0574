"""Requests about a group of tasks: "mark everything as done", "delete all tasks tagged X", "complete all of
them" after a list. Completing acts at once; deleting several asks first, and "no" keeps them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.support.local_model import new_chat

pytestmark = pytest.mark.database_independent

LIST: list[dict[str, Any]] = [
    {"title": "buy oat milk", "tags": ["shopping"]},
    {"title": "phone the plumber", "due_date": "2026-11-26"},
    {"title": "renew the passport", "tags": ["admin"], "priority": "high"},
    {"title": "pick up light bulbs", "tags": ["shopping"]},
    {"title": "water the ferns", "due_date": "2026-11-26"},
    {"title": "old receipt", "completed": True, "tags": ["shopping"]},
]


def state(chat: Any) -> dict[str, bool]:
    return {t["title"]: t["completed"] for t in chat.store.tasks.values()}


def titles(chat: Any) -> set[str]:
    return {t["title"] for t in chat.store.tasks.values()}


@pytest.mark.parametrize("message", [
    "mark everything as done", "I finished all my tasks", "everything is done", "complete every task",
    "ok, mark all my tasks as completed",
])
def test_everything_done_completes_every_open_task(message: str) -> None:
    chat = new_chat(setup=[dict(t) for t in LIST])
    reply = chat.say(message)
    assert all(state(chat).values())
    assert "5 tasks" in reply and "'water the ferns'" in reply


@pytest.mark.parametrize("message", [
    "complete all my shopping tasks", "tick off everything tagged shopping", "mark all the shopping ones as done",
    "all the shopping tasks are done", "done with all my shopping tasks",
])
def test_a_filtered_group_is_completed_and_nothing_else(message: str) -> None:
    chat = new_chat(setup=[dict(t) for t in LIST])
    chat.say(message)
    done = {title for title, completed in state(chat).items() if completed}
    assert done == {"buy oat milk", "pick up light bulbs", "old receipt"}


@pytest.mark.parametrize("message", [
    "I've done everything for today", "mark everything due today as done", "all my tasks for today are done",
])
def test_today_s_tasks_done(message: str) -> None:
    chat = new_chat(setup=[dict(t) for t in LIST])
    chat.say(message)
    done = {title for title, completed in state(chat).items() if completed}
    assert done == {"phone the plumber", "water the ferns", "old receipt"}


def test_a_group_by_priority() -> None:
    chat = new_chat(setup=[dict(t) for t in LIST])
    chat.say("complete all my high priority tasks")
    assert [title for title, completed in state(chat).items() if completed] == ["renew the passport", "old receipt"]


@pytest.mark.parametrize("message", [
    "delete everything tagged shopping", "remove all tasks tagged shopping", "get rid of all my shopping tasks",
    "wipe all the tasks with the shopping tag",
])
def test_deleting_a_filtered_group_asks_then_deletes_on_yes(message: str) -> None:
    chat = new_chat(setup=[dict(t) for t in LIST])
    asked = chat.say(message)
    assert "Are you sure" in asked and "'buy oat milk'" in asked and "'pick up light bulbs'" in asked
    assert len(titles(chat)) == 6
    told = chat.say("yes")
    assert "deleted" in told
    assert titles(chat) == {"phone the plumber", "renew the passport", "water the ferns"}


def test_deleting_a_group_then_no_keeps_every_task() -> None:
    chat = new_chat(setup=[dict(t) for t in LIST])
    chat.say("delete all tasks tagged shopping")
    reply = chat.say("no, keep them")
    assert len(titles(chat)) == 6 and "Nothing changed" in reply


def test_after_a_list_all_of_them_is_that_list() -> None:
    chat = new_chat(setup=[dict(t) for t in LIST])
    chat.say("what's due today?")
    chat.say("mark them all as done")
    done = {title for title, completed in state(chat).items() if completed}
    assert done == {"phone the plumber", "water the ferns", "old receipt"}


@pytest.mark.parametrize("message", ["delete all of them", "delete those", "remove them all"])
def test_deleting_the_list_just_shown_deletes_just_that_list(message: str) -> None:
    """The user is looking at the tasks it names: that is the explicit confirmation several deletes need."""
    chat = new_chat(setup=[dict(t) for t in LIST])
    chat.say("show my shopping tasks")
    told = chat.say(message)
    assert "deleted 2 tasks" in told
    assert titles(chat) == {"phone the plumber", "renew the passport", "water the ferns", "old receipt"}


def test_deleting_a_list_shown_earlier_asks_first() -> None:
    chat = new_chat(setup=[dict(t) for t in LIST])
    chat.say("show my shopping tasks")
    chat.say("thanks")
    asked = chat.say("delete all of them")
    assert "Are you sure" in asked and "2 tasks" in asked and len(titles(chat)) == 6
    chat.say("go ahead")
    assert titles(chat) == {"phone the plumber", "renew the passport", "water the ferns", "old receipt"}


def test_the_plural_names_a_group_and_both_with_two_names_names_two_tasks() -> None:
    chat = new_chat(setup=[dict(t) for t in LIST])
    chat.say("mark the shopping tasks as done")
    assert {t for t, done in state(chat).items() if done} == {"buy oat milk", "pick up light bulbs", "old receipt"}
    chat = new_chat(setup=[dict(t) for t in LIST])
    chat.say("remove both the plumber and the ferns tasks")
    assert titles(chat) == {"buy oat milk", "renew the passport", "pick up light bulbs", "old receipt"}


def test_all_of_them_with_no_list_shown_means_every_task_and_asks() -> None:
    chat = new_chat(setup=[dict(t) for t in LIST])
    asked = chat.say("wipe the slate clean, bin all of them")
    assert "Are you sure you want to delete all 6 tasks" in asked
    chat.say("no no no")
    assert len(titles(chat)) == 6


def test_a_group_of_one_is_deleted_without_asking() -> None:
    chat = new_chat(setup=[dict(t) for t in LIST])
    reply = chat.say("delete all tasks tagged admin")
    assert "renew the passport" not in titles(chat) and "Deleted" in reply


def test_an_empty_group_changes_nothing_and_says_so() -> None:
    chat = new_chat(setup=[dict(t) for t in LIST])
    reply = chat.say("complete all my tasks tagged garden")
    assert "nothing changed" in reply and sum(state(chat).values()) == 1


def test_delete_everything_still_asks_about_the_whole_list() -> None:
    chat = new_chat(setup=[dict(t) for t in LIST])
    asked = chat.say("delete all my tasks")
    assert "Are you sure you want to delete all 6 tasks" in asked
    chat.say("yes")
    assert titles(chat) == set()


def test_what_stays_one_task() -> None:
    """A single task, a plural title, a bare "them" with no list just shown, and two requests are not groups."""
    chat = new_chat(setup=[{"title": "buy all the party supplies"}, {"title": "call the twins"}])
    chat.say("mark buy all the party supplies as done")
    assert state(chat) == {"buy all the party supplies": True, "call the twins": False}
    chat = new_chat(setup=[dict(t) for t in LIST])
    chat.say("add call the vet")
    chat.say("delete it")
    assert "call the vet" not in titles(chat) and len(titles(chat)) == 6
    chat = new_chat(setup=[dict(t) for t in LIST])
    chat.say("complete all my shopping tasks and add buy eggs")
    assert "buy eggs" in {t.lower() for t in titles(chat)}


@pytest.mark.parametrize("message", ["mark both as done", "complete both of those", "both are done"])
def test_both_after_a_list_of_two(message: str) -> None:
    chat = new_chat(setup=[dict(t) for t in LIST])
    chat.say("show my shopping tasks")
    chat.say(message)
    done = {title for title, completed in state(chat).items() if completed}
    assert done == {"buy oat milk", "pick up light bulbs", "old receipt"}


def test_both_after_a_longer_list_asks_which() -> None:
    chat = new_chat(setup=[dict(t) for t in LIST])
    chat.say("show my tasks")
    reply = chat.say("mark both as done")
    assert "Which two" in reply and sum(state(chat).values()) == 1


@pytest.mark.parametrize(("first", "change", "check"), [
    (["add gym tomorrow 7am", "add yoga tomorrow 8am"], "make both of them due friday",
     lambda t: t["due_date"] == "2026-11-27" and t["due_time"] in ("07:00", "08:00")),
    (["add call bob and email sue"], "make them high priority", lambda t: t["priority"] == "high"),
    (["add buy apples and buy pears"], "tag them both fruit", lambda t: t["tags"] == ["fruit"]),
    (["add buy apples and buy pears"], "move both to saturday at 5pm",
     lambda t: (t["due_date"], t["due_time"]) == ("2026-11-28", "17:00")),
])
def test_a_change_to_the_tasks_just_added_changes_each_of_them(
        first: list[str], change: str, check: Callable[[dict[str, Any]], bool]) -> None:
    """Before, "make both of them due friday" looked for a task called "both of them"."""
    chat = new_chat()
    for message in first:
        chat.say(message)
    chat.say(change)
    assert len(chat.store.tasks) == 2 and all(check(t) for t in chat.store.tasks.values())
    assert [n for n, _a in chat.store.calls].count("update_task") == 2


def test_a_change_to_all_of_a_list_shown_changes_each_task_in_it() -> None:
    chat = new_chat(setup=[{"title": "gym"}, {"title": "yoga"}, {"title": "call bob", "completed": True}])
    chat.say("show my tasks")
    chat.say("tag all of them errands")
    tags = {t["title"]: t["tags"] for t in chat.store.tasks.values()}
    assert tags == {"gym": ["errands"], "yoga": ["errands"], "call bob": []}  # the list showed the open ones


def test_a_group_named_first_then_deleted_is_only_that_group() -> None:
    """Before, "the school-tagged stuff, delete all of it" asked to delete every task, and "yes" did."""
    chat = new_chat(setup=[{"title": "buy glue", "tags": ["school"]}, {"title": "pack lunch", "tags": ["school"]},
                           {"title": "buy a chopping board"}])
    assert "'buy glue' and 'pack lunch'" in chat.say("the school-tagged stuff, delete all of it")
    chat.say("yup, confirm")
    assert titles(chat) == {"buy a chopping board"}
