"""Publishing and reading live events. Publishing is part of the caller's transaction: an event exists
exactly when the change it describes was committed.

Ids come from one table-wide sequence. Before inserting, `publish` locks the user's row (PostgreSQL;
SQLite serialises writers anyway), so a user's event ids are handed out in commit order: a reader that
saw id N of a user can never later find a smaller id of that user committed behind it.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Text, cast, delete, func, insert, select
from sqlalchemy.orm import Session, scoped_session

from app.models import Event, User

DbSession = Session | scoped_session[Session]
CHANNEL = "todo_events"
"""PostgreSQL NOTIFY channel (and Redis pub/sub channel); the payload is the user id."""
PENDING_KEY = "todo_event_users"
"""Key in `session.info` of the users that got events in the open transaction (woken after commit)."""
_INSERT = insert(Event)
"""An event row (built once; `publish` gives the values, and created_at comes from the column's default)."""


def publish(session: DbSession, user_id: str, payload: dict[str, Any]) -> None:
    """Record `payload` (with its `type`) for the user's screens, in the caller's transaction.

    One INSERT on the session's connection, not an Event object added and flushed: every change a user
    makes publishes.
    """
    bind = session.get_bind()
    postgres = bind.dialect.name == "postgresql"
    if postgres:
        # FOR NO KEY UPDATE: it serializes a user's publishers (ids in commit order) without conflicting with
        # the KEY SHARE lock the change's own insert took on the user row (FOR UPDATE deadlocked there).
        session.execute(select(User.id).where(User.id == user_id).with_for_update(key_share=True))
    # Plain SQL in the caller's transaction (created_at comes from the column's default).
    session.connection().execute(_INSERT, {"user_id": user_id, "type": str(payload["type"]), "data": payload})
    if postgres:
        session.execute(select(func.pg_notify(CHANNEL, user_id)))
    session.info.setdefault(PENDING_KEY, set()).add(user_id)


def events_after(session: DbSession, user_id: str, after_id: int, limit: int = 500) -> list[Event]:
    """The user's events with an id above `after_id`, oldest first."""
    stmt = (select(Event).where(Event.user_id == user_id, Event.id > after_id)
            .order_by(Event.id).limit(limit))
    return list(session.scalars(stmt))


def frames_after(session: DbSession, user_id: str, after_id: int, limit: int = 500) -> list[tuple[int, str]]:
    """The user's events above `after_id`, oldest first, as (id, JSON text) with the text as stored.

    An event is encoded once, when it is published; streams send the stored text as it is instead of
    decoding and encoding it again for every open screen. (The stored JSON never holds a raw newline, so it
    fits one SSE `data:` line.)
    """
    stmt = (select(Event.id, cast(Event.data, Text)).where(Event.user_id == user_id, Event.id > after_id)
            .order_by(Event.id).limit(limit))
    return [(int(event_id), str(text)) for event_id, text in session.execute(stmt)]


def latest_id(session: DbSession, user_id: str) -> int:
    """The user's newest event id (0 when none)."""
    return int(session.scalar(select(func.max(Event.id)).where(Event.user_id == user_id)) or 0)


def newest_id(session: DbSession) -> int:
    """The newest event id of anyone (the SQLite poller's starting point)."""
    return int(session.scalar(select(func.max(Event.id))) or 0)


def purge(session: DbSession, older_than: datetime) -> int:
    """Forget events created before `older_than`; returns how many."""
    result = session.execute(delete(Event).where(Event.created_at < older_than))
    return int(getattr(result, "rowcount", 0) or 0)


def retention_cutoff(now: datetime, hours: int) -> datetime:
    """The creation time before which events may be purged (never less than a day)."""
    return now - timedelta(hours=max(hours, 24))
