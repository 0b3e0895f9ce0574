"""The database tables: users, tasks, conversations and their messages (typed SQLAlchemy 2)."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from datetime import UTC, date, datetime, time
from typing import Any, TypeVar

from sqlalchemy import JSON, Boolean, Date, DateTime, ForeignKey, Index, Integer, String, Text, Time, true
from sqlalchemy.orm import (
    DeclarativeBase,
    Mapped,
    Session,
    make_transient_to_detached,
    mapped_column,
    relationship,
    scoped_session,
)
from sqlalchemy.sql.dml import ReturningInsert

PRIORITIES = ("none", "low", "medium", "high")
PRIORITY_RANK = {name: rank for rank, name in enumerate(PRIORITIES)}
MESSAGE_STATUSES = ("complete", "interrupted", "failed", "pending")


def utcnow() -> datetime:
    """Now, in UTC, timezone-aware."""
    return datetime.now(UTC)


def new_user_id() -> str:
    """An opaque, unguessable user id."""
    return "u_" + secrets.token_urlsafe(12)


class Base(DeclarativeBase):
    """Declarative base of every table."""

    type_annotation_map = {datetime: DateTime(timezone=True), dict[str, Any]: JSON}


RowT = TypeVar("RowT", bound=Base)


def insert_loaded(session: Session | scoped_session[Session], row: RowT, statement: ReturningInsert[int],
                  fields: Mapping[str, Any]) -> RowT:
    """`row`, inserted with `fields` as its columns by `statement` (an INSERT ... RETURNING its id, built once)
    on the session's connection, and attached to the session as if loaded, so the session tracks its changes
    from here on. The unit of work's insert of a new object costs a turn about half a millisecond more."""
    row.id = session.connection().execute(statement, fields).scalar_one()  # type: ignore[attr-defined]
    make_transient_to_detached(row)
    session.add(row)
    return row


class User(Base):
    """A person with an account."""

    __tablename__ = "users"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_user_id)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    """Stored lower-cased, so uniqueness is case-insensitive."""
    password_hash: Mapped[str] = mapped_column(String(255))
    name: Mapped[str] = mapped_column(String(100), default="")
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    token_version: Mapped[int] = mapped_column(Integer, default=0)
    """Bumped to revoke every token issued before (password reset, disable)."""
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    remind_at_due: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    """A task given a due time gets a reminder at that time unless this is off."""
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class AuthSession(Base):
    """One sign-in: its tokens share its id, signing out revokes it, refresh rotates it."""

    __tablename__ = "auth_sessions"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=lambda: secrets.token_urlsafe(16))
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    refresh_jti: Mapped[str] = mapped_column(String(64))
    """The only refresh token of this session still accepted; an older one means reuse."""
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(default=None)


class Task(Base):
    """A todo item of one user."""

    __tablename__ = "tasks"
    __table_args__ = (
        Index("ix_tasks_user_created", "user_id", "created_at", "id"),
        Index("ix_tasks_user_due", "user_id", "due_date", "id"),
        Index("ix_tasks_user_completed", "user_id", "completed", "id"),
        Index("ix_tasks_user_priority", "user_id", "priority_rank", "id"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    completed: Mapped[bool] = mapped_column(Boolean, default=False)
    completed_at: Mapped[datetime | None] = mapped_column(default=None)
    priority: Mapped[str] = mapped_column(String(8), default="none")
    priority_rank: Mapped[int] = mapped_column(Integer, default=0)
    """PRIORITY_RANK of `priority`, so sorting by priority is an index scan."""
    due_date: Mapped[date | None] = mapped_column(Date, default=None)
    due_time: Mapped[time | None] = mapped_column(Time, default=None)
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    recurrence: Mapped[str | None] = mapped_column(String(500), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    reminders: Mapped[list[Reminder]] = relationship(
        back_populates="task", cascade="all, delete-orphan", passive_deletes=True, lazy="selectin",
        order_by="Reminder.remind_at, Reminder.id",
    )


REMINDER_STATUSES = ("scheduled", "fired", "dismissed", "stopped")


class Reminder(Base):
    """A moment to remind the user of a task: absolute, or `before_minutes` before its due date and time."""

    __tablename__ = "reminders"
    __table_args__ = (
        Index("ix_reminders_due", "status", "remind_at"),
        Index("ix_reminders_user_at", "user_id", "remind_at", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"), index=True)
    remind_at: Mapped[datetime] = mapped_column()
    """When it fires (UTC)."""
    before_minutes: Mapped[int | None] = mapped_column(Integer, default=None)
    """Set for a reminder relative to the due date and time; it follows the task's occurrences."""
    auto: Mapped[bool] = mapped_column(Boolean, default=False)
    """The default reminder at the due time (re-added when the due time changes)."""
    status: Mapped[str] = mapped_column(String(16), default="scheduled")
    """scheduled, fired, dismissed or stopped (by its task's completion; shown as dismissed); firing claims
    it with an atomic UPDATE on status."""
    fired_at: Mapped[datetime | None] = mapped_column(default=None)
    late: Mapped[bool] = mapped_column(Boolean, default=False)
    """Fired well after its time (it came due while nothing ran)."""
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    task: Mapped[Task] = relationship(back_populates="reminders")


class Event(Base):
    """A live event for a user's open screens, kept for replay (`Last-Event-ID`).

    Ids are increasing per user in commit order: publishing locks the user's row first.
    """

    __tablename__ = "events"
    __table_args__ = (
        Index("ix_events_user_id", "user_id", "id"),
        Index("ix_events_created", "created_at"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    type: Mapped[str] = mapped_column(String(32))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    """The event's JSON payload (with its `type`)."""
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class PushSubscription(Base):
    """A browser's Web Push subscription (endpoint and keys), for reminders that reach a closed tab."""

    __tablename__ = "push_subscriptions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    endpoint: Mapped[str] = mapped_column(String(1000), unique=True)
    p256dh: Mapped[str] = mapped_column(String(200))
    auth: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class DeletedTask(Base):
    """A deleted task kept for a while so that Undo can put it back exactly (same id, fields, recurrence)."""

    __tablename__ = "deleted_tasks"
    __table_args__ = (Index("ix_deleted_tasks_user_deleted", "user_id", "deleted_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    """The task's own id (task ids are never reused, so it is free until the task is restored)."""
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    """The owner; restore is only ever offered to them."""
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    """Every column of the task as it was, in JSON-friendly form."""
    deleted_at: Mapped[datetime] = mapped_column(default=utcnow)
    """When it was deleted; rows older than the undo window are purged."""


class Conversation(Base):
    """A chat thread of one user (also a ChatKit thread). Ids are never reused, even on SQLite,
    because clients hold them (ChatKit's `thr_<id>`, cursors)."""

    __tablename__ = "conversations"
    __table_args__ = (
        Index("ix_conversations_user_updated", "user_id", "updated_at", "id"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(200), default="")
    meta: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    """Protocol-specific data (ChatKit thread status and metadata)."""
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    messages: Mapped[list[Message]] = relationship(
        back_populates="conversation", cascade="all, delete-orphan", passive_deletes=True
    )


class Message(Base):
    """One side of a turn: what the user said, or the assistant's reply with its tool calls."""

    __tablename__ = "messages"
    __table_args__ = (
        Index("ix_messages_conversation_id", "conversation_id", "id"),
        Index("ux_messages_user_idempotency", "user_id", "idempotency_key", unique=True),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"))
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(16))
    content: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default="complete")
    tool_calls: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    feedback: Mapped[str | None] = mapped_column(String(16), default=None)
    """positive or negative, from ChatKit's items.feedback."""
    meta: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    """Protocol-specific data of the item (ChatKit inference options, attachments)."""
    idempotency_key: Mapped[str | None] = mapped_column(String(100), default=None)
    """The client's Idempotency-Key of the request that sent this user message (unique per user)."""
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    conversation: Mapped[Conversation] = relationship(back_populates="messages")
