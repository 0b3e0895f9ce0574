"""GET /api/<id>/events: task and reminder events from every path, ids increasing, Last-Event-ID replay."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any, cast

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner
from mcp.types import RequestParamsMeta

from app.config import get_config
from app.reminders import schedule, scheduler
from tests.support.accounts import Account, AuthActions


@pytest.fixture(autouse=True)
def fast_pings(app: Flask) -> None:
    get_config(app).sse_ping_seconds = 0.05


class Stream:
    """An open event stream read through the test client."""

    def __init__(self, user: Account, last_event_id: int | None = None, query: bool = False) -> None:
        headers = {"Accept": "text/event-stream"}
        path = "/events"
        if last_event_id is not None and query:
            path += f"?last_event_id={last_event_id}"
        elif last_event_id is not None:
            headers["Last-Event-ID"] = str(last_event_id)
        self.resp = user.request("GET", path, headers=headers, buffered=False)
        assert self.resp.status_code == 200, self.resp.get_data()
        assert self.resp.mimetype == "text/event-stream"
        self._chunks: Iterator[bytes] = iter(self.resp.response)

    def take(self, count: int, max_chunks: int = 400) -> list[tuple[int, dict[str, Any]]]:
        """The next `count` events (id, data); pings in between are skipped."""
        out: list[tuple[int, dict[str, Any]]] = []
        for _ in range(max_chunks):
            chunk = next(self._chunks).decode()
            for block in chunk.split("\n\n"):
                lines = dict(line.split(": ", 1) for line in block.splitlines() if ": " in line)
                if "id" in lines:
                    out.append((int(lines["id"]), json.loads(lines["data"])))
            if len(out) >= count:
                return out
        return out

    def close(self) -> None:
        self.resp.close()


def test_events_require_the_owner(auth: AuthActions) -> None:
    alice, bob = auth.signup(), auth.signup()
    assert alice.client.get(f"/api/{alice.id}/events").status_code == 401
    assert alice.client.get(f"/api/{alice.id}/events", headers=bob.headers).status_code == 403
    bad = alice.request("GET", "/events", headers={"Last-Event-ID": "abc"})
    assert bad.status_code == 400 and bad.get_json()["error"]["code"] == "invalid_last_event_id"
    for digits in ("²", "¹²", "٣"):  # digits to str.isdigit, not to int()
        odd = alice.request("GET", f"/events?last_event_id={digits}")
        assert odd.status_code == 400 and odd.get_json()["error"]["code"] == "invalid_last_event_id", digits


def test_rest_changes_arrive_in_order_and_replay_from_last_event_id(auth: AuthActions) -> None:
    user, other = auth.signup(), auth.signup()
    stream = Stream(user)
    task = user.add_task(title="first")
    other.add_task(title="not yours")
    user.request("PATCH", f"/tasks/{task['id']}", json={"priority": "high"})
    user.request("PATCH", f"/tasks/{task['id']}/complete", json={"completed": True})
    user.request("DELETE", f"/tasks/{task['id']}")
    got = stream.take(4)
    stream.close()
    assert [d["type"] for _, d in got] == ["task.created", "task.updated", "task.updated", "task.deleted"]
    assert got[0][1]["task"]["title"] == "first" and got[1][1]["task"]["priority"] == "high"
    assert got[2][1]["task"]["completed"] is True and got[3][1]["task"] == {"id": task["id"]}
    ids = [i for i, _ in got]
    assert ids == sorted(ids) and len(set(ids)) == 4
    resumed = Stream(user, ids[1])
    assert resumed.take(2) == got[2:]
    resumed.close()
    by_query = Stream(user, ids[2], query=True)
    user.add_task(title="second")
    again = by_query.take(2)
    by_query.close()
    assert again[0] == got[3] and again[1][1]["task"]["title"] == "second"


def test_assistant_and_cli_changes_are_events_too(app: Flask, runner: FlaskCliRunner, auth: AuthActions) -> None:
    user = auth.signup()
    stream = Stream(user)
    chat = user.request("POST", "/chat", json={"message": "add buy milk"}, headers={"Accept": "application/json"})
    assert chat.status_code == 200
    schedule.set_clock(lambda: datetime(2026, 3, 1, 12, 0, tzinfo=UTC))
    try:
        timed = user.add_task(title="call grandma", due_date="2026-03-01", due_time="19:00")
        assert "Fired 1" in runner.invoke(args=["todo", "reminders", "fire-due", "--now",
                                                "2026-03-01T19:00:01Z"]).output
    finally:
        schedule.set_clock(None)
    got = [d for _, d in stream.take(3)]
    stream.close()
    assert got[0]["type"] == "task.created" and got[0]["task"]["title"] == "buy milk"
    assert got[1]["task"]["id"] == timed["id"]
    assert got[2]["type"] == "reminder.due" and got[2]["task"]["title"] == "call grandma"
    assert got[2]["reminder"]["status"] == "fired" and got[2]["reminder"]["late"] is False


def test_scheduler_tick_fires_due_reminders_and_runs_first_at_start(app: Flask, auth: AuthActions) -> None:
    user = auth.signup()
    schedule.set_clock(lambda: datetime(2026, 3, 1, 12, 0, tzinfo=UTC))
    try:
        user.add_task(title="water plants", due_date="2026-03-01", due_time="12:30")
        assert scheduler.tick(app) == 0
        schedule.set_clock(lambda: datetime(2026, 3, 1, 14, 0, tzinfo=UTC))
        assert scheduler.tick(app) == 1
        assert scheduler.tick(app) == 0
    finally:
        schedule.set_clock(None)
    listed = user.request("GET", "/reminders").get_json()["reminders"]
    assert [(r["status"], r["late"]) for r in listed] == [("fired", True)]
    jobs = scheduler.build(app).get_jobs()
    assert {job.id for job in jobs} == {"fire-reminders", "purge-events"}
    assert all(job.next_run_time <= datetime.now(UTC) for job in jobs)
    assert scheduler.purge_events(app) == 0


def test_mcp_tools_manage_reminders(app: Flask, auth: AuthActions) -> None:
    import asyncio

    from mcp import Client

    from app.mcp.tools import USER_META_KEY, build_server

    user = auth.signup(timezone="Europe/Paris")
    task = user.add_task(title="dentist", due_date="2099-05-04", due_time="15:00")

    async def scenario() -> list[Any]:
        server = build_server()
        # An open TypedDict (extra_items=Any) that mypy reads as closed: the cast states the extra key.
        meta = cast(RequestParamsMeta, {USER_META_KEY: user.id})
        async with Client(server) as session:
            added = await session.call_tool("add_reminder", {"task_id": task["id"], "before_minutes": 60}, meta=meta)
            listed = await session.call_tool("list_reminders", {}, meta=meta)
            rid = listed.structured_content["reminders"][0]["id"]
            snoozed = await session.call_tool("snooze_reminder", {"reminder_id": rid, "minutes": 10}, meta=meta)
            bad = await session.call_tool("snooze_reminder", {"reminder_id": rid, "minutes": 0}, meta=meta)
            gone = await session.call_tool("delete_reminder", {"reminder_id": rid}, meta=meta)
            return [added, listed, snoozed, bad, gone]

    added, listed, snoozed, bad, gone = asyncio.run(scenario())
    assert added.structured_content["reminder"]["remind_at"] == "2099-05-04T12:00:00Z"
    assert [r["before_minutes"] for r in listed.structured_content["reminders"]] == [60, 0]
    assert snoozed.structured_content["reminder"]["status"] == "scheduled"
    assert bad.is_error
    assert gone.structured_content == {"deleted": True}
    remaining = user.request("GET", f"/tasks/{task['id']}").get_json()["reminders"]
    assert [r["before_minutes"] for r in remaining] == [0]
