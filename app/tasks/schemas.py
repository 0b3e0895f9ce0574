"""Request and response models of the tasks API; the MCP tools validate through the same models."""

from __future__ import annotations

import re
from datetime import date, datetime, time
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, WithJsonSchema, field_validator

from app.reminders.schemas import ReminderOut
from app.tasks.recurrence import normalize_rrule
from app.text import MULTI_LINE, SINGLE_LINE, TITLE, matching, text_field
from app.validation import RowId

Priority = Literal["none", "low", "medium", "high"]
DATE_PATTERN = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
TIME_PATTERN = "^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?$"
TAG_PATTERN = r"^\s*#*\s*[\w\-./:+]{0,50}\s*$"
"""A raw tag: optional '#' and spaces around one word; an empty one is dropped."""
_DATE_RE = re.compile(DATE_PATTERN)
_TIME_RE = re.compile(TIME_PATTERN)
_TAG_RE = re.compile(TAG_PATTERN)
MAX_TAGS = 20


def _parse_date(value: Any) -> Any:
    if value is None or isinstance(value, date):
        return value
    if not isinstance(value, str) or not _DATE_RE.match(value):
        raise ValueError("must be a date as YYYY-MM-DD")
    return date.fromisoformat(value)


def _parse_moment(value: Any) -> Any:
    """An ISO date or date-time (a trailing Z means UTC)."""
    if value is None or isinstance(value, date):
        return value
    if isinstance(value, str) and _DATE_RE.match(value):
        return date.fromisoformat(value)
    if isinstance(value, str) and len(value) <= 40:
        try:
            return datetime.fromisoformat(value.strip().replace("Z", "+00:00").replace("z", "+00:00"))
        except ValueError:
            pass
    raise ValueError("must be a date (YYYY-MM-DD) or a date-time (YYYY-MM-DDTHH:MM[:SS][+HH:MM|Z])")


def _parse_time(value: Any) -> Any:
    if value is None or isinstance(value, time):
        return value
    if not isinstance(value, str) or not _TIME_RE.match(value):
        raise ValueError("must be a time as HH:MM")
    return time.fromisoformat(value).replace(second=0)


def _parse_tags(value: Any) -> Any:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(t, str) for t in value):
        raise ValueError("must be a list of strings")
    if len(value) > MAX_TAGS:
        raise ValueError(f"at most {MAX_TAGS} tags")
    if any(not _TAG_RE.search(raw) for raw in value):
        raise ValueError("each tag must be one word of at most 50 letters, digits or -_./:+")
    tags: list[str] = []
    for raw in value:
        tag = raw.strip().lstrip("#").strip().lower()
        if not tag:
            continue
        if len(tag) > 50 or not re.fullmatch(r"[\w\-./:+]+", tag):
            raise ValueError(f"tag {raw[:60]!r} must be one word of at most 50 letters, digits or -_./:+")
        if tag not in tags:
            tags.append(tag)
    if len(tags) > MAX_TAGS:
        raise ValueError(f"at most {MAX_TAGS} tags")
    return tags


def _parse_rrule(value: Any) -> Any:
    if value is None or value == "":
        return None
    if not isinstance(value, str) or len(value) > 500:
        raise ValueError("must be an RRULE string of at most 500 characters")
    return normalize_rrule(matching(SINGLE_LINE)(value))


def _clean_title(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def _nullable(schema: dict[str, Any]) -> WithJsonSchema:
    return WithJsonSchema({"anyOf": [schema, {"type": "null"}]})


DueDate = Annotated[date | None, BeforeValidator(_parse_date),
                    _nullable({"type": "string", "format": "date", "pattern": DATE_PATTERN})]
Moment = Annotated[datetime | date | None, BeforeValidator(_parse_moment),
                   WithJsonSchema({"anyOf": [{"type": "string", "format": "date"},
                                             {"type": "string", "format": "date-time"}, {"type": "null"}]})]
DueTime = Annotated[time | None, BeforeValidator(_parse_time), _nullable({"type": "string", "pattern": TIME_PATTERN})]
Tags = Annotated[list[str], BeforeValidator(_parse_tags),
                 _nullable({"type": "array", "maxItems": MAX_TAGS,
                            "items": {"type": "string", "pattern": TAG_PATTERN}})]
Recurrence = Annotated[str | None, BeforeValidator(_parse_rrule),
                       _nullable({"type": "string", "maxLength": 500, "pattern": SINGLE_LINE})]
Title = Annotated[str, BeforeValidator(_clean_title), Field(min_length=1, max_length=200), *text_field(TITLE, 200)]
Description = Annotated[str, Field(max_length=2000), *text_field(MULTI_LINE, 2000)]
SearchText = Annotated[str, *text_field(SINGLE_LINE)]


class StrictModel(BaseModel):
    """Unknown fields are an error, and values are not coerced from other JSON types."""

    model_config = ConfigDict(extra="forbid", strict=True)


class TaskCreate(StrictModel):
    """A new task (also the body of a full update, PUT)."""

    title: Title
    """What to do, 1-200 characters after trimming."""
    description: Description = ""
    """Free text, at most 2000 characters."""
    priority: Priority = "none"
    """none, low, medium or high."""
    due_date: DueDate = None
    """YYYY-MM-DD in the user's timezone."""
    due_time: DueTime = None
    """HH:MM in the user's timezone."""
    tags: Tags = Field(default_factory=list)
    """Labels, stored lower-case without '#'."""
    recurrence: Recurrence = None
    """An RRULE such as FREQ=WEEKLY;BYDAY=MO; completing the task moves it to the next occurrence."""

    @field_validator("description", mode="before")
    @classmethod
    def _none_is_empty(cls, value: Any) -> Any:
        return "" if value is None else value


ABSENT: Any = None
"""Default of a patch field that may be left out but not sent as null (only given fields change)."""


class TaskPatch(StrictModel):
    """A partial update: only the fields given change (at least one)."""

    model_config = ConfigDict(extra="forbid", strict=True, json_schema_extra={"minProperties": 1})

    title: Title = Field(default=ABSENT)
    """New title (not null)."""
    description: Description | None = None
    """New description; null clears it."""
    priority: Priority = Field(default=ABSENT)
    """New priority (not null)."""
    due_date: DueDate = None
    """New due date; null clears it."""
    due_time: DueTime = None
    """New due time; null clears it."""
    tags: Tags | None = None
    """New tags (replacing the old ones)."""
    recurrence: Recurrence = None
    """New RRULE; null stops the repetition."""

    def changes(self) -> dict[str, Any]:
        """The fields the client sent, with their validated values."""
        out = {name: getattr(self, name) for name in self.model_fields_set}
        if "description" in out and out["description"] is None:
            out["description"] = ""
        if "tags" in out and out["tags"] is None:
            out["tags"] = []
        return out


class CompleteBody(StrictModel):
    """Body of PATCH .../complete; without it the task toggles."""

    completed: bool | None = None
    """True to complete, false to reopen, absent to toggle."""


class RestoreBody(StrictModel):
    """Body of POST .../tasks/restore: tasks deleted within the undo window to put back."""

    ids: list[RowId] = Field(min_length=1, max_length=500)
    """Ids of the deleted tasks (from a DELETE or from clear-completed)."""


class TaskList(BaseModel):
    """Tasks without paging (what restore put back)."""

    tasks: list[TaskOut]
    """The tasks."""


class ClearedTasks(BaseModel):
    """What clear-completed deleted (restorable with POST .../tasks/restore)."""

    ids: list[int]
    """Ids of the deleted tasks."""
    count: int
    """How many."""


class TagList(BaseModel):
    """Every tag on the user's tasks."""

    tags: list[str]
    """Sorted, lower-case, without `#`."""


class TaskQuery(BaseModel):
    """Query string of the task list."""

    model_config = ConfigDict(extra="forbid")

    status: Literal["all", "pending", "completed"] = "all"
    """Which tasks by completion."""
    q: SearchText | None = Field(default=None, max_length=200)
    """Words searched in title and description."""
    tag: SearchText | None = Field(default=None, max_length=50)
    """Only tasks with this tag."""
    priority: Priority | None = None
    """Only tasks of this priority."""
    due_before: DueDate = None
    """Only tasks due on or before this date."""
    due_after: DueDate = None
    """Only tasks due on or after this date."""
    completed_after: Moment = None
    """Only tasks completed at or after this moment (a date: from its start in the user's timezone)."""
    completed_before: Moment = None
    """Only tasks completed at or before this moment (a date: to its end in the user's timezone)."""
    sort: Literal["created", "due", "priority", "title"] = "created"
    """Sort key."""
    order: Literal["asc", "desc"] = "asc"
    """Sort direction."""
    limit: int = Field(default=50, ge=1, le=100)
    """Page size."""
    cursor: SearchText | None = Field(default=None, max_length=500)
    """The previous page's next_cursor."""


class TaskOut(BaseModel):
    """A task as the API returns it."""

    id: int
    """Numeric id, unique across users."""
    title: str
    """What to do."""
    description: str
    """Free text."""
    completed: bool
    """Done or not."""
    completed_at: str | None
    """When it was completed (ISO 8601, UTC)."""
    priority: Priority
    """none, low, medium or high."""
    due_date: str | None
    """YYYY-MM-DD."""
    due_time: str | None
    """HH:MM."""
    tags: list[str]
    """Labels."""
    recurrence: str | None
    """RRULE."""
    created_at: str
    """ISO 8601, UTC."""
    updated_at: str
    """ISO 8601, UTC."""
    reminders: list[ReminderOut] = Field(default_factory=list)
    """Its reminders that are not dismissed, soonest first."""


class TaskPage(BaseModel):
    """One page of the task list."""

    tasks: list[TaskOut]
    """The tasks of this page."""
    next_cursor: str | None
    """Pass as `cursor` for the next page; null on the last."""
