"""Idempotent turns: a resent /chat with the same Idempotency-Key runs once, a turn still running is a
409, and retries (/chat `retry_of`, ChatKit `threads.retry_after_item`) never repeat a tool call that
took effect."""

from __future__ import annotations

from typing import Any

from chatkit.types import ThreadCreatedEvent

from app.conversations import turn
from app.extensions import db
from app.models import User
from tests.support.accounts import Account, AuthActions
from tests.support.chat import sse_events
from tests.support.chatkit import parse_sse, user_input


def _tasks(acct: Account) -> list[str]:
    return [t["title"] for t in acct.request("GET", "/tasks").get_json()["tasks"]]


def test_a_resent_request_with_the_same_key_runs_once(auth: AuthActions) -> None:
    acct = auth.signup()
    first = sse_events(acct.request("POST", "/chat", json={"message": "add a task to buy bread"},
                                    headers={"Idempotency-Key": "key-1"}))
    again = sse_events(acct.request("POST", "/chat", json={"message": "add a task to buy bread"},
                                    headers={"Idempotency-Key": "key-1"}))
    assert _tasks(acct) == ["buy bread"]
    assert first[-1]["type"] == again[-1]["type"] == "done"
    assert first[-1]["message_id"] == again[-1]["message_id"]
    assert first[0]["conversation_id"] == again[0]["conversation_id"]
    text = "".join(e["content"] for e in first if e["type"] == "chunk")
    assert "".join(e["content"] for e in again if e["type"] == "chunk") == text
    as_json = acct.request("POST", "/chat", json={"message": "add a task to buy bread"},
                           headers={"Idempotency-Key": "key-1", "Accept": "application/json"}).get_json()
    assert as_json["message_id"] == first[-1]["message_id"] and as_json["response"] == text
    assert [c["name"] for c in as_json["tool_calls"]] == ["add_task"]
    messages = acct.request("GET", f"/conversations/{first[0]['conversation_id']}/messages").get_json()["messages"]
    assert [m["role"] for m in messages] == ["user", "assistant"]
    other = sse_events(acct.request("POST", "/chat", json={"message": "add a task to buy bread"},
                                    headers={"Idempotency-Key": "key-2"}))
    assert other[-1]["type"] == "done" and _tasks(acct) == ["buy bread", "buy bread"]


def test_keys_are_per_user_and_checked(auth: AuthActions, client: Any) -> None:
    ada = auth.signup()
    ada.request("POST", "/chat", json={"message": "add ada's task"}, headers={"Idempotency-Key": "same"})
    bob = AuthActions(client).signup()
    events = sse_events(bob.request("POST", "/chat", json={"message": "add bob's task"},
                                    headers={"Idempotency-Key": "same"}))
    assert events[-1]["type"] == "done" and _tasks(bob) == ["bob's task"]
    for bad in ("", "x" * 101, "tab\there"):
        resp = bob.request("POST", "/chat", json={"message": "hello"}, headers={"Idempotency-Key": bad})
        assert resp.status_code == 400 and resp.get_json()["error"]["code"] == "invalid_idempotency_key"


def test_a_turn_still_running_is_a_409(app: Any, auth: AuthActions) -> None:
    acct = auth.signup()
    with app.app_context():
        user = db.session.get(User, acct.id)
        assert user is not None
        running = turn.reserve(user, None, "add buy milk", 40, idempotency_key="busy")  # pending, this process
    assert isinstance(running, turn.Turn)
    resp = acct.request("POST", "/chat", json={"message": "add buy milk"}, headers={"Idempotency-Key": "busy"})
    assert resp.status_code == 409 and resp.get_json()["error"]["code"] == "turn_in_progress"
    with app.app_context():
        turn.settle(running, "complete")
    resp = acct.request("POST", "/chat", json={"message": "add buy milk"}, headers={"Idempotency-Key": "busy"})
    assert sse_events(resp)[-1]["type"] == "done"
    assert _tasks(acct) == []  # the agent never ran for it


def test_chat_retry_does_not_repeat_the_tool_call(auth: AuthActions) -> None:
    acct = auth.signup()
    first = sse_events(acct.request("POST", "/chat", json={"message": "add a task to buy bread"}))
    conv = first[0]["conversation_id"]
    messages = acct.request("GET", f"/conversations/{conv}/messages").get_json()["messages"]
    retried = sse_events(acct.request("POST", "/chat", json={"conversation_id": conv, "retry_of": messages[0]["id"]}))
    assert retried[-1]["type"] == "done"
    assert _tasks(acct) == ["buy bread"]
    assert "buy bread" in "".join(e["content"] for e in retried if e["type"] == "chunk")
    after = acct.request("GET", f"/conversations/{conv}/messages").get_json()["messages"]
    assert [(m["role"], m["status"]) for m in after] == [("user", "complete"), ("assistant", "complete")]
    assert [c["name"] for c in after[1]["tool_calls"]] == ["add_task"]
    bad = acct.request("POST", "/chat", json={"conversation_id": conv, "retry_of": after[1]["id"]})
    assert bad.status_code == 404 and bad.get_json()["error"]["code"] == "message_not_found"
    assert acct.request("POST", "/chat", json={"retry_of": after[0]["id"]}).status_code in (400, 422)


def test_chatkit_retry_after_item_leaves_one_task(auth: AuthActions) -> None:
    acct = auth.signup()
    resp = acct.request("POST", "/chatkit", json={"type": "threads.create",
                                                  "params": {"input": user_input("Add a task to buy bread")}})
    created = parse_sse(resp.data)[0]
    assert isinstance(created, ThreadCreatedEvent), created
    thread_id = created.thread.id
    items = acct.request("POST", "/chatkit", json={"type": "items.list",
                                                   "params": {"thread_id": thread_id, "order": "asc"}})
    user_item = items.get_json()["data"][0]["id"]
    retry = acct.request("POST", "/chatkit", json={"type": "threads.retry_after_item",
                                                   "params": {"thread_id": thread_id, "item_id": user_item}})
    kinds = [e.type for e in parse_sse(retry.data)]
    assert "error" not in kinds and "thread.item.done" in kinds
    assert [t.lower() for t in _tasks(acct)] == ["buy bread"]
    listed = acct.request("POST", "/chatkit", json={"type": "items.list",
                                                   "params": {"thread_id": thread_id, "order": "asc"}})
    data = listed.get_json()["data"]
    assert [d["type"] for d in data] == ["user_message", "assistant_message"]
    assert "bread" in data[1]["content"][0]["text"].lower()
