"""Undo in the web app: deleted and cleared tasks come back exactly (same id, fields, recurrence position)."""

from __future__ import annotations

from typing import Any

from tests.support.accounts import AuthActions


def _get(acct: Any, task_id: int) -> Any:
    return acct.request("GET", f"/tasks/{task_id}")


def _same_apart_from_reminder_ids(task: dict[str, Any]) -> dict[str, Any]:
    return {**task, "reminders": [{k: v for k, v in r.items() if k != "id"} for r in task["reminders"]]}


def test_a_deleted_task_is_restored_with_the_same_id_and_fields(auth: AuthActions) -> None:
    acct = auth.signup()
    task = acct.add_task(title="water the plants", description="the ferns", priority="high", due_date="2030-01-06",
                         due_time="18:30", tags=["home"], recurrence="FREQ=WEEKLY;COUNT=5")
    assert acct.request("DELETE", f"/tasks/{task['id']}").status_code == 204
    assert _get(acct, task["id"]).status_code == 404
    resp = acct.request("POST", "/tasks/restore", json={"ids": [task["id"]]})
    assert resp.status_code == 200, resp.get_json()
    # Every field comes back; the default reminder at the due time is armed again, as a new reminder row.
    assert [_same_apart_from_reminder_ids(t) for t in resp.get_json()["tasks"]] == [_same_apart_from_reminder_ids(task)]
    assert _same_apart_from_reminder_ids(_get(acct, task["id"]).get_json()) == _same_apart_from_reminder_ids(task)
    # Restored once: a second restore has nothing left to restore.
    again = acct.request("POST", "/tasks/restore", json={"ids": [task["id"]]})
    assert again.status_code == 404 and again.get_json()["error"]["code"] == "task_not_found"


def test_ids_are_never_reused_so_a_restore_cannot_collide(auth: AuthActions) -> None:
    acct = auth.signup()
    last = acct.add_task(title="the newest")
    assert acct.request("DELETE", f"/tasks/{last['id']}").status_code == 204
    newer = acct.add_task(title="added after the delete")
    assert newer["id"] > last["id"]
    assert acct.request("POST", "/tasks/restore", json={"ids": [last["id"]]}).status_code == 200
    titles = {t["title"] for t in acct.request("GET", "/tasks").get_json()["tasks"]}
    assert titles == {"the newest", "added after the delete"}


def test_clear_completed_then_undo_brings_every_task_back(auth: AuthActions) -> None:
    acct = auth.signup()
    done = [acct.add_task(title=f"done {n}", tags=[f"t{n}"]) for n in range(3)]
    kept = acct.add_task(title="still to do")
    completed = [acct.request("PATCH", f"/tasks/{t['id']}/complete", json={"completed": True}).get_json() for t in done]
    resp = acct.request("POST", "/tasks/clear-completed")
    assert resp.status_code == 200, resp.get_json()
    assert sorted(resp.get_json()["ids"]) == sorted(t["id"] for t in done) and resp.get_json()["count"] == 3
    assert [t["id"] for t in acct.request("GET", "/tasks?status=all").get_json()["tasks"]] == [kept["id"]]
    restored = acct.request("POST", "/tasks/restore", json={"ids": resp.get_json()["ids"]}).get_json()["tasks"]
    assert sorted(restored, key=lambda t: t["id"]) == sorted(completed, key=lambda t: t["id"])
    assert acct.request("GET", "/tasks/tags").get_json() == {"tags": ["t0", "t1", "t2"]}


def test_restore_refuses_other_users_tasks_and_bad_bodies(auth: AuthActions) -> None:
    ada, bob = auth.signup(), auth.signup()
    task = ada.add_task(title="ada's")
    assert ada.request("DELETE", f"/tasks/{task['id']}").status_code == 204
    stolen = bob.request("POST", "/tasks/restore", json={"ids": [task["id"]]})
    assert stolen.status_code == 404
    assert bob.request("GET", "/tasks?status=all").get_json()["tasks"] == []
    refused: list[dict[str, Any]] = [{}, {"ids": []}, {"ids": ["x"]}, {"ids": [0]}, {"ids": [2**40]}]
    for body in refused:
        resp = ada.request("POST", "/tasks/restore", json=body)
        assert resp.status_code in (400, 422), body
        assert "error" in resp.get_json()
    # Nothing was restored by the refusals; Ada's own restore still works.
    assert ada.request("POST", "/tasks/restore", json={"ids": [task["id"]]}).status_code == 200


def test_the_tag_list_follows_the_tasks(auth: AuthActions) -> None:
    acct = auth.signup()
    one = acct.add_task(title="a", tags=["home", "errands"])
    acct.add_task(title="b", tags=["work"])
    assert acct.request("GET", "/tasks/tags").get_json() == {"tags": ["errands", "home", "work"]}
    acct.request("DELETE", f"/tasks/{one['id']}")
    assert acct.request("GET", "/tasks/tags").get_json() == {"tags": ["work"]}


def test_undo_of_a_delete_brings_back_every_reminder(app: Any, auth: AuthActions) -> None:
    from datetime import UTC, datetime

    from app.reminders import schedule, service

    schedule.set_clock(lambda: datetime(2030, 1, 6, 12, 0, tzinfo=UTC))
    try:
        acct = auth.signup(timezone="Europe/Paris")
        task = acct.add_task(title="dentist", due_date="2030-01-07", due_time="15:00")
        tid = task["id"]
        for body in ({"before_minutes": 45}, {"remind_at": "2030-01-07T08:30"}, {"remind_at": "2030-01-06T18:00"}):
            assert acct.request("POST", f"/tasks/{tid}/reminders", json=body).status_code == 201
        dismissed = acct.request("GET", "/reminders").get_json()["reminders"][0]["id"]
        acct.request("POST", f"/reminders/{dismissed}/dismiss")
        before = _get(acct, tid).get_json()
        assert len(before["reminders"]) == 3
        assert acct.request("DELETE", f"/tasks/{tid}").status_code == 204
        restored = acct.request("POST", "/tasks/restore", json={"ids": [tid]}).get_json()["tasks"][0]
        # The same reminders (custom ones too, as new rows), not only the default one.
        assert _same_apart_from_reminder_ids(restored) == _same_apart_from_reminder_ids(before)
        assert [r["remind_at"] for r in acct.request("GET", "/reminders?status=dismissed").get_json()["reminders"]] == [
            "2030-01-06T17:00:00Z"]
        # They still follow the task and fire.
        moved = acct.request("PATCH", f"/tasks/{tid}", json={"due_time": "16:00"}).get_json()
        assert [(r["remind_at"], r["before_minutes"]) for r in moved["reminders"]] == [
            ("2030-01-07T07:30:00Z", None), ("2030-01-07T14:15:00Z", 45), ("2030-01-07T15:00:00Z", 0)]
        with app.app_context():
            fired = service.fire_due(datetime(2030, 1, 7, 15, 0, 1, tzinfo=UTC))
        assert [f.reminder["remind_at"] for f in fired] == [r["remind_at"] for r in moved["reminders"]]
    finally:
        schedule.set_clock(None)
