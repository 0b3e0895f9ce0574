"""A rate-limit storage in one SQLite file, shared by every worker process of a server.

Why SQLite: it ships with Python (no extra service or dependency), its file locking is
what makes it safe for several processes, and one `INSERT ... ON CONFLICT ... RETURNING`
statement increments a counter atomically across them. The `limits` library offers only
per-process memory or network stores (Redis, Memcached, MongoDB); this fills the gap for a
single machine. Several machines still need `RATELIMIT_STORAGE_URI=redis://...`.

URI: `todo-sqlite:///<absolute path>`; registered with `limits` by subclassing `Storage`.
Only the fixed-window strategy (flask-limiter's default) is supported.
"""

from __future__ import annotations

import os
import sqlite3
import time
from typing import Any

from limits.storage import Storage

SCHEME = "todo-sqlite"

_SCHEMA = """CREATE TABLE IF NOT EXISTS counters (
    key TEXT PRIMARY KEY, value INTEGER NOT NULL, expiry REAL NOT NULL)"""

_INCR = """INSERT INTO counters (key, value, expiry) VALUES (:key, :amount, :expiry)
ON CONFLICT (key) DO UPDATE SET
    value = CASE WHEN counters.expiry <= :now THEN excluded.value ELSE counters.value + excluded.value END,
    expiry = CASE WHEN counters.expiry <= :now THEN excluded.expiry ELSE counters.expiry END
RETURNING value"""


class SQLiteStorage(Storage):
    """Fixed-window counters in a SQLite file; one connection per process.

    Each statement is short and does not yield to gevent, so one connection serves every
    greenlet of a worker; a forked child opens its own.
    """

    STORAGE_SCHEME = [SCHEME]

    def __init__(self, uri: str, wrap_exceptions: bool = False, **options: Any) -> None:
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        self.path = uri.split("://", 1)[1]
        self._conn: sqlite3.Connection | None = None
        self._pid = 0
        self._connect().execute(_SCHEMA)

    def _connect(self) -> sqlite3.Connection:
        if self._conn is None or self._pid != os.getpid():
            conn = sqlite3.connect(self.path, timeout=10, isolation_level=None, check_same_thread=False)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            self._conn, self._pid = conn, os.getpid()
        return self._conn

    @property
    def base_exceptions(self) -> type[Exception] | tuple[type[Exception], ...]:
        return sqlite3.Error

    def incr(self, key: str, expiry: float, amount: int = 1) -> int:
        now = time.time()
        row = self._connect().execute(_INCR, {"key": key, "amount": amount, "expiry": now + expiry,
                                              "now": now}).fetchone()
        return int(row[0])

    def get(self, key: str) -> int:
        row = self._connect().execute("SELECT value FROM counters WHERE key = ? AND expiry > ?",
                                      (key, time.time())).fetchone()
        return int(row[0]) if row else 0

    def get_expiry(self, key: str) -> float:
        row = self._connect().execute("SELECT expiry FROM counters WHERE key = ? AND expiry > ?",
                                      (key, time.time())).fetchone()
        return float(row[0]) if row else time.time()

    def check(self) -> bool:
        try:
            self._connect().execute("SELECT 1")
        except sqlite3.Error:
            return False
        return True

    def reset(self) -> int | None:
        cur = self._connect().execute("DELETE FROM counters")
        return cur.rowcount

    def clear(self, key: str) -> None:
        conn = self._connect()
        conn.execute("DELETE FROM counters WHERE key = ?", (key,))
        if int(time.time()) % 64 == 0:  # now and then, forget long-expired windows
            conn.execute("DELETE FROM counters WHERE expiry < ?", (time.time() - 3600,))
