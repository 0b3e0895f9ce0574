"""Rows as ChatKit objects and back: a Conversation is a thread, a user or assistant Message an item.

A user message keeps its ChatKit fields (content parts, inference options, quoted text) in
`meta["chatkit"]` so the item comes back as it was sent; its `content` column holds the plain text
the agent and /chat see. Stored timestamps are UTC and come back with their timezone.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from chatkit.types import (
    AssistantMessageContent,
    AssistantMessageItem,
    InferenceOptions,
    ThreadItem,
    ThreadMetadata,
    UserMessageContent,
    UserMessageItem,
    UserMessageTextContent,
)
from pydantic import TypeAdapter, ValidationError

from app.chatkit.ids import item_id_of, thread_id_of
from app.conversations.store import ConversationRow
from app.models import Conversation, Message

_USER_CONTENT = TypeAdapter(list[UserMessageContent])


def utc(value: datetime) -> datetime:
    """A stored (naive UTC on SQLite) timestamp with its timezone."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def user_text(content: Sequence[UserMessageContent]) -> str:
    """The text of a user message as the agent and /chat see it; tags read `@name`, as in ChatKit's converter."""
    parts = [part.text if isinstance(part, UserMessageTextContent) else f"@{part.text}" for part in content]
    return "".join(parts).strip()


def chatkit_fields(user_input: Any) -> dict[str, Any]:
    """The ChatKit fields of a user message or input, as kept in `meta["chatkit"]`."""
    return {"content": [part.model_dump(mode="json") for part in user_input.content],
            "inference_options": user_input.inference_options.model_dump(mode="json", exclude_none=True),
            "quoted_text": user_input.quoted_text}


def user_meta(user_input: Any) -> dict[str, Any]:
    """A user message's `meta` for its ChatKit input."""
    return {"chatkit": chatkit_fields(user_input)}


def thread_metadata(conv: Conversation | ConversationRow) -> ThreadMetadata:
    """A conversation as ChatKit thread metadata (never with items)."""
    saved = (conv.meta or {}).get("chatkit") or {}
    fields: dict[str, Any] = {"id": thread_id_of(conv.id), "title": conv.title or None,
                              "created_at": utc(conv.created_at)}
    try:
        return ThreadMetadata.model_validate({
            **fields, "status": saved.get("status") or {"type": "active"},
            "allowed_image_domains": saved.get("allowed_image_domains"),
            "metadata": {**(saved.get("metadata") or {}), "updated_at": utc(conv.updated_at).isoformat()},
        })
    except ValidationError:
        return ThreadMetadata.model_validate(fields)


def thread_item(msg: Message) -> ThreadItem:
    """A message as a ChatKit item: the user's as a user message, the assistant's as one text part."""
    common: dict[str, Any] = {"id": item_id_of(msg.id), "thread_id": thread_id_of(msg.conversation_id),
                              "created_at": utc(msg.created_at)}
    if msg.role != "user":
        return AssistantMessageItem(**common, content=[AssistantMessageContent(text=msg.content)])
    saved = (msg.meta or {}).get("chatkit") or {}
    content: list[UserMessageContent]
    try:
        content = _USER_CONTENT.validate_python(saved["content"])
        options = InferenceOptions.model_validate(saved.get("inference_options") or {})
    except (KeyError, ValidationError):
        content, options = [UserMessageTextContent(text=msg.content)], InferenceOptions()
    return UserMessageItem(**common, content=content, inference_options=options, quoted_text=saved.get("quoted_text"))


def item_fields(item: UserMessageItem | AssistantMessageItem) -> tuple[str, str, dict[str, Any]]:
    """(role, content, chatkit meta) of an item, as a message stores them."""
    if isinstance(item, AssistantMessageItem):
        return "assistant", "".join(part.text for part in item.content), {}
    return "user", user_text(item.content), chatkit_fields(item)


def same_thread(known: ThreadMetadata, thread: ThreadMetadata) -> bool:
    """True when saving `thread` would change nothing of `known` (None keeps the stored title)."""
    return (thread.title is None or thread.title == known.title) and thread.status == known.status \
        and thread.metadata == known.metadata and thread.allowed_image_domains == known.allowed_image_domains


def thread_fields(thread: ThreadMetadata) -> dict[str, Any]:
    """What a conversation keeps of a thread in `meta["chatkit"]` (the title has its own column)."""
    return {"status": thread.status.model_dump(mode="json"), "metadata": thread.metadata,
            "allowed_image_domains": thread.allowed_image_domains}
