"""GET /api/<user_id>/events: the live event stream of one open screen (Server-Sent Events)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from flask import Blueprint, request

from app import sse
from app.auth.ownership import owner_required
from app.config import get_config
from app.errors import APIError
from app.events.hub import get_hub
from app.events.store import frames_after, latest_id
from app.extensions import db
from app.models import User

bp = Blueprint("events", __name__, url_prefix="/api/<user_id>")
BATCH = 200


def _last_event_id() -> int | None:
    raw = request.headers.get("Last-Event-ID") or request.args.get("last_event_id")
    if raw is None or raw.strip() == "":
        return None
    if not (raw.strip().isascii() and raw.strip().isdigit()) or len(raw.strip()) > 18:  # not "²"
        raise APIError("Last-Event-ID must be an event id.", code="invalid_last_event_id", status=400)
    return int(raw)


@bp.get("/events")
@owner_required
def stream(user: User) -> Any:
    """Every later event of the user, in order, each once; replay from `Last-Event-ID` on reconnect."""
    uid = user.id
    last = _last_event_id()
    if last is None:
        last = latest_id(db.session, uid)
    db.session.remove()  # an idle stream holds no database connection
    ping = get_config().sse_ping_seconds
    hub = get_hub()
    waiter = hub.subscribe(uid)

    def body(after: int) -> Iterator[bytes]:
        try:
            yield b"retry: 2000\n\n"
            while not hub.closing:
                waiter.clear()
                with db.begin() as session:
                    rows = frames_after(session, uid, after, BATCH)
                for event_id, text in rows:
                    yield f"id: {event_id}\ndata: {text}\n\n".encode()
                    after = event_id
                if len(rows) == BATCH:
                    continue
                if not waiter.wait(ping):
                    yield sse.PING
        finally:
            hub.unsubscribe(uid, waiter)

    return sse.stream(body(last))
