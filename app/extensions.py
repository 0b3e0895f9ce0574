"""Extension objects, created once here and initialised in `create_app`."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import Flask
from flask_jwt_extended import JWTManager
from spectree import SecurityScheme, SecuritySchemeData, SpecTree
from spectree.models import SecureType
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, scoped_session, sessionmaker

from app.config import get_config
from app.errors import ErrorBody
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
        self.factory.configure(bind=self.engine)
        app.extensions["db"] = self
        app.teardown_appcontext(self._remove)

    def _remove(self, _exc: BaseException | None = None) -> None:
        self.session.remove()

    @contextmanager
    def begin(self) -> Iterator[Session]:
        """A fresh session in a transaction: committed on success, rolled back on error."""
        with self.factory() as session, session.begin():
            yield session

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


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    # With WAL, NORMAL is still crash-safe for the app (only an OS crash can lose the last commits)
    # and spares an fsync per commit, which was the largest single cost of a chat turn on SQLite.
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


db = Database()
jwt = JWTManager()
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
