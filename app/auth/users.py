"""Accounts: creating one and showing one, shared by the auth routes and `flask todo users`."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from app.auth.passwords import hash_password
from app.errors import Conflict
from app.extensions import db
from app.models import User


def user_to_dict(user: User) -> dict[str, Any]:
    """The public part of a user."""
    return {"id": user.id, "email": user.email, "name": user.name, "timezone": user.timezone}


def create_user(email: str, password: str, name: str = "", timezone: str = "UTC") -> User:
    """Register a user in the current session (shared by the API and `flask todo users create`)."""
    if db.session.scalar(select(User.id).where(User.email == email.lower())) is not None:
        raise Conflict("An account with this email already exists.", code="email_taken")
    user = User(email=email.lower(), password_hash=hash_password(password), name=name, timezone=timezone)
    db.session.add(user)
    db.session.flush()
    return user
