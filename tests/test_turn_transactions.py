"""How many database transactions one turn costs: ChatKit no more than /chat, and at most 3 of the turn's own.

A transaction is counted when a connection begins one (SQLAlchemy's engine `begin` event), whatever
it does. A turn's own are: reserve (the token check, the user's message, the pending reply and the
context, on the request's one connection), the record of the tool call with its result, and the
settle. The tool's own write (`add_task`, in `app/mcp/tools.py`) is the task service's, the same
transaction a REST call makes, and is counted apart. A turn that parsed its body twice or loaded
its thread again would show here as extra transactions, long before it shows in `make bench`.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from chatkit.types import ProgressUpdateEvent
from sqlalchemy import event

from app.conversations import turn as lifecycle
from app.extensions import db
from tests.support.accounts import Account, AuthActions
from tests.support.chat import chat
from tests.support.chatkit import create_thread, stream, user_input

MAX_TRANSACTIONS = 3
"""Reserve, record the tool call, settle."""
TOOLS = str(Path(__file__).resolve().parents[1] / "app" / "mcp" / "tools.py")
HUB = str(Path(__file__).resolve().parents[1] / "app" / "events" / "hub.py")


@contextmanager
def counting() -> Iterator[list[str]]:
    """Each transaction begun on the app's engine while the block runs: `turn` or `tool` (begun by a tool)."""
    seen: list[str] = []
    engine = db.engine
    assert engine is not None

    def files() -> set[str] | None:
        """The files on the stack, or None inside the live-events poll of this process (an earlier test's
        stream started it; it is not the turn's)."""
        on_stack = {frame.filename for frame in traceback.extract_stack()}
        return None if HUB in on_stack else on_stack

    def begun(*_args: Any) -> None:
        stack = files()
        if stack is not None:
            seen.append("tool" if TOOLS in stack else "turn")

    def ended(name: str) -> Callable[..., None]:
        def listener(*_args: Any) -> None:
            if files() is not None:
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
    assert chat_tx.count("turn") <= MAX_TRANSACTIONS, chat_tx
    assert chatkit_tx.count("turn") <= MAX_TRANSACTIONS, chatkit_tx
    assert len(chatkit_tx) <= len(chat_tx), (chatkit_tx, chat_tx)
    assert "rollback" not in chatkit_tx, chatkit_tx


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
    assert chat_tx.count("turn") <= MAX_TRANSACTIONS, chat_tx
    assert chatkit_tx.count("turn") <= MAX_TRANSACTIONS, chatkit_tx
    assert len(chatkit_tx) <= len(chat_tx), (chatkit_tx, chat_tx)
    assert "rollback" not in chatkit_tx, chatkit_tx
