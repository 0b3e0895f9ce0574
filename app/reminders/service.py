"""Every reminder rule: the REST API, the MCP tools, the CLI and the scheduler call these.

Like the task service, each function takes the owner and filters by it (another user's reminder is
NotFound). Firing claims a reminder with an atomic `UPDATE ... WHERE status = 'scheduled'`, so with
any number of schedulers running, each reminder fires exactly once.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, or_, select, update

from app import paging
from app.errors import APIError, Invalid, NotFound
from app.events.store import publish
from app.extensions import db
from app.models import Reminder, Task, User
from app.reminders import schedule
from app.reminders.schemas import ReminderCreate, ReminderQuery
from app.tasks.service import DbSession, get_task, task_to_dict

log = logging.getLogger(__name__)
_LOCAL_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$")
PAST_GRACE = timedelta(minutes=1)
"""How far in the past a new reminder may be (a clock a little behind) before it is refused."""


def parse_remind_at(text: str, user: User) -> datetime:
    """ISO 8601 with an offset, or a local `YYYY-MM-DDTHH:MM` read in the user's timezone; UTC out."""
    bad = Invalid("remind_at must be ISO 8601 with an offset, or YYYY-MM-DDTHH:MM in your timezone.",
                  code="invalid_remind_at", fields={"remind_at": "not a date and time"})
    raw = text.strip()
    if raw.endswith(("Z", "z")):
        raw = raw[:-1] + "+00:00"
    try:
        value = datetime.fromisoformat(raw)
    except ValueError as err:
        raise bad from err
    if value.tzinfo is None:
        if not _LOCAL_RE.match(text.strip()):
            raise bad
        value = value.replace(tzinfo=schedule.user_zone(user))
    try:
        return schedule.aware(value)
    except OverflowError as err:
        raise bad from err


def add_reminder(session: DbSession, user: User, task_id: int, data: ReminderCreate) -> Reminder:
    """A new reminder for the user's task, at a time or some minutes before its due date and time."""
    task = get_task(session, user, task_id)
    now = schedule.now()
    if data.before_minutes is not None:
        due = schedule.due_instant(task, user)
        if due is None:
            raise Invalid("That task has no due date and time to remind before.", code="task_not_timed",
                          fields={"before_minutes": "the task needs a due date and time"})
        try:
            at = due - timedelta(minutes=data.before_minutes)
        except OverflowError as err:
            raise Invalid("That moment is out of range.", code="invalid_remind_at",
                          fields={"before_minutes": "out of range"}) from err
    else:
        at = parse_remind_at(data.remind_at or "", user)
    if at < now - PAST_GRACE:
        raise Invalid("That moment is already past.", code="remind_at_past",
                      fields={"remind_at" if data.remind_at else "before_minutes": "in the past"})
    if task.completed:
        raise APIError("That task is already completed.", code="task_completed", status=409)
    reminder = Reminder(user_id=user.id, remind_at=at, before_minutes=data.before_minutes,
                        status="scheduled", late=False, auto=False)
    task.reminders.append(reminder)
    session.flush()
    _task_changed(session, user, task)
    return reminder


def _task_changed(session: DbSession, user: User, task: Task) -> None:
    publish(session, user.id, {"type": "task.updated", "task": task_to_dict(task)})


def get_reminder(session: DbSession, user: User, reminder_id: int) -> Reminder:
    """The user's reminder, or NotFound (also for another user's)."""
    reminder = session.scalar(select(Reminder).where(Reminder.id == reminder_id, Reminder.user_id == user.id))
    if reminder is None:
        raise NotFound(f"No reminder {reminder_id}.", code="reminder_not_found")
    return reminder


def delete_reminder(session: DbSession, user: User, reminder_id: int) -> None:
    """Remove a reminder. (A task's default reminder comes back only when its due time changes.)"""
    reminder = get_reminder(session, user, reminder_id)
    task = reminder.task
    task.reminders.remove(reminder)
    session.flush()
    _task_changed(session, user, task)


def snooze(session: DbSession, user: User, reminder_id: int, minutes: int) -> Reminder:
    """Remind again `minutes` from now (the reminder becomes an absolute one)."""
    reminder = get_reminder(session, user, reminder_id)
    if reminder.task.completed:
        raise APIError("That task is already completed.", code="task_completed", status=409)
    reminder.remind_at = schedule.now() + timedelta(minutes=minutes)
    reminder.before_minutes = None
    reminder.auto = False
    reminder.status = "scheduled"
    reminder.fired_at = None
    reminder.late = False
    session.flush()
    _task_changed(session, user, reminder.task)
    return reminder


def dismiss(session: DbSession, user: User, reminder_id: int) -> Reminder:
    """Done with this reminder: it will not fire (again)."""
    reminder = get_reminder(session, user, reminder_id)
    reminder.status = "dismissed"
    session.flush()
    _task_changed(session, user, reminder.task)
    return reminder


def list_reminders(session: DbSession, user: User, query: ReminderQuery) -> paging.Page[Reminder]:
    """The user's reminders, soonest first, by status, keyset-paged."""
    stmt = select(Reminder).where(Reminder.user_id == user.id)
    if query.status == "active":
        stmt = stmt.where(Reminder.status.not_in(schedule.OFF))
    elif query.status == "dismissed":
        stmt = stmt.where(Reminder.status.in_(schedule.OFF))
    elif query.status != "all":
        stmt = stmt.where(Reminder.status == query.status)
    if query.cursor:
        at, last_id = _decode(query.cursor)
        stmt = stmt.where(or_(Reminder.remind_at > at, and_(Reminder.remind_at == at, Reminder.id > last_id)))
    rows = list(session.scalars(stmt.order_by(Reminder.remind_at, Reminder.id).limit(query.limit + 1)))
    return paging.cut(rows, query.limit, lambda r: paging.encode(
        {"at": schedule.aware(r.remind_at).isoformat(), "id": r.id}))


def _decode(cursor: str) -> tuple[datetime, int]:
    doc = paging.decode(cursor)
    try:
        at = datetime.fromisoformat(doc["at"])
    except (ValueError, KeyError, TypeError) as err:
        raise paging.invalid_cursor() from err
    if at.tzinfo is None:
        raise paging.invalid_cursor()
    return at, paging.row_id(doc.get("id"))


def set_remind_at_due(session: DbSession, user: User, on: bool) -> None:
    """Turn the default reminder at the due time on or off (for tasks given a due time from now on)."""
    user.remind_at_due = on
    session.flush()


@dataclass
class Fired:
    """A reminder that this call fired (claimed), with what the push message needs."""

    user_id: str
    """Whose."""
    reminder: dict[str, Any]
    """The Reminder object."""
    task: dict[str, Any]
    """The Task object."""
    extra: dict[str, Any] = field(default_factory=dict)
    """Room for the caller."""


def fire_due(now: datetime | None = None, limit: int = 200) -> list[Fired]:
    """Fire every reminder due at `now` that nobody fired yet; returns those this call fired.

    Each candidate is claimed with one atomic UPDATE on its status, in its own transaction with the
    `reminder.due` event, so two schedulers never both fire it and an event exists iff it fired.
    Reminders of completed tasks are skipped (deleted tasks take theirs along).
    """
    now = now or schedule.now()
    with db.begin() as session:
        ids = list(session.scalars(
            select(Reminder.id).join(Task, Task.id == Reminder.task_id)
            .where(Reminder.status == "scheduled", Reminder.remind_at <= now, Task.completed.is_(False))
            .order_by(Reminder.remind_at, Reminder.id).limit(limit)))
    fired: list[Fired] = []
    for reminder_id in ids:
        with db.begin() as session:
            claimed = session.execute(
                update(Reminder).where(Reminder.id == reminder_id, Reminder.status == "scheduled")
                .values(status="fired", fired_at=now, late=Reminder.remind_at < now - schedule.LATE_AFTER)
                .execution_options(synchronize_session=False))
            if getattr(claimed, "rowcount", 0) != 1:
                continue
            reminder = session.get(Reminder, reminder_id, populate_existing=True)
            assert reminder is not None
            task = session.get(Task, reminder.task_id)
            assert task is not None
            session.refresh(task, ["reminders"])
            item = Fired(reminder.user_id, schedule.reminder_to_dict(reminder), task_to_dict(task))
            publish(session, reminder.user_id, {"type": "reminder.due", "reminder": item.reminder,
                                                "task": item.task})
            fired.append(item)
    if fired:
        log.info("fired %d reminder(s)", len(fired))
    return fired
