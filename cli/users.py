"""`flask todo users ...`: accounts."""

from __future__ import annotations

import click
from flask.cli import with_appcontext
from pydantic import ValidationError
from sqlalchemy import func, select

from app.auth.passwords import hash_password
from app.auth.schemas import SignupBody
from app.auth.users import create_user
from app.errors import APIError, fields_of
from app.extensions import db
from app.models import Task, User
from cli.lookup import user_by_email


@click.group("users")
def users_group() -> None:
    """Manage user accounts."""


@users_group.command("create")
@click.option("--email", required=True)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--name", default="")
@click.option("--timezone", "tz", default="UTC", show_default=True)
@with_appcontext
def create(email: str, password: str, name: str, tz: str) -> None:
    """Create an account."""
    try:
        body = SignupBody(email=email, password=password, name=name, timezone=tz)
        user = create_user(body.email, body.password, body.name, body.timezone)
    except ValidationError as err:
        raise click.ClickException("; ".join(f"{k}: {v}" for k, v in fields_of(err).items())) from err
    except APIError as err:
        raise click.ClickException(err.message) from err
    db.session.commit()
    click.echo(f"Created user {user.id} <{user.email}>.")


@users_group.command("list")
@with_appcontext
def list_users() -> None:
    """List accounts with their task counts."""
    counts = dict(db.session.execute(select(Task.user_id, func.count()).group_by(Task.user_id)).all())
    users = db.session.scalars(select(User).order_by(User.created_at))
    rows = 0
    for user in users:
        rows += 1
        state = "disabled" if user.disabled else "active"
        click.echo(f"{user.id}\t{user.email}\t{user.name or '-'}\t{user.timezone}\t{state}\t"
                   f"{counts.get(user.id, 0)} tasks")
    if not rows:
        click.echo("No users yet.")


@users_group.command("disable")
@click.argument("email")
@click.option("--enable", is_flag=True, help="Enable the account again instead.")
@with_appcontext
def disable(email: str, enable: bool) -> None:
    """Disable (or --enable) an account; a disabled account's tokens stop working at once."""
    user = user_by_email(email)
    user.disabled = not enable
    user.token_version += 1
    db.session.commit()
    click.echo(f"{'Enabled' if enable else 'Disabled'} {user.email}.")


@users_group.command("reset-password")
@click.argument("email")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@with_appcontext
def reset_password(email: str, password: str) -> None:
    """Set a new password; every existing session of the user is signed out."""
    if not 8 <= len(password) <= 128:
        raise click.ClickException("The password must have 8 to 128 characters.")
    user = user_by_email(email)
    user.password_hash = hash_password(password)
    user.token_version += 1
    db.session.commit()
    click.echo(f"Password reset for {user.email}; their sessions were signed out.")
