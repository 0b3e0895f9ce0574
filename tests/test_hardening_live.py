"""Hardening under real gunicorn (issue #12): limits across workers, refusing to start, production logs."""

from __future__ import annotations

import json
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from tests.support.env import server_env
from tests.support.live import BIN, ROOT, LiveServer, free_port, start_server

SECRET = "live-test-secret-0123456789abcdef0123456789"


def _turn(server: LiveServer, uid: str, token: str, n: int) -> int:
    if n % 2:
        body = {"type": "threads.create", "params": {"input": {
            "content": [{"type": "input_text", "text": f"hello {n}"}], "attachments": [], "inference_options": {}}}}
        return server.request("POST", f"/api/{uid}/chatkit", body, token=token, accept="text/event-stream")[0]
    return server.request("POST", f"/api/{uid}/chat", {"message": f"hello {n}"}, token=token)[0]


def test_a_chat_limit_holds_across_three_workers_for_chat_and_chatkit_together(tmp_path: Path) -> None:
    limit, workers = 6, 3
    server = start_server(tmp_path, workers=workers, RATELIMIT_CHAT=f"{limit} per minute")
    try:
        uid, token = server.signup()
        with ThreadPoolExecutor(max_workers=6) as pool:
            codes = list(pool.map(lambda n: _turn(server, uid, token, n), range(24)))
        assert set(codes) <= {200, 429}, codes
        assert limit <= codes.count(200) <= limit + workers, codes
        # Wrong passwords: the back-off is counted once for all workers, not once per worker.
        status, _, body = server.request("POST", "/api/auth/signup", {"email": "bo@example.com",
                                                                     "password": "the-right-one"})
        assert status == 201, body
        wrong = [server.request("POST", "/api/auth/signin", {"email": "bo@example.com", "password": "nope"})[0]
                 for _ in range(12)]
        assert wrong.count(401) == 5 and wrong.count(429) == 7, wrong
    finally:
        server.stop()


def _gunicorn(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    unset: dict[str, str | None] = {"JWT_SECRET_KEY": None, "SECRET_KEY": None, "RATELIMIT_STORAGE_URI": None}
    full = server_env(**{**unset, "TODO_INSTANCE_PATH": str(tmp_path), "PORT": str(free_port()), **env})
    return subprocess.run([str(BIN / "gunicorn"), "-c", "gunicorn.conf.py"], cwd=ROOT, env=full,
                          capture_output=True, text=True, timeout=60)


def test_production_without_a_secret_exits_3_with_one_clear_line(tmp_path: Path) -> None:
    done = _gunicorn(tmp_path, TODO_MODE="production")
    assert done.returncode == 3
    lines = (done.stdout + done.stderr).strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Todo Assistant cannot start:") and "JWT_SECRET_KEY" in lines[0]


def test_production_refuses_a_per_process_limit_store_with_several_workers(tmp_path: Path) -> None:
    done = _gunicorn(tmp_path, TODO_MODE="production", JWT_SECRET_KEY=SECRET, WEB_CONCURRENCY="3",
                     RATELIMIT_STORAGE_URI="memory://")
    assert done.returncode == 3
    lines = (done.stdout + done.stderr).strip().splitlines()
    assert len(lines) == 1 and "RATELIMIT_STORAGE_URI" in lines[0]


def test_production_logs_are_json_lines_without_search_text_or_tracebacks(tmp_path: Path) -> None:
    server = start_server(tmp_path, workers=1, TODO_MODE="production", JWT_SECRET_KEY=SECRET, ACCESS_LOG="-",
                          LOG_LEVEL="info")
    try:
        uid, token = server.signup()
        status, headers, _ = server.request("POST", "/api/auth/signin", {"email": "x@example.com",
                                                                           "password": "wrong-password"})
        assert status == 401 and headers.get("X-Request-ID")
        assert server.request("GET", f"/api/{uid}/tasks?q=secretword&tag=hush", token=token)[0] == 200
        assert server.request("GET", "/metrics")[0] == 404
    finally:
        server.stop()
    lines = [line for line in server.log_path.read_text().splitlines() if line.strip()]
    assert lines
    for line in lines:
        json.loads(line)  # every line is one JSON document
    text = "\n".join(lines)
    assert "secretword" not in text and "hush" not in text and "Traceback" not in text
    assert any("/api/auth/signin" in line for line in lines)  # the access log is there, without queries
