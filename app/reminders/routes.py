"""REST routes of reminders (and the reminder setting); the rules are in reminders.service."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response

from app import paging
from app.auth.ownership import owner_required
from app.extensions import api, db
from app.models import User
from app.reminders import service
from app.reminders.schedule import reminder_to_dict
from app.reminders.schemas import (
    ReminderCreate,
    ReminderOut,
    ReminderPage,
    ReminderQuery,
    ReminderSettings,
    SnoozeBody,
)
from app.validation import USER_ERRORS, responses

bp = Blueprint("reminders", __name__, url_prefix="/api/<user_id>")
_ERRORS = (*USER_ERRORS, 409)


@bp.post("/tasks/<int:task_id>/reminders")
@owner_required
@api.validate(json=ReminderCreate, resp=responses("HTTP_201", ReminderOut, *_ERRORS), tags=["reminders"])
def add_reminder(user: User, task_id: int, json: ReminderCreate) -> Any:
    """Add a reminder to a task: `remind_at`, or `before_minutes` before its due date and time."""
    reminder = service.add_reminder(db.session, user, task_id, json)
    db.session.commit()
    return reminder_to_dict(reminder), 201


@bp.get("/reminders")
@owner_required
@api.validate(query=ReminderQuery, resp=responses("HTTP_200", ReminderPage, *USER_ERRORS), tags=["reminders"])
def list_reminders(user: User, query: ReminderQuery) -> Any:
    """The user's reminders, soonest first."""
    return paging.body("reminders", service.list_reminders(db.session, user, query), reminder_to_dict)


@bp.delete("/reminders/<int:reminder_id>")
@owner_required
@api.validate(resp=responses("HTTP_204", None, *USER_ERRORS), tags=["reminders"])
def delete_reminder(user: User, reminder_id: int) -> Any:
    """Remove a reminder."""
    service.delete_reminder(db.session, user, reminder_id)
    db.session.commit()
    return Response(status=204)


@bp.post("/reminders/<int:reminder_id>/snooze")
@owner_required
@api.validate(json=SnoozeBody, resp=responses("HTTP_200", ReminderOut, *_ERRORS), tags=["reminders"])
def snooze(user: User, reminder_id: int, json: SnoozeBody) -> Any:
    """Remind again in `minutes`."""
    reminder = service.snooze(db.session, user, reminder_id, json.minutes)
    db.session.commit()
    return reminder_to_dict(reminder)


@bp.post("/reminders/<int:reminder_id>/dismiss")
@owner_required
@api.validate(resp=responses("HTTP_200", ReminderOut, *USER_ERRORS), tags=["reminders"])
def dismiss(user: User, reminder_id: int) -> Any:
    """Dismiss a reminder."""
    reminder = service.dismiss(db.session, user, reminder_id)
    db.session.commit()
    return reminder_to_dict(reminder)


@bp.get("/settings/reminders")
@owner_required
@api.validate(resp=responses("HTTP_200", ReminderSettings, *USER_ERRORS), tags=["reminders"])
def get_settings(user: User) -> Any:
    """The reminder settings."""
    return {"remind_at_due": user.remind_at_due}


@bp.put("/settings/reminders")
@owner_required
@api.validate(json=ReminderSettings, resp=responses("HTTP_200", ReminderSettings, *USER_ERRORS),
              tags=["reminders"])
def put_settings(user: User, json: ReminderSettings) -> Any:
    """Turn the default reminder at the due time on or off."""
    service.set_remind_at_due(db.session, user, json.remind_at_due)
    db.session.commit()
    return {"remind_at_due": user.remind_at_due}
