"""Bad input of every kind gets the contract's JSON error, the right status, and changes nothing."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from tests.support.accounts import AuthActions

BAD_TASK_BODIES = [
    ({}, "title"),
    ({"title": ""}, "title"),
    ({"title": "   "}, "title"),
    ({"title": 5}, "title"),
    ({"title": "x" * 201}, "title"),
    ({"title": "ok", "description": "d" * 2001}, "description"),
    ({"title": "ok", "priority": "urgent"}, "priority"),
    ({"title": "ok", "due_date": "2030-02-30"}, "due_date"),
    ({"title": "ok", "due_date": "tomorrow"}, "due_date"),
    ({"title": "ok", "due_date": 20300101}, "due_date"),
    ({"title": "ok", "due_time": "25:00"}, "due_time"),
    ({"title": "ok", "due_time": "7pm"}, "due_time"),
    ({"title": "ok", "tags": "work"}, "tags"),
    ({"title": "ok", "tags": [1, 2]}, "tags"),
    ({"title": "ok", "tags": ["has space"]}, "tags"),
    ({"title": "ok", "tags": [f"t{i}" for i in range(21)]}, "tags"),
    ({"title": "ok", "recurrence": "every monday"}, "recurrence"),
    ({"title": "ok", "recurrence": "FREQ=SECONDLY"}, "recurrence"),
    ({"title": "ok", "recurrence": "FREQ=DAILY;COUNT=100000"}, "recurrence"),
    ({"title": "ok", "recurrence": "FREQ=WEEKLY;BYDAY=XX"}, "recurrence"),
    ({"title": "ok", "owner": "someone"}, "owner"),
    ({"title": "ok", "id": 5}, "id"),
    ({"title": "ok", "completed": "yes"}, "completed"),
]


@pytest.mark.parametrize(("body", "field"), BAD_TASK_BODIES)
def test_bad_task_bodies_are_422_and_create_nothing(auth: AuthActions, body: dict[str, Any], field: str) -> None:
    acct = auth.signup()
    resp = acct.request("POST", "/tasks", json=body)
    assert resp.status_code == 422, resp.get_json()
    error = resp.get_json()["error"]
    assert error["code"] == "validation_error"
    assert field in error["fields"], error
    assert acct.request("GET", "/tasks").get_json()["tasks"] == []


@pytest.mark.parametrize(("body", "field"), [(b, f) for b, f in BAD_TASK_BODIES if f != "title" or b])
def test_bad_patches_change_nothing(auth: AuthActions, body: dict[str, Any], field: str) -> None:
    acct = auth.signup()
    task = acct.add_task(title="keep me", priority="low")
    patch = {k: v for k, v in body.items() if k != "title" or field == "title"}
    resp = acct.request("PATCH", f"/tasks/{task['id']}", json=patch)
    assert resp.status_code == 422, resp.get_json()
    assert acct.request("GET", f"/tasks/{task['id']}").get_json() == task


def test_null_title_or_priority_cannot_be_patched(auth: AuthActions) -> None:
    acct = auth.signup()
    task = acct.add_task(title="keep me")
    for body in ({"title": None}, {"priority": None}):
        assert acct.request("PATCH", f"/tasks/{task['id']}", json=body).status_code == 422


def test_malformed_json_is_400(auth: AuthActions) -> None:
    acct = auth.signup()
    resp = acct.request("POST", "/tasks", data=b'{"title": ', content_type="application/json")
    assert resp.status_code == 400
    assert resp.get_json()["error"]["code"] == "invalid_json"
    resp = acct.request("POST", "/tasks", data=b"\xff\xfe", content_type="application/json")
    assert resp.status_code == 400


def test_non_json_body_is_415(auth: AuthActions) -> None:
    acct = auth.signup()
    resp = acct.request("POST", "/tasks", data="title=x", content_type="application/x-www-form-urlencoded")
    assert resp.status_code == 415
    assert resp.get_json()["error"]["code"] == "unsupported_media_type"


def test_json_array_body_is_422(auth: AuthActions) -> None:
    acct = auth.signup()
    resp = acct.request("POST", "/tasks", json=[{"title": "x"}])
    assert resp.status_code == 422


def test_oversize_body_is_413(auth: AuthActions) -> None:
    acct = auth.signup()
    resp = acct.request("POST", "/tasks", json={"title": "x", "description": "d" * 200_000})
    assert resp.status_code == 413
    assert resp.get_json()["error"]["code"] == "payload_too_large"


@pytest.mark.parametrize("query", [
    "status=done", "limit=0", "limit=101", "limit=abc", "sort=size", "order=up", "priority=urgent",
    "due_before=yesterday", "due_after=2030-13-01", "unknown=1",
])
def test_bad_list_queries_are_422(auth: AuthActions, query: str) -> None:
    acct = auth.signup()
    resp = acct.request("GET", f"/tasks?{query}")
    assert resp.status_code == 422, resp.get_json()
    assert resp.get_json()["error"]["code"] == "validation_error"


def test_unknown_routes_and_methods_are_json(client: FlaskClient, auth: AuthActions) -> None:
    acct = auth.signup()
    resp = client.get("/api/nothing-here")
    assert resp.status_code == 404 and resp.get_json()["error"]["code"] == "not_found"
    resp = acct.request("POST", "/tasks/1")
    assert resp.status_code == 405 and resp.get_json()["error"]["code"] == "method_not_allowed"
    resp = acct.request("GET", "/tasks/not-a-number")
    assert resp.status_code == 404
