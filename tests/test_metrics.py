"""GET /metrics: request latency by URL rule, time to first chunk, turns, active streams, model and tool
errors and pool use; in-process with the test client, and merged over two gunicorn workers."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import AsyncIterator, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient
from prometheus_client.parser import text_string_to_metric_families

from app.agent.local_model import LocalModel
from loadtests.common import server_pids
from tests.support.accounts import Account, AuthActions
from tests.support.live import LiveServer, sse_data, start_server

FAMILIES = {
    "todo_http_request_duration_seconds": "histogram",
    "todo_chat_first_chunk_seconds": "histogram",
    "todo_chat_turns": "counter",
    "todo_chat_active_streams": "gauge",
    "todo_model_errors": "counter",
    "todo_tool_errors": "counter",
    "todo_db_pool_checked_out": "gauge",
}


def scrape(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of a Prometheus text page, keyed by (name, sorted labels)."""
    samples = {}
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            samples[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return samples


def value(samples: dict[tuple[str, tuple[tuple[str, str], ...]], float], name: str, **labels: str) -> float:
    """One sample's value, 0 when absent."""
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def families(text: str) -> dict[str, str]:
    """Metric family name -> type."""
    return {f.name: f.type for f in text_string_to_metric_families(text)}


def chat(acct: Account, message: str) -> list[dict[str, Any]]:
    """One streamed /chat turn through the test client, read to its end."""
    resp = acct.request("POST", "/chat", json={"message": message}, headers={"Accept": "text/event-stream"})
    try:
        return sse_data(resp.get_data())
    finally:
        resp.close()  # a WSGI server closes every response; the streamed ones are timed then


class FailingModel(LocalModel):
    """The embedded model, broken: every streamed step fails."""

    async def stream_response(self, *args: Any, **kwargs: Any) -> AsyncIterator[Any]:
        raise RuntimeError("the model is down")
        yield  # pragma: no cover - makes this an async generator


def test_metrics_after_a_chat_turn_and_a_task_request(client: FlaskClient, auth: AuthActions,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    acct = auth.signup()
    before = scrape(client.get("/metrics").get_data(as_text=True))
    missing = acct.add_task(title="water the plants")["id"] + 100_000  # nobody's task, least of all this user's
    assert acct.request("GET", "/tasks").status_code == 200
    assert chat(acct, "add buy milk tomorrow")[-1]["type"] == "done"
    assert chat(acct, f"complete task {missing}")[-1]["type"] == "done"  # the tool answers "no task ..."
    import app.chat.routes

    monkeypatch.setattr(app.chat.routes, "model_for", lambda _settings: FailingModel())
    assert chat(acct, "add call mom")[-1]["type"] == "error"

    resp = client.get("/metrics")
    assert resp.status_code == 200 and resp.mimetype == "text/plain"
    text = resp.get_data(as_text=True)
    assert {name: families(text).get(name) for name in FAMILIES} == FAMILIES
    after = scrape(text)

    def grew(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    rule = "/api/<user_id>/tasks"
    assert grew("todo_http_request_duration_seconds_count", method="POST", route=rule, status="201") == 1
    assert grew("todo_http_request_duration_seconds_count", method="GET", route=rule, status="200") == 1
    assert grew("todo_http_request_duration_seconds_count", method="POST", route="/api/<user_id>/chat",
                status="200") == 3
    assert not any(acct.id in str(labels) for _name, labels in after)  # the URL rule, never the raw path
    assert grew("todo_chat_first_chunk_seconds_count", endpoint="chat") == 2
    assert grew("todo_chat_turns_total", endpoint="chat", outcome="complete") == 2
    assert grew("todo_chat_turns_total", endpoint="chat", outcome="failed") == 1
    assert grew("todo_model_errors_total", endpoint="chat", error="RuntimeError") == 1
    assert grew("todo_tool_errors_total", tool="complete_task") == 1
    assert value(after, "todo_chat_active_streams", endpoint="chat") == 0
    assert value(after, "todo_db_pool_checked_out") == 0  # every connection went back to the pool


def test_active_streams_and_pool_gauges_while_a_stream_is_open(client: FlaskClient, auth: AuthActions) -> None:
    acct = auth.signup()
    resp = acct.request("POST", "/chat", json={"message": "hello"}, headers={"Accept": "text/event-stream"})
    stream: Iterator[bytes] = iter(resp.response)
    assert b'"conversation"' in next(stream)  # the stream is open: its generator has started
    during = scrape(client.get("/metrics").get_data(as_text=True))
    assert value(during, "todo_chat_active_streams", endpoint="chat") == 1
    assert value(during, "todo_db_pool_checked_out") == 0  # /chat holds no connection while streaming
    for _ in stream:
        pass
    resp.close()
    after = scrape(client.get("/metrics").get_data(as_text=True))
    assert value(after, "todo_chat_active_streams", endpoint="chat") == 0


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    tmp = tmp_path_factory.mktemp("metrics-live")
    live = start_server(tmp, workers=2, PROMETHEUS_MULTIPROC_DIR=str(tmp / "prometheus"))
    yield live
    live.stop()


def _pid_files(server: LiveServer, kind: str) -> set[int]:
    directory = Path(server.env["PROMETHEUS_MULTIPROC_DIR"])
    return {int(p.stem.rsplit("_", 1)[1]) for p in directory.glob(f"{kind}_*.db")}


def _tasks_count(server: LiveServer) -> float:
    status, _, body = server.request("GET", "/metrics")
    assert status == 200
    return value(scrape(body.decode()), "todo_http_request_duration_seconds_count", method="GET",
                 route="/api/<user_id>/tasks", status="200")


@pytest.mark.gunicorn
def test_a_scrape_merges_every_gunicorn_worker(server: LiveServer) -> None:
    uid, token = server.signup()
    workers = set(server_pids(server.process.pid)[1:])
    assert len(workers) == 2
    sent = 0
    with ThreadPoolExecutor(max_workers=16) as pool:
        for _ in range(10):  # concurrent requests land on both workers; stop as soon as both served some
            statuses = list(pool.map(lambda _: server.request("GET", f"/api/{uid}/tasks", token=token)[0], range(48)))
            assert statuses == [200] * 48
            sent += 48
            if workers <= _pid_files(server, "histogram"):
                break
    assert workers <= _pid_files(server, "histogram"), "one worker served every request"
    # Whichever worker answers the scrape, it reports both workers' requests.
    assert {_tasks_count(server) for _ in range(6)} == {sent}

    status, _, body = server.request("POST", f"/api/{uid}/chat", {"message": "add buy milk"}, token=token,
                                     accept="text/event-stream")
    assert status == 200 and sse_data(body)[-1]["type"] == "done"
    status, _, body = server.request("GET", "/metrics")
    samples = scrape(body.decode())
    assert value(samples, "todo_chat_turns_total", endpoint="chat", outcome="complete") == 1
    assert value(samples, "todo_chat_first_chunk_seconds_count", endpoint="chat") == 1
    assert value(samples, "todo_chat_active_streams", endpoint="chat") == 0


@pytest.mark.gunicorn
def test_a_dead_workers_gauges_leave_and_its_counts_stay(server: LiveServer) -> None:
    uid, token = server.signup()
    assert server.request("GET", f"/api/{uid}/tasks", token=token)[0] == 200
    before = _tasks_count(server)
    victim = max(server_pids(server.process.pid)[1:])
    assert victim in _pid_files(server, "gauge_livesum")
    os.kill(victim, signal.SIGTERM)  # the master replaces it and calls child_exit
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and (victim in _pid_files(server, "gauge_livesum")
                                           or len(server_pids(server.process.pid)) < 3):
        time.sleep(0.2)
    assert victim not in _pid_files(server, "gauge_livesum")
    assert _tasks_count(server) == before
