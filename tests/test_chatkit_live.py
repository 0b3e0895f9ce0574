"""ChatKit under a real gunicorn with gevent workers: many concurrent turns, and a client that hangs up."""

from __future__ import annotations

import http.client
import json
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from chatkit.types import AssistantMessageItem, ThreadCreatedEvent, ThreadItemDoneEvent

from tests.support.chatkit import parse_sse, user_input
from tests.support.live import LiveServer, start_server

pytestmark = pytest.mark.gunicorn
STREAMS = 100


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    live = start_server(
        tmp_path_factory.mktemp("chatkit-live"),
        workers=2,
        SSE_PING_SECONDS="0.5",
        SLOW_MODEL_FIRST_TOKEN_MS="0",
        SLOW_MODEL_TOKEN_MS="20",
    )
    yield live
    live.stop()


def _open(
    server: LiveServer, uid: str, token: str, text: str
) -> tuple[http.client.HTTPConnection, http.client.HTTPResponse]:
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
    body = json.dumps({"type": "threads.create", "params": {"input": user_input(text)}})
    conn.request(
        "POST",
        f"/api/{uid}/chatkit",
        body=body,
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
    )
    return conn, conn.getresponse()


def _turn(server: LiveServer, uid: str, token: str, n: int) -> tuple[str, str]:
    """One threads.create stream read to its end: (thread id, assistant reply text)."""
    conn, resp = _open(server, uid, token, f"add task number {n}")
    try:
        assert resp.status == 200 and resp.getheader("Content-Type", "").startswith("text/event-stream")
        events = parse_sse(resp.read())
    finally:
        conn.close()
    created = events[0]
    assert isinstance(created, ThreadCreatedEvent)
    done = [e.item for e in events if isinstance(e, ThreadItemDoneEvent) and isinstance(e.item, AssistantMessageItem)]
    assert len(done) == 1, [e.type for e in events]
    return created.thread.id, done[0].content[0].text


def test_a_hundred_concurrent_threads_complete(server: LiveServer) -> None:
    uid, token = server.signup()
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=STREAMS) as pool:
        results = list(pool.map(lambda n: _turn(server, uid, token, n), range(STREAMS)))
    assert time.monotonic() - started < 45
    assert len({thread for thread, _ in results}) == STREAMS
    assert all(f"'number {n}'" in text for n, (_, text) in enumerate(results))
    status, _, body = server.request("GET", f"/api/{uid}/tasks?limit=100", token=token)
    assert status == 200 and len(json.loads(body)["tasks"]) == STREAMS
    status, _, body = server.request("GET", f"/api/{uid}/conversations?limit=100", token=token)
    convs = json.loads(body)["conversations"]
    assert len(convs) == STREAMS
    status, _, body = server.request("GET", f"/api/{uid}/conversations/{convs[0]['id']}/messages", token=token)
    assert [(m["role"], m["status"]) for m in json.loads(body)["messages"]] == [
        ("user", "complete"),
        ("assistant", "complete"),
    ]


def test_hanging_up_keeps_the_partial_reply(server: LiveServer) -> None:
    uid, token = server.signup()
    conn, resp = _open(server, uid, token, "what can you do?")
    thread_id, deltas = None, 0
    while deltas < 2:
        line = resp.readline().decode()
        assert line, "the stream ended before the reply started"
        if line.startswith("data: "):
            event = json.loads(line[6:])
            thread_id = event["thread"]["id"] if event["type"] == "thread.created" else thread_id
            deltas += event["type"] == "thread.item.updated" and event["update"]["type"].endswith("text_delta")
    resp.close()
    conn.close()
    assert thread_id is not None
    conv = int(thread_id.removeprefix("thr_"))
    deadline = time.monotonic() + 10
    while True:
        _, _, body = server.request("GET", f"/api/{uid}/conversations/{conv}/messages", token=token)
        reply = json.loads(body)["messages"][-1]
        if reply["status"] != "pending" or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert reply["role"] == "assistant" and reply["status"] == "interrupted" and reply["content"]


def test_live_server_logged_no_errors(server: LiveServer) -> None:
    text = Path(server.log_path).read_text()
    assert "Traceback" not in text and "never retrieved" not in text and "destroyed but it is pending" not in text
