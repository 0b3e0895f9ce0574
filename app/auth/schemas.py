"""Request and response models of the auth routes."""

from __future__ import annotations

import re
from typing import Annotated, Any
from zoneinfo import ZoneInfo, available_timezones

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field

from app.text import single_line

_EMAIL_RE = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$")
_ZONES = available_timezones()


def _email(value: Any) -> Any:
    if not isinstance(value, str):
        raise ValueError("must be a string")
    email = value.strip().lower()
    if len(email) > 254 or not _EMAIL_RE.match(email) or not email.isprintable():
        raise ValueError("must be an email address")
    return email


def _timezone(value: str) -> str:
    if value not in _ZONES:
        raise ValueError("must be an IANA timezone such as Europe/Paris")
    ZoneInfo(value)
    return value


Email = Annotated[str, BeforeValidator(_email)]
Password = Annotated[str, Field(min_length=8, max_length=128)]
Timezone = Annotated[str, Field(max_length=64), AfterValidator(_timezone)]


class SignupBody(BaseModel):
    """A new account."""

    model_config = ConfigDict(extra="forbid", strict=True)

    email: Email
    """Unique, case-insensitive."""
    password: Password
    """8 to 128 characters."""
    name: Annotated[str, BeforeValidator(single_line)] = Field(default="", max_length=100)
    """Display name."""
    timezone: Timezone = "UTC"
    """IANA zone the user's dates are in."""


class SigninBody(BaseModel):
    """Credentials."""

    model_config = ConfigDict(extra="forbid", strict=True)

    email: Email
    """The account's email."""
    password: str = Field(min_length=1, max_length=128)
    """Its password."""


class UserOut(BaseModel):
    """The public part of a user."""

    id: str
    """Opaque id used in /api/<user_id>/ paths."""
    email: str
    """Email, lower-cased."""
    name: str
    """Display name."""
    timezone: str
    """IANA zone."""


class AuthOut(BaseModel):
    """Answer to sign-up and sign-in."""

    user: UserOut
    """Who signed in."""
    access_token: str
    """Short-lived bearer token for /api/<user_id>/ routes."""
    refresh_token: str | None = None
    """Long-lived token for /api/auth/refresh, only when asked for with `X-Refresh-Token: body`
    (otherwise it is set as an HttpOnly cookie)."""


class RefreshOut(BaseModel):
    """Answer to refresh: a new access token and the rotated refresh token."""

    access_token: str
    """New access token."""
    refresh_token: str | None = None
    """The replacement refresh token when the old one came as a Bearer token (else it is set as a
    cookie); the one just used stops working."""


class SessionOut(BaseModel):
    """The current session."""

    user: UserOut
    """Who is signed in."""
    expires_at: str
    """When the access token expires (ISO 8601, UTC)."""
