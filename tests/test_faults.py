"""Faults really caused: the database stopping mid-stream, a model that stalls, hundreds of clients leaving
mid-stream, and a worker killed with SIGKILL mid-stream."""

from __future__ import annotations

import http.client
import json
import os
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.env import server_env
from tests.support.fake_openai import FakeOpenAI
from tests.support.live import (
    ROOT,
    chat_once,
    fake_openai_settings,
    free_port,
    open_stream,
    read_lines,
    start_server,
)

pytestmark = pytest.mark.gunicorn


def _pg(action: str, port: int) -> str:
    proc = subprocess.run([str(ROOT / "scripts" / "pg-test.sh"), action], env=server_env(PGTEST_PORT=str(port)),
                          capture_output=True, text=True, timeout=180, check=True)
    return proc.stdout.strip()


def _children(pid: int) -> list[int]:
    kids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                kids.append(int(entry.name))
    return kids


def _rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


@pytest.fixture
def own_postgres() -> Iterator[tuple[int, str]]:
    port = free_port()
    url = _pg("start", port)
    yield port, url
    _pg("stop", port)


@pytest.mark.postgres_only
def test_postgres_stopping_mid_stream(tmp_path: Path, own_postgres: tuple[int, str]) -> None:
    port, url = own_postgres
    live = start_server(tmp_path, database_url=url, WEB_CONCURRENCY="1", SLOW_MODEL_FIRST_TOKEN_MS="300",
                        SLOW_MODEL_TOKEN_MS="150", SSE_PING_SECONDS="0.2")
    try:
        uid, token = live.signup()
        conn, resp = open_stream(live, uid, token, "what can you do?")
        lines = read_lines(resp)
        first = json.loads(next(line for line in lines if line.startswith("data:"))[5:])
        assert first["type"] == "conversation"
        _pg("stop", port)
        events = [json.loads(line[5:]) for line in lines if line.startswith("data:")]
        conn.close()
        assert events[-1]["type"] == "error" and events[-1]["retryable"] is True, events[-3:]
        assert live.request("GET", "/readyz")[0] == 503
        refused = live.request("POST", f"/api/{uid}/chat", {"message": "add during the outage"}, token=token)
        assert refused[0] in (401, 503) and json.loads(refused[2])["error"]["code"]
        _pg("start", port)
        deadline = time.monotonic() + 30
        while live.request("GET", "/readyz")[0] != 200 and time.monotonic() < deadline:
            time.sleep(0.3)
        msgs = live.messages(uid, token, first["conversation_id"])
        assert msgs[0]["role"] == "user" and msgs[0]["content"] == "what can you do?"
        status, _, body = live.request("POST", f"/api/{uid}/chat", {"message": "add after the outage",
                                                                     "conversation_id": first["conversation_id"]},
                                       token=token)
        assert status == 200 and "after the outage" in json.loads(body)["response"]
        status, _, body = live.request("GET", f"/api/{uid}/tasks", token=token)
        assert [t["title"] for t in json.loads(body)["tasks"]] == ["after the outage"]
    finally:
        live.stop()


def test_a_model_that_stalls_times_out_with_a_retryable_error(tmp_path: Path) -> None:
    fake = FakeOpenAI().start()
    fake.script.stall_seconds = 3
    try:
        with chat_once(tmp_path, "add hello", **fake_openai_settings(fake), MODEL_TIMEOUT_SECONDS="1") as turn:
            events = turn.events
            assert turn.status == 200 and events[-1]["type"] == "error" and events[-1]["retryable"] is True
            assert len(fake.script.requests) == 4
    finally:
        fake.stop()


def test_hundreds_of_clients_leaving_mid_stream_leak_nothing(tmp_path: Path) -> None:
    live = start_server(tmp_path, WEB_CONCURRENCY="1", SLOW_MODEL_FIRST_TOKEN_MS="200", SLOW_MODEL_TOKEN_MS="100")
    try:
        users = [live.signup() for _ in range(10)]
        worker = _children(live.process.pid)[0]

        def wave(n: int) -> None:
            streams = []
            for i in range(n):
                uid, token = users[i % len(users)]
                conn, resp = open_stream(live, uid, token, "what can you do?")
                streams.append((conn, resp))
            for _conn, resp in streams:
                assert resp.readline().startswith(b"data:")
            for conn, resp in streams:
                resp.close()
                conn.close()

        wave(250)
        time.sleep(3)
        baseline = _rss_kb(worker)
        for _ in range(2):
            wave(250)
        time.sleep(3)
        # Every run was cancelled and stored as interrupted; nothing is left running.
        status, _, body = live.request("GET", "/metrics")
        metrics = body.decode() if status == 200 else ""
        active = [line for line in metrics.splitlines() if line.startswith("todo_active_streams")]
        assert all(float(line.split()[-1]) == 0 for line in active)
        uid, token = users[0]
        status, _, body = live.request("GET", f"/api/{uid}/conversations?limit=100", token=token)
        convs = json.loads(body)["conversations"]
        statuses = {m["status"] for c in convs[:5] for m in live.messages(uid, token, c["id"])}
        assert "interrupted" in statuses and "pending" not in statuses
        growth_mb = (_rss_kb(worker) - baseline) / 1024
        assert growth_mb < 40, f"worker grew {growth_mb:.1f} MB over 500 abandoned streams"
        assert live.request("POST", f"/api/{uid}/chat", {"message": "hi"}, token=token)[0] == 200
    finally:
        live.stop()


def test_worker_killed_mid_stream_leaves_a_consistent_conversation(tmp_path: Path) -> None:
    live = start_server(tmp_path, WEB_CONCURRENCY="1", SLOW_MODEL_FIRST_TOKEN_MS="100", SLOW_MODEL_TOKEN_MS="200")
    try:
        uid, token = live.signup()
        status, _, body = live.request("POST", f"/api/{uid}/chat", {"message": "add buy eggs"}, token=token)
        conv = json.loads(body)["conversation_id"]
        conn, resp = open_stream(live, uid, token, "what can you do?", conv)
        for line in read_lines(resp):
            if line.startswith('data: {"type":"chunk"'):
                break
        worker = _children(live.process.pid)[0]
        os.kill(worker, signal.SIGKILL)
        try:
            rest = resp.read()
        except http.client.IncompleteRead as err:  # the connection dropped mid-chunk, as expected
            rest = err.partial
        conn.close()
        assert b'"type":"done"' not in rest
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if live.request("GET", "/readyz", timeout=2)[0] == 200:
                    break
            except OSError:
                pass
            time.sleep(0.2)
        msgs = live.messages(uid, token, conv)
        assert [m["role"] for m in msgs[:3]] == ["user", "assistant", "user"]
        assert msgs[2]["content"] == "what can you do?"
        status, _, body = live.request("POST", f"/api/{uid}/chat", {"message": "make it high priority",
                                                                     "conversation_id": conv}, token=token)
        assert status == 200
        status, _, body = live.request("GET", f"/api/{uid}/tasks", token=token)
        assert [(t["title"], t["priority"]) for t in json.loads(body)["tasks"]] == [("buy eggs", "high")]
    finally:
        live.stop()
