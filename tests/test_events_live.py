"""Live events and reminders on real gunicorn servers: across instances, exactly once, late after a stop."""

from __future__ import annotations

import contextlib
import http.client
import json
import socket
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from tests.support.env import run_settings
from tests.support.live import LiveServer, redis_server, start_server
from tests.support.topology import Topology, running_topology

pytestmark = [pytest.mark.gunicorn]


@pytest.fixture
def topology(tmp_path: Path) -> Iterator[Topology]:
    """Redis, two instances and nginx in front of both (tests/support/topology.py)."""
    with running_topology(tmp_path) as running:
        yield running


class Listener:
    """Reads one /events stream in a thread, keeping every event with its arrival time."""

    def __init__(self, server: LiveServer, uid: str, token: str, last_event_id: int | None = None) -> None:
        self.events: list[tuple[int, dict[str, Any], float]] = []
        self.conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
        headers = {"Accept": "text/event-stream", "Authorization": f"Bearer {token}"}
        if last_event_id is not None:
            headers["Last-Event-ID"] = str(last_event_id)
        self.conn.request("GET", f"/api/{uid}/events", headers=headers)
        self.sock = self.conn.sock
        self.resp = self.conn.getresponse()
        assert self.resp.status == 200
        self.ready = threading.Event()
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()
        assert self.ready.wait(10), "the stream never started"

    def _read(self) -> None:
        current: dict[str, str] = {}
        try:
            while True:
                line = self.resp.readline()
                if not line:
                    return
                decoded = line.decode().rstrip("\n")
                if decoded.startswith("retry:"):
                    self.ready.set()
                if decoded == "" and "data" in current:
                    self.events.append((int(current["id"]), json.loads(current["data"]), time.monotonic()))
                    current = {}
                elif ": " in decoded and not decoded.startswith(":"):
                    key, value = decoded.split(": ", 1)
                    current[key] = value
        except (OSError, ValueError, AttributeError):
            return

    def wait_for(self, count: int, timeout: float = 20) -> list[dict[str, Any]]:
        deadline = time.monotonic() + timeout
        while len(self.events) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        return [data for _, data, _ in self.events]

    def close(self) -> None:
        """Hang up at once: shut the socket down first, or closing the response would wait for the reader
        thread's `readline` (it holds the buffer's lock) until the server next writes, up to a ping apart."""
        if self.sock is not None:
            with contextlib.suppress(OSError):
                self.sock.shutdown(socket.SHUT_RDWR)
        self.thread.join(10)
        self.conn.close()


def _post(server: LiveServer, uid: str, token: str, path: str, body: Any) -> dict[str, Any]:
    status, _, raw = server.request("POST", f"/api/{uid}{path}", body, token=token)
    assert status in (200, 201), raw
    return dict(json.loads(raw))


def _soon(seconds: float) -> str:
    return (datetime.now(UTC) + timedelta(seconds=seconds)).isoformat()


@pytest.fixture
def pair(tmp_path: Path) -> Any:
    """Two instances (two workers each, each running the scheduler) on one database."""
    url = None if run_settings().test_database_url else f"sqlite:///{tmp_path / 'shared.db'}"
    a = start_server(tmp_path / "a", database_url=url, SSE_PING_SECONDS="2", EVENTS_POLL_SECONDS="0.2")
    b = start_server(tmp_path / "b", database_url=url, SSE_PING_SECONDS="2", EVENTS_POLL_SECONDS="0.2")
    yield a, b
    a.stop()
    b.stop()


def test_change_on_one_instance_reaches_a_screen_on_the_other(pair: tuple[LiveServer, LiveServer]) -> None:
    a, b = pair
    uid, token = a.signup()
    screen = Listener(a, uid, token)
    task = _post(b, uid, token, "/tasks", {"title": "from the phone"})
    _post(b, uid, token, "/chat", {"message": "add buy bread"})
    got = screen.wait_for(2)
    screen.close()
    assert [(e["type"], e["task"]["title"]) for e in got] == [("task.created", "from the phone"),
                                                             ("task.created", "buy bread")]
    assert got[0]["task"]["id"] == task["id"]


def test_reminders_fire_exactly_once_with_two_instances(pair: tuple[LiveServer, LiveServer]) -> None:
    a, b = pair
    uid, token = a.signup()
    screens = [Listener(a, uid, token), Listener(b, uid, token)]
    created = []
    for n in range(6):
        task = _post(a if n % 2 else b, uid, token, "/tasks", {"title": f"reminder {n}"})
        created.append(_post(b if n % 2 else a, uid, token, f"/tasks/{task['id']}/reminders",
                             {"remind_at": _soon(2)}))
    for screen in screens:
        screen.wait_for(18, timeout=30)  # 6 created + 6 reminder added + 6 due
    time.sleep(2.5)  # a second firing would have had two more scheduler ticks to show up
    for screen in screens:
        screen.close()
        due = [e for e in screen.wait_for(0) if e["type"] == "reminder.due"]
        assert sorted(e["reminder"]["id"] for e in due) == sorted(r["id"] for r in created)
        assert all(e["reminder"]["late"] is False for e in due)
    _, _, raw = a.request("GET", f"/api/{uid}/reminders?status=fired", token=token)
    assert len(json.loads(raw)["reminders"]) == 6


def test_reminder_due_while_stopped_fires_late_on_start(tmp_path: Path) -> None:
    url = run_settings().test_database_url or f"sqlite:///{tmp_path / 'stopped.db'}"
    first = start_server(tmp_path / "first", database_url=url, SCHEDULER="off")
    uid, token = first.signup()
    task = _post(first, uid, token, "/tasks", {"title": "while away"})
    reminder = _post(first, uid, token, f"/tasks/{task['id']}/reminders", {"remind_at": _soon(3600)})
    first.stop()
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg2://"))
    with engine.begin() as conn:  # the hour passes while nothing runs
        conn.execute(text("UPDATE reminders SET remind_at = :at WHERE id = :id"),
                     {"at": datetime.now(UTC) - timedelta(minutes=30), "id": reminder["id"]})
    engine.dispose()
    again = start_server(tmp_path / "again", database_url=url)
    try:
        deadline = time.monotonic() + 20
        fired: list[dict[str, Any]] = []
        while time.monotonic() < deadline and not fired:
            _, _, raw = again.request("GET", f"/api/{uid}/reminders?status=fired", token=token)
            fired = json.loads(raw)["reminders"]
            time.sleep(0.2)
        assert [(r["id"], r["late"]) for r in fired] == [(reminder["id"], True)]
        screen = Listener(again, uid, token, last_event_id=0)
        kinds = [e["type"] for e in screen.wait_for(3)]
        screen.close()
        assert kinds == ["task.created", "task.updated", "reminder.due"]
    finally:
        again.stop()


@pytest.mark.postgres_only
def test_two_instances_behind_nginx_share_events_and_fire_once(topology: Topology) -> None:
    """PostgreSQL LISTEN/NOTIFY fan-out: screens on the proxy and on each instance see every change once."""
    uid, token = topology.proxy.signup()
    screens = [Listener(topology.proxy, uid, token), Listener(topology.a, uid, token),
               Listener(topology.b, uid, token)]
    started = time.monotonic()
    task = _post(topology.a, uid, token, "/tasks", {"title": "dentist"})
    _post(topology.b, uid, token, f"/tasks/{task['id']}/reminders", {"remind_at": _soon(2)})
    for screen in screens:
        got = screen.wait_for(3, timeout=30)
        assert [e["type"] for e in got[:3]] == ["task.created", "task.updated", "reminder.due"]
        assert screen.events[0][2] - started < 5
    time.sleep(2.5)  # room for a second firing by the other instance's scheduler, which must not come
    for screen in screens:
        screen.close()
        assert [e["type"] for e in screen.wait_for(0)].count("reminder.due") == 1
    ids = [i for i, _, _ in screens[0].events]
    resumed = Listener(topology.b, uid, token, last_event_id=ids[0])
    assert [e["type"] for e in resumed.wait_for(2)] == ["task.updated", "reminder.due"]
    resumed.close()


@pytest.fixture
def redis_pair(tmp_path: Path) -> Any:
    """Two instances (two workers each) on one database whose live events fan out through one Redis.

    Streams ping (and so re-read the table on their own) only every 60 s and the SQLite poll is an hour
    apart, so an event reaching another process's screen sooner was carried by Redis pub/sub.
    """
    url = None if run_settings().test_database_url else f"sqlite:///{tmp_path / 'shared.db'}"
    with redis_server() as redis_url:
        env = {"SSE_PING_SECONDS": "60", "EVENTS_POLL_SECONDS": "3600", "EVENTS_REDIS_URL": redis_url}
        a = start_server(tmp_path / "a", url, 2, **env)
        b = start_server(tmp_path / "b", url, 2, **env)
        yield a, b, redis_url
        a.stop()
        b.stop()


def test_redis_fans_events_out_across_instances_and_a_resume_loses_nothing(redis_pair: Any) -> None:
    import redis

    from app.events.store import CHANNEL

    a, b, redis_url = redis_pair
    uid, token = a.signup()
    watcher = redis.Redis.from_url(redis_url).pubsub(ignore_subscribe_messages=True)  # type: ignore[no-untyped-call]  # redis-py leaves pubsub() unannotated
    watcher.subscribe(CHANNEL)
    screen = Listener(a, uid, token)
    time.sleep(0.5)  # the stream has read the table and waits for a wake-up
    first = _post(b, uid, token, "/tasks", {"title": "from the phone"})
    got = screen.wait_for(1, timeout=30)
    assert [(e["type"], e["task"]["id"]) for e in got] == [("task.created", first["id"])]
    published: list[bytes] = []
    deadline = time.monotonic() + 3
    while time.monotonic() < deadline:
        message = watcher.get_message(timeout=0.5)
        if message is not None:
            published.append(message["data"])
    assert published == [uid.encode()]  # instance b published the wake-up, once
    watcher.close()
    last_seen = screen.events[-1][0]
    screen.close()
    # Changes on both instances while the screen is away; it comes back on the other instance.
    missed = [_post(a if n % 2 else b, uid, token, "/tasks", {"title": f"missed {n}"})["id"] for n in range(3)]
    resumed = Listener(b, uid, token, last_event_id=last_seen)
    time.sleep(0.5)
    after = _post(a, uid, token, "/tasks", {"title": "after the resume"})["id"]
    resumed.wait_for(4, timeout=30)
    time.sleep(1)  # room for a repeat, which must not come
    resumed.close()
    ids = [i for i, _, _ in resumed.events]
    assert [e["task"]["id"] for _, e, _ in resumed.events] == [*missed, after]
    assert ids == sorted(set(ids)) and ids[0] > last_seen
    for server in (a, b):  # no listener restarts (each restart wakes every stream, which would hide a dead broker)
        assert "live events listener failed" not in server.log_path.read_text()
