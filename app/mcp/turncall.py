"""The chat turn a tool call acts for, and the record of the call on that turn's reply.

The agent's adapter (inprocess.py) puts the turn in each call's `_meta` under `TURN_META_KEY`,
from the run's context, never from the model: the reserved reply row, the call's id, name and
arguments, and the seconds left before the turn's deadline. The tool then

* records the call with its result on the reply row **in its own transaction**, right after the
  service's write (`record_call`): the effect and its record commit together, so a worker killed
  at any moment leaves both or neither, and a turn costs one transaction less;
* holds that transaction to the turn's deadline (`Database.begin(until=...)`): a tool stuck
  behind a lock gives up when the turn's time is up instead of holding the turn past it.

A call without a turn (an outside MCP client over `flask todo mcp serve`) writes as before.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from app.models import Message, User

TURN_META_KEY = "todo-assistant/turn"
"""Key of the turn's description in a tool call's `_meta`."""

_RECORDED = (select(Message.tool_calls)
             .where(Message.id == bindparam("reply_id"), Message.user_id == bindparam("user_id"),
                    Message.role == "assistant")
             .with_for_update())
"""The reply row's recorded calls, locked. Built once: building a statement and its cache key cost more than
running it, and every tool call of every turn runs this one and `_RECORD`."""
_RECORD = update(Message).where(Message.id == bindparam("reply_id")).values(tool_calls=bindparam("calls"))


class Caller(Protocol):
    """What the agent's run context tells the tools about their caller (the agent's TurnContext)."""

    user_id: str
    """The authenticated user."""
    reply_id: int | None
    """The turn's reserved reply row, or None outside a turn."""
    ends: float | None
    """The `time.monotonic()` moment the turn's deadline passes, or None when it has none."""


@dataclass(frozen=True)
class TurnCall:
    """One tool call of a chat turn, as the tool receives it."""

    reply_id: int
    """The turn's reply row, on which the call is recorded."""
    call_id: str
    """The model's id of the call (pairs it with its output in the history)."""
    name: str
    """The tool's name."""
    arguments: dict[str, Any]
    """The call's arguments as the model sent them."""
    until: float | None
    """The `time.monotonic()` moment by which the tool's transaction must end, or None."""

    def meta(self) -> dict[str, Any]:
        """The `_meta` value describing this call (the time left is counted from now)."""
        left = None if self.until is None else self.until - time.monotonic()
        return {"reply_id": self.reply_id, "call_id": self.call_id, "name": self.name,
                "arguments": self.arguments, "time_left": left}

    @classmethod
    def from_meta(cls, meta: Any) -> TurnCall | None:
        """The call a `_meta` value describes, or None when it names no turn (or is malformed)."""
        if not isinstance(meta, dict) or not isinstance(meta.get("reply_id"), int):
            return None
        left = meta.get("time_left")
        arguments = meta.get("arguments")
        return cls(
            reply_id=meta["reply_id"], call_id=str(meta.get("call_id") or ""), name=str(meta.get("name") or ""),
            arguments=arguments if isinstance(arguments, dict) else {},
            until=time.monotonic() + left if isinstance(left, int | float) else None,
        )


def record_call(session: Session, user: User, call: TurnCall, output: dict[str, Any]) -> None:
    """Add the call with its output to the user's reply row, in the caller's transaction.

    The row's `tool_calls` is read locked and written whole: the turn's own saves leave it to the
    tools until it settles. A reply that is gone (conversation deleted meanwhile) records nothing.
    Only that column is read and written (no Message is loaded and flushed: this runs in every
    tool call of every turn).
    """
    connection = session.connection()  # plain SQL in the session's transaction: no ORM statement machinery
    found = connection.execute(_RECORDED, {"reply_id": call.reply_id, "user_id": user.id}).first()
    if found is None:
        return
    calls = [c for c in found[0] or [] if c.get("call_id") != call.call_id]
    recorded = [*calls, {"call_id": call.call_id, "name": call.name, "arguments": call.arguments, "output": output}]
    connection.execute(_RECORD, {"reply_id": call.reply_id, "calls": recorded})
