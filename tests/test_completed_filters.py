"""The task list's completed_after / completed_before filters: by when tasks were completed, a date read
in the user's timezone, a date-time as given; bad values are a clear 422 like every bad field."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Flask

from app.extensions import db
from app.models import Task
from tests.support.accounts import Account, AuthActions


def _titles(acct: Account, query: str) -> list[str]:
    resp = acct.request("GET", "/tasks" + query)
    assert resp.status_code == 200, resp.get_json()
    return sorted(t["title"] for t in resp.get_json()["tasks"])


def _complete_at(app: Flask, acct: Account, title: str, when: datetime) -> None:
    task = acct.add_task(title=title)
    acct.request("PATCH", f"/tasks/{task['id']}/complete", json={"completed": True})
    with app.app_context():
        row = db.session.get(Task, task["id"])
        assert row is not None
        row.completed_at = when
        db.session.commit()


def test_completed_between_dates_and_moments(app: Flask, auth: AuthActions) -> None:
    acct = auth.signup()
    _complete_at(app, acct, "monday job", datetime(2026, 11, 23, 9, 0, tzinfo=UTC))
    _complete_at(app, acct, "wednesday job", datetime(2026, 11, 25, 23, 30, tzinfo=UTC))
    _complete_at(app, acct, "last week job", datetime(2026, 11, 16, 12, 0, tzinfo=UTC))
    acct.add_task(title="open job")
    assert _titles(acct, "?completed_after=2026-11-23") == ["monday job", "wednesday job"]
    assert _titles(acct, "?completed_before=2026-11-22") == ["last week job"]
    assert _titles(acct, "?completed_after=2026-11-25&completed_before=2026-11-25") == ["wednesday job"]
    assert _titles(acct, "?completed_after=2026-11-23T10:00:00Z") == ["wednesday job"]
    assert _titles(acct, "?completed_before=2026-11-23T09:00:00%2B00:00") == ["last week job", "monday job"]
    assert "open job" not in _titles(acct, "?completed_after=2000-01-01")


def test_a_date_is_a_day_in_the_users_timezone(app: Flask, auth: AuthActions) -> None:
    acct = auth.signup(timezone="Asia/Karachi")
    # 21:30 UTC on the 25th is 02:30 on the 26th in Karachi (UTC+5).
    _complete_at(app, acct, "late night job", datetime(2026, 11, 25, 21, 30, tzinfo=UTC))
    assert _titles(acct, "?completed_after=2026-11-26&completed_before=2026-11-26") == ["late night job"]
    assert _titles(acct, "?completed_before=2026-11-25") == []


def test_bounds_at_the_edges_of_the_calendar_answer(auth: AuthActions) -> None:
    """Year 1 and year 9999, pushed past the calendar by a timezone, are still bounds: nothing or everything."""
    for zone in ("UTC", "America/St_Johns", "Pacific/Kiritimati"):
        acct = auth.signup(timezone=zone)
        task = acct.add_task(title="done long ago")
        acct.request("PATCH", f"/tasks/{task['id']}/complete", json={"completed": True})
        for query, titles in (
            ("completed_before=9999-12-31", ["done long ago"]),
            ("completed_after=0001-01-01T00:00:00%2B14:00", ["done long ago"]),
            ("completed_after=9999-12-31T23:59:59-14:00", []),
            ("completed_after=9999-12-31T23:59:59", []),
            ("completed_before=0001-01-01", []),
        ):
            resp = acct.request("GET", f"/tasks?{query}")
            assert resp.status_code == 200, (zone, query, resp.get_json())
            assert [t["title"] for t in resp.get_json()["tasks"]] == titles, (zone, query)


def test_bad_completion_bounds_are_refused(auth: AuthActions) -> None:
    acct = auth.signup()
    acct.add_task(title="keep me")
    for bad in ("yesterday", "2026-13-01", "2026-11-31T25:00"):
        resp = acct.request("GET", f"/tasks?completed_after={bad}")
        assert resp.status_code == 422, bad
        assert "completed_after" in str(resp.get_json())
    assert _titles(acct, "") == ["keep me"]
