"""Request and response models of the auth routes."""

from __future__ import annotations

import re
from typing import Annotated, Any
from zoneinfo import ZoneInfo, available_timezones

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, WithJsonSchema

from app.text import SECRET, SINGLE_LINE, text_field

EMAIL_PATTERN = r"^[A-Za-z0-9._%+\-]{1,64}@[A-Za-z0-9\-]+(\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}$"
"""The addresses accepted (ASCII); the same regex is in the OpenAPI document."""
_EMAIL_RE = re.compile(EMAIL_PATTERN)
_ZONES = available_timezones()


def _email(value: Any) -> Any:
    if not isinstance(value, str):
        raise ValueError("must be a string")
    if len(value) > 254 or not _EMAIL_RE.search(value):
        raise ValueError("must be an email address")
    return value.strip().lower()


def _timezone(value: str) -> str:
    if value not in _ZONES:
        raise ValueError("must be an IANA timezone such as Europe/Paris")
    ZoneInfo(value)
    return value


Email = Annotated[str, BeforeValidator(_email),
                  WithJsonSchema({"type": "string", "maxLength": 254, "pattern": EMAIL_PATTERN})]
Password = Annotated[str, Field(min_length=8, max_length=128), *text_field(SECRET)]
Timezone = Annotated[str, Field(max_length=64), AfterValidator(_timezone),
                     WithJsonSchema({"type": "string", "enum": sorted(_ZONES)})]


class SignupBody(BaseModel):
    """A new account."""

    model_config = ConfigDict(extra="forbid", strict=True)

    email: Email
    """Unique, case-insensitive."""
    password: Password
    """8 to 128 characters."""
    name: Annotated[str, Field(max_length=100), *text_field(SINGLE_LINE, 100)] = ""
    """Display name."""
    timezone: Timezone = "UTC"
    """IANA zone the user's dates are in."""


class SigninBody(BaseModel):
    """Credentials."""

    model_config = ConfigDict(extra="forbid", strict=True)

    email: Email
    """The account's email."""
    password: Annotated[str, Field(min_length=1, max_length=128), *text_field(SECRET)]
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
