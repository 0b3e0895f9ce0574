"""The asyncio loop thread never freezes on a gevent-patched lock, and a stuck loop is noticed.

Fresh gunicorn servers (3 gevent workers, the OpenAI path against tests/fake_openai.py) are
started again and again, each sent 6 concurrent first turns right after boot: the moment
when lazily built module-level state (loggers' caches, imports, pydantic validators) is
first touched from the loop thread and the request greenlets at once. Every turn must end.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import pytest

from tests.support.fake_openai import FakeOpenAI
from tests.support.live import LiveServer, sse_data, start_server

pytestmark = pytest.mark.gunicorn

STARTS = 20
TURNS = 6


def _turn(server: LiveServer, uid: str, token: str, results: list[Any]) -> None:
    try:
        status, _, body = server.request("POST", f"/api/{uid}/chat", {"message": f"add stress {uuid.uuid4().hex[:6]}"},
                                         token=token, accept="text/event-stream", timeout=60)
        results.append((status, sse_data(body)[-1]["type"] if status == 200 else body))
    except Exception as err:  # a frozen worker shows up as a timeout here
        results.append(("exception", repr(err)))


@pytest.mark.sqlite_only  # its own SQLite database: the freeze is in the loop thread, not the database
@pytest.mark.timeout(2400)
def test_fresh_servers_answer_concurrent_first_turns(tmp_path: Path) -> None:
    fake = FakeOpenAI().start()
    env = {"TODO_MODEL": "gpt-4o", "OPENAI_API_KEY": "sk-test", "OPENAI_BASE_URL": fake.base_url,
           "OPENAI_API": "responses", "RATELIMIT_ENABLED": "0", "READY_SECONDS": "300",
           "ACCESS_TOKEN_MINUTES": "600"}
    database = f"sqlite:///{tmp_path / 'stress.db'}"
    users: list[tuple[str, str]] = []
    failures: list[Any] = []
    try:
        for start in range(STARTS):
            server = start_server(tmp_path, database, workers=3, SKIP_MIGRATE="1" if start else "", **env)
            try:
                if not users:
                    users = [server.signup() for _ in range(TURNS)]
                results: list[Any] = []
                threads = [threading.Thread(target=_turn, args=(server, uid, token, results)) for uid, token in users]
                for thread in threads:
                    thread.start()
                for thread in threads:
                    thread.join(90)
                bad = [r for r in results if r != (200, "done")]
                if bad or len(results) != TURNS:
                    failures.append((start, bad, server.log_path.read_text()[-3000:]))
            finally:
                server.stop()
    finally:
        fake.stop()
    assert not failures, json.dumps(failures, default=str)[:6000]


def test_the_loop_thread_takes_no_gevent_lock() -> None:
    """Under patching, OpenAI-path turns make the loop thread take no gevent lock (logging, imports, SDKs)."""
    probe = Path(__file__).parent / "support" / "loop_locks_probe.py"
    done = subprocess.run([sys.executable, str(probe)], capture_output=True, text=True, timeout=300,
                          cwd=probe.parents[1])
    assert done.returncode == 0, done.stderr[-3000:]
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert found["ends"] == ["done", "done"]
    assert found["gevent_locks"] == {}


def _pid_after(server: LiveServer, old_pid: int) -> int:
    """The worker's pid once it differs from `old_pid` (the stuck worker was replaced)."""
    deadline = time.monotonic() + 240  # a graceful exit, then a fresh worker imports the app (slow on a busy machine)
    while time.monotonic() < deadline:
        try:
            status, _, body = server.request("POST", "/bench/block-loop?seconds=0", timeout=5)
            if status == 200 and json.loads(body)["pid"] != old_pid:
                return int(json.loads(body)["pid"])
        except OSError:
            pass
        time.sleep(0.5)
    raise AssertionError(f"worker {old_pid} was not replaced")


@pytest.mark.timeout(900)
def test_a_stuck_loop_ends_the_turn_with_a_retryable_error_and_the_worker_is_replaced(tmp_path: Path) -> None:
    server = start_server(tmp_path, workers=1, READY_SECONDS="300", TODO_BENCH="1", LOOP_STALL_SECONDS="3",
                          SSE_PING_SECONDS="1", RATELIMIT_ENABLED="0")
    try:
        uid, token = server.signup()
        status, _, body = server.request("POST", "/bench/block-loop?seconds=120")
        assert status == 200, body
        stuck_pid = json.loads(body)["pid"]
        started = time.monotonic()
        status, _, body = server.request("POST", f"/api/{uid}/chat", {"message": "add buy bread"}, token=token,
                                         accept="text/event-stream", timeout=60)
        events = sse_data(body)
        assert status == 200 and events[-1]["type"] == "error", events
        assert events[-1]["retryable"] is True
        assert time.monotonic() - started < 30
        fresh_pid = _pid_after(server, stuck_pid)

        status, _, body = server.request("POST", f"/api/{uid}/chat", {"message": "add buy bread"}, token=token,
                                         accept="text/event-stream")
        assert sse_data(body)[-1]["type"] == "done"
        assert server.request("GET", "/readyz")[0] == 200

        server.request("POST", "/bench/block-loop?seconds=120")
        time.sleep(4)
        status, _, body = server.request("GET", "/readyz", timeout=10)
        assert status == 503 and json.loads(body)["loop"] == "stalled"
        _pid_after(server, fresh_pid)
        assert server.request("GET", "/readyz")[0] == 200
    finally:
        server.stop()
