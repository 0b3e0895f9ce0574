"""POST /api/<uid>/chatkit through the Flask test client: every request type, over the same conversations as /chat.

Every SSE event is parsed with ChatKit's ThreadStreamEvent type and every JSON answer with its types.
The 400/404 cases are in test_chatkit_errors.py, the real gunicorn server in test_chatkit_live.py.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any, TypeVar

import pytest
from chatkit.types import (
    AssistantMessageContentPartTextDelta,
    ErrorEvent,
    Page,
    ProgressUpdateEvent,
    StreamOptionsEvent,
    Thread,
    ThreadCreatedEvent,
    ThreadItem,
    ThreadItemAddedEvent,
    ThreadItemDoneEvent,
    ThreadItemUpdatedEvent,
    ThreadStreamEvent,
    ThreadUpdatedEvent,
    UserMessageItem,
)
from flask import Flask
from flask.testing import FlaskClient
from pydantic import TypeAdapter

from app import create_app
from app.agent.local_model import LocalModel
from app.chatkit.ids import item_id_of, parse_item_id, parse_thread_id, thread_id_of
from app.config import get_config
from app.extensions import db
from app.models import Message
from tests.support.accounts import TEST_SECRET, Account, AuthActions
from tests.support.chatkit import EVENTS, create_thread, parse_sse, post, reply_of, stream, user_input

T = TypeVar("T")
ITEMS = TypeAdapter(Page[ThreadItem])
THREADS = TypeAdapter(Page[Thread])


def call(acct: Account, body: dict[str, Any], adapter: TypeAdapter[T]) -> T:
    """A non-streaming request: 200 JSON, validated with ChatKit's type."""
    resp = post(acct, body)
    assert resp.status_code == 200, resp.get_data(as_text=True)
    assert resp.mimetype == "application/json"
    return adapter.validate_json(resp.get_data())


def send(acct: Account, thread_id: str, text: str) -> list[ThreadStreamEvent]:
    """threads.add_user_message."""
    return stream(
        acct, {"type": "threads.add_user_message", "params": {"thread_id": thread_id, "input": user_input(text)}}
    )


def items(acct: Account, thread_id: str, **params: Any) -> Page[ThreadItem]:
    """items.list."""
    return call(acct, {"type": "items.list", "params": {"thread_id": thread_id, **params}}, ITEMS)


def messages(acct: Account, thread_id: str) -> list[dict[str, Any]]:
    """The thread's messages as /chat's conversations route shows them."""
    resp = acct.request("GET", f"/conversations/{parse_thread_id(thread_id)}/messages")
    assert resp.status_code == 200
    return list(resp.get_json()["messages"])


def tasks(acct: Account) -> list[tuple[str, str]]:
    """(title, priority) of the account's tasks."""
    return [(t["title"], t["priority"]) for t in acct.request("GET", "/tasks").get_json()["tasks"]]


def chat(acct: Account, message: str, conversation_id: int | None = None) -> int:
    """A /chat turn (JSON variant); returns the conversation id."""
    body: dict[str, Any] = {"message": message}
    if conversation_id is not None:
        body["conversation_id"] = conversation_id
    resp = acct.request("POST", "/chat", json=body, headers={"Accept": "application/json"})
    assert resp.status_code == 200, resp.get_json()
    return int(resp.get_json()["conversation_id"])


def test_ids_round_trip() -> None:
    assert parse_thread_id(thread_id_of(42)) == 42 and parse_item_id(item_id_of(7)) == 7
    assert thread_id_of(3) == "thr_3" and item_id_of(3) == "msg_3"


def test_threads_create_streams_a_turn_with_a_tool_call(auth: AuthActions) -> None:
    acct = auth.signup()
    thread_id, events = create_thread(acct, "add buy milk")
    kinds = [e.type for e in events]
    assert kinds[:3] == ["thread.created", "thread.item.done", "stream_options"]
    user_done = events[1]
    assert isinstance(user_done, ThreadItemDoneEvent), user_done
    user_item = user_done.item
    assert isinstance(user_item, UserMessageItem) and user_item.content[0].text == "add buy milk"
    assert isinstance(events[2], StreamOptionsEvent) and events[2].stream_options.allow_cancel
    progress = [e for e in events if isinstance(e, ProgressUpdateEvent)]
    assert [p.text for p in progress] == ["Adding 'buy milk'…"]
    added = next(e for e in events if isinstance(e, ThreadItemAddedEvent))
    assert kinds.index("progress_update") < events.index(added)
    deltas = [
        e.update
        for e in events
        if isinstance(e, ThreadItemUpdatedEvent) and e.update.type == "assistant_message.content_part.text_delta"
    ]
    assert len(deltas) > 1 and all(
        isinstance(e, ThreadItemUpdatedEvent) and e.item_id == added.item.id
        for e in events
        if isinstance(e, ThreadItemUpdatedEvent)
    )
    reply = reply_of(events)
    text = "".join(d.delta for d in deltas if isinstance(d, AssistantMessageContentPartTextDelta))
    assert reply.id == added.item.id and reply.content[0].text == text and "buy milk" in text
    assert isinstance(events[-1], ThreadUpdatedEvent) and events[-1].thread.title == "add buy milk"
    assert kinds.count("thread.item.done") == 2 and "error" not in kinds
    assert tasks(acct) == [("buy milk", "none")]
    stored = messages(acct, thread_id)
    assert [(m["role"], m["status"]) for m in stored] == [("user", "complete"), ("assistant", "complete")]
    assert [item_id_of(m["id"]) for m in stored] == [user_item.id, reply.id]
    assert stored[1]["content"] == text
    call_ = stored[1]["tool_calls"][0]
    assert set(call_) == {"call_id", "name", "arguments", "output"} and call_["name"] == "add_task"
    assert call_["arguments"]["title"] == "buy milk" and call_["output"]["task"]["title"] == "buy milk"


def test_add_user_message_get_by_id_and_items_list(auth: AuthActions) -> None:
    acct = auth.signup()
    thread_id, _ = create_thread(acct, "add buy eggs")
    events = send(acct, thread_id, "make it high priority")
    assert [e.type for e in events][:2] == ["thread.item.done", "stream_options"]
    assert "thread.updated" not in [e.type for e in events]  # titled after the first turn only
    assert tasks(acct) == [("buy eggs", "high")]
    thread = call(acct, {"type": "threads.get_by_id", "params": {"thread_id": thread_id}}, TypeAdapter(Thread))
    assert thread.id == thread_id and thread.title == "add buy eggs" and thread.status.type == "active"
    assert [i.type for i in thread.items.data] == ["user_message", "assistant_message"] * 2
    page = items(acct, thread_id, order="asc", limit=3)
    assert [i.type for i in page.data] == ["user_message", "assistant_message", "user_message"] and page.has_more
    rest = items(acct, thread_id, order="asc", limit=3, after=page.after)
    assert [i.id for i in rest.data] == [thread.items.data[3].id] and not rest.has_more
    newest = items(acct, thread_id, limit=2)
    assert [i.id for i in newest.data] == [thread.items.data[3].id, thread.items.data[2].id] and newest.has_more
    older = items(acct, thread_id, limit=2, after=newest.after)
    assert [i.id for i in older.data] == [thread.items.data[1].id, thread.items.data[0].id] and not older.has_more
    second = thread.items.data[2]
    assert isinstance(second, UserMessageItem) and second.content[0].text == "make it high priority"


def test_threads_list_pages_both_ways(auth: AuthActions) -> None:
    acct = auth.signup()
    made = [create_thread(acct, f"hello number {n}")[0] for n in range(3)]
    auth.signup()  # another user's threads never show
    listed = call(acct, {"type": "threads.list", "params": {}}, THREADS)
    assert [t.id for t in listed.data] == made[::-1] and not listed.has_more
    assert listed.data[0].title == "hello number 2" and listed.data[0].items.data == []
    first = call(acct, {"type": "threads.list", "params": {"limit": 2}}, THREADS)
    assert [t.id for t in first.data] == [made[2], made[1]] and first.has_more
    last = call(acct, {"type": "threads.list", "params": {"limit": 2, "after": first.after}}, THREADS)
    assert [t.id for t in last.data] == [made[0]] and not last.has_more
    up = call(acct, {"type": "threads.list", "params": {"limit": 2, "order": "asc"}}, THREADS)
    assert [t.id for t in up.data] == made[:2] and up.has_more
    up2 = call(acct, {"type": "threads.list", "params": {"limit": 2, "order": "asc", "after": up.after}}, THREADS)
    assert [t.id for t in up2.data] == [made[2]] and not up2.has_more


def test_update_and_delete_threads(auth: AuthActions) -> None:
    acct = auth.signup()
    thread_id, _ = create_thread(acct, "hi there")
    renamed = call(
        acct, {"type": "threads.update", "params": {"thread_id": thread_id, "title": "Groceries"}}, TypeAdapter(Thread)
    )
    assert renamed.title == "Groceries"
    convs = acct.request("GET", "/conversations").get_json()["conversations"]
    assert [(c["id"], c["title"]) for c in convs] == [(parse_thread_id(thread_id), "Groceries")]
    assert post(acct, {"type": "threads.delete", "params": {"thread_id": thread_id}}).get_json() == {}
    gone = post(acct, {"type": "threads.get_by_id", "params": {"thread_id": thread_id}})
    assert gone.status_code == 404 and gone.get_json()["error"]["code"] == "thread_not_found"
    assert acct.request("GET", "/conversations").get_json()["conversations"] == []


def test_feedback_is_stored_on_the_message(auth: AuthActions) -> None:
    acct = auth.signup()
    thread_id, events = create_thread(acct, "what's on my list?")
    reply = reply_of(events)
    params = {"thread_id": thread_id, "item_ids": [reply.id], "kind": "positive"}
    body: dict[str, Any] = {"type": "items.feedback", "params": params}
    assert post(acct, body).get_json() == {}
    body["params"]["kind"] = "negative"
    assert post(acct, body).status_code == 200
    with db.begin() as session:
        stored = session.get(Message, parse_item_id(reply.id))
        assert stored is not None and stored.feedback == "negative"
    bad = post(
        acct,
        {"type": "items.feedback", "params": {"thread_id": thread_id, "item_ids": ["msg_999999"], "kind": "positive"}},
    )
    assert bad.status_code == 404 and bad.get_json()["error"]["code"] == "item_not_found"


def test_retry_after_item_replaces_the_reply(auth: AuthActions) -> None:
    acct = auth.signup()
    acct.add_task(title="walk the dog")
    thread_id, events = create_thread(acct, "what's on my list?")
    user_done = events[1]
    assert isinstance(user_done, ThreadItemDoneEvent), user_done
    user_id, first = user_done.item.id, reply_of(events)
    retried = stream(acct, {"type": "threads.retry_after_item", "params": {"thread_id": thread_id, "item_id": user_id}})
    assert retried[0].type == "stream_options"
    again = reply_of(retried)
    assert again.created_at > first.created_at and "walk the dog" in again.content[0].text
    # The first reply is gone (SQLite may hand its id to the new one; PostgreSQL does not).
    assert [i.id for i in items(acct, thread_id, order="asc").data] == [user_id, again.id]
    assert [m["status"] for m in messages(acct, thread_id)] == ["complete", "complete"]


def test_custom_action_answers_with_an_error_event(auth: AuthActions) -> None:
    acct = auth.signup()
    thread_id, _ = create_thread(acct, "hi there")
    events = stream(
        acct,
        {
            "type": "threads.custom_action",
            "params": {"thread_id": thread_id, "item_id": None, "action": {"type": "mark_done", "payload": {"id": 1}}},
        },
    )
    assert [e.type for e in events] == ["stream_options", "error"]
    assert isinstance(events[1], ErrorEvent) and events[1].message and not events[1].allow_retry
    assert len(items(acct, thread_id).data) == 2


def test_a_failed_run_ends_with_an_error_event_and_a_failed_reply(
    auth: AuthActions, monkeypatch: pytest.MonkeyPatch
) -> None:
    from contextlib import asynccontextmanager

    @asynccontextmanager
    async def broken(*_args: Any) -> Any:
        raise RuntimeError("model down")
        yield

    monkeypatch.setattr("app.conversations.events.run_turn", broken)
    acct = auth.signup()
    thread_id, events = create_thread(acct, "add buy milk")
    error = events[-1]
    assert isinstance(error, ErrorEvent) and error.allow_retry
    assert [(m["role"], m["status"]) for m in messages(acct, thread_id)] == [
        ("user", "complete"),
        ("assistant", "failed"),
    ]


def test_chatkit_then_chat_and_back(auth: AuthActions) -> None:
    acct = auth.signup()
    thread_id, _ = create_thread(acct, "add buy eggs")
    conv = chat(acct, "make it high priority", parse_thread_id(thread_id))
    assert conv == parse_thread_id(thread_id) and tasks(acct) == [("buy eggs", "high")]
    listed = items(acct, thread_id, order="asc").data
    assert [i.type for i in listed] == ["user_message", "assistant_message"] * 2
    said = listed[2]
    assert isinstance(said, UserMessageItem) and said.content[0].text == "make it high priority"
    send(acct, thread_id, "delete it")
    assert tasks(acct) == []
    assert [m["role"] for m in messages(acct, thread_id)] == ["user", "assistant"] * 3


def test_chat_then_chatkit(auth: AuthActions) -> None:
    acct = auth.signup()
    conv = chat(acct, "add buy eggs")
    thread_id = thread_id_of(conv)
    threads = call(acct, {"type": "threads.list", "params": {}}, THREADS)
    assert [(t.id, t.title) for t in threads.data] == [(thread_id, "add buy eggs")]
    events = send(acct, thread_id, "make it high priority")
    assert "high" in reply_of(events).content[0].text.lower()
    assert tasks(acct) == [("buy eggs", "high")]
    shown = messages(acct, thread_id)
    assert [m["content"] for m in shown][2] == "make it high priority"
    assert shown[3]["tool_calls"][-1]["name"] == "update_task" and shown[3]["status"] == "complete"


@pytest.fixture
def slow_app(app: Flask) -> Flask:
    """The test app's database with a slow embedded model and quick pings (depends on `app` for cleanup)."""
    return create_app(
        {
            "mode": "developer",
            "database_url": get_config(app).database_url,
            "secret_key": TEST_SECRET,
            "TESTING": True,
            "slow_model_first_token_ms": 300,
            "slow_model_token_ms": 50,
            "sse_ping_seconds": 0.05,
        }
    )


@pytest.fixture
def slow_auth(slow_app: Flask) -> AuthActions:
    """Sign-up helpers on the slow app."""
    client: FlaskClient = slow_app.test_client()
    return AuthActions(client)


def _lines(resp: Any) -> Iterator[str]:
    for chunk in resp.response:
        yield from chunk.decode().split("\n\n")


def test_pings_keep_a_quiet_stream_alive(slow_auth: AuthActions) -> None:
    acct = slow_auth.signup()
    body = post(acct, {"type": "threads.create", "params": {"input": user_input("hi there")}}).get_data(as_text=True)
    before_reply = body.split("thread.item.added")[0]
    assert ": ping" in before_reply
    assert reply_of(parse_sse(body.encode())).content[0].text


def test_a_client_that_stops_reading_cancels_and_keeps_the_partial_reply(slow_auth: AuthActions) -> None:
    acct = slow_auth.signup()
    acct.add_task(title="walk the dog")
    resp = post(acct, {"type": "threads.create", "params": {"input": user_input("what's on my list?")}})
    assert resp.status_code == 200
    deltas, thread_id = [], None
    for block in _lines(resp):
        if block.startswith("data: "):
            event = EVENTS.validate_json(block[6:])
            if isinstance(event, ThreadCreatedEvent):
                thread_id = event.thread.id
            if isinstance(event, ThreadItemUpdatedEvent) and isinstance(
                event.update, AssistantMessageContentPartTextDelta
            ):
                deltas.append(event.update.delta)
                if len(deltas) == 2:
                    break
    resp.close()
    assert thread_id is not None
    deadline = time.monotonic() + 10
    while (stored := messages(acct, thread_id))[-1]["status"] == "pending" and time.monotonic() < deadline:
        time.sleep(0.05)
    reply = stored[-1]
    assert reply["role"] == "assistant" and reply["status"] == "interrupted"
    assert reply["content"].startswith("".join(deltas)) and reply["tool_calls"][0]["name"] == "list_tasks"
    full = json.dumps(reply["tool_calls"][0]["output"])
    assert "walk the dog" in full
    assert len(reply["content"]) < 200
    later = send(acct, thread_id, "thanks")
    assert reply_of(later).content[0].text


def test_tags_and_options_survive_a_reload_and_read_as_text_for_chat(auth: AuthActions) -> None:
    acct = auth.signup()
    content = [{"type": "input_text", "text": "add buy "},
               {"type": "input_tag", "id": "t1", "text": "oat milk", "data": {"kind": "product"}}]
    body = {"content": content, "attachments": [], "inference_options": {"model": "fast"}, "quoted_text": "milk"}
    thread_id, events = create_thread(acct, "unused")
    events = stream(acct, {"type": "threads.add_user_message", "params": {"thread_id": thread_id, "input": body}})
    sent_done = events[0]
    assert isinstance(sent_done, ThreadItemDoneEvent), sent_done
    sent = sent_done.item
    assert isinstance(sent, UserMessageItem)
    loaded = call(acct, {"type": "threads.get_by_id", "params": {"thread_id": thread_id}}, TypeAdapter(Thread))
    again = next(i for i in loaded.items.data if i.id == sent.id)
    assert isinstance(again, UserMessageItem) and again.content == sent.content
    assert again.inference_options.model == "fast" and again.quoted_text == "milk"
    assert messages(acct, thread_id)[2]["content"] == "add buy @oat milk"


def test_an_action_stream_that_breaks_after_the_checks_ends_with_an_error_event(auth: AuthActions,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    acct = auth.signup()
    thread_id, _ = create_thread(acct, "hi there")

    async def vanished(*_args: Any, **_kwargs: Any) -> Any:
        raise RuntimeError("deleted meanwhile")

    monkeypatch.setattr("app.chatkit.store.DbStore.load_thread", vanished)
    events = stream(acct, {"type": "threads.custom_action",
                           "params": {"thread_id": thread_id, "item_id": None, "action": {"type": "mark_done"}}})
    assert len(events) == 1 and isinstance(events[0], ErrorEvent) and events[0].allow_retry


class _BreaksMidReply(LocalModel):
    """The embedded model, failing after the first words of its text reply."""

    async def stream_response(self, *args: Any, **kwargs: Any) -> Any:
        words = 0
        async for event in super().stream_response(*args, **kwargs):
            words += getattr(event, "type", "") == "response.output_text.delta"
            if words == 3:
                raise RuntimeError("connection reset")
            yield event


def test_a_run_failing_mid_reply_keeps_the_partial_text_as_failed(auth: AuthActions,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("app.chatkit.routes.model_for", lambda _settings: _BreaksMidReply(token_delay=0.02))
    acct = auth.signup()
    acct.add_task(title="walk the dog")
    thread_id, events = create_thread(acct, "what's on my list?")
    assert isinstance(events[-1], ErrorEvent) and events[-1].allow_retry
    assert "thread.item.added" in [e.type for e in events]
    said = "".join(e.update.delta for e in events if isinstance(e, ThreadItemUpdatedEvent)
                   and isinstance(e.update, AssistantMessageContentPartTextDelta))
    reply = messages(acct, thread_id)[-1]
    assert reply["status"] == "failed" and reply["content"] == said and said
    assert reply["tool_calls"][0]["name"] == "list_tasks"


def test_threads_list_orders_by_last_activity_and_says_when(auth: AuthActions) -> None:
    acct = auth.signup()
    made = [create_thread(acct, f"topic {n}")[0] for n in range(3)]
    time.sleep(0.01)
    send(acct, made[0], "add buy bread")  # the oldest thread is the one used last
    listed = call(acct, {"type": "threads.list", "params": {}}, THREADS)
    assert [t.id for t in listed.data] == [made[0], made[2], made[1]]
    stamps = [t.metadata["updated_at"] for t in listed.data]
    assert stamps == sorted(stamps, reverse=True)
    first = call(acct, {"type": "threads.list", "params": {"limit": 1}}, THREADS)
    rest = call(acct, {"type": "threads.list", "params": {"limit": 5, "after": first.after}}, THREADS)
    assert [t.id for t in first.data + rest.data] == [made[0], made[2], made[1]]
    up = call(acct, {"type": "threads.list", "params": {"order": "asc"}}, THREADS)
    assert [t.id for t in up.data] == [made[1], made[2], made[0]]
    conversations = acct.request("GET", "/conversations").get_json()["conversations"]
    assert [f"thr_{c['id']}" for c in conversations] == [made[0], made[2], made[1]]


def _timestamps(value: Any) -> list[str]:
    """Every `created_at` (and `updated_at`) string anywhere in a decoded JSON value."""
    if isinstance(value, dict):
        found = [v for k, v in value.items() if k in ("created_at", "updated_at") and isinstance(v, str)]
        return found + [t for v in value.values() for t in _timestamps(v)]
    if isinstance(value, list):
        return [t for v in value for t in _timestamps(v)]
    return []


def test_stream_events_carry_timestamps_with_a_timezone(auth: AuthActions) -> None:
    acct = auth.signup()
    resp = post(acct, {"type": "threads.create", "params": {"input": user_input("add buy milk")}})
    assert resp.status_code == 200
    events = [json.loads(line[6:]) for line in resp.get_data(as_text=True).splitlines() if line.startswith("data: ")]
    streamed = _timestamps(events)
    thread_id = events[0]["thread"]["id"]
    stored = _timestamps(json.loads(post(acct, {"type": "items.list", "params": {"thread_id": thread_id}}).get_data()))
    kinds = {e["type"] for e in events if _timestamps(e)}
    assert {"thread.created", "thread.item.added", "thread.item.done"} <= kinds
    assert len(streamed) >= 4 and len(stored) == 2
    assert all(t.endswith("Z") for t in streamed + stored), streamed + stored
