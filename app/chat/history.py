"""Conversations in the database: store the user's message before a run, the reply after, and rebuild
a turn's context from recent messages. No conversation state lives in memory between requests."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, timedelta
from typing import Any

from sqlalchemy import select

from app.errors import NotFound
from app.extensions import db
from app.models import Conversation, Message, User, utcnow
from app.tasks.service import DbSession

TITLE_LENGTH = 60


@dataclass
class Turn:
    """A turn in progress: where its reply goes and what the agent sees."""

    conversation_id: int
    """The conversation (new or continued)."""
    user_message_id: int
    """The stored user message."""
    input_items: list[dict[str, Any]]
    """Responses-API input items: recent history, then the new message."""
    user_id: str
    """The owner."""
    timezone: str
    """The owner's timezone."""


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

    def add(self, event: dict[str, Any]) -> None:
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


def title_from(message: str) -> str:
    """A conversation title from its first message: the first line, shortened at a word boundary."""
    line = " ".join(message.strip().split("\n", 1)[0].split())
    if len(line) <= TITLE_LENGTH:
        return line
    cut = line[:TITLE_LENGTH].rsplit(" ", 1)[0]
    return cut + "…"


def get_conversation(session: DbSession, user: User | str, conversation_id: int) -> Conversation:
    """The user's conversation or NotFound (also for another user's)."""
    user_id = user if isinstance(user, str) else user.id
    conv = session.scalar(
        select(Conversation).where(Conversation.id == conversation_id, Conversation.user_id == user_id)
    )
    if conv is None:
        raise NotFound(f"No conversation {conversation_id}.", code="conversation_not_found")
    return conv


def create_conversation(session: DbSession, user: User, title: str = "") -> Conversation:
    """A new, empty conversation."""
    now = utcnow()
    conv = Conversation(user_id=user.id, title=title, created_at=now, updated_at=now, meta={})
    session.add(conv)
    session.flush()
    return conv


def add_message(session: DbSession, conv: Conversation, role: str, content: str, *, status: str = "complete",
                tool_calls: list[dict[str, Any]] | None = None, meta: dict[str, Any] | None = None) -> Message:
    """Append a message to a conversation and touch its updated_at."""
    now = utcnow()
    msg = Message(conversation_id=conv.id, user_id=conv.user_id, role=role, content=content, status=status,
                  tool_calls=tool_calls or [], meta=meta or {}, created_at=now, updated_at=now)
    session.add(msg)
    conv.updated_at = now
    session.flush()
    return msg


def recent_messages(session: DbSession, conversation_id: int, window: int) -> list[Message]:
    """The last `window` messages, oldest first (an index range scan however long the conversation)."""
    rows = session.scalars(
        select(Message).where(Message.conversation_id == conversation_id).order_by(Message.id.desc()).limit(window)
    )
    return list(reversed(list(rows)))


def input_items(messages: list[Message]) -> list[dict[str, Any]]:
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
                          "output": output if isinstance(output, str) else json.dumps(output)})
        if msg.content:
            items.append({"role": "assistant", "content": msg.content})
    return items


ABANDONED_AFTER = timedelta(minutes=10)
"""A reply still `pending` this long after it started belongs to a process that died mid-turn."""


def _settle_abandoned(messages: list[Message]) -> None:
    """Mark replies whose process died (SIGKILL, lost machine) as interrupted, so the history is consistent."""
    cutoff = utcnow() - ABANDONED_AFTER
    for msg in messages:
        started = msg.created_at if msg.created_at.tzinfo else msg.created_at.replace(tzinfo=UTC)
        if msg.status == "pending" and started < cutoff:
            msg.status = "interrupted"


def start_turn(user: User, conversation_id: int | None, message: str, window: int) -> Turn:
    """Store the user's message (before anything runs) and build the turn's context, in one transaction."""
    with db.begin() as session:
        if conversation_id is None:
            conv = create_conversation(session, user, title_from(message))
        else:
            conv = get_conversation(session, user, conversation_id)
            if not conv.title:
                conv.title = title_from(message)
        history = recent_messages(session, conv.id, window)
        _settle_abandoned(history)
        stored = add_message(session, conv, "user", message)
        return Turn(conv.id, stored.id, [*input_items(history), {"role": "user", "content": message}],
                    user.id, user.timezone)


def finish_turn(turn: Turn, reply: Reply, status: str) -> int:
    """Store the assistant's reply (complete, interrupted or failed); returns its id."""
    with db.begin() as session:
        conv = get_conversation(session, turn.user_id, turn.conversation_id)
        msg = add_message(session, conv, "assistant", reply.content, status=status, tool_calls=reply.tool_calls)
        return msg.id
