"""A worker SIGKILLed mid-turn loses nothing that took effect (real gunicorn, slow embedded model).

The turn "add call the plumber tomorrow at 5pm" is killed after its tool call and again, in
another conversation, in the middle of its reply, on /chat and on ChatKit. Afterwards the task
exists, the reply is in the history as `interrupted` with its tool call and the text streamed
before its last save (over ChatKit, followed by its status line), and "make it high priority" in the
same conversation acts on that task.
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from chatkit.types import CustomTask, Page, TaskItem, ThreadItem
from pydantic import TypeAdapter

from tests.support.chatkit import user_input
from tests.support.live import LiveServer, open_stream, read_lines, start_server

pytestmark = pytest.mark.gunicorn
ADD = "add call the plumber tomorrow at 5pm"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    live = start_server(tmp_path_factory.mktemp("durability"), workers=1, READY_SECONDS="240",
                        SLOW_MODEL_FIRST_TOKEN_MS="300", SLOW_MODEL_TOKEN_MS="900", RATELIMIT_ENABLED="0")
    yield live
    live.stop()


def _worker(server: LiveServer) -> int:
    master = server.process.pid
    kids = [int(p.name) for p in Path("/proc").iterdir() if p.name.isdigit() and _parent(int(p.name)) == master]
    assert len(kids) == 1, kids
    return kids[0]


def _parent(pid: int) -> int:
    try:
        return int((Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return -1


def _kill_and_wait(server: LiveServer, conn: http.client.HTTPConnection) -> None:
    os.kill(_worker(server), signal.SIGKILL)
    conn.close()
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        try:
            if server.request("GET", "/readyz", timeout=5)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise AssertionError("no worker came back")


def _chat_kill(server: LiveServer, uid: str, token: str, chunks_before_kill: int) -> tuple[int, str]:
    """Start the add over /chat and kill the worker after the tool result and `chunks_before_kill` chunks."""
    conn, resp = open_stream(server, uid, token, ADD)
    conv, seen_result, streamed = 0, False, ""
    for line in read_lines(resp):
        if not line.startswith("data:"):
            continue
        event = json.loads(line[5:])
        if event["type"] == "conversation":
            conv = event["conversation_id"]
        seen_result = seen_result or event["type"] == "tool_result"
        if event["type"] == "chunk":
            streamed += event["content"]
            chunks_before_kill -= 1
        if seen_result and chunks_before_kill <= 0:
            break
    _kill_and_wait(server, conn)
    return conv, streamed


def _chatkit_kill(server: LiveServer, uid: str, token: str, deltas_before_kill: int) -> tuple[int, str]:
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
    conn.request("POST", f"/api/{uid}/chatkit",
                 body=json.dumps({"type": "threads.create", "params": {"input": user_input(ADD)}}),
                 headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"})
    resp = conn.getresponse()
    conv, seen_progress, streamed = 0, False, ""
    for line in read_lines(resp):
        if not line.startswith("data:"):
            continue
        event = json.loads(line[5:])
        if event["type"] == "thread.created":
            conv = int(event["thread"]["id"].removeprefix("thr_"))
        seen_progress = seen_progress or event["type"] == "progress_update"
        update = event.get("update") or {}
        if event["type"] == "thread.item.updated" and update.get("type") == "assistant_message.content_part.text_delta":
            streamed += update["delta"]
            deltas_before_kill -= 1
        if seen_progress and deltas_before_kill <= 0:
            break
    # ChatKit's progress update comes as the tool call starts: "after the tool call" means once it is recorded.
    deadline = time.monotonic() + 30
    while not _recorded_tool_calls(server, uid, token, conv) and time.monotonic() < deadline:
        time.sleep(0.05)
    _kill_and_wait(server, conn)
    return conv, streamed


def _recorded_tool_calls(server: LiveServer, uid: str, token: str, conv: int) -> list[dict[str, Any]]:
    messages = server.messages(uid, token, conv)
    return list(messages[1]["tool_calls"] or []) if len(messages) > 1 else []


def _check_history_and_follow_up(server: LiveServer, uid: str, token: str, conv: int, streamed: str,
                                 expect_text: bool) -> None:
    messages = server.messages(uid, token, conv)
    status, _, body = server.request("GET", f"/api/{uid}/tasks", token=token)
    tasks = json.loads(body)["tasks"]
    assert [t["title"] for t in tasks] == ["call the plumber"], tasks
    user, reply = messages[0], messages[1]
    assert user["content"] == ADD
    assert reply["role"] == "assistant"
    assert [c["name"] for c in reply["tool_calls"]] == ["add_task"]
    assert reply["tool_calls"][0]["output"]["task"]["id"] == tasks[0]["id"]
    if expect_text:
        assert reply["content"] and streamed.startswith(reply["content"]), (reply["content"], streamed)
    status, _, body = server.request("POST", f"/api/{uid}/chat", {"message": "make it high priority",
                                                                 "conversation_id": conv}, token=token)
    assert status == 200, body
    messages = server.messages(uid, token, conv)
    assert messages[1]["status"] == "interrupted"
    status, _, body = server.request("GET", f"/api/{uid}/tasks", token=token)
    assert [(t["title"], t["priority"]) for t in json.loads(body)["tasks"]] == [("call the plumber", "high")]


@pytest.mark.parametrize("chunks", [0, 4])
def test_chat_turn_killed_after_the_tool_call_or_mid_reply(server: LiveServer, chunks: int) -> None:
    uid, token = server.signup()
    conv, streamed = _chat_kill(server, uid, token, chunks)
    _check_history_and_follow_up(server, uid, token, conv, streamed, expect_text=chunks > 0)


@pytest.mark.parametrize("deltas", [0, 4])
def test_chatkit_turn_killed_after_the_tool_call_or_mid_reply(server: LiveServer, deltas: int) -> None:
    uid, token = server.signup()
    conv, streamed = _chatkit_kill(server, uid, token, deltas)
    # Reloaded at once, the dead worker's reply already reads as interrupted, with its status line and Retry.
    status, _, body = server.request("POST", f"/api/{uid}/chatkit", {
        "type": "items.list", "params": {"thread_id": f"thr_{conv}", "order": "asc"}}, token=token)
    assert status == 200, body
    listed = TypeAdapter(Page[ThreadItem]).validate_json(body).data
    assert [i.type for i in listed] == ["user_message", "assistant_message", "task"]
    line = listed[2]
    assert isinstance(line, TaskItem) and isinstance(line.task, CustomTask) and line.id == f"{listed[1].id}_status"
    assert line.task.title and "interrupted" in line.task.title
    _check_history_and_follow_up(server, uid, token, conv, streamed, expect_text=deltas > 0)
