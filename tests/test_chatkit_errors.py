"""ChatKit requests that must be refused: a JSON error in the contract's shape before any stream, nothing stored."""

from __future__ import annotations

from typing import Any

import pytest
from chatkit.types import ThreadItemDoneEvent

from app import create_app
from app.config import get_config
from tests.support.accounts import TEST_SECRET, Account, AuthActions
from tests.support.chatkit import create_thread, post, reply_of, user_input

THREAD_SCOPED: tuple[tuple[str, dict[str, Any]], ...] = (
    ("threads.get_by_id", {}),
    ("items.list", {}),
    ("threads.update", {"title": "mine now"}),
    ("threads.delete", {}),
    ("threads.add_user_message", {"input": user_input("delete everything")}),
    ("threads.retry_after_item", {"item_id": "msg_1"}),
    ("items.feedback", {"item_ids": ["msg_1"], "kind": "negative"}),
    ("threads.custom_action", {"item_id": None, "action": {"type": "x"}}),
)


def error_of(resp: Any, status: int, code: str | None = None) -> dict[str, Any]:
    """The contract's error body, after checking status and (optionally) code."""
    assert resp.status_code == status, resp.get_data(as_text=True)
    assert resp.mimetype == "application/json"
    error = resp.get_json()["error"]
    assert set(error) <= {"code", "message", "fields"} and error["message"]
    if code is not None:
        assert error["code"] == code, error
    return dict(error)


def conversation_count(acct: Account) -> int:
    """How many conversations the account has."""
    return len(acct.request("GET", "/conversations").get_json()["conversations"])


def test_malformed_bodies_are_400(auth: AuthActions) -> None:
    acct = auth.signup()
    raw = [
        (b"{not json", "invalid_json"),
        (b"", "invalid_json"),
        (b"[1, 2]", "invalid_request"),
        (b'"threads.list"', "invalid_request"),
    ]
    for body, code in raw:
        resp = acct.request("POST", "/chatkit", data=body, headers={"Content-Type": "application/json"})
        error_of(resp, 400, code)
    error_of(acct.request("POST", "/chatkit", data="{}", headers={"Content-Type": "text/plain"}), 415)
    error_of(post(acct, {"type": "threads.explode", "params": {}}), 400, "unknown_request_type")
    error_of(post(acct, {"params": {}}), 400)
    missing = error_of(post(acct, {"type": "threads.create", "params": {}}), 400, "invalid_request")
    assert any("input" in name for name in missing["fields"])
    error_of(post(acct, {"type": "threads.get_by_id"}), 400, "invalid_request")
    error_of(post(acct, {"type": "threads.create", "params": {"input": {"content": "hi"}}}), 400, "invalid_request")
    error_of(
        post(acct, {"type": "items.feedback", "params": {"thread_id": "thr_1", "item_ids": [], "kind": "meh"}}),
        400,
        "invalid_request",
    )
    error_of(post(acct, {"type": "threads.list", "params": {"order": "sideways"}}), 400, "invalid_request")
    assert conversation_count(acct) == 0


def test_invalid_values_are_422_and_store_nothing(auth: AuthActions) -> None:
    acct = auth.signup()
    for text in ("", "   ", "x" * 8001):
        resp = post(acct, {"type": "threads.create", "params": {"input": user_input(text)}})
        assert "params.input.content" in error_of(resp, 422, "validation_error")["fields"]
    assert conversation_count(acct) == 0
    thread_id, _ = create_thread(acct, "hi there")
    for title in ("", "  ", "t" * 201):
        error_of(post(acct, {"type": "threads.update", "params": {"thread_id": thread_id, "title": title}}), 422)
    error_of(
        post(acct, {"type": "threads.add_user_message", "params": {"thread_id": thread_id, "input": user_input(" ")}}),
        422,
    )
    assert acct.request("GET", "/conversations").get_json()["conversations"][0]["title"] == "hi there"


def test_attachments_and_other_features_are_refused(auth: AuthActions) -> None:
    acct = auth.signup()
    thread_id, _ = create_thread(acct, "hi there")
    error_of(
        post(acct, {"type": "attachments.create", "params": {"name": "a.png", "size": 3, "mime_type": "image/png"}}),
        400,
        "attachments_unsupported",
    )
    error_of(
        post(acct, {"type": "attachments.delete", "params": {"attachment_id": "atc_1"}}), 400, "attachments_unsupported"
    )
    with_file = {**user_input("look at this"), "attachments": ["atc_1"]}
    error_of(post(acct, {"type": "threads.create", "params": {"input": with_file}}), 400, "attachments_unsupported")
    error_of(
        post(acct, {"type": "threads.add_user_message", "params": {"thread_id": thread_id, "input": with_file}}),
        400,
        "attachments_unsupported",
    )
    others = [
        {"type": "input.transcribe", "params": {"audio_base64": "AAAA", "mime_type": "audio/webm"}},
        {"type": "threads.add_client_tool_output", "params": {"thread_id": thread_id, "result": {}}},
        {"type": "threads.add_structured_input", "params": {"thread_id": thread_id, "item_id": "msg_1", "input": {}}},
        {"type": "threads.sync_custom_action", "params": {"thread_id": thread_id, "action": {"type": "x"}}},
    ]
    for body in others:
        error_of(post(acct, body), 400, "unsupported_request")
    assert conversation_count(acct) == 1


@pytest.mark.parametrize(("kind", "params"), THREAD_SCOPED)
def test_another_users_thread_is_404(auth: AuthActions, kind: str, params: dict[str, Any]) -> None:
    owner, intruder = auth.signup(), auth.signup()
    thread_id, events = create_thread(owner, "add buy milk")
    user_done = events[1]
    assert isinstance(user_done, ThreadItemDoneEvent), user_done
    item_ids = [user_done.item.id, reply_of(events).id]
    if params.get("item_id"):
        params = {**params, "item_id": item_ids[0]}
    if "item_ids" in params:
        params = {**params, "item_ids": item_ids}
    resp = post(intruder, {"type": kind, "params": {"thread_id": thread_id, **params}})
    error_of(resp, 404, "thread_not_found")
    assert conversation_count(intruder) == 0
    after = owner.request("GET", "/conversations").get_json()["conversations"]
    assert [c["title"] for c in after] == ["add buy milk"]
    assert len(owner.request("GET", f"/conversations/{after[0]['id']}/messages").get_json()["messages"]) == 2


@pytest.mark.parametrize(
    "garbage", ["thr_abc", "1", "thr_0", "thr_-1", "thr_01", "thr_99999999999", "msg_1", "THR_1", "thr_1 ", ""]
)
def test_garbage_thread_ids_are_404(auth: AuthActions, garbage: str) -> None:
    acct = auth.signup()
    create_thread(acct, "hi there")
    for kind, params in THREAD_SCOPED:
        resp = post(acct, {"type": kind, "params": {"thread_id": garbage, **params}})
        error_of(resp, 404, "thread_not_found")


def test_garbage_item_ids_and_cursors(auth: AuthActions) -> None:
    acct = auth.signup()
    thread_id, events = create_thread(acct, "hi there")
    reply_id = reply_of(events).id
    for item_id in ("msg_x", "thr_1", "msg_99999999999", "msg_999999", ""):
        for kind, params in (
            ("threads.retry_after_item", {}),
            ("items.feedback", {"kind": "positive"}),
            ("threads.custom_action", {"action": {"type": "x"}}),
        ):
            field = "item_ids" if kind == "items.feedback" else "item_id"
            value = [item_id] if field == "item_ids" else item_id
            resp = post(acct, {"type": kind, "params": {"thread_id": thread_id, field: value, **params}})
            error_of(resp, 404, "item_not_found")
    resp = post(acct, {"type": "threads.retry_after_item", "params": {"thread_id": thread_id, "item_id": reply_id}})
    error_of(resp, 400, "not_a_user_message")
    for after in ("garbage", "thr_1", "msg_0"):
        error_of(
            post(acct, {"type": "items.list", "params": {"thread_id": thread_id, "after": after}}),
            400,
            "invalid_cursor",
        )
    for after in ("garbage", "msg_1"):
        error_of(post(acct, {"type": "threads.list", "params": {"after": after}}), 400, "invalid_cursor")
    for limit in (0, 10_000):  # the default (20), at most 100
        resp = post(acct, {"type": "items.list", "params": {"thread_id": thread_id, "limit": limit}})
        assert resp.status_code == 200 and len(resp.get_json()["data"]) == 2
    error_of(post(acct, {"type": "items.list", "params": {"thread_id": thread_id, "limit": -5}}), 422)
    error_of(post(acct, {"type": "threads.list", "params": {"limit": -1}}), 422)


def test_requests_need_the_owners_token(auth: AuthActions) -> None:
    acct, other = auth.signup(), auth.signup()
    body = {"type": "threads.list", "params": {}}
    error_of(acct.client.post(f"/api/{acct.id}/chatkit", json=body), 401)
    error_of(other.client.post(f"/api/{acct.id}/chatkit", json=body, headers=other.headers), 403)


def test_openapi_lists_the_endpoint(client: Any) -> None:
    paths = client.get("/api/openapi.json").get_json()["paths"]
    assert "post" in paths["/api/{user_id}/chatkit"]


def test_turns_share_the_chat_budget_but_reads_do_not(app: Any) -> None:
    limited = create_app({"mode": "developer", "database_url": get_config(app).database_url, "secret_key": TEST_SECRET,
                          "TESTING": True, "ratelimit_chat": "2 per minute"})
    acct = AuthActions(limited.test_client()).signup()
    thread_id, _ = create_thread(acct, "hi there")
    body = {"type": "threads.add_user_message", "params": {"thread_id": thread_id, "input": user_input("hello")}}
    assert post(acct, body).status_code == 200
    error_of(post(acct, body), 429)
    for _ in range(3):
        assert post(acct, {"type": "threads.list", "params": {}}).status_code == 200
