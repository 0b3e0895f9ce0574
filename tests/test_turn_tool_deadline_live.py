"""Under real gunicorn: a tool stuck behind another connection's lock ends the turn at its deadline.

The lock (see `tests/support/locks.py`) is taken once the turn is reserved (its `conversation` event),
before the slow embedded model's first step calls `add_task`, and released only well after the deadline.
The turn ends with the retryable `assistant_timeout` error, its reply stored `failed` with the tool's
"ran out of time" result, and no task; once the lock is gone the same message goes through.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from app.mcp.tools import OUT_OF_TIME
from tests.support.live import LiveServer, open_stream, read_lines, start_server
from tests.support.locks import Blocker

pytestmark = pytest.mark.gunicorn
DEADLINE = 3.0
"""TURN_DEADLINE_SECONDS of the server."""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    live = start_server(tmp_path_factory.mktemp("tool-deadline"), workers=1, TURN_DEADLINE_SECONDS=str(DEADLINE),
                        SLOW_MODEL_FIRST_TOKEN_MS="1000", SSE_PING_SECONDS="0.5", RATELIMIT_ENABLED="0")
    yield live
    live.stop()


def test_a_tool_waiting_for_a_lock_ends_the_turn_at_the_deadline(server: LiveServer) -> None:
    uid, token = server.signup()
    blocker = Blocker(server.env["DATABASE_URL"], release_after=DEADLINE + 4.0)
    events = []
    try:
        conn, resp = open_stream(server, uid, token, "add buy bread tomorrow")
        for line in read_lines(resp):
            if line.startswith("data:"):
                events.append(json.loads(line[5:]))
                if events[-1]["type"] == "conversation":
                    blocker.take()  # reserved: the model's first step (the tool call) comes a second later
        conn.close()
    finally:
        blocker.close()
    conv = events[0]["conversation_id"]
    assert [(e["tool_name"], e["output"]) for e in events if e["type"] == "tool_result"] == [("add_task", OUT_OF_TIME)]
    assert events[-1] == {"type": "error", "code": "assistant_timeout", "retryable": True,
                          "message": "The assistant took too long to answer; please try again.",
                          "conversation_id": conv}
    reply = server.messages(uid, token, conv)[-1]
    assert reply["status"] == "failed" and [c["output"] for c in reply["tool_calls"]] == [OUT_OF_TIME]
    status, _, body = server.request("GET", f"/api/{uid}/tasks", token=token)
    assert status == 200 and json.loads(body)["tasks"] == []
    status, _, body = server.request("POST", f"/api/{uid}/chat", {"message": "add buy bread tomorrow",
                                                                 "conversation_id": conv}, token=token)
    assert status == 200, body
    status, _, body = server.request("GET", f"/api/{uid}/tasks", token=token)
    assert [t["title"] for t in json.loads(body)["tasks"]] == ["buy bread"]
