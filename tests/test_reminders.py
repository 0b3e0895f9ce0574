"""Reminders: REST per the contract, the user's timezone (DST), per-occurrence reminders, firing once."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import event

from app.extensions import db
from app.reminders import schedule, service
from tests.support.accounts import Account, AuthActions


class Clock:
    """A controllable clock for reminders."""

    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at

    def advance(self, **delta: float) -> None:
        self.at += timedelta(**delta)


@pytest.fixture
def clock() -> Iterator[Clock]:
    c = Clock(datetime(2026, 3, 1, 12, 0, tzinfo=UTC))
    schedule.set_clock(c)
    yield c
    schedule.set_clock(None)


def _fire(app: Flask, at: datetime) -> list[service.Fired]:
    with app.app_context():
        return service.fire_due(at)


def test_due_time_gets_a_default_reminder_in_the_users_timezone(auth: AuthActions, clock: Clock) -> None:
    user = auth.signup(timezone="America/New_York")
    task = user.add_task(title="call grandma", due_date="2026-03-02", due_time="19:00")
    assert [(r["remind_at"], r["before_minutes"], r["status"]) for r in task["reminders"]] == [
        ("2026-03-03T00:00:00Z", 0, "scheduled")]
    listed = user.request("GET", "/reminders").get_json()
    assert [r["task_id"] for r in listed["reminders"]] == [task["id"]]


def test_a_new_task_reads_no_reminders_back(app: Flask, auth: AuthActions, clock: Clock) -> None:
    """A task just created has only the reminders it was given: answering with them costs no query."""
    user = auth.signup()
    with app.app_context():
        engine = db.engine
    assert engine is not None
    seen: list[str] = []

    def executed(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", executed)
    try:
        plain = user.add_task(title="buy bread", due_date="2026-03-02")
        timed = user.add_task(title="call grandma", due_date="2026-03-02", due_time="19:00")
    finally:
        event.remove(engine, "before_cursor_execute", executed)
    assert plain["reminders"] == [] and len(timed["reminders"]) == 1
    assert [s for s in seen if s.lstrip().upper().startswith("SELECT") and "FROM reminders" in s] == []


def test_dst_change_keeps_seven_pm_local(auth: AuthActions, clock: Clock) -> None:
    user = auth.signup(timezone="America/New_York")
    before = user.add_task(title="before", due_date="2026-03-07", due_time="19:00")
    after = user.add_task(title="after", due_date="2026-03-09", due_time="19:00")
    assert before["reminders"][0]["remind_at"] == "2026-03-08T00:00:00Z"  # EST, UTC-5
    assert after["reminders"][0]["remind_at"] == "2026-03-09T23:00:00Z"  # EDT, UTC-4


def test_daily_task_reminds_per_occurrence_across_dst(app: Flask, auth: AuthActions, clock: Clock) -> None:
    user = auth.signup(timezone="America/New_York")
    task = user.add_task(title="pills", due_date="2026-03-07", due_time="19:00", recurrence="FREQ=DAILY")
    clock.at = datetime(2026, 3, 8, 0, 0, 30, tzinfo=UTC)
    fired = _fire(app, clock.at)
    assert [f.task["id"] for f in fired] == [task["id"]]
    clock.at = datetime(2026, 3, 8, 1, 0, tzinfo=UTC)  # taken that evening: next occurrence, after DST
    done = user.request("PATCH", f"/tasks/{task['id']}/complete", json={"completed": True}).get_json()
    assert done["due_date"] == "2026-03-08"
    assert [(r["remind_at"], r["status"]) for r in done["reminders"]] == [("2026-03-08T23:00:00Z", "scheduled")]
    assert _fire(app, datetime(2026, 3, 8, 22, 59, tzinfo=UTC)) == []
    assert len(_fire(app, datetime(2026, 3, 8, 23, 0, 1, tzinfo=UTC))) == 1


def test_setting_turns_the_default_reminder_off(auth: AuthActions, clock: Clock) -> None:
    user = auth.signup()
    assert user.request("GET", "/settings/reminders").get_json() == {"remind_at_due": True}
    resp = user.request("PUT", "/settings/reminders", json={"remind_at_due": False})
    assert resp.get_json() == {"remind_at_due": False}
    task = user.add_task(title="no nag", due_date="2026-03-02", due_time="09:00")
    assert task["reminders"] == []
    assert user.request("PUT", "/settings/reminders", json={"remind_at_due": "no"}).status_code == 422


def test_absolute_and_relative_reminders(auth: AuthActions, clock: Clock) -> None:
    user = auth.signup(timezone="Europe/Paris")
    task = user.add_task(title="dentist", due_date="2026-03-02", due_time="15:00")
    resp = user.request("POST", f"/tasks/{task['id']}/reminders", json={"before_minutes": 60})
    assert resp.status_code == 201
    assert resp.get_json()["remind_at"] == "2026-03-02T13:00:00Z"
    local = user.request("POST", f"/tasks/{task['id']}/reminders", json={"remind_at": "2026-03-02T08:30"})
    assert local.get_json()["remind_at"] == "2026-03-02T07:30:00Z" and local.get_json()["before_minutes"] is None
    offset = user.request("POST", f"/tasks/{task['id']}/reminders", json={"remind_at": "2026-03-02T10:00:00+02:00"})
    assert offset.get_json()["remind_at"] == "2026-03-02T08:00:00Z"
    moved = user.request("PATCH", f"/tasks/{task['id']}", json={"due_time": "16:00"}).get_json()
    assert [r["remind_at"] for r in moved["reminders"]] == [
        "2026-03-02T07:30:00Z", "2026-03-02T08:00:00Z", "2026-03-02T14:00:00Z", "2026-03-02T15:00:00Z"]
    cleared = user.request("PATCH", f"/tasks/{task['id']}", json={"due_time": None}).get_json()
    assert [r["before_minutes"] for r in cleared["reminders"]] == [None, None]


@pytest.mark.parametrize("body,code", [
    ({}, 422), ({"remind_at": "tomorrow"}, 422), ({"before_minutes": -1}, 422), ({"before_minutes": 10081}, 422),
    ({"remind_at": "2026-03-02T08:30", "before_minutes": 5}, 422), ({"before_minutes": "5"}, 422),
    ({"remind_at": "2020-01-01T00:00:00Z"}, 422), ({"remind_at": 5}, 422),
])
def test_bad_reminders_are_refused_and_change_nothing(
    auth: AuthActions, clock: Clock, body: dict[str, Any], code: int
) -> None:
    user = auth.signup()
    task = user.add_task(title="untimed")
    resp = user.request("POST", f"/tasks/{task['id']}/reminders", json=body)
    assert resp.status_code == code, resp.get_json()
    assert "error" in resp.get_json()
    assert user.request("GET", "/reminders").get_json()["reminders"] == []


def test_before_minutes_needs_a_due_time(auth: AuthActions, clock: Clock) -> None:
    user = auth.signup()
    task = user.add_task(title="untimed", due_date="2026-03-02")
    resp = user.request("POST", f"/tasks/{task['id']}/reminders", json={"before_minutes": 10})
    assert resp.status_code == 422 and resp.get_json()["error"]["code"] == "task_not_timed"


def test_other_users_reminders_are_invisible(auth: AuthActions, clock: Clock) -> None:
    alice, bob = auth.signup(), auth.signup()
    task = alice.add_task(title="mine", due_date="2026-03-02", due_time="10:00")
    rid = task["reminders"][0]["id"]
    assert bob.request("POST", f"/tasks/{task['id']}/reminders", json={"before_minutes": 5}).status_code == 404
    for method, path in (("DELETE", f"/reminders/{rid}"), ("POST", f"/reminders/{rid}/dismiss")):
        assert bob.request(method, path).status_code == 404
    assert bob.request("POST", f"/reminders/{rid}/snooze", json={"minutes": 5}).status_code == 404
    assert bob.request("GET", "/reminders").get_json()["reminders"] == []
    assert alice.client.get(f"/api/{alice.id}/reminders", headers=bob.headers).status_code == 403


def test_fires_once_late_and_never_for_completed_or_deleted(app: Flask, auth: AuthActions, clock: Clock) -> None:
    user = auth.signup()
    keep = user.add_task(title="keep", due_date="2026-03-01", due_time="13:00")
    done = user.add_task(title="done", due_date="2026-03-01", due_time="13:00")
    gone = user.add_task(title="gone", due_date="2026-03-01", due_time="13:00")
    user.request("PATCH", f"/tasks/{done['id']}/complete", json={"completed": True})
    user.request("DELETE", f"/tasks/{gone['id']}")
    assert _fire(app, datetime(2026, 3, 1, 12, 59, tzinfo=UTC)) == []
    first = _fire(app, datetime(2026, 3, 1, 13, 0, 2, tzinfo=UTC))
    assert [(f.task["title"], f.reminder["late"]) for f in first] == [("keep", False)]
    assert _fire(app, datetime(2026, 3, 1, 13, 0, 3, tzinfo=UTC)) == []
    stored = user.request("GET", f"/tasks/{keep['id']}").get_json()["reminders"][0]
    assert stored["status"] == "fired" and stored["fired_at"] == "2026-03-01T13:00:02Z"
    late_task = user.add_task(title="while stopped", due_date="2026-03-01", due_time="14:00")
    late = _fire(app, datetime(2026, 3, 1, 18, 0, tzinfo=UTC))
    assert [(f.task["id"], f.reminder["late"]) for f in late] == [(late_task["id"], True)]


def test_snooze_dismiss_and_delete(app: Flask, auth: AuthActions, clock: Clock) -> None:
    user = auth.signup()
    task = user.add_task(title="stretch", due_date="2026-03-01", due_time="12:30")
    rid = task["reminders"][0]["id"]
    clock.at = datetime(2026, 3, 1, 12, 30, 1, tzinfo=UTC)
    assert len(_fire(app, clock.at)) == 1
    snoozed = user.request("POST", f"/reminders/{rid}/snooze", json={"minutes": 10}).get_json()
    assert (snoozed["status"], snoozed["remind_at"], snoozed["fired_at"]) == ("scheduled", "2026-03-01T12:40:01Z", None)
    assert user.request("POST", f"/reminders/{rid}/snooze", json={"minutes": 0}).status_code == 422
    assert user.request("POST", f"/reminders/{rid}/snooze", json={"minutes": 1441}).status_code == 422
    assert len(_fire(app, datetime(2026, 3, 1, 12, 40, 2, tzinfo=UTC))) == 1
    dismissed = user.request("POST", f"/reminders/{rid}/dismiss").get_json()
    assert dismissed["status"] == "dismissed"
    assert user.request("GET", f"/tasks/{task['id']}").get_json()["reminders"] == []
    assert user.request("GET", "/reminders?status=dismissed").get_json()["reminders"][0]["id"] == rid
    assert user.request("DELETE", f"/reminders/{rid}").status_code == 204
    assert user.request("DELETE", f"/reminders/{rid}").status_code == 404


def test_list_pages_soonest_first(auth: AuthActions, clock: Clock) -> None:
    user = auth.signup()
    for hour in (15, 13, 14):
        user.add_task(title=f"at {hour}", due_date="2026-03-01", due_time=f"{hour}:00")
    first = user.request("GET", "/reminders?limit=2").get_json()
    second = user.request("GET", f"/reminders?limit=2&cursor={first['next_cursor']}").get_json()
    times = [r["remind_at"][11:16] for r in first["reminders"] + second["reminders"]]
    assert times == ["13:00", "14:00", "15:00"] and second["next_cursor"] is None
    assert user.request("GET", "/reminders?cursor=zzz").status_code == 400
    assert user.request("GET", "/reminders?status=soon").status_code == 422


def test_cli_lists_and_fires(runner: FlaskCliRunner, auth: AuthActions, clock: Clock) -> None:
    user: Account = auth.signup(timezone="Asia/Tokyo")
    user.add_task(title="ramen", due_date="2026-03-02", due_time="12:00")
    listing = runner.invoke(args=["todo", "reminders", "list", "--user", user.email])
    assert "2026-03-02 12:00 JST  scheduled" in listing.output and "ramen" in listing.output
    assert runner.invoke(args=["todo", "reminders", "fire-due", "--now", "2026-03-02T02:59:00Z"]).output == (
        "Fired 0 reminder(s).\n")
    assert "Fired 1 reminder(s)." in runner.invoke(args=["todo", "reminders", "fire-due", "--now",
                                                         "2026-03-02T03:00:00Z"]).output
    assert "fired" in runner.invoke(args=["todo", "reminders", "list", "--user", user.email]).output
    bad = runner.invoke(args=["todo", "reminders", "fire-due", "--now", "soon"])
    assert bad.exit_code != 0


def test_edges_of_the_calendar_are_clean_errors(auth: AuthActions, clock: Clock) -> None:
    user = auth.signup(timezone="Asia/Tokyo")
    task = user.add_task(title="ancient", due_date="0001-01-01", due_time="05:00")
    assert task["reminders"] == []
    far = user.add_task(title="far", due_date="9999-12-31", due_time="23:00")
    resp = user.request("POST", f"/tasks/{far['id']}/reminders", json={"remind_at": "9999-12-31T23:59:59-23:59"})
    assert resp.status_code == 422
    assert user.request("POST", f"/tasks/{task['id']}/reminders", json={"before_minutes": 5}).status_code == 422


def _due(user: Account, task_id: int) -> list[tuple[str, int | None, str]]:
    task = user.request("GET", f"/tasks/{task_id}").get_json()
    return [(r["remind_at"], r["before_minutes"], r["status"]) for r in task["reminders"]]


def test_completing_an_occurrence_arms_the_next_ones_reminders(app: Flask, auth: AuthActions, clock: Clock) -> None:
    user = auth.signup()
    task = user.add_task(title="weekly report", due_date="2026-03-02", due_time="19:00", recurrence="FREQ=WEEKLY")
    tid = task["id"]
    default = task["reminders"][0]["id"]
    assert user.request("POST", f"/tasks/{tid}/reminders", json={"before_minutes": 60}).status_code == 201
    # Absolute reminders name a moment: one before the next occurrence belongs to this one, one after it stays.
    for at in ("2026-03-02T09:00", "2026-03-12T09:00"):
        assert user.request("POST", f"/tasks/{tid}/reminders", json={"remind_at": at}).status_code == 201
    fired = [f.reminder["remind_at"] for at in ((2, 9, 0, 1), (2, 18, 0, 1), (2, 19, 0, 1))
             for f in _fire(app, datetime(2026, 3, *at, tzinfo=UTC))]
    assert fired == ["2026-03-02T09:00:00Z", "2026-03-02T18:00:00Z", "2026-03-02T19:00:00Z"]
    clock.at = datetime(2026, 3, 2, 19, 1, tzinfo=UTC)
    assert user.request("POST", f"/reminders/{default}/snooze", json={"minutes": 10}).status_code == 200
    clock.at = datetime(2026, 3, 2, 19, 5, tzinfo=UTC)  # done before the snooze rang
    done = user.request("PATCH", f"/tasks/{tid}/complete", json={"completed": True}).get_json()
    assert done["due_date"] == "2026-03-09" and done["completed"] is False
    assert _due(user, tid) == [
        ("2026-03-09T18:00:00Z", 60, "scheduled"), ("2026-03-09T19:00:00Z", 0, "scheduled"),
        ("2026-03-12T09:00:00Z", None, "scheduled")]
    assert _fire(app, datetime(2026, 3, 2, 19, 11, 2, tzinfo=UTC)) == []  # the snooze went with its occurrence
    fired = [f.reminder["remind_at"] for f in _fire(app, datetime(2026, 3, 9, 19, 0, 1, tzinfo=UTC))]
    assert fired == ["2026-03-09T18:00:00Z", "2026-03-09T19:00:00Z"]


def test_reopening_a_task_arms_again_what_completing_stopped(app: Flask, auth: AuthActions, clock: Clock) -> None:
    user = auth.signup()
    task = user.add_task(title="dentist", due_date="2026-03-02", due_time="19:00")
    tid = task["id"]
    user.request("POST", f"/tasks/{tid}/reminders", json={"before_minutes": 30})
    user.request("POST", f"/tasks/{tid}/reminders", json={"remind_at": "2026-03-01T15:00"})
    mine = user.request("POST", f"/tasks/{tid}/reminders", json={"remind_at": "2026-03-02T10:00"}).get_json()
    user.request("POST", f"/reminders/{mine['id']}/dismiss")
    done = user.request("PATCH", f"/tasks/{tid}/complete", json={"completed": True}).get_json()
    assert done["reminders"] == []
    stopped = user.request("GET", "/reminders?status=dismissed").get_json()["reminders"]
    assert len(stopped) == 4 and {r["status"] for r in stopped} == {"dismissed"}
    assert _fire(app, datetime(2026, 3, 1, 15, 0, 1, tzinfo=UTC)) == []
    clock.at = datetime(2026, 3, 1, 16, 0, tzinfo=UTC)
    reopened = user.request("PATCH", f"/tasks/{tid}/complete", json={"completed": False}).get_json()
    # Armed again: the ones still ahead; the 15:00 one went by while the task was done; the one the
    # user dismissed stays dismissed.
    assert [(r["remind_at"], r["status"]) for r in reopened["reminders"]] == [
        ("2026-03-02T18:30:00Z", "scheduled"), ("2026-03-02T19:00:00Z", "scheduled")]
    assert _fire(app, clock.at) == []
    fired = [f.reminder["remind_at"] for f in _fire(app, datetime(2026, 3, 2, 19, 0, 1, tzinfo=UTC))]
    assert fired == ["2026-03-02T18:30:00Z", "2026-03-02T19:00:00Z"]
    # Toggling twice more changes nothing that already fired.
    user.request("PATCH", f"/tasks/{tid}/complete", json={"completed": True})
    again = user.request("PATCH", f"/tasks/{tid}/complete", json={"completed": False}).get_json()
    assert [r["status"] for r in again["reminders"]] == ["fired", "fired"]
