"""Two app instances (separate gunicorn masters) behind nginx, sharing one PostgreSQL and one Redis."""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from string import Template
from typing import Any

import pytest

from tests.support.live import ROOT, LiveServer, free_port, open_stream, read_lines, start_server

pytestmark = [pytest.mark.gunicorn, pytest.mark.postgres_only]


@dataclass
class Topology:
    """The running pieces."""

    a: LiveServer
    """First instance."""
    b: LiveServer
    """Second instance."""
    proxy: LiveServer
    """nginx in front of both (a LiveServer view of its port)."""


def _wait_port(port: int) -> None:
    import socket

    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"nothing listens on {port}")


@pytest.fixture
def topology(tmp_path: Path) -> Iterator[Topology]:
    redis_port = free_port()
    redis = subprocess.Popen([shutil.which("redis-server") or "/usr/bin/redis-server", "--port", str(redis_port),
                              "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _wait_port(redis_port)
    env = {"RATELIMIT_STORAGE_URI": f"redis://127.0.0.1:{redis_port}", "RATELIMIT_CHAT": "6 per minute",
           "SLOW_MODEL_FIRST_TOKEN_MS": "100", "SLOW_MODEL_TOKEN_MS": "60"}
    a = start_server(tmp_path / "a", workers=1, **env)
    b = start_server(tmp_path / "b", workers=1, **env)
    prefix = tmp_path / "nginx"
    prefix.mkdir()
    port = free_port()
    conf = Template((ROOT / "deploy" / "nginx.conf.template").read_text()).safe_substitute(
        PREFIX=str(prefix), PORT=str(port),
        UPSTREAMS=f"server 127.0.0.1:{a.port} max_fails=1 fail_timeout=2s; "
                  f"server 127.0.0.1:{b.port} max_fails=1 fail_timeout=2s;")
    (prefix / "nginx.conf").write_text(conf)
    nginx = subprocess.Popen([shutil.which("nginx") or "/usr/sbin/nginx", "-p", str(prefix), "-c",
                              str(prefix / "nginx.conf"), "-g", "daemon off;"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _wait_port(port)
    yield Topology(a, b, LiveServer(port, nginx, {}, prefix / "error.log"))
    for proc in (nginx, redis):
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=20)
    a.stop()
    b.stop()


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
