"""Request and response models of the reminders API (the MCP tools validate through them too)."""

from __future__ import annotations

from typing import Annotated, Literal

from annotated_types import Interval
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from app.text import SINGLE_LINE, text_field
from app.validation import integral


class ReminderOut(BaseModel):
    """A reminder as the API returns it."""

    id: int
    """Numeric id."""
    task_id: int
    """The task it reminds of."""
    remind_at: str
    """When it fires, ISO 8601 in UTC (…Z)."""
    before_minutes: int | None
    """Minutes before the task's due date and time, for a relative reminder."""
    status: Literal["scheduled", "fired", "dismissed"]
    """scheduled, fired or dismissed."""
    fired_at: str | None
    """When it fired (UTC)."""
    late: bool
    """It fired well after its time (it came due while nothing ran)."""


class ReminderCreate(BaseModel):
    """A new reminder: an absolute time, or minutes before the task's due date and time."""

    model_config = ConfigDict(extra="forbid", strict=True, json_schema_extra={"anyOf": [
        {"required": ["remind_at"],
         "properties": {"remind_at": {"type": "string"}, "before_minutes": {"type": "null"}}},
        {"required": ["before_minutes"],
         "properties": {"before_minutes": {"type": "integer"}, "remind_at": {"type": "null"}}},
    ]})
    """Exactly one of the two: the document says so for clients and fuzzers."""

    remind_at: str | None = Field(default=None, max_length=40)
    """ISO 8601 with an offset, or YYYY-MM-DDTHH:MM read in the user's timezone."""
    before_minutes: Annotated[int, Interval(ge=0, le=10080), BeforeValidator(integral)] | None = None
    """0 to 10080 minutes before the due date and time."""

    @model_validator(mode="after")
    def _one_of(self) -> ReminderCreate:
        if (self.remind_at is None) == (self.before_minutes is None):
            raise ValueError("give either remind_at or before_minutes")
        return self


class SnoozeBody(BaseModel):
    """Body of POST .../snooze."""

    model_config = ConfigDict(extra="forbid", strict=True)

    minutes: Annotated[int, Interval(ge=1, le=1440), BeforeValidator(integral)]
    """How long to wait before reminding again."""


class ReminderQuery(BaseModel):
    """Query string of the reminder list."""

    model_config = ConfigDict(extra="forbid")

    status: Literal["all", "scheduled", "fired", "dismissed", "active"] = "active"
    """active (scheduled or fired, the default), one status, or all."""
    limit: int = Field(default=50, ge=1, le=100)
    """Page size."""
    cursor: Annotated[str, *text_field(SINGLE_LINE), Field(min_length=1, max_length=200)] | None = None
    """The previous page's next_cursor."""


class ReminderPage(BaseModel):
    """One page of reminders, soonest first."""

    reminders: list[ReminderOut]
    """The reminders of this page."""
    next_cursor: str | None
    """Pass as `cursor` for the next page; null on the last."""


class ReminderSettings(BaseModel):
    """The user's reminder settings."""

    model_config = ConfigDict(extra="forbid", strict=True)

    remind_at_due: bool
    """A task given a due time gets a reminder at that time."""
