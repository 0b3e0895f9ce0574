"""Every /api/<user_id>/ route: 401 without a valid token, 403 for another user's path, 404 for their objects."""

from __future__ import annotations

import time
from typing import Any

import jwt as pyjwt
import pytest
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.support.accounts import TEST_SECRET, AuthActions

# (method, path template, body); {tid} is a task of the path's owner.
ROUTES = [
    ("GET", "/tasks", None),
    ("POST", "/tasks", {"title": "x"}),
    ("GET", "/tasks/{tid}", None),
    ("PUT", "/tasks/{tid}", {"title": "x"}),
    ("PATCH", "/tasks/{tid}", {"title": "x"}),
    ("DELETE", "/tasks/{tid}", None),
    ("PATCH", "/tasks/{tid}/complete", {"completed": True}),
]
OBJECT_ROUTES = [r for r in ROUTES if "{tid}" in r[1]]


def _call(
    client: FlaskClient, method: str, uid: str, path: str, body: dict[str, Any] | None, headers: dict[str, str]
) -> TestResponse:
    return client.open(f"/api/{uid}{path}", method=method, json=body, headers=headers)


@pytest.mark.parametrize(("method", "path", "body"), ROUTES)
def test_no_or_bad_token_is_401(
    client: FlaskClient, auth: AuthActions, method: str, path: str, body: dict[str, Any] | None
) -> None:
    acct = auth.signup()
    tid = acct.add_task(title="mine")["id"]
    p = path.format(tid=tid)
    claims = pyjwt.decode(acct.access_token, TEST_SECRET, algorithms=["HS256"])
    expired = pyjwt.encode({**claims, "exp": int(time.time()) - 5}, TEST_SECRET, algorithm="HS256")
    tampered = pyjwt.encode({**claims, "sub": "u_someone_else"}, "wrong-key-0123456789abcdef0123456789",
                            algorithm="HS256")
    for headers in ({}, {"Authorization": "Bearer " + expired}, {"Authorization": "Bearer " + tampered},
                    {"Authorization": "Basic abc"}):
        resp = _call(client, method, acct.id, p, body, headers)
        assert resp.status_code == 401, (headers, resp.get_json())
        assert resp.get_json()["error"]["code"]
    assert acct.request("GET", f"/tasks/{tid}").get_json()["title"] == "mine"


@pytest.mark.parametrize(("method", "path", "body"), ROUTES)
def test_signed_out_token_is_401(
    client: FlaskClient, auth: AuthActions, method: str, path: str, body: dict[str, Any] | None
) -> None:
    acct = auth.signup()
    tid = acct.add_task(title="mine")["id"]
    client.post("/api/auth/signout", headers=acct.headers)
    resp = _call(client, method, acct.id, path.format(tid=tid), body, acct.headers)
    assert resp.status_code == 401


@pytest.mark.parametrize(("method", "path", "body"), ROUTES)
def test_another_users_path_is_403(
    client: FlaskClient, auth: AuthActions, method: str, path: str, body: dict[str, Any] | None
) -> None:
    alice, mallory = auth.signup(), auth.signup()
    tid = alice.add_task(title="alice's")["id"]
    resp = _call(client, method, alice.id, path.format(tid=tid), body, mallory.headers)
    assert resp.status_code == 403
    assert resp.get_json()["error"]["code"] == "forbidden"
    assert alice.request("GET", f"/tasks/{tid}").get_json()["title"] == "alice's"


@pytest.mark.parametrize(("method", "path", "body"), OBJECT_ROUTES)
def test_another_users_object_is_404(
    client: FlaskClient, auth: AuthActions, method: str, path: str, body: dict[str, Any] | None
) -> None:
    alice, mallory = auth.signup(), auth.signup()
    tid = alice.add_task(title="alice's")["id"]
    resp = _call(client, method, mallory.id, path.format(tid=tid), body, mallory.headers)
    assert resp.status_code == 404
    missing = _call(client, method, mallory.id, path.format(tid=999999), body, mallory.headers)
    assert missing.status_code == 404
    assert resp.get_json()["error"]["code"] == missing.get_json()["error"]["code"] == "task_not_found"
    task = alice.request("GET", f"/tasks/{tid}").get_json()
    assert task["title"] == "alice's" and task["completed"] is False


def test_lists_never_show_other_users_tasks(auth: AuthActions) -> None:
    alice, bob = auth.signup(), auth.signup()
    alice.add_task(title="alice secret")
    bob.add_task(title="bob's")
    titles = [t["title"] for t in bob.request("GET", "/tasks?q=secret").get_json()["tasks"]]
    assert titles == []
