"""`flask todo seed`: demo tasks for a user."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import click
from flask.cli import with_appcontext

from app.extensions import db
from app.tasks import service
from app.tasks.schemas import TaskCreate
from cli.lookup import user_by_email

DEMO: list[dict[str, Any]] = [
    {"title": "Call grandma", "days": 1, "time": "19:00", "priority": "medium", "tags": ["family"]},
    {"title": "Pay the water bill", "days": 0, "priority": "high", "tags": ["bills"]},
    {"title": "Finish the quarterly report", "days": 3, "priority": "high", "tags": ["work"]},
    {"title": "Take out the recycling", "days": None, "recurrence": "FREQ=WEEKLY;BYDAY=TH", "tags": ["home"]},
    {"title": "Buy milk", "days": None, "tags": ["errands"]},
    {"title": "Stretch", "days": None, "recurrence": "FREQ=DAILY", "priority": "low"},
    {"title": "Book dentist appointment", "days": 7, "priority": "low", "tags": ["health"]},
    {"title": "Review pull requests", "days": 1, "time": "10:30", "tags": ["work"]},
]


@click.command("seed")
@click.option("--user", "email", required=True, help="Email of the user to give demo tasks.")
@click.option("--count", default=len(DEMO), show_default=True, help="How many tasks (the demo list repeats).")
@with_appcontext
def seed(email: str, count: int) -> None:
    """Create demo tasks for a user."""
    user = user_by_email(email)
    today = service.user_today(user)
    with click.progressbar(range(count), label="Seeding tasks") as bar:
        for i in bar:
            spec = DEMO[i % len(DEMO)]
            days = spec.get("days")
            data = TaskCreate(
                title=str(spec["title"]) + (f" ({i // len(DEMO) + 1})" if i >= len(DEMO) else ""),
                priority=spec.get("priority", "none"),
                due_date=today + timedelta(days=days) if isinstance(days, int) else None,
                due_time=spec.get("time"),
                tags=list(spec.get("tags", [])),
                recurrence=spec.get("recurrence"),
            )
            service.create_task(db.session, user, data)
    db.session.commit()
    click.echo(f"Created {count} demo tasks for {user.email}.")
