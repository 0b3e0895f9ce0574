"""Failed and interrupted replies are marked (issue 11, item 5): in ChatKit, a status line (a TaskItem with a
CustomTask, id `<reply item id>_status`) right after the reply, in the stream and in items.list, derived from
the stored status; in /chat's history, the message's `status`. Everything parsed with ChatKit's own types."""

from __future__ import annotations

import time
from typing import Any

from chatkit.types import (
    AssistantMessageItem,
    CustomTask,
    ErrorEvent,
    Page,
    TaskItem,
    Thread,
    ThreadCreatedEvent,
    ThreadItem,
    ThreadItemDoneEvent,
    ThreadItemUpdatedEvent,
)
from flask import Flask
from pydantic import TypeAdapter

from app import create_app
from app.chatkit.ids import parse_thread_id
from app.chatkit.status import TITLES
from app.config import get_config
from tests.support.accounts import TEST_SECRET, Account, AuthActions
from tests.support.chatkit import EVENTS, create_thread, post, stream, user_input

ITEMS = TypeAdapter(Page[ThreadItem])


def _app(app: Flask, **settings: Any) -> Flask:
    return create_app({"mode": "developer", "database_url": get_config(app).database_url, "secret_key": TEST_SECRET,
                       "TESTING": True, "ratelimit_enabled": False, **settings})


def _items(acct: Account, thread_id: str, **params: Any) -> list[ThreadItem]:
    resp = post(acct, {"type": "items.list", "params": {"thread_id": thread_id, **params}})
    assert resp.status_code == 200, resp.get_data(as_text=True)
    return ITEMS.validate_json(resp.get_data()).data


def _history(acct: Account, thread_id: str) -> list[tuple[str, str]]:
    resp = acct.request("GET", f"/conversations/{parse_thread_id(thread_id)}/messages")
    return [(m["role"], m["status"]) for m in resp.get_json()["messages"]]


def _status_line(items: list[ThreadItem], reply: ThreadItem) -> TaskItem:
    line = items[items.index(reply) + 1]
    assert isinstance(line, TaskItem) and isinstance(line.task, CustomTask)
    assert line.id == f"{reply.id}_status" and line.thread_id == reply.thread_id
    return line


def test_a_reply_that_ran_out_of_time_is_marked_failed_with_retry(app: Flask) -> None:
    slow = _app(app, slow_model_first_token_ms=5000, model_first_token_seconds=0.2, turn_deadline_seconds=0.5)
    acct = AuthActions(slow.test_client()).signup()
    thread_id, events = create_thread(acct, "add buy bread")
    error = events[-1]
    assert isinstance(error, ErrorEvent) and error.allow_retry
    assert error.message == "The assistant took too long to answer; please try again."
    done = [e.item for e in events if isinstance(e, ThreadItemDoneEvent)]
    reply, line = done[-2], done[-1]
    assert isinstance(reply, AssistantMessageItem) and isinstance(line, TaskItem)
    assert line.id == f"{reply.id}_status" and isinstance(line.task, CustomTask)
    assert line.task.title == TITLES["failed"] and "failed" in line.task.title and "Retry" in line.task.title
    assert _history(acct, thread_id) == [("user", "complete"), ("assistant", "failed")]

    listed = _items(acct, thread_id, order="asc")
    assert [i.type for i in listed] == ["user_message", "assistant_message", "task"]
    assert _status_line(listed, listed[1]).model_dump() == line.model_dump(exclude={"created_at"}) | {
        "created_at": listed[2].created_at}
    newest_first = _items(acct, thread_id, order="desc")
    assert [i.id for i in newest_first] == [i.id for i in reversed(listed)]
    loaded = TypeAdapter(Thread).validate_json(
        post(acct, {"type": "threads.get_by_id", "params": {"thread_id": thread_id}}).get_data())
    assert [i.type for i in loaded.items.data] == ["user_message", "assistant_message", "task"]

    # Retry (a model in time now) replaces the reply, and its status line goes with it.
    fast = _app(app)
    acct.client = fast.test_client()
    retried = stream(acct, {"type": "threads.retry_after_item",
                            "params": {"thread_id": thread_id, "item_id": listed[0].id}})
    assert not [e for e in retried if isinstance(e, ErrorEvent)]
    assert [i.type for i in _items(acct, thread_id, order="asc")] == ["user_message", "assistant_message"]
    assert _history(acct, thread_id) == [("user", "complete"), ("assistant", "complete")]


def test_a_completed_reply_has_no_status_line(auth: AuthActions) -> None:
    acct = auth.signup()
    thread_id, events = create_thread(acct, "add buy milk")
    assert not [e for e in events if isinstance(e, ThreadItemDoneEvent) and isinstance(e.item, TaskItem)]
    assert [i.type for i in _items(acct, thread_id, order="asc")] == ["user_message", "assistant_message"]


def test_an_interrupted_reply_is_marked_interrupted(app: Flask) -> None:
    slow = _app(app, slow_model_first_token_ms=300, slow_model_token_ms=100)
    acct = AuthActions(slow.test_client()).signup()
    resp = post(acct, {"type": "threads.create", "params": {"input": user_input("what can you do?")}})
    thread_id, deltas = None, 0
    for chunk in resp.response:
        for block in chunk.decode().split("\n\n"):
            if block.startswith("data: "):
                event = EVENTS.validate_json(block[6:])
                if isinstance(event, ThreadCreatedEvent):
                    thread_id = event.thread.id
                deltas += isinstance(event, ThreadItemUpdatedEvent)
        if deltas >= 2:
            break
    resp.close()  # the client leaves mid-reply: the run is cancelled, the partial reply kept
    assert thread_id is not None
    deadline = time.monotonic() + 10
    while _history(acct, thread_id)[-1][1] == "pending" and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _history(acct, thread_id) == [("user", "complete"), ("assistant", "interrupted")]
    listed = _items(acct, thread_id, order="asc")
    assert [i.type for i in listed] == ["user_message", "assistant_message", "task"]
    line = _status_line(listed, listed[1])
    assert line.task.title == TITLES["interrupted"] and "interrupted" in (line.task.title or "")

    # Pages keep a status line with its reply, whichever the order and the page size.
    acct.client = _app(app).test_client()
    stream(acct, {"type": "threads.add_user_message", "params": {"thread_id": thread_id, "input": user_input("hi")}})
    page1 = _items(acct, thread_id, order="desc", limit=3)
    assert [i.type for i in page1] == ["assistant_message", "user_message", "task", "assistant_message"]
    cursor = ITEMS.validate_json(post(acct, {"type": "items.list", "params": {
        "thread_id": thread_id, "order": "desc", "limit": 3}}).get_data()).after
    assert cursor == page1[-1].id
    page2 = _items(acct, thread_id, order="desc", limit=3, after=cursor)
    assert [i.type for i in page2] == ["user_message"]


def test_chat_history_shows_each_reply_status(auth: AuthActions) -> None:
    acct = auth.signup()
    thread_id, _ = create_thread(acct, "add buy milk")
    assert _history(acct, thread_id) == [("user", "complete"), ("assistant", "complete")]
    messages = acct.request("GET", f"/conversations/{parse_thread_id(thread_id)}/messages").get_json()["messages"]
    assert {"status", "content", "role", "tool_calls"} <= set(messages[1])
