"""`flask todo reminders ...`: list a user's reminders, fire the due ones, run the scheduler alone."""

from __future__ import annotations

from datetime import datetime

import click
from flask import current_app
from flask.cli import with_appcontext

from app.config import get_config
from app.extensions import db
from app.reminders import schedule, service
from app.reminders.push import send_reminders
from app.reminders.schemas import ReminderQuery
from cli.lookup import user_by_email


@click.group("reminders")
def reminders_group() -> None:
    """Reminders."""


@reminders_group.command("list")
@click.option("--user", "email", required=True, help="The user's email.")
@click.option("--status", type=click.Choice(["active", "scheduled", "fired", "dismissed", "all"]),
              default="active", show_default=True)
@with_appcontext
def list_cmd(email: str, status: str) -> None:
    """A user's reminders, soonest first."""
    user = user_by_email(email)
    page = service.list_reminders(db.session, user, ReminderQuery(status=status, limit=100))  # type: ignore[arg-type]  # click.Choice: a valid status
    if not page.rows:
        click.echo("No reminders.")
    zone = schedule.user_zone(user)
    for r in page.rows:
        local = schedule.aware(r.remind_at).astimezone(zone).strftime("%Y-%m-%d %H:%M %Z")
        late = " (late)" if r.late else ""
        status = schedule.reminder_to_dict(r)["status"]
        click.echo(f"#{r.id}  {local}  {status}{late}  task #{r.task_id}: {r.task.title}")


@reminders_group.command("fire-due")
@click.option("--now", "at", default=None, help="Fire as if it were this ISO 8601 instant (default: now).")
@with_appcontext
def fire_due_cmd(at: str | None) -> None:
    """Fire every due reminder once (safe beside running schedulers)."""
    when = None
    if at:
        try:
            when = schedule.aware(datetime.fromisoformat(at.replace("Z", "+00:00")))
        except ValueError as err:
            raise click.BadParameter("give an ISO 8601 date and time", param_hint="--now") from err
    fired = service.fire_due(when)
    send_reminders(get_config(), fired)
    click.echo(f"Fired {len(fired)} reminder(s).")


@reminders_group.command("scheduler")
@with_appcontext
def scheduler_cmd() -> None:
    """Run the reminder scheduler in the foreground (for SCHEDULER=off web servers)."""
    from app.reminders.scheduler import build

    click.echo("Reminder scheduler running; Ctrl-C stops it.")
    build(current_app._get_current_object(), blocking=True).start()  # type: ignore[attr-defined]  # LocalProxy method
