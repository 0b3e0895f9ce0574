"""Conversations and messages as the JSON API (and the CLI's export) show them."""

from __future__ import annotations

from typing import Any

from app.models import Conversation, Message
from app.tasks.service import iso


def conversation_to_dict(conv: Conversation) -> dict[str, Any]:
    """A conversation as the API returns it."""
    return {"id": conv.id, "title": conv.title, "created_at": iso(conv.created_at), "updated_at": iso(conv.updated_at)}


def message_to_dict(msg: Message) -> dict[str, Any]:
    """A message as the API returns it."""
    return {"id": msg.id, "role": msg.role, "content": msg.content, "status": msg.status,
            "tool_calls": msg.tool_calls or [], "created_at": iso(msg.created_at)}
