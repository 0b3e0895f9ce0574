"""Extension objects, created once here and initialised in `create_app`."""

from __future__ import annotations

import math
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import Flask
from spectree import SecurityScheme, SecuritySchemeData, SpecTree
from spectree.models import SecureType
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.orm import Session, scoped_session, sessionmaker

from app.config import get_config
from app.errors import ErrorBody
from app.jwt_manager import TokenManager
from app.validation import spectree_before


class Database:
    """A SQLAlchemy engine and session factory bound to the app's `DATABASE_URL`.

    Request code uses `db.session` (one per request greenlet, removed at teardown); code that
    runs elsewhere (MCP tools on the asyncio thread, CLI) opens its own with `db.begin()`.
    """

    def __init__(self) -> None:
        self.engine: Engine | None = None
        self.factory = sessionmaker(expire_on_commit=False)
        self.session = scoped_session(self.factory)

    def init_app(self, app: Flask) -> None:
        cfg = get_config(app)
        url = cfg.database_url
        options: dict[str, Any] = {"future": True}
        if url.startswith("sqlite"):
            options["connect_args"] = {"check_same_thread": False, "timeout": 30}
        else:
            options["pool_pre_ping"] = True  # servers (and Neon's suspends) close idle connections
            options["pool_size"] = cfg.db_pool_size
            options["max_overflow"] = cfg.db_max_overflow
            options["pool_recycle"] = 1800
        if self.engine is not None:
            self.engine.dispose()
        self.engine = create_engine(url, **options)
        if url.startswith("sqlite"):
            event.listen(self.engine, "connect", _sqlite_pragmas)
        event.listen(self.engine, "before_cursor_execute", _bound_statement)
        self.factory.configure(bind=self.engine)
        app.extensions["db"] = self
        app.teardown_appcontext(self._remove)

    def _remove(self, _exc: BaseException | None = None) -> None:
        self.session.remove()

    @contextmanager
    def begin(self, until: float | None = None) -> Iterator[Session]:
        """A fresh session in a transaction: committed on success, rolled back on error.

        With `until` (a `time.monotonic()` moment), no statement of the transaction waits past it
        (give or take `_REFRESH_SECONDS`) for a lock: PostgreSQL cancels it (`statement_timeout`),
        SQLite stops waiting for the write lock (`busy_timeout`), and a statement started later fails
        with DeadlinePassed. Either way the transaction is rolled back, so nothing of it is half-written.
        """
        with self.factory() as session, session.begin():
            if until is None:
                yield session
                return
            info = session.connection().info
            info[UNTIL_KEY] = until
            try:
                yield session
            finally:
                info.pop(UNTIL_KEY, None)
                info.pop(_BOUND_AT_KEY, None)

    @contextmanager
    def statements(self) -> Iterator[Connection]:
        """A connection in a transaction, for plain statements (no ORM objects): committed on success,
        rolled back on error. Cheaper than `begin()` for the writes every chat turn makes: no session,
        no unit of work, and an UPDATE of a mapped table runs as SQL instead of an ORM bulk update."""
        assert self.engine is not None, "Database.init_app was not called"
        with self.engine.begin() as connection:
            yield connection

    @contextmanager
    def work(self) -> Iterator[Session]:
        """The current greenlet's session (a request's, with what it already read) as one transaction.

        Committed on success, rolled back on error. A request that checked its token and then stores
        something does both in one transaction on one connection, instead of a second one beside it.
        """
        session = self.session()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


class DeadlinePassed(TimeoutError):
    """A statement of a transaction begun with `until` would have started after that moment."""


UNTIL_KEY = "todo_until"
"""Key, in a connection's `info`, of the monotonic moment its current transaction must end by."""
_BOUND_AT_KEY = "todo_bound_at"
"""When PostgreSQL's statement_timeout was last set for the current transaction (monotonic)."""
_BUSY_SHORTENED_KEY = "todo_busy_shortened"
"""True while a SQLite connection's busy timeout is shorter than BUSY_TIMEOUT_MS."""
BUSY_TIMEOUT_MS = 30000
"""How long a SQLite statement waits for the write lock, outside a bounded transaction."""
_REFRESH_SECONDS = 0.01
"""A bound set this long ago is set again before the next statement (a slow statement used some of it)."""


def _bound_statement(conn: Any, cursor: Any, _statement: Any, _parameters: Any, _context: Any,
                     _executemany: bool) -> None:
    """Before each statement: hold it to its transaction's `until`, if any (see `Database.begin`).

    The time left is set again whenever the earlier value is older than `_REFRESH_SECONDS` (a tool's
    transaction runs five or six statements within a millisecond; each setting is a statement too).
    PostgreSQL: `SET LOCAL statement_timeout`, which ends with the transaction. SQLite: the connection's
    busy timeout, put back to BUSY_TIMEOUT_MS by the next statement outside a bounded transaction; a
    deadline further away than BUSY_TIMEOUT_MS (a turn's usual case: 90 s) leaves the connection's own
    timeout in place, which already ends the wait before it, and costs no statement.
    """
    info = conn.info
    until = info.get(UNTIL_KEY)
    sqlite = conn.dialect.name == "sqlite"
    if until is None:
        if sqlite and info.pop(_BUSY_SHORTENED_KEY, False):
            cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        return
    now = time.monotonic()
    left_ms = math.ceil((until - now) * 1000)
    if left_ms <= 0:
        raise DeadlinePassed("the transaction's time ran out")
    if now - info.get(_BOUND_AT_KEY, -math.inf) <= _REFRESH_SECONDS:
        return
    info[_BOUND_AT_KEY] = now
    if sqlite:
        if left_ms < BUSY_TIMEOUT_MS:
            cursor.execute(f"PRAGMA busy_timeout={left_ms}")
            info[_BUSY_SHORTENED_KEY] = True
        elif info.pop(_BUSY_SHORTENED_KEY, False):
            cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    else:
        cursor.execute(f"SET LOCAL statement_timeout = {left_ms}")


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    # With WAL, NORMAL is still crash-safe for the app (only an OS crash can lose the last commits)
    # and spares an fsync per commit, which was the largest single cost of a chat turn on SQLite.
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.close()


db = Database()
jwt = TokenManager()
api = SpecTree(
    "flask",
    title="Todo Assistant API",
    version="1.0.0",
    path="api/docs",
    validation_error_status=422,
    validation_error_model=ErrorBody,
    before=spectree_before,
    mode="strict",
    security_schemes=[
        SecurityScheme(
            name="bearer", data=SecuritySchemeData(type=SecureType.HTTP, scheme="bearer", bearer_format="JWT")
        )
    ],
    security={"bearer": []},
)
