"""The life of one chat turn: reserve, record, settle. Used by /chat, ChatKit and `flask todo chat`.

* **reserve** (one transaction): the conversation (new or continued), the user's message, a
  `pending` assistant row owned by this process, and the agent's context from recent messages.
  Replies left `pending` by a process that is gone are settled as `interrupted` on the way.
* **record**: each tool call that takes effect is committed with its result on the reserved row
  by the tool itself, in the transaction of its own write (the run's context names the row:
  `mcp.turncall`), and the reply text at least every `SAVE_EVERY` seconds; a SIGKILL loses at
  most the last few seconds of text, never a tool call that took effect. A tool turn therefore
  costs 3 transactions: reserve, the tool's write with its record, settle.
* **settle** (one transaction): the final text, tool calls and status (`complete`, `interrupted`
  or `failed`). The wording of every error a turn can end with lives in `failure()`.

Until the turn settles, the `tool_calls` of its row belong to the tools (a save writes the text
only); a failed tool call, which changed nothing, is stored with the rest when the turn settles.
"""

from __future__ import annotations

import asyncio
import os
import socket
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, overload

from sqlalchemy import Connection, bindparam, select, update
from sqlalchemy.exc import IntegrityError

from app.asyncbridge import run_blocking
from app.chat_events import RunEvent
from app.conversations.store import (
    ConversationHead,
    StoredMessage,
    add_message,
    conversation_head,
    create_conversation,
    get_conversation,
    input_items,
    recent_messages,
    title_from,
    touch,
)
from app.errors import APIError, NotFound
from app.extensions import db
from app.models import Conversation, Message, User, utcnow

IDEMPOTENCY_WINDOW = timedelta(hours=24)
"""How long an Idempotency-Key names its turn; after that the key may be used for a new one."""
SAVE_EVERY = 2.0
"""Seconds between saves of a streaming reply's text."""
ABANDONED_AFTER = timedelta(minutes=10)
"""A reply still `pending` this long after it started is settled as interrupted, whoever owns it."""


def owner() -> str:
    """This process, as recorded on the replies it runs (`host:pid`)."""
    return f"{socket.gethostname()}:{os.getpid()}"


def _owner_gone(meta: dict[str, Any] | None) -> bool:
    """True when the reply's owner is a process of this machine that no longer exists."""
    host, _, pid = str((meta or {}).get("owner") or "").rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except OSError:
        return False
    return False


@dataclass
class Reply:
    """What the assistant produced so far in a turn."""

    text: list[str] = field(default_factory=list)
    """Pieces of the reply text, in order."""
    tool_calls: list[dict[str, Any]] = field(default_factory=list)
    """`{call_id, name, arguments, output}` for each tool the agent called."""

    @property
    def content(self) -> str:
        """The reply text."""
        return "".join(self.text)

    def add(self, event: RunEvent) -> None:
        """Take in one /chat event (chunk, tool_call or tool_result)."""
        if event["type"] == "chunk":
            self.text.append(event["content"])
        elif event["type"] == "tool_call":
            self.tool_calls.append({"call_id": event["call_id"], "name": event["tool_name"],
                                    "arguments": event["arguments"], "output": None})
        elif event["type"] == "tool_result":
            for call in self.tool_calls:
                if call["call_id"] == event["call_id"]:
                    call["output"] = event["output"]


@dataclass
class Turn:
    """A reserved turn: where its reply goes, what the agent sees, and what it produced so far."""

    conversation_id: int
    """The conversation (new or continued)."""
    user_message_id: int
    """The stored user message."""
    reply_id: int
    """The reserved assistant row (`pending` until settled)."""
    input_items: list[dict[str, Any]]
    """Responses-API input items: recent history, then the new message."""
    user_id: str
    """The owner."""
    timezone: str
    """The owner's timezone."""
    title: str = ""
    """The conversation's title."""
    reply: Reply = field(default_factory=Reply)
    """The reply so far."""
    saved_at: float = field(default_factory=time.monotonic)
    """When the reply was last written to its row."""
    settled: bool = False
    """True once `settle` stored the final state."""


class TurnInProgress(APIError):
    """A request resent with the Idempotency-Key of a turn that is still running."""

    status = 409
    code = "turn_in_progress"


@dataclass
class Replay:
    """The outcome of an earlier turn with the same Idempotency-Key, answered instead of running again."""

    conversation_id: int
    """The turn's conversation."""
    message_id: int
    """Its reply."""
    content: str
    """The reply text."""
    tool_calls: list[dict[str, Any]]
    """The reply's tool calls."""
    status: str
    """complete, interrupted or failed."""


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _replay(session: Any, user: User, key: str) -> Replay | None:
    """The earlier turn sent with `key` by this user within the window; TurnInProgress while it runs."""
    sent = session.scalar(select(Message).where(Message.user_id == user.id, Message.idempotency_key == key))
    if sent is None:
        return None
    if _aware(sent.created_at) < utcnow() - IDEMPOTENCY_WINDOW:
        sent.idempotency_key = None  # expired: the key may name a new turn
        session.flush()
        return None
    reply = session.scalar(select(Message).where(
        Message.conversation_id == sent.conversation_id, Message.id > sent.id, Message.role == "assistant",
    ).order_by(Message.id).limit(1))
    if reply is None:
        raise TurnInProgress("That message is still being answered; try again in a moment.")
    if reply.status == "pending":
        settle_abandoned(session, [reply])
        if reply.status == "pending":
            raise TurnInProgress("That message is still being answered; try again in a moment.")
    return Replay(sent.conversation_id, reply.id, reply.content, list(reply.tool_calls or []), reply.status)


def abandoned(msg: StoredMessage) -> bool:
    """True for a `pending` reply whose process died (SIGKILL) or that has been pending past ABANDONED_AFTER."""
    if msg.status != "pending":
        return False
    started = msg.created_at
    return (started is not None and _aware(started) < utcnow() - ABANDONED_AFTER) or _owner_gone(msg.meta)


def settle_abandoned(session: Any, messages: Sequence[StoredMessage]) -> None:
    """Mark replies whose process died (SIGKILL, lost machine) as interrupted, keeping their text and calls."""
    gone = []
    for msg in messages:
        if abandoned(msg):
            if isinstance(msg, Message):
                msg.status = "interrupted"
            else:
                gone.append(msg.id)
    if gone:
        session.connection().execute(_INTERRUPTED, {"gone": gone})


@overload
def reserve(user: User, conversation: int | ConversationHead | None, message: str, window: int, *,
            user_meta: dict[str, Any] | None = None, idempotency_key: None = None) -> Turn: ...


@overload
def reserve(user: User, conversation: int | ConversationHead | None, message: str, window: int, *,
            user_meta: dict[str, Any] | None = None, idempotency_key: str | None = None) -> Turn | Replay: ...


def reserve(user: User, conversation: int | ConversationHead | None, message: str, window: int, *,
            user_meta: dict[str, Any] | None = None, idempotency_key: str | None = None) -> Turn | Replay:
    """Store the user's message and a pending reply, and load the context: one transaction, before any run.

    `conversation` is None for a new one, an id, or the user's conversation already read in this
    transaction (a `ConversationHead`, such as the `ConversationRow` ChatKit describes its thread with; both
    are read by functions that check the owner).

    The transaction is the caller's session's (`db.work()`): in a request, the one that checked the
    token, so a turn's first database round trip also stores it.

    With an `idempotency_key` already used by this user within 24 hours, nothing is stored: the
    earlier turn's outcome comes back as a `Replay` (TurnInProgress while it still runs).
    """
    try:
        return _reserve(user, conversation, message, window, user_meta, idempotency_key)
    except IntegrityError:
        if idempotency_key is None:
            raise
        # The same key reserved concurrently: that turn won; answer it like any resend.
        with db.work() as session:
            replay = _replay(session, user, idempotency_key)
        if replay is None:
            raise
        return replay


def _reserve(user: User, conversation: int | ConversationHead | None, message: str, window: int,
             user_meta: dict[str, Any] | None, idempotency_key: str | None) -> Turn | Replay:
    with db.work() as session:
        if idempotency_key is not None:
            replay = _replay(session, user, idempotency_key)
            if replay is not None:
                return replay
        now = utcnow()
        history: list[StoredMessage] = []
        conv: Conversation | ConversationHead
        if conversation is None:
            conv = create_conversation(session, user, title_from(message), at=now)
        else:
            conv = conversation if isinstance(conversation, ConversationHead) else conversation_head(
                session, user, conversation)
            if not conv.title:
                conv.title = title_from(message)
            history = recent_messages(session, conv.id, window)
            settle_abandoned(session, history)
        stored = add_message(session, conv, "user", message, meta=user_meta, idempotency_key=idempotency_key, at=now)
        items = [*input_items(history), {"role": "user", "content": message}]
        reply = add_message(session, conv, "assistant", "", status="pending", meta={"owner": owner()}, at=now)
        if isinstance(conv, ConversationHead):
            touch(session, conv, now)
        return Turn(conv.id, stored, reply, items, user.id, user.timezone, conv.title)


def took_effect(call: dict[str, Any]) -> bool:
    """True for a recorded tool call that completed (its output is a result, not an error sentence)."""
    return isinstance(call.get("output"), dict)


def reserve_retry(user: User, conversation_id: int, user_message_id: int, window: int) -> Turn:
    """Reserve a new answer to a stored user message, replacing the replies after it: one transaction.

    Tool calls of the replaced replies that took effect are not run again: the new run starts
    with them as its own (function call and output after the user's message, as if this run had
    made them), so the model goes on from there, and the new reply keeps them in its record.
    Undoing them instead would need an inverse of every tool (a deleted task cannot come back
    with its id), and would be visible to other screens in the meantime.
    """
    with db.work() as session:
        conv = get_conversation(session, user, conversation_id)
        retried = session.get(Message, user_message_id)
        if retried is None or retried.conversation_id != conv.id or retried.role != "user":
            raise NotFound(f"No user message {user_message_id} in this conversation.", code="message_not_found")
        later = list(session.scalars(select(Message).where(
            Message.conversation_id == conv.id, Message.id > user_message_id).order_by(Message.id)))
        carried = [dict(call) for msg in later if msg.role == "assistant"
                   for call in (msg.tool_calls or []) if took_effect(call)]
        for msg in later:
            session.delete(msg)
        session.flush()
        history = recent_messages(session, conv.id, window)
        settle_abandoned(session, history)
        reply = add_message(session, conv, "assistant", "", status="pending", tool_calls=carried,
                            meta={"owner": owner(), "retry_of": user_message_id})
        carried_reply = Message(id=reply, role="assistant", content="", tool_calls=carried)
        items = input_items(history) + input_items([carried_reply])
        current = Turn(conv.id, user_message_id, reply, items, user.id, user.timezone, conv.title)
        current.reply.tool_calls = [dict(call) for call in carried]
        return current


_INTERRUPTED = (update(Message).where(Message.id.in_(bindparam("gone", expanding=True)), Message.status == "pending")
                .values(status="interrupted"))
"""Settles abandoned replies (see `settle_abandoned`)."""
_RECORDED_CALLS = select(Message.tool_calls).where(Message.id == bindparam("reply_id")).with_for_update()
_MY_REPLY = (Message.id == bindparam("reply_id"), Message.user_id == bindparam("owner_id"))
_SAVE_TEXT = update(Message).where(*_MY_REPLY).values(content=bindparam("new_content"))
_SETTLE = update(Message).where(*_MY_REPLY).values(
    content=bindparam("new_content"), tool_calls=bindparam("new_tool_calls"), status=bindparam("new_status"))
_TOUCH = update(Conversation).where(Conversation.id == bindparam("conversation_id")).values(updated_at=bindparam("now"))
"""The statements of a reply's saves and settle, built once: a turn runs two or three of them, and building a
statement and its cache key cost more than running it."""


def _final_calls(connection: Connection, turn: Turn) -> list[dict[str, Any]]:
    """The reply's tool calls to store at settle: the turn's own, and any a tool recorded that the
    turn never heard of (a run cancelled between a tool's commit and its result event)."""
    calls = [dict(c) for c in turn.reply.tool_calls]
    recorded = connection.scalar(_RECORDED_CALLS, {"reply_id": turn.reply_id}) or []
    known = {c.get("call_id") for c in calls}
    return calls + [dict(c) for c in recorded if c.get("call_id") not in known]


def _write(turn: Turn, status: str) -> bool:
    """Write the reply so far to its row; False when the row (or its conversation) was deleted.

    One UPDATE by key, on a plain connection (no session): a turn writes its reply two or three
    times. A save (`pending`) writes the text only and leaves the status alone (the row may be
    settled already, e.g. as interrupted); the tool calls are the tools' to record until the turn
    settles. A turn that completed heard every tool result; one that did not also keeps the calls
    only its tools recorded.
    """
    values: dict[str, Any] = {"content": turn.reply.content}
    if status == "complete":
        values["tool_calls"] = [dict(c) for c in turn.reply.tool_calls]
    with db.statements() as connection:
        if status not in ("pending", "complete"):
            values["tool_calls"] = _final_calls(connection, turn)
        if status != "pending":
            values["status"] = status
        statement = _SAVE_TEXT if status == "pending" else _SETTLE
        written = connection.execute(statement, {"reply_id": turn.reply_id, "owner_id": turn.user_id,
                                                  **{f"new_{name}": value for name, value in values.items()}})
        if not written.rowcount:
            return False
        if status != "pending":
            connection.execute(_TOUCH, {"conversation_id": turn.conversation_id, "now": utcnow()})
        return True


def due(turn: Turn, event: RunEvent) -> bool:
    """Take in an event; True when the text should be saved now (older than SAVE_EVERY).

    A tool result is never due: the tool committed it with its own write.
    """
    turn.reply.add(event)
    return event["type"] == "chunk" and time.monotonic() - turn.saved_at >= SAVE_EVERY


def save(turn: Turn) -> None:
    """Commit the reply so far (the row stays `pending`)."""
    turn.saved_at = time.monotonic()
    _write(turn, "pending")


async def record(turn: Turn, event: RunEvent) -> None:
    """`due` then `save`, from the asyncio loop (the write runs off the loop)."""
    if due(turn, event):
        turn.saved_at = time.monotonic()
        await run_blocking(_write, turn, "pending")


def settle(turn: Turn, status: str) -> bool:
    """Store the final reply with its status (complete, interrupted or failed); once. False when it is gone."""
    if turn.settled:
        return True
    turn.settled = True
    return _write(turn, status)


@dataclass(frozen=True)
class Failure:
    """How a turn that could not finish is told to the user, in every protocol."""

    code: str
    """Machine-readable code of the /chat error event."""
    message: str
    """The sentence the user reads."""
    retryable: bool
    """True when sending the same message again may work."""


REPLAYED_FAILURE = Failure("turn_not_completed", "That message was not fully answered; retry it to continue.", True)
STORAGE_FAILED = Failure("storage_unavailable", "Your reply could not be saved; please try again.", True)


def failure(err: BaseException) -> Failure:
    """The one wording of each way a turn can fail."""
    from agents.exceptions import MaxTurnsExceeded
    from openai import APITimeoutError

    from app.agent.runtime import LoopStalledError

    if isinstance(err, MaxTurnsExceeded):
        return Failure("turn_too_long", "That took too many steps; try asking more simply.", False)
    if isinstance(err, asyncio.TimeoutError | TimeoutError | LoopStalledError | APITimeoutError):
        return Failure("assistant_timeout", "The assistant took too long to answer; please try again.", True)
    return Failure("assistant_unavailable", "The assistant could not answer just now; please try again.", True)
