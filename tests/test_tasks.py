"""The tasks API: create, read, update, delete, complete, list with filters, sorting and pages."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, cast

from mcp.types import RequestParamsMeta

from tests.support.accounts import Account, AuthActions


def test_create_and_read_task(auth: AuthActions) -> None:
    acct = auth.signup()
    task = acct.add_task(title="  Call grandma  ", description="about sunday", priority="high",
                         due_date="2030-01-02", due_time="19:00", tags=["#Family", "phone", "family"])
    assert task["title"] == "Call grandma"
    assert task["priority"] == "high"
    assert task["due_date"] == "2030-01-02" and task["due_time"] == "19:00"
    assert task["tags"] == ["family", "phone"]
    assert task["completed"] is False and task["completed_at"] is None
    got = acct.request("GET", f"/tasks/{task['id']}")
    assert got.status_code == 200 and got.get_json() == task


def test_put_replaces_and_patch_changes_only_given_fields(auth: AuthActions) -> None:
    acct = auth.signup()
    task = acct.add_task(title="write report", priority="low", tags=["work"], due_date="2030-05-01")
    patched = acct.request("PATCH", f"/tasks/{task['id']}", json={"priority": "high"}).get_json()
    assert patched["priority"] == "high" and patched["tags"] == ["work"] and patched["due_date"] == "2030-05-01"
    cleared = acct.request("PATCH", f"/tasks/{task['id']}", json={"due_date": None}).get_json()
    assert cleared["due_date"] is None
    replaced = acct.request("PUT", f"/tasks/{task['id']}", json={"title": "write the report"}).get_json()
    assert replaced["title"] == "write the report"
    assert replaced["priority"] == "none" and replaced["tags"] == []
    empty = acct.request("PATCH", f"/tasks/{task['id']}", json={})
    assert empty.status_code == 422


def test_delete_task(auth: AuthActions) -> None:
    acct = auth.signup()
    task = acct.add_task(title="temporary")
    assert acct.request("DELETE", f"/tasks/{task['id']}").status_code == 204
    assert acct.request("GET", f"/tasks/{task['id']}").status_code == 404
    assert acct.request("DELETE", f"/tasks/{task['id']}").status_code == 404


def test_complete_set_and_toggle(auth: AuthActions) -> None:
    acct = auth.signup()
    task = acct.add_task(title="file taxes")
    done = acct.request("PATCH", f"/tasks/{task['id']}/complete", json={"completed": True}).get_json()
    assert done["completed"] is True and done["completed_at"]
    again = acct.request("PATCH", f"/tasks/{task['id']}/complete", json={"completed": True}).get_json()
    assert again["completed"] is True
    toggled = acct.request("PATCH", f"/tasks/{task['id']}/complete").get_json()
    assert toggled["completed"] is False and toggled["completed_at"] is None
    toggled = acct.request("PATCH", f"/tasks/{task['id']}/complete").get_json()
    assert toggled["completed"] is True


def test_completing_a_done_task_keeps_its_completion(auth: AuthActions) -> None:
    acct = auth.signup()
    task = acct.add_task(title="file taxes")
    done = acct.request("PATCH", f"/tasks/{task['id']}/complete", json={"completed": True}).get_json()
    again = acct.request("PATCH", f"/tasks/{task['id']}/complete", json={"completed": True}).get_json()
    assert again == done and again["completed_at"] == done["completed_at"]
    opened = acct.request("PATCH", f"/tasks/{task['id']}/complete", json={"completed": False}).get_json()
    assert acct.request("PATCH", f"/tasks/{task['id']}/complete", json={"completed": False}).get_json() == opened


def test_complete_task_tool_on_a_done_task_says_so_and_changes_nothing(auth: AuthActions) -> None:
    import asyncio

    from mcp import Client

    from app.mcp.tools import USER_META_KEY, build_server

    acct = auth.signup()
    task = acct.add_task(title="file taxes")

    async def twice() -> list[Any]:
        async with Client(build_server()) as session:
            # An open TypedDict (extra_items=Any) that mypy reads as closed: the cast states the extra key.
            args, meta = {"task_id": task["id"]}, cast(RequestParamsMeta, {USER_META_KEY: acct.id})
            return [(await session.call_tool("complete_task", args, meta=meta)).structured_content
                    for _ in range(2)]

    first, second = asyncio.run(twice())
    assert first is not None and second is not None
    assert first["task"]["completed"] is True and "unchanged" not in first
    assert second["unchanged"] is True and second["note"] == "the task was already completed"
    assert second["task"]["completed_at"] == first["task"]["completed_at"]
    assert acct.request("GET", f"/tasks/{task['id']}").get_json()["completed_at"] == first["task"]["completed_at"]


def test_completing_a_recurring_task_moves_it_to_the_next_occurrence(auth: AuthActions) -> None:
    acct = auth.signup()
    start = date.today() + timedelta(days=3)
    weekly = acct.add_task(title="recycling", due_date=start.isoformat(), recurrence="FREQ=WEEKLY")
    moved = acct.request("PATCH", f"/tasks/{weekly['id']}/complete", json={"completed": True}).get_json()
    assert moved["completed"] is False
    assert moved["due_date"] == (start + timedelta(days=7)).isoformat()
    daily = acct.add_task(title="stretch", recurrence="rrule:freq=daily")
    assert daily["recurrence"] == "FREQ=DAILY"
    assert daily["due_date"] is not None
    once = acct.add_task(title="twice only", due_date=start.isoformat(), recurrence="FREQ=DAILY;COUNT=2")
    first = acct.request("PATCH", f"/tasks/{once['id']}/complete", json={"completed": True}).get_json()
    assert first["due_date"] == (start + timedelta(days=1)).isoformat() and not first["completed"]
    last = acct.request("PATCH", f"/tasks/{once['id']}/complete", json={"completed": True}).get_json()
    assert last["completed"] is True


def _titles(acct: Account, query: str) -> list[str]:
    resp = acct.request("GET", "/tasks" + query)
    assert resp.status_code == 200, resp.get_json()
    return [t["title"] for t in resp.get_json()["tasks"]]


def test_list_filters(auth: AuthActions) -> None:
    acct = auth.signup()
    acct.add_task(title="fix the roof", priority="high", tags=["home"], due_date="2030-01-10")
    acct.add_task(title="paint the fence", priority="low", tags=["home_improvement"], due_date="2030-02-10")
    acct.add_task(title="quarterly invoice", description="send to ACME", tags=["work"])
    done = acct.add_task(title="bake bread")
    acct.request("PATCH", f"/tasks/{done['id']}/complete", json={"completed": True})
    assert _titles(acct, "?status=completed") == ["bake bread"]
    assert "bake bread" not in _titles(acct, "?status=pending")
    assert _titles(acct, "?priority=high") == ["fix the roof"]
    assert _titles(acct, "?tag=home") == ["fix the roof"]
    assert _titles(acct, "?tag=%23WORK") == ["quarterly invoice"]
    assert _titles(acct, "?q=acme") == ["quarterly invoice"]
    assert _titles(acct, "?q=the%20roof") == ["fix the roof"]
    assert _titles(acct, "?q=100%25") == []
    assert _titles(acct, "?due_before=2030-01-31") == ["fix the roof"]
    assert _titles(acct, "?due_after=2030-01-31") == ["paint the fence"]


def test_sorting(auth: AuthActions) -> None:
    acct = auth.signup()
    acct.add_task(title="b", priority="low", due_date="2030-03-01")
    acct.add_task(title="C", priority="high")
    acct.add_task(title="a", priority="medium", due_date="2030-01-01")
    assert _titles(acct, "?sort=title") == ["a", "b", "C"]
    assert _titles(acct, "?sort=title&order=desc") == ["C", "b", "a"]
    assert _titles(acct, "?sort=priority&order=desc") == ["C", "a", "b"]
    assert _titles(acct, "?sort=due") == ["a", "b", "C"]
    assert _titles(acct, "?sort=due&order=desc") == ["b", "a", "C"]
    assert _titles(acct, "?sort=created&order=desc") == ["a", "C", "b"]


def test_cursor_pagination_walks_every_task_once(auth: AuthActions) -> None:
    acct = auth.signup()
    for i in range(23):
        acct.add_task(title=f"task {i:02d}", priority=["none", "low", "medium", "high"][i % 4],
                      due_date=None if i % 5 == 0 else f"2030-01-{(i % 9) + 1:02d}")
    for query in ("sort=created", "sort=due", "sort=priority&order=desc", "sort=title&order=desc"):
        seen: list[int] = []
        cursor = None
        pages = 0
        while True:
            url = f"/tasks?{query}&limit=5" + (f"&cursor={cursor}" if cursor else "")
            body = acct.request("GET", url).get_json()
            seen += [t["id"] for t in body["tasks"]]
            pages += 1
            cursor = body["next_cursor"]
            if not cursor:
                break
        assert len(seen) == 23 and len(set(seen)) == 23, query
        assert pages == 5
        whole = [t["id"] for t in acct.request("GET", f"/tasks?{query}&limit=100").get_json()["tasks"]]
        assert seen == whole, query


def test_cursor_from_another_query_is_refused(auth: AuthActions) -> None:
    acct = auth.signup()
    for i in range(3):
        acct.add_task(title=f"t{i}")
    cursor = acct.request("GET", "/tasks?limit=1").get_json()["next_cursor"]
    assert acct.request("GET", f"/tasks?limit=1&sort=title&cursor={cursor}").status_code == 400
    assert acct.request("GET", "/tasks?cursor=not-a-cursor").status_code == 400
