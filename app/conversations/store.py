"""Conversations and messages in the database, and a turn's context rebuilt from recent messages.

No conversation state lives in memory between requests."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol, TypeVar, cast

from sqlalchemy import bindparam, case, insert, select, update

from app.errors import NotFound
from app.models import Conversation, Message, User, insert_loaded, utcnow
from app.tasks.service import DbSession

TITLE_LENGTH = 60
_PENDING = Message.status == "pending"
_RECENT = (select(Message.id, Message.role, Message.content, Message.tool_calls, Message.status,
                  case((_PENDING, Message.meta)).label("meta"),
                  case((_PENDING, Message.created_at)).label("created_at"))
           .where(Message.conversation_id == bindparam("conversation_id"))
           .order_by(Message.id.desc()).limit(bindparam("window")))
"""A conversation's newest messages, as the columns a turn reads, by a statement built once (every turn runs it;
see `recent_messages`). `meta` and `created_at` are only read of a `pending` reply (is it abandoned?), so only a
pending row carries them: decoding them (JSON, and SQLite's text timestamps) for a whole window of rows cost every
continued turn about 0.2 ms."""
_INSERT_MESSAGE = insert(Message).returning(Message.id)
"""A message row, built once: every turn stores two, and building a statement costs more than running it."""
_INSERT_CONVERSATION = insert(Conversation).returning(Conversation.id)
"""A conversation row, built once."""
_HEAD = select(Conversation.user_id, Conversation.title).where(Conversation.id == bindparam("conversation_id"))
_TOUCH_HEAD = (update(Conversation).where(Conversation.id == bindparam("conversation_id"))
               .values(updated_at=bindparam("now"), title=bindparam("new_title")))
"""A continued conversation as a turn reads and touches it (see `ConversationHead`), built once."""
_ROW = select(Conversation.user_id, Conversation.title, Conversation.created_at, Conversation.updated_at,
              Conversation.meta).where(Conversation.id == bindparam("conversation_id"))
"""A continued conversation as a client shows it (see `ConversationRow`), built once."""


def title_from(message: str) -> str:
    """A conversation title from its first message: the first line, shortened at a word boundary."""
    line = " ".join(message.strip().split("\n", 1)[0].split())
    if len(line) <= TITLE_LENGTH:
        return line
    cut = line[:TITLE_LENGTH].rsplit(" ", 1)[0]
    return cut + "…"


def _not_found(conversation_id: int) -> NotFound:
    return NotFound(f"No conversation {conversation_id}.", code="conversation_not_found")


class _Owned(Protocol):
    """A conversation, or a row of it, that names its owner."""

    @property
    def user_id(self) -> str: ...


OwnedT = TypeVar("OwnedT", bound=_Owned)


def _owned(found: OwnedT | None, user_id: str, conversation_id: int) -> OwnedT:
    """`found` when it is the user's conversation; NotFound when it is missing or another user's (the one rule)."""
    if found is None or found.user_id != user_id:
        raise _not_found(conversation_id)
    return found


def get_conversation(session: DbSession, user: User | str, conversation_id: int) -> Conversation:
    """The user's conversation or NotFound (also for another user's).

    By primary key, so a conversation the session already loaded (ChatKit's route checks the thread
    before it reserves a retry) costs no second query.
    """
    user_id = user if isinstance(user, str) else user.id
    return _owned(session.get(Conversation, conversation_id), user_id, conversation_id)


@dataclass
class ConversationHead:
    """A continued conversation as a turn reserves it: read as one row and touched by one UPDATE
    (`touch`), rather than loaded as an object and flushed by the unit of work, which cost twice as much."""

    id: int
    """The conversation's id."""
    user_id: str
    """Its owner."""
    title: str
    """Its title; a turn names an untitled conversation after its message."""


def conversation_head(session: DbSession, user: User, conversation_id: int) -> ConversationHead:
    """The user's conversation as a `ConversationHead`, or NotFound (also for another user's)."""
    row = _owned(session.connection().execute(_HEAD, {"conversation_id": conversation_id}).first(), user.id,
                 conversation_id)
    return ConversationHead(conversation_id, row.user_id, row.title)


@dataclass
class ConversationRow(ConversationHead):
    """A continued conversation with what a client shows of it, read as one row: a ChatKit turn describes its
    thread with it and reserves the turn on it, without loading the conversation as an object."""

    created_at: datetime
    """When it was created."""
    updated_at: datetime
    """When its last message came."""
    meta: dict[str, Any]
    """Its protocol fields (ChatKit's thread status and metadata)."""


def conversation_row(session: DbSession, user_id: str, conversation_id: int) -> ConversationRow:
    """The user's conversation as a `ConversationRow`, or NotFound (also for another user's)."""
    row = _owned(session.connection().execute(_ROW, {"conversation_id": conversation_id}).first(), user_id,
                 conversation_id)
    return ConversationRow(conversation_id, row.user_id, row.title, row.created_at, row.updated_at, row.meta or {})


def touch(session: DbSession, head: ConversationHead, now: datetime) -> None:
    """Write the head's title to its row, and `now` (when its last message came) as its updated_at."""
    session.connection().execute(_TOUCH_HEAD, {"conversation_id": head.id, "now": now, "new_title": head.title})


def create_conversation(session: DbSession, user: User, title: str = "", *, at: datetime | None = None
                        ) -> Conversation:
    """A new, empty conversation (created and updated `at`, by default now).

    One INSERT on the session's connection (`insert_loaded`), as `add_message`.
    """
    now = at or utcnow()
    fields: dict[str, Any] = {"user_id": user.id, "title": title, "created_at": now, "updated_at": now, "meta": {}}
    return insert_loaded(session, Conversation(**fields), _INSERT_CONVERSATION, fields)


def add_message(session: DbSession, conv: Conversation | ConversationHead, role: str, content: str, *,
                status: str = "complete",
                tool_calls: list[dict[str, Any]] | None = None, meta: dict[str, Any] | None = None,
                idempotency_key: str | None = None, at: datetime | None = None) -> int:
    """Append a message to a conversation (at `at`, by default now), touch its updated_at; the message's id.

    One INSERT on the session's connection, in its transaction, without a Message object and a flush.
    A `ConversationHead`'s updated_at is written by `touch`.
    """
    now = at or utcnow()
    inserted = session.connection().execute(_INSERT_MESSAGE, {
        "conversation_id": conv.id, "user_id": conv.user_id, "role": role, "content": content, "status": status,
        "tool_calls": tool_calls or [], "meta": meta or {}, "idempotency_key": idempotency_key,
        "created_at": now, "updated_at": now,
    })
    if isinstance(conv, Conversation) and conv.updated_at != now:
        conv.updated_at = now
    return int(inserted.scalar_one())


class StoredMessage(Protocol):
    """What a turn reads of a stored message: a Message, or a row of `recent_messages`."""

    @property
    def id(self) -> int: ...
    @property
    def role(self) -> str: ...
    @property
    def content(self) -> str: ...
    @property
    def tool_calls(self) -> list[dict[str, Any]]: ...
    @property
    def status(self) -> str: ...
    @property
    def meta(self) -> dict[str, Any] | None: ...
    @property
    def created_at(self) -> datetime | None: ...


def recent_messages(session: DbSession, conversation_id: int, window: int) -> list[StoredMessage]:
    """The last `window` messages, oldest first (an index range scan however long the conversation).

    Rows rather than Message objects: a turn only reads them, and loading 40 ORM objects cost a continued
    turn about a millisecond. Read on the session's connection, past the ORM's execution (0.1 ms more) and
    so without its autoflush: a caller that deletes messages first flushes (`reserve_retry`).
    """
    rows = session.connection().execute(_RECENT, {"conversation_id": conversation_id, "window": window}).all()
    return cast(list[StoredMessage], rows[::-1])


_NOT_RECALLED = frozenset({"created_at", "updated_at", "reminders"})
"""Fields of a task in an earlier tool result that a later turn is not shown again (see `_recalled`)."""


def _recalled(output: Any) -> Any:
    """An earlier tool result as a later turn's model sees it: each task without its bookkeeping (creation and
    update stamps, its reminders, an empty description or completion time). A continued conversation replays
    up to the whole window of results on every model step: a task is about half as long without them, for
    the hosted model's tokens and for the SDK's copies of the input alike. The turn that made the call saw it
    whole, and a question about reminders or times is asked of the tools again."""
    if not isinstance(output, dict):
        return output
    recalled = dict(output)
    if isinstance(output.get("task"), dict):
        recalled["task"] = _recalled_task(output["task"])
    if isinstance(output.get("tasks"), list):
        recalled["tasks"] = [_recalled_task(t) if isinstance(t, dict) else t for t in output["tasks"]]
    return recalled


def _recalled_task(task: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in task.items() if name not in _NOT_RECALLED
            and not (name in ("description", "completed_at") and not value)}


def input_items(messages: Sequence[StoredMessage]) -> list[dict[str, Any]]:
    """Messages as Responses input items; an assistant's tool calls come back as call/output pairs."""
    items: list[dict[str, Any]] = []
    for msg in messages:
        if msg.role == "user":
            items.append({"role": "user", "content": msg.content})
            continue
        for call in msg.tool_calls or []:
            call_id = str(call.get("call_id") or f"call_{msg.id}_{len(items)}")
            items.append({"type": "function_call", "call_id": call_id, "name": call.get("name", ""),
                          "arguments": json.dumps(call.get("arguments") or {})})
            output = call.get("output")
            items.append({"type": "function_call_output", "call_id": call_id,
                          "output": output if isinstance(output, str) else json.dumps(_recalled(output))})
        if msg.content:
            items.append({"role": "assistant", "content": msg.content})
    return items
