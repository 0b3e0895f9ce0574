"""When reminders fire: the task's due instant in the user's timezone, relative reminders following
the task's occurrences, the default reminder at the due time. Only models are imported here, so the
task service can call it on every change of a due date or time.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from app.models import Reminder, Task, User, utcnow

LATE_AFTER = timedelta(seconds=60)
"""A reminder fired later than this after its time is marked late."""
STOPPED = "stopped"
"""Stored status of a reminder that was pending when its task was completed: shown as dismissed, armed
again when the task is reopened (a reminder the user dismissed stays dismissed)."""
OFF = ("dismissed", STOPPED)
"""Stored statuses of reminders that will not fire and are not shown on the task."""


_clock: Callable[[], datetime] = utcnow


def now() -> datetime:
    """The current instant as reminders see it (tests replace the clock with `set_clock`)."""
    return _clock()


def set_clock(clock: Callable[[], datetime] | None) -> None:
    """Replace the clock (None restores the real one)."""
    global _clock
    _clock = clock or utcnow


def user_zone(user: User) -> ZoneInfo:
    """The user's timezone (UTC when unknown)."""
    try:
        return ZoneInfo(user.timezone or "UTC")
    except (KeyError, ValueError):
        return ZoneInfo("UTC")


def aware(value: datetime) -> datetime:
    """`value` in UTC; SQLite hands back naive datetimes that are UTC already."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def due_instant(task: Task, user: User) -> datetime | None:
    """The task's due date and time as a UTC instant, read in the user's timezone (None without both).

    A wall-clock time that a DST change skips is moved forward by the gap; a repeated one is the first.
    """
    if task.due_date is None or task.due_time is None:
        return None
    local = datetime.combine(task.due_date, task.due_time, tzinfo=user_zone(user))
    try:
        return local.astimezone(UTC)
    except OverflowError:  # a due date at the very edge of the calendar: nothing to remind of
        return None


def reminder_to_dict(reminder: Reminder) -> dict[str, Any]:
    """The contract's Reminder object."""
    fired = reminder.fired_at
    return {
        "id": reminder.id,
        "task_id": reminder.task_id,
        "remind_at": _z(aware(reminder.remind_at)),
        "before_minutes": reminder.before_minutes,
        "status": "dismissed" if reminder.status == STOPPED else reminder.status,
        "fired_at": _z(aware(fired)) if fired else None,
        "late": bool(reminder.late),
    }


def _z(value: datetime) -> str:
    return value.isoformat().replace("+00:00", "Z")


def visible(task: Task) -> list[dict[str, Any]]:
    """The task's reminders that are not dismissed, soonest first."""
    return [reminder_to_dict(r) for r in sorted(task.reminders, key=lambda r: (aware(r.remind_at), r.id or 0))
            if r.status not in OFF]


def _rearm(reminder: Reminder, at: datetime) -> None:
    reminder.remind_at = at
    reminder.status = "scheduled"
    reminder.fired_at = None
    reminder.late = False


def follow_due(task: Task, user: User, now: datetime) -> None:
    """After the task's due date or time changed (or it was created, or moved to its next occurrence):
    relative reminders move with it (and arm again for a new occurrence), those that lost their due
    time go, and a task with a future due time gets the default reminder when the user wants it.
    """
    due = due_instant(task, user)
    has_auto = False
    for reminder in list(task.reminders):
        if reminder.before_minutes is None or reminder.status in OFF:
            continue
        if due is None:
            task.reminders.remove(reminder)
            continue
        has_auto = has_auto or reminder.auto
        try:
            at = due - timedelta(minutes=reminder.before_minutes)
        except OverflowError:
            continue
        if aware(reminder.remind_at) != at and at > now:
            _rearm(reminder, at)
    if due is not None and due > now and not has_auto and user.remind_at_due and not task.completed:
        task.reminders.append(Reminder(user_id=user.id, remind_at=due, before_minutes=0, auto=True,
                                       status="scheduled", late=False))


def stop(task: Task) -> None:
    """The task is completed for good: its pending reminders will not fire (until it is reopened)."""
    for reminder in task.reminders:
        if reminder.status == "scheduled":
            reminder.status = STOPPED


def reopen(task: Task, user: User, now: datetime) -> None:
    """The completed task is open again: the reminders its completion stopped are armed again when their
    moment (relative ones: from the current due date and time) is still ahead; those whose moment went by
    while it was done are dismissed rather than fired late. Then the default reminder as for any change.
    """
    due = due_instant(task, user)
    for reminder in list(task.reminders):
        if reminder.status != STOPPED:
            continue
        at: datetime | None = aware(reminder.remind_at)
        if reminder.before_minutes is not None:
            try:
                at = None if due is None else due - timedelta(minutes=reminder.before_minutes)
            except OverflowError:
                at = None
        if at is not None and at > now:
            _rearm(reminder, at)
        else:
            reminder.status = "dismissed"
    follow_due(task, user, now)


def occurrence_start(task: Task, user: User) -> datetime | None:
    """When the task's (current) occurrence is due: its due instant, or the start of its due day."""
    due = due_instant(task, user)
    if due is not None or task.due_date is None:
        return due
    try:
        return datetime.combine(task.due_date, time(0), tzinfo=user_zone(user)).astimezone(UTC)
    except OverflowError:
        return None


def finish_occurrence(task: Task, user: User) -> None:
    """A recurring task moved on to its next occurrence (its due date already changed): absolute reminders
    (pending or fired) before that occurrence belonged to the one just done (a snooze, "remind me tomorrow at
    9") and are dismissed; those set for a later moment stay. Relative reminders follow in `follow_due`.
    """
    start = occurrence_start(task, user)
    for reminder in task.reminders:
        if reminder.before_minutes is None and reminder.status in ("scheduled", "fired") and (
                start is None or aware(reminder.remind_at) < start):
            reminder.status = "dismissed"
