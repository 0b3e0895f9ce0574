"""A lock held by another connection of the test database, for tests of what waits on it."""

from __future__ import annotations

import sqlite3
import threading
from typing import Any

import psycopg2


class Blocker:
    """Another connection of the test database that takes, once and on cue, a lock adding a task waits for.

    SQLite: the database's write lock (every writer waits). PostgreSQL: a SHARE lock on `tasks`
    (readers and the chat turn's own rows pass; inserting a task waits).
    """

    def __init__(self, url: str, release_after: float) -> None:
        self.url = url
        """The database (SQLAlchemy URL)."""
        self.release_after = release_after
        """Seconds after taking the lock that it is released, whatever happened meanwhile."""
        self.taken = threading.Event()
        """Set once the lock was taken."""
        self._conn: Any = None
        self._timer: threading.Timer | None = None

    def take(self) -> None:
        """Take the lock (first call only) and release it `release_after` seconds later."""
        if self.taken.is_set():
            return
        if self.url.startswith("sqlite"):
            self._conn = sqlite3.connect(self.url.removeprefix("sqlite:///"), isolation_level=None,
                                         check_same_thread=False)
            self._conn.execute("BEGIN IMMEDIATE")  # the database's one write lock
        else:
            self._conn = psycopg2.connect(self.url.replace("postgresql+psycopg2://", "postgresql://"))
            with self._conn.cursor() as cur:
                cur.execute("LOCK TABLE tasks IN SHARE MODE")  # readers pass, inserts into tasks wait
        self.taken.set()
        self._timer = threading.Timer(self.release_after, self.release)
        self._timer.start()

    def release(self) -> None:
        """Roll the other transaction back (idempotent)."""
        conn, self._conn = self._conn, None
        if conn is not None:
            conn.rollback()
            conn.close()

    def close(self) -> None:
        """Release now and forget the timer."""
        if self._timer is not None:
            self._timer.cancel()
        self.release()
