"""The turn's deadline bounds a tool stuck in the database too (issue 11, items 1 and 3).

Another connection holds a lock the tool's write needs (SQLite: the write lock; PostgreSQL: a SHARE
lock on `tasks`), taken just as the tool begins its transaction, and released only well after the
turn's deadline. The tool gives up at the deadline by itself (PostgreSQL's statement_timeout, SQLite's
busy timeout, both set to the turn's time left), says so to the model, and the turn ends with the
retryable timeout error of every protocol, its reply settled `failed`, and no task written. Had the
tool waited for the lock instead, it would have added the task once the lock was released.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from chatkit.types import ErrorEvent
from flask import Flask
from sqlalchemy import text

from app import create_app, extensions
from app.chatkit.ids import parse_thread_id
from app.config import get_config
from app.mcp import tools
from app.mcp.turncall import TurnCall
from tests.support.accounts import TEST_SECRET, Account, AuthActions
from tests.support.chat import chat
from tests.support.chatkit import create_thread
from tests.support.locks import Blocker

DEADLINE = 2.0
"""The turn's deadline in these tests (seconds)."""


@contextmanager
def blocked_before_each_tool(url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Blocker]:
    """The Blocker takes its lock when a tool of a turn is about to begin its transaction."""
    blocker = Blocker(url, release_after=DEADLINE + 3.0)

    class Cued(TurnCall):
        @classmethod
        def from_meta(cls, meta: Any) -> TurnCall | None:
            call = TurnCall.from_meta(meta)
            if call is not None:
                blocker.take()
            return call

    monkeypatch.setattr(tools, "TurnCall", Cued)
    try:
        yield blocker
    finally:
        blocker.close()


@pytest.fixture
def short(app: Flask) -> Flask:
    """The test app with a short turn deadline."""
    return create_app({"mode": "developer", "database_url": get_config(app).database_url, "secret_key": TEST_SECRET,
                       "TESTING": True, "ratelimit_enabled": False, "turn_deadline_seconds": DEADLINE,
                       "sse_ping_seconds": 0.2})


def _history(acct: Account, conversation_id: int) -> list[dict[str, Any]]:
    resp = acct.request("GET", f"/conversations/{conversation_id}/messages")
    assert resp.status_code == 200
    return list(resp.get_json()["messages"])


def _tasks(acct: Account) -> list[str]:
    return [t["title"] for t in acct.request("GET", "/tasks", query_string={"status": "all"}).get_json()["tasks"]]


def test_a_chat_turn_whose_tool_waits_for_a_lock_ends_at_the_deadline(short: Flask,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    acct = AuthActions(short.test_client()).signup()
    with blocked_before_each_tool(get_config(short).database_url, monkeypatch) as blocker:
        events = chat(acct, "add buy bread tomorrow")
    assert blocker.taken.is_set()
    results = [e for e in events if e["type"] == "tool_result"]
    assert [(r["tool_name"], r["output"]) for r in results] == [("add_task", tools.OUT_OF_TIME)]
    conv = events[0]["conversation_id"]
    assert events[-1] == {"type": "error", "code": "assistant_timeout", "retryable": True,
                          "message": "The assistant took too long to answer; please try again.",
                          "conversation_id": conv}
    reply = _history(acct, conv)[-1]
    assert reply["status"] == "failed"
    assert [(c["name"], c["output"]) for c in reply["tool_calls"]] == [("add_task", tools.OUT_OF_TIME)]
    assert _tasks(acct) == []
    # Nothing was left locked or half-written: the same message, sent again, goes through.
    again = chat(acct, "add buy bread tomorrow", conv)
    assert again[-1]["type"] == "done" and _tasks(acct) == ["buy bread"]


def test_a_chatkit_turn_whose_tool_waits_for_a_lock_ends_at_the_deadline(short: Flask,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    acct = AuthActions(short.test_client()).signup()
    with blocked_before_each_tool(get_config(short).database_url, monkeypatch) as blocker:
        thread_id, events = create_thread(acct, "add buy bread tomorrow")
    assert blocker.taken.is_set()
    error = events[-1]
    assert isinstance(error, ErrorEvent) and error.allow_retry, events
    assert error.message == "The assistant took too long to answer; please try again."
    reply = _history(acct, parse_thread_id(thread_id))[-1]
    assert reply["status"] == "failed"
    assert [(c["name"], c["output"]) for c in reply["tool_calls"]] == [("add_task", tools.OUT_OF_TIME)]
    assert _tasks(acct) == []


@pytest.mark.sqlite_only  # SQLite's busy timeout; PostgreSQL's statement_timeout is set by every bounded transaction
def test_only_a_deadline_nearer_than_sqlites_busy_timeout_costs_a_statement(app: Flask) -> None:
    """A turn's tool usually has most of its 90 s left: the connection's 30 s busy timeout already ends a
    wait before the deadline, so no PRAGMA is run; a nearer deadline shortens it, a farther one restores it."""
    database = app.extensions["db"]
    with database.engine.connect() as conn:
        raw = conn.connection.dbapi_connection
        traced: list[str] = []
        raw.set_trace_callback(traced.append)

        def run(seconds_left: float) -> tuple[list[str], int]:
            time.sleep(extensions._REFRESH_SECONDS * 2)  # past the refresh window: the bound is looked at again
            traced.clear()
            conn.info[extensions.UNTIL_KEY] = time.monotonic() + seconds_left
            conn.execute(text("SELECT 1"))
            pragmas = [s for s in traced if s.startswith("PRAGMA")]
            return pragmas, int(raw.execute("PRAGMA busy_timeout").fetchone()[0])

        assert run(60.0) == ([], extensions.BUSY_TIMEOUT_MS)
        pragmas, busy_ms = run(5.0)
        assert len(pragmas) == 1 and 4000 < busy_ms <= 5000
        assert run(60.0) == ([f"PRAGMA busy_timeout={extensions.BUSY_TIMEOUT_MS}"], extensions.BUSY_TIMEOUT_MS)
        assert run(45.0) == ([], extensions.BUSY_TIMEOUT_MS)
        conn.info.pop(extensions.UNTIL_KEY)
