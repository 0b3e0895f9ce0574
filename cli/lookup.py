"""Finding the user a command is about."""

from __future__ import annotations

import click
from sqlalchemy import select

from app.extensions import db
from app.models import User


def user_by_email(email: str) -> User:
    """The user with this email, or a clean CLI error."""
    user = db.session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None:
        raise click.ClickException(f"No user with email {email}.")
    return user
