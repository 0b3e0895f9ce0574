"""Two app instances (separate gunicorn masters) behind nginx, sharing one PostgreSQL and one Redis."""

from __future__ import annotations

import json
import signal
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.live import LiveServer, open_stream, read_lines
from tests.support.topology import Topology, running_topology

pytestmark = [pytest.mark.gunicorn, pytest.mark.postgres_only]


@pytest.fixture
def topology(tmp_path: Path) -> Iterator[Topology]:
    """Redis, two instances and nginx in front of both."""
    with running_topology(tmp_path) as running:
        yield running


def _chat(
    server: LiveServer, uid: str, token: str, message: str, conv: int | None = None
) -> tuple[int, dict[str, Any]]:
    body: dict[str, Any] = {"message": message}
    if conv is not None:
        body["conversation_id"] = conv
    status, _, raw = server.request("POST", f"/api/{uid}/chat", body, token=token)
    return status, json.loads(raw)


def test_turns_alternating_between_instances_stay_coherent(topology: Topology) -> None:
    uid, token = topology.a.signup()
    status, first = _chat(topology.a, uid, token, "add buy eggs")
    assert status == 200
    status, _ = _chat(topology.b, uid, token, "make it high priority", first["conversation_id"])
    assert status == 200
    status, _ = _chat(topology.proxy, uid, token, "tag it groceries", first["conversation_id"])
    assert status == 200
    status, _, raw = topology.proxy.request("GET", f"/api/{uid}/tasks", token=token)
    tasks = json.loads(raw)["tasks"]
    assert [(t["title"], t["priority"], t["tags"]) for t in tasks] == [("buy eggs", "high", ["groceries"])]
    status, _, raw = topology.b.request("GET", f"/api/{uid}/conversations/{first['conversation_id']}/messages",
                                        token=token)
    assert [m["role"] for m in json.loads(raw)["messages"]] == ["user", "assistant"] * 3


def test_sse_streams_through_nginx_unbuffered(topology: Topology) -> None:
    uid, token = topology.proxy.signup()
    conn, resp = open_stream(topology.proxy, uid, token, "what can you do?")
    stamps = []
    for line in read_lines(resp):
        if line.startswith("data:"):
            stamps.append(time.monotonic())
    conn.close()
    assert len(stamps) > 5 and stamps[-1] - stamps[1] > 0.3


def test_rate_limits_hold_across_both_instances(topology: Topology) -> None:
    uid, token = topology.a.signup()
    answers = [_chat(server, uid, token, "hi") for server in (topology.a, topology.b) * 3]
    assert [status for status, _ in answers] == [200] * 6, answers
    assert _chat(topology.a, uid, token, "hi")[0] == 429
    assert _chat(topology.b, uid, token, "hi")[0] == 429


def test_one_instance_stopping_mid_run_loses_no_data(topology: Topology) -> None:
    uid, token = topology.proxy.signup()
    status, first = _chat(topology.a, uid, token, "add water the plants")
    conv = first["conversation_id"]
    conn, resp = open_stream(topology.a, uid, token, "what can you do?", conv)
    for line in read_lines(resp):
        if line.startswith('data: {"type":"chunk"'):
            break
    topology.a.process.send_signal(signal.SIGINT)  # quick shutdown: workers exit mid-stream
    topology.a.process.wait(timeout=30)
    conn.close()
    status, _ = _chat(topology.proxy, uid, token, "mark it done", conv)
    assert status == 200
    status, _, raw = topology.proxy.request("GET", f"/api/{uid}/tasks?status=all", token=token)
    tasks = json.loads(raw)["tasks"]
    assert [(t["title"], t["completed"]) for t in tasks] == [("water the plants", True)]
    status, _, raw = topology.b.request("GET", f"/api/{uid}/conversations/{conv}/messages", token=token)
    said = [m["content"] for m in json.loads(raw)["messages"] if m["role"] == "user"]
    assert said == ["add water the plants", "what can you do?", "mark it done"]
