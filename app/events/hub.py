"""Fan-out of live events to the streams open in this process, woken from every other process.

A stream never receives payloads through the hub: it is only *woken* with the user's id and then
reads the user's new events from the table, so a missed or doubled wake-up can delay an event but
never lose or repeat one. Wake-ups come from:
- this process: the session's `after_commit` (the REST route, the MCP tool or the scheduler that
  published the event ran here);
- other processes and machines: PostgreSQL `LISTEN` (publish issues `pg_notify` inside the
  transaction, delivered at commit), or Redis pub/sub when `EVENTS_REDIS_URL` is set, or, for the
  SQLite default that has no broker, one cheap poll of the events table per process.
"""

from __future__ import annotations

import logging
import select
import threading
import time
from typing import Any

from flask import Flask
from sqlalchemy import event as sa_event
from sqlalchemy import select as sa_select

from app.config import get_config
from app.events.store import CHANNEL, PENDING_KEY, newest_id
from app.extensions import db
from app.models import Event

log = logging.getLogger(__name__)


class Waiter:
    """One open stream's doorbell."""

    def __init__(self) -> None:
        self._flag = threading.Event()

    def ring(self) -> None:
        """Wake the stream."""
        self._flag.set()

    def clear(self) -> None:
        """Forget earlier rings (call before reading, so a ring during the read is kept)."""
        self._flag.clear()

    def wait(self, timeout: float) -> bool:
        """Until rung or `timeout` seconds; True when rung."""
        return self._flag.wait(timeout)


class Hub:
    """The process's registry of open streams by user, and the listener that wakes them."""

    def __init__(self, app: Flask) -> None:
        self._subs: dict[str, set[Waiter]] = {}
        self._lock = threading.Lock()
        self._listener: threading.Thread | None = None
        self._stopped = threading.Event()
        cfg = get_config(app)
        self._url = cfg.database_url
        self._redis_url = cfg.events_redis_url
        self._poll_seconds = cfg.events_poll_seconds
        self._redis: Any = None
        self.closing = False
        """Set when the process is shutting down: open streams end, and clients reconnect elsewhere."""
        if self._redis_url:
            import redis

            self._redis = redis.Redis.from_url(self._redis_url)

    @property
    def broker(self) -> str:
        """How other processes' events reach this one: redis, postgres or poll."""
        if self._redis_url:
            return "redis"
        return "postgres" if self._url.startswith("postgresql") else "poll"

    def subscribe(self, user_id: str) -> Waiter:
        """A doorbell for a new stream of `user_id` (starts the listener on first use)."""
        waiter = Waiter()
        with self._lock:
            self._subs.setdefault(user_id, set()).add(waiter)
            if self._listener is None and not self._stopped.is_set():
                self._listener = threading.Thread(target=self._listen, name="events-listener", daemon=True)
                self._listener.start()
        return waiter

    def unsubscribe(self, user_id: str, waiter: Waiter) -> None:
        """Forget a closed stream."""
        with self._lock:
            waiters = self._subs.get(user_id)
            if waiters is not None:
                waiters.discard(waiter)
                if not waiters:
                    del self._subs[user_id]

    def streams(self) -> int:
        """How many streams are open in this process."""
        with self._lock:
            return sum(len(w) for w in self._subs.values())

    def wake(self, user_ids: set[str] | list[str]) -> None:
        """Ring every stream of these users open in this process."""
        with self._lock:
            waiters = [w for uid in user_ids for w in self._subs.get(uid, ())]
        for waiter in waiters:
            waiter.ring()

    def wake_all(self) -> None:
        """Ring every stream (after the listener lost its broker for a while)."""
        with self._lock:
            waiters = [w for ws in self._subs.values() for w in ws]
        for waiter in waiters:
            waiter.ring()

    def close_streams(self) -> None:
        """End every open stream (the worker is stopping; clients resume elsewhere with Last-Event-ID)."""
        self.closing = True
        self.wake_all()

    def watch_worker(self, alive: Any, every: float = 0.5) -> None:
        """Close the streams once `alive()` turns false (a gunicorn worker's graceful stop)."""

        def watch() -> None:
            while alive():
                time.sleep(every)
            self.close_streams()

        threading.Thread(target=watch, name="events-shutdown", daemon=True).start()

    def committed(self, user_ids: set[str]) -> None:
        """Events of these users were just committed in this process."""
        self.wake(user_ids)
        if self._redis is not None:
            try:
                for uid in user_ids:
                    self._redis.publish(CHANNEL, uid)
            except Exception:
                log.exception("could not publish live events to Redis; other machines learn on reconnect")

    def stop(self, timeout: float = 5.0) -> None:
        """Stop the listener (the app that made this hub is replaced in this process, e.g. in tests).

        The poll ends before its next transaction, the PostgreSQL and Redis listeners at their next
        wake-up; waits up to `timeout` seconds for the poll (the others hold no transaction).
        """
        self._stopped.set()
        with self._lock:
            listener = self._listener
        if listener is not None and self.broker == "poll":
            listener.join(timeout)

    def _listen(self) -> None:
        target = {"redis": self._listen_redis, "postgres": self._listen_postgres, "poll": self._poll}[self.broker]
        while not self._stopped.is_set():
            try:
                target()
            except Exception:
                log.exception("live events listener failed; restarting")
            if self._stopped.wait(1):
                return
            self.wake_all()

    def _listen_postgres(self) -> None:
        assert db.engine is not None
        fairy = db.engine.raw_connection()
        fairy.detach()  # its own connection for good, outside the pool
        conn: Any = fairy.dbapi_connection
        try:
            conn.autocommit = True
            with conn.cursor() as cur:
                cur.execute(f"LISTEN {CHANNEL}")
            self.wake_all()  # anything committed while we were not listening
            while not self._stopped.is_set():
                select.select([conn], [], [], 30)
                conn.poll()
                users = {n.payload for n in conn.notifies}
                conn.notifies.clear()
                if users:
                    self.wake(users)
        finally:
            conn.close()

    def _listen_redis(self) -> None:
        pubsub = self._redis.pubsub(ignore_subscribe_messages=True)
        pubsub.subscribe(CHANNEL)
        self.wake_all()
        try:
            for message in pubsub.listen():
                if self._stopped.is_set():
                    return
                data = message.get("data")
                if isinstance(data, bytes):
                    self.wake([data.decode()])
        finally:
            pubsub.close()

    def _poll(self) -> None:
        with db.begin() as session:
            watermark = newest_id(session)
        while not self._stopped.wait(self._poll_seconds):
            with db.begin() as session:
                rows = session.execute(sa_select(Event.id, Event.user_id).where(Event.id > watermark)
                                       .order_by(Event.id).limit(5000)).all()
            if rows:
                watermark = rows[-1][0]
                self.wake({uid for _, uid in rows})


def _after_commit(session: Any) -> None:
    users = session.info.pop(PENDING_KEY, None)
    if users and _hub is not None:
        _hub.committed(set(users))


def _after_rollback(session: Any) -> None:
    session.info.pop(PENDING_KEY, None)


_hub: Hub | None = None


def init_events(app: Flask) -> None:
    """Create the process's hub and hook commits of every session to it.

    A hub made by an earlier app of this process (tests make one app each) is stopped first: its
    listener would otherwise keep polling through the process's one `db`, now the new app's.
    """
    global _hub
    if _hub is not None:
        _hub.stop()
    _hub = Hub(app)
    app.extensions["todo_events_hub"] = _hub
    if not sa_event.contains(db.factory, "after_commit", _after_commit):
        sa_event.listen(db.factory, "after_commit", _after_commit)
        sa_event.listen(db.factory, "after_rollback", _after_rollback)


def get_hub() -> Hub:
    """The hub of this process."""
    assert _hub is not None, "init_events(app) was not called"
    return _hub
