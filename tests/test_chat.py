"""/chat through the Flask test client (no gevent): SSE events, persistence, JSON variant, conversations."""

from __future__ import annotations

import json

from flask import Flask

from app.conversations.store import input_items, recent_messages
from app.extensions import db
from tests.support.accounts import AuthActions
from tests.support.chat import chat


def test_chat_adds_a_task_and_streams_the_contract_events(auth: AuthActions) -> None:
    acct = auth.signup()
    events = chat(acct, "remind me to call grandma tomorrow at 7pm")
    kinds = [e["type"] for e in events]
    assert kinds[0] == "conversation" and kinds[-1] == "done"
    assert "tool_call" in kinds and "tool_result" in kinds and "chunk" in kinds
    assert kinds.index("tool_call") < kinds.index("tool_result") < kinds.index("chunk")
    call = next(e for e in events if e["type"] == "tool_call")
    assert call["tool_name"] == "add_task" and "call grandma" in call["arguments"]["title"]
    assert sum(1 for k in kinds if k == "chunk") > 3
    tasks = acct.request("GET", "/tasks").get_json()["tasks"]
    assert len(tasks) == 1 and tasks[0]["due_time"] == "19:00"
    conv_id = events[0]["conversation_id"]
    assert events[-1]["conversation_id"] == conv_id
    messages = acct.request("GET", f"/conversations/{conv_id}/messages").get_json()["messages"]
    assert [m["role"] for m in messages] == ["user", "assistant"]
    assert messages[0]["content"] == "remind me to call grandma tomorrow at 7pm"
    reply = "".join(e["content"] for e in events if e["type"] == "chunk")
    assert messages[1]["content"] == reply and messages[1]["status"] == "complete"
    assert messages[1]["tool_calls"][0]["name"] == "add_task"
    assert messages[1]["id"] == events[-1]["message_id"]


def test_each_write_of_the_stream_is_whole_events_in_order(auth: AuthActions) -> None:
    """Events that arrive together go out in one write (`stream_batches`); a write never splits an event."""
    acct = auth.signup()
    resp = acct.request("POST", "/chat", json={"message": "add buy milk tomorrow at 5pm"})
    writes = [piece.decode() for piece in resp.iter_encoded()]
    assert writes and all(piece.endswith("\n\n") and piece.startswith("data: ") for piece in writes)
    events = [json.loads(line[6:]) for piece in writes for line in piece.split("\n\n") if line]
    kinds = [e["type"] for e in events]
    assert kinds[0] == "conversation" and kinds[-1] == "done" and kinds.count("chunk") > 3
    assert len(writes) <= len(events)


def test_a_later_turn_recalls_earlier_results_without_their_bookkeeping(app: Flask, auth: AuthActions) -> None:
    """History replays each earlier task without its stamps and reminders (half the size, on every model step);
    the stored record keeps them, and the next turn still knows the task."""
    acct = auth.signup()
    conv = chat(acct, "add buy milk tomorrow at 5pm")[0]["conversation_id"]
    with app.app_context(), db.work() as session:
        items = input_items(recent_messages(session, conv, 40))
    output = json.loads(next(i for i in items if i.get("type") == "function_call_output")["output"])
    assert {"id", "title", "due_date", "due_time", "priority", "tags", "completed"} <= set(output["task"])
    assert not {"created_at", "updated_at", "reminders", "completed_at", "description"} & set(output["task"])
    stored = acct.request("GET", f"/conversations/{conv}/messages").get_json()["messages"][1]["tool_calls"][0]
    assert stored["output"]["task"]["reminders"] and stored["output"]["task"]["created_at"]
    chat(acct, "make it high priority", conv)
    [task] = acct.request("GET", "/tasks").get_json()["tasks"]
    assert (task["title"], task["priority"]) == ("buy milk", "high")


def test_context_carries_across_turns(auth: AuthActions) -> None:
    acct = auth.signup()
    conv = chat(acct, "add buy eggs")[0]["conversation_id"]
    chat(acct, "actually make it high priority", conv)
    tasks = acct.request("GET", "/tasks").get_json()["tasks"]
    assert [(t["title"], t["priority"]) for t in tasks] == [("buy eggs", "high")]
    chat(acct, "delete it", conv)
    assert acct.request("GET", "/tasks").get_json()["tasks"] == []


def test_json_variant(auth: AuthActions) -> None:
    acct = auth.signup()
    acct.add_task(title="walk the dog")
    resp = acct.request("POST", "/chat", json={"message": "what's on my list?"}, headers={"Accept": "application/json"})
    assert resp.status_code == 200
    body = resp.get_json()
    assert "walk the dog" in body["response"]
    assert body["tool_calls"][0]["name"] == "list_tasks"
    assert body["tool_calls"][0]["output"]["count"] == 1
    assert isinstance(body["conversation_id"], int)


def test_bad_chat_requests_store_nothing(auth: AuthActions) -> None:
    acct = auth.signup()
    other = auth.signup()
    other_conv = chat(other, "hello")[0]["conversation_id"]
    for body, status in (({}, 422), ({"message": ""}, 422), ({"message": "   "}, 422), ({"message": 5}, 422),
                         ({"message": "x" * 8001}, 422), ({"message": "hi", "conversation_id": "1"}, 422),
                         ({"message": "hi", "extra": 1}, 422), ({"message": "hi", "conversation_id": 999999}, 404),
                         ({"message": "hi", "conversation_id": other_conv}, 404)):
        resp = acct.request("POST", "/chat", json=body)
        assert resp.status_code == status, (body, resp.get_json())
        assert "error" in resp.get_json()
    assert acct.request("GET", "/conversations").get_json()["conversations"] == []


def test_conversations_list_rename_page_delete(auth: AuthActions) -> None:
    acct = auth.signup()
    first = chat(acct, "add water the plants")[0]["conversation_id"]
    second = chat(acct, "hi there")[0]["conversation_id"]
    convs = acct.request("GET", "/conversations").get_json()
    assert [c["id"] for c in convs["conversations"]] == [second, first]
    assert convs["conversations"][1]["title"] == "add water the plants"
    page = acct.request("GET", "/conversations?limit=1").get_json()
    assert [c["id"] for c in page["conversations"]] == [second]
    rest = acct.request("GET", f"/conversations?limit=1&cursor={page['next_cursor']}").get_json()
    assert [c["id"] for c in rest["conversations"]] == [first] and rest["next_cursor"] is None
    renamed = acct.request("PATCH", f"/conversations/{first}", json={"title": "Plants"}).get_json()
    assert renamed["title"] == "Plants"
    for _ in range(2):
        chat(acct, "what's on my list?", first)
    msgs = acct.request("GET", f"/conversations/{first}/messages?limit=4").get_json()
    assert len(msgs["messages"]) == 4 and msgs["next_cursor"]
    more = acct.request("GET", f"/conversations/{first}/messages?limit=4&cursor={msgs['next_cursor']}").get_json()
    assert len(more["messages"]) == 2 and more["next_cursor"] is None
    assert acct.request("DELETE", f"/conversations/{first}").status_code == 204
    assert acct.request("GET", f"/conversations/{first}/messages").status_code == 404
    intruder = auth.signup()
    assert intruder.request("GET", f"/conversations/{second}/messages").status_code == 404
    assert intruder.request("DELETE", f"/conversations/{second}").status_code == 404
    assert acct.request("GET", f"/conversations/{second}/messages").status_code == 200


def test_a_reply_left_pending_by_a_dead_process_is_settled_as_interrupted(app: Flask, auth: AuthActions) -> None:
    from datetime import timedelta

    from app.extensions import db
    from app.models import Message, utcnow

    acct = auth.signup()
    conv = chat(acct, "hi there")[0]["conversation_id"]
    with app.app_context():
        stale = Message(conversation_id=conv, user_id=acct.id, role="assistant", content="half a rep",
                        status="pending", created_at=utcnow() - timedelta(hours=1),
                        updated_at=utcnow() - timedelta(hours=1))
        db.session.add(stale)
        db.session.commit()
    chat(acct, "what can you do?", conv)
    statuses = [m["status"] for m in acct.request("GET", f"/conversations/{conv}/messages").get_json()["messages"]]
    assert "pending" not in statuses and "interrupted" in statuses
