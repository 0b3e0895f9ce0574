"""The embedded model's reminder phrasings, through /chat, the real MCP tools and the reminder service."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask import Flask

from app.agent.local_model.reminders import minutes_of
from app.reminders import service
from tests.support.accounts import Account, AuthActions


def _say(user: Account, message: str, conversation: int | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"message": message}
    if conversation is not None:
        body["conversation_id"] = conversation
    resp = user.request("POST", "/chat", json=body, headers={"Accept": "application/json"})
    assert resp.status_code == 200, resp.get_json()
    return dict(resp.get_json())


def _reminders(user: Account, status: str = "active") -> list[dict[str, Any]]:
    return list(user.request("GET", f"/reminders?status={status}").get_json()["reminders"])


@pytest.mark.parametrize(("amount", "unit", "minutes"), [
    ("an", "hour", 60), ("30", "minutes", 30), ("half an", "hour", 30), ("a", "day", 1440), ("2", "h", 120),
    ("ten", "mins", 10), ("1", "week", 10080), (None, None, None),
])
def test_amounts(amount: str | None, unit: str | None, minutes: int | None) -> None:
    assert minutes_of(amount, unit) == minutes


def test_remind_me_to_creates_a_task_that_reminds_at_its_time(auth: AuthActions) -> None:
    user = auth.signup(timezone="Europe/Paris")
    _say(user, "remind me to call grandma tomorrow at 7pm")
    [task] = user.request("GET", "/tasks").get_json()["tasks"]
    assert task["title"] == "call grandma" and task["due_time"] == "19:00"
    [reminder] = task["reminders"]
    local = datetime.fromisoformat(reminder["remind_at"].replace("Z", "+00:00"))
    assert reminder["status"] == "scheduled" and local.astimezone(__import__("zoneinfo").ZoneInfo(
        "Europe/Paris")).strftime("%H:%M") == "19:00"


@pytest.mark.parametrize("ask", ["give me a heads up 45 minutes before the school play",
                                 "nudge me 45 minutes before the school play"])
def test_other_ways_to_ask_for_a_reminder_before(auth: AuthActions, ask: str) -> None:
    user = auth.signup()
    conversation = _say(user, "add school play tomorrow at 6pm")["conversation_id"]
    reply = _say(user, ask, conversation)
    assert [c["name"] for c in reply["tool_calls"]] == ["list_tasks", "add_reminder"]
    [task] = user.request("GET", "/tasks").get_json()["tasks"]
    assert task["title"] == "school play"
    assert sorted(r["before_minutes"] or 0 for r in task["reminders"]) == [0, 45]


def test_remind_me_an_hour_before_the_dentist(auth: AuthActions) -> None:
    user = auth.signup(timezone="America/New_York")
    user.add_task(title="buy milk")
    conversation = _say(user, "add dentist tomorrow at 3pm")["conversation_id"]
    reply = _say(user, "remind me an hour before the dentist", conversation)
    assert [c["name"] for c in reply["tool_calls"]] == ["list_tasks", "add_reminder"]
    assert "remind you" in reply["response"] and "14:00" in reply["response"]
    befores = sorted((r["before_minutes"] for r in _reminders(user)), key=lambda m: m or 0)
    assert befores == [0, 60]
    again = _say(user, "remind me 30 minutes before it", conversation)
    assert [c["name"] for c in again["tool_calls"]] == ["add_reminder"]
    assert "14:30" in again["response"]


def test_before_a_task_without_time_or_unknown_asks(auth: AuthActions) -> None:
    user = auth.signup()
    user.add_task(title="taxes")
    assert "no due time" in _say(user, "remind me an hour before taxes")["response"]
    assert "couldn't find" in _say(user, "remind me 10 minutes before the opera")["response"]
    assert _reminders(user) == []


def test_what_reminders_do_i_have(auth: AuthActions) -> None:
    user = auth.signup(timezone="Asia/Tokyo")
    assert "no upcoming reminders" in _say(user, "what reminders do I have?")["response"]
    user.add_task(title="ramen", due_date="2099-01-02", due_time="12:00")
    reply = _say(user, "show my reminders")
    assert reply["tool_calls"][0]["name"] == "list_reminders"
    assert "1 upcoming reminder" in reply["response"] and "ramen" in reply["response"] and "12:00" in reply["response"]


def test_snooze_that_for_ten_minutes(app: Flask, auth: AuthActions) -> None:
    user = auth.signup()
    task = user.add_task(title="stretch", due_date="2099-01-01", due_time="09:00")
    with app.app_context():
        assert len(service.fire_due(datetime(2099, 1, 1, 9, 0, 5, tzinfo=UTC))) == 1
    before = datetime.now(UTC)
    reply = _say(user, "snooze that for 10 minutes")
    after = datetime.now(UTC)
    assert [c["name"] for c in reply["tool_calls"]] == ["list_reminders", "snooze_reminder"]
    assert reply["response"].startswith("Snoozed")
    [reminder] = user.request("GET", f"/tasks/{task['id']}").get_json()["reminders"]
    at = datetime.fromisoformat(reminder["remind_at"].replace("Z", "+00:00"))
    assert reminder["status"] == "scheduled"
    assert before + timedelta(minutes=10) - timedelta(seconds=1) <= at <= after + timedelta(minutes=10)
    assert "no reminders to snooze" in _say(auth.signup(), "snooze it")["response"]


@pytest.mark.parametrize("message", [
    "add dentist tomorrow at 3pm and remind me an hour before",
    "add dentist tomorrow at 3pm, remind me 1 hour before",
    "add dentist tomorrow at 3pm with a reminder an hour before",
])
def test_a_new_task_with_a_reminder_before_it(auth: AuthActions, message: str) -> None:
    """Before, "and remind me an hour before" became a second task called "an hour before"."""
    user = auth.signup()
    reply = _say(user, message)
    assert [c["name"] for c in reply["tool_calls"]] == ["add_task", "add_reminder"]
    assert "Added 'dentist'" in reply["response"] and "remind you" in reply["response"]
    [task] = user.request("GET", "/tasks").get_json()["tasks"]
    assert task["title"] == "dentist" and task["due_time"] == "15:00"
    assert sorted(r["before_minutes"] or 0 for r in task["reminders"]) == [0, 60]


def test_a_dated_task_is_reminded_the_morning_of_the_day_before(auth: AuthActions) -> None:
    user = auth.signup(timezone="America/New_York")
    reply = _say(user, "add pay rent in 5 days and remind me the day before")
    assert [c["name"] for c in reply["tool_calls"]] == ["add_task", "add_reminder"]
    [task] = user.request("GET", "/tasks").get_json()["tasks"]
    assert task["title"] == "pay rent" and task["due_time"] is None
    [reminder] = task["reminders"]
    zone = __import__("zoneinfo").ZoneInfo("America/New_York")
    local = datetime.fromisoformat(reminder["remind_at"].replace("Z", "+00:00")).astimezone(zone)
    due = datetime.fromisoformat(task["due_date"]).date()
    assert (local.date(), local.strftime("%H:%M")) == (due - timedelta(days=1), "09:00")


def test_a_task_without_a_date_gets_no_reminder_and_the_user_is_told(auth: AuthActions) -> None:
    user = auth.signup()
    reply = _say(user, "add water the plants and remind me an hour before")
    assert [c["name"] for c in reply["tool_calls"]] == ["add_task"]
    assert "no due time" in reply["response"]
    [task] = user.request("GET", "/tasks").get_json()["tasks"]
    assert task["title"] == "water the plants" and task["reminders"] == []


@pytest.mark.parametrize(("ask", "minutes"), [
    ("set a reminder 20 minutes before the school play", 20),
    ("can you set me a reminder an hour before the school play", 60),
    ("remind me about the school play half an hour before", 30),
    ("remind me 45 minutes before", 45),
    ("remind me 15 minutes before it starts", 15),
])
def test_a_reminder_before_a_task_asked_in_other_words(auth: AuthActions, ask: str, minutes: int) -> None:
    """Before, each of these added a task named after the request; the last two now name the task just added."""
    user = auth.signup()
    conversation = _say(user, "add school play tomorrow at 6pm")["conversation_id"]
    reply = _say(user, ask, conversation)
    assert "add_reminder" in [c["name"] for c in reply["tool_calls"]]
    [task] = user.request("GET", "/tasks").get_json()["tasks"]
    assert sorted(r["before_minutes"] or 0 for r in task["reminders"]) == [0, minutes]
