"""How many database transactions one tool turn costs: at most 3 in all, on /chat and ChatKit alike.

A transaction is counted when a connection begins one (SQLAlchemy's engine `begin` event), whatever
it does. A tool turn's are: reserve (the token check, the user's message, the pending reply and the
context, on the request's one connection), the tool's write (`add_task`, the task service's, begun
in `app/mcp/tools.py`) with the record of the call and its result on the reply, and the settle. A
turn that parsed its body twice, loaded its thread again or recorded the call apart would show here
as extra transactions, long before it shows in `make bench`.

Nothing else of the process begins transactions meanwhile: each test's app stops the live-events
listener an earlier test's app may have started (`events.hub.init_events`).
"""

from __future__ import annotations

import threading
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from chatkit.types import AssistantMessageItem, ProgressUpdateEvent, ThreadItemDoneEvent
from sqlalchemy import event

from app.agent.runtime.async_runtime import AsyncRuntime
from app.chat.routes import ChatTurn
from app.chatkit.turn_stream import ChatKitTurn
from app.conversations import turn as lifecycle
from app.conversations.store import recent_messages
from app.extensions import db
from app.mcp.turncall import TurnCall, record_call
from app.models import Conversation, Message, User
from tests.support.accounts import Account, AuthActions
from tests.support.chat import chat
from tests.support.chatkit import create_thread, stream, user_input

MAX_TRANSACTIONS = 3
"""Reserve, the tool's write with its record, settle."""
TOOLS = str(Path(__file__).resolve().parents[1] / "app" / "mcp" / "tools.py")


@contextmanager
def counting() -> Iterator[list[str]]:
    """Each transaction begun on the app's engine while the block runs: `turn`, or `tool` when a tool began
    it; then how it ended (`commit` or `rollback`)."""
    seen: list[str] = []
    engine = db.engine
    assert engine is not None

    def begun(*_args: Any) -> None:
        on_stack = {frame.filename for frame in traceback.extract_stack()}
        seen.append("tool" if TOOLS in on_stack else "turn")

    def ended(name: str) -> Callable[..., None]:
        def listener(*_args: Any) -> None:
            seen.append(name)
        return listener

    listeners = {"begin": begun, "commit": ended("commit"), "rollback": ended("rollback")}
    for name, fn in listeners.items():
        event.listen(engine, name, fn)
    try:
        yield seen
    finally:
        for name, fn in listeners.items():
            event.remove(engine, name, fn)


def begun(seen: list[str]) -> int:
    """How many transactions were begun, the tool's included."""
    return seen.count("turn") + seen.count("tool")


@pytest.fixture(autouse=True)
def no_timed_saves(monkeypatch: pytest.MonkeyPatch) -> None:
    """A reply is also saved every SAVE_EVERY seconds while it streams: on a loaded machine a turn may
    outlast that, which would add a transaction that says nothing about the protocols."""
    monkeypatch.setattr(lifecycle, "SAVE_EVERY", 3600.0)


def chatkit_turn(acct: Account, thread_id: str, text: str) -> list[Any]:
    """threads.add_user_message on an existing thread."""
    return stream(acct, {"type": "threads.add_user_message",
                         "params": {"thread_id": thread_id, "input": user_input(text)}})


def test_a_chatkit_tool_turn_costs_no_more_transactions_than_a_chat_turn(auth: AuthActions) -> None:
    acct = auth.signup()
    first = chat(acct, "add water the plants")
    assert first[-1]["type"] == "done", first
    conversation_id = first[0]["conversation_id"]
    thread_id, created = create_thread(acct, "add call mom")
    assert created[-1].type == "thread.updated", created

    with counting() as chat_tx:
        events = chat(acct, "add buy bread tomorrow", conversation_id)
    assert [e["tool_name"] for e in events if e["type"] == "tool_call"] == ["add_task"]
    assert events[-1]["type"] == "done"

    with counting() as chatkit_tx:
        kit_events = chatkit_turn(acct, thread_id, "add buy milk tomorrow")
    assert [e.text for e in kit_events if isinstance(e, ProgressUpdateEvent)] == ["Adding 'buy milk'…"]
    assert kit_events[-1].type == "thread.item.done"

    titles = sorted(t["title"] for t in acct.request("GET", "/tasks").get_json()["tasks"])
    assert titles == ["buy bread", "buy milk", "call mom", "water the plants"]
    assert chat_tx.count("tool") == chatkit_tx.count("tool") == 1, (chat_tx, chatkit_tx)
    assert begun(chat_tx) <= MAX_TRANSACTIONS, chat_tx
    assert begun(chatkit_tx) <= MAX_TRANSACTIONS, chatkit_tx
    assert len(chatkit_tx) <= len(chat_tx), (chatkit_tx, chat_tx)
    assert "rollback" not in chat_tx and "rollback" not in chatkit_tx, (chat_tx, chatkit_tx)


def test_a_new_chatkit_thread_costs_no_more_transactions_than_a_new_conversation(auth: AuthActions) -> None:
    acct = auth.signup()
    with counting() as chat_tx:
        events = chat(acct, "add buy bread tomorrow")
    assert [e["tool_name"] for e in events if e["type"] == "tool_call"] == ["add_task"]
    with counting() as chatkit_tx:
        _, kit_events = create_thread(acct, "add buy milk tomorrow")
    assert kit_events[-1].type == "thread.updated"
    assert len(acct.request("GET", "/tasks").get_json()["tasks"]) == 2
    assert chat_tx.count("tool") == chatkit_tx.count("tool") == 1, (chat_tx, chatkit_tx)
    assert begun(chat_tx) <= MAX_TRANSACTIONS, chat_tx
    assert begun(chatkit_tx) <= MAX_TRANSACTIONS, chatkit_tx
    assert len(chatkit_tx) <= len(chat_tx), (chatkit_tx, chat_tx)
    assert "rollback" not in chat_tx and "rollback" not in chatkit_tx, (chat_tx, chatkit_tx)


def test_the_tool_call_is_on_the_reply_before_the_turn_settles(auth: AuthActions,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """The record is the tool's: when the turn comes to settle, the call and its result are stored already."""
    acct = auth.signup()
    seen: list[tuple[str, list[dict[str, Any]]]] = []
    settle = lifecycle.settle

    def watched(current: lifecycle.Turn, status: str) -> bool:
        with db.begin() as session:
            row = session.get(Message, current.reply_id)
            assert row is not None
            seen.append((row.status, list(row.tool_calls)))
        return settle(current, status)

    monkeypatch.setattr(lifecycle, "settle", watched)
    events = chat(acct, "add buy bread tomorrow")
    assert events[-1]["type"] == "done", events
    _, kit_events = create_thread(acct, "add buy milk tomorrow")
    assert kit_events[-1].type == "thread.updated", kit_events

    assert [status for status, _ in seen] == ["pending", "pending"]
    stored = [(call["name"], call["arguments"]["title"], call["output"]["task"]["title"])
              for _, calls in seen for call in calls]
    assert stored == [("add_task", "buy bread", "buy bread"), ("add_task", "buy milk", "buy milk")]
    result = next(e for e in events if e["type"] == "tool_result")
    assert seen[0][1][0]["call_id"] == result["call_id"] and seen[0][1][0]["output"] == result["output"]


def test_a_turn_settled_before_hearing_a_tool_result_keeps_what_the_tool_recorded(app: Any,
                                                                                  auth: AuthActions) -> None:
    """A run cancelled between a tool's commit and its result event (the client left): the call stays."""
    acct = auth.signup()
    with app.app_context():
        with db.begin() as session:
            user = session.get(User, acct.id)
            assert user is not None
        current = lifecycle.reserve(user, None, "add buy bread", 10)
        call = TurnCall(current.reply_id, "call_1", "add_task", {"title": "buy bread"}, None)
        with db.begin() as session:
            owner = session.get(User, acct.id)
            assert owner is not None
            record_call(session, owner, call, {"task": {"id": 7, "title": "buy bread"}})
        current.reply.text.append("Adding")
        assert lifecycle.settle(current, "interrupted")
    reply = acct.request("GET", f"/conversations/{current.conversation_id}/messages").get_json()["messages"][-1]
    assert (reply["status"], reply["content"]) == ("interrupted", "Adding")
    assert reply["tool_calls"] == [{"call_id": "call_1", "name": "add_task", "arguments": {"title": "buy bread"},
                                    "output": {"task": {"id": 7, "title": "buy bread"}}}]


@pytest.mark.parametrize("kind", ["new thread", "continued thread", "/chat"])
def test_a_turn_hands_its_work_to_the_loop_thread_once(
        kind: str, auth: AuthActions, monkeypatch: pytest.MonkeyPatch) -> None:
    acct = auth.signup()
    thread_id = create_thread(acct, "add call mom")[0] if kind == "continued thread" else None
    handed: list[object] = []
    submit = AsyncRuntime._submit

    def counting(runtime: AsyncRuntime, job: Any, awaitable: Any) -> Any:
        handed.append(awaitable)
        return submit(runtime, job, awaitable)

    monkeypatch.setattr(AsyncRuntime, "_submit", counting)
    if kind == "/chat":
        assert chat(acct, "add buy milk tomorrow")[-1]["type"] == "done"
    else:
        events = (create_thread(acct, "add buy milk tomorrow")[1] if thread_id is None
                  else chatkit_turn(acct, thread_id, "add buy milk tomorrow"))
        assert "thread.item.done" in [e.type for e in events]
    assert len(handed) == 1, handed
    assert "buy milk" in [t["title"] for t in acct.request("GET", "/tasks").get_json()["tasks"]]


@pytest.mark.parametrize("kind", ["new thread", "continued thread", "/chat"])
def test_the_loop_thread_only_runs_the_agent(kind: str, auth: AuthActions, monkeypatch: pytest.MonkeyPatch) -> None:
    """The request's side writes what comes before and after the run and settles the reply (a ChatKit turn did
    both on the loop thread, which cost a hand-off between the threads each time)."""
    acct = auth.signup()
    thread_id = create_thread(acct, "add call mom")[0] if kind == "continued thread" else None
    where: dict[str, set[str]] = {"settle": set(), "head": set(), "tail": set()}
    settle = lifecycle.settle

    def settling(current: Any, status: str) -> bool:
        where["settle"].add(threading.current_thread().name)
        return settle(current, status)

    def noting(part: str, original: Callable[..., bytes]) -> Callable[..., bytes]:
        def noted(*args: Any) -> bytes:
            where[part].add(threading.current_thread().name)
            return original(*args)
        return noted

    monkeypatch.setattr(lifecycle, "settle", settling)
    for protocol in (ChatTurn, ChatKitTurn):
        for part in ("head", "tail"):
            monkeypatch.setattr(protocol, part, noting(part, getattr(protocol, part)))
    if kind == "/chat":
        assert chat(acct, "add buy milk tomorrow")[-1]["type"] == "done"
    else:
        events = (create_thread(acct, "add buy milk tomorrow")[1] if thread_id is None
                  else chatkit_turn(acct, thread_id, "add buy milk tomorrow"))
        replies = [e.item for e in events if isinstance(e, ThreadItemDoneEvent)
                   and isinstance(e.item, AssistantMessageItem)]
        assert len(replies) == 1 and "buy milk" in replies[0].content[0].text.lower()
    request_side = {threading.current_thread().name}
    assert where == {"settle": request_side, "head": request_side, "tail": request_side}


def test_a_continued_chatkit_turn_reads_its_thread_as_one_row_and_loads_no_conversation_object(
        auth: AuthActions) -> None:
    acct = auth.signup()
    thread_id, _ = create_thread(acct, "add call mom")
    loaded: list[int] = []
    statements: list[str] = []

    def on_load(target: Conversation, _context: Any) -> None:
        loaded.append(target.id)

    def on_statement(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT") and "FROM conversations" in statement:
            statements.append(statement)

    engine = db.engine
    event.listen(Conversation, "load", on_load)
    event.listen(engine, "before_cursor_execute", on_statement)
    try:
        kit_events = chatkit_turn(acct, thread_id, "add buy milk tomorrow")
    finally:
        event.remove(Conversation, "load", on_load)
        event.remove(engine, "before_cursor_execute", on_statement)
    assert kit_events[-1].type == "thread.item.done"
    assert loaded == [] and len(statements) == 1, (loaded, statements)
    thread = acct.request("POST", "/chatkit", json={"type": "threads.get_by_id", "params": {"thread_id": thread_id}})
    assert thread.get_json()["title"] == "add call mom"  # named after its first message, as before the turn
    assert sorted(t["title"] for t in acct.request("GET", "/tasks").get_json()["tasks"]) == ["buy milk", "call mom"]


def test_a_turns_history_carries_meta_and_start_only_for_a_pending_reply(app: Any, auth: AuthActions) -> None:
    """Only a pending reply's meta (its owner) and start are read, to tell whether it was abandoned."""
    acct = auth.signup()
    conversation_id = chat(acct, "add buy bread")[0]["conversation_id"]
    with app.app_context():
        with db.begin() as session:
            user = session.get(User, acct.id)
            assert user is not None
        pending = lifecycle.reserve(user, conversation_id, "add buy milk", 10)
        with db.begin() as session:
            rows = recent_messages(session, conversation_id, 10)
    assert [(r.role, r.status) for r in rows] == [("user", "complete"), ("assistant", "complete"),
                                                   ("user", "complete"), ("assistant", "pending")]
    assert [(r.meta, r.created_at) for r in rows[:3]] == [(None, None)] * 3
    assert rows[3].id == pending.reply_id and rows[3].created_at is not None
    assert rows[3].meta == {"owner": lifecycle.owner()} and not lifecycle.abandoned(rows[3])
