"""Request and response models of the chat and conversations routes."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from app.conversations.schemas import MessageText
from app.text import SINGLE_LINE, text_field
from app.validation import RowId


class ChatBody(BaseModel):
    """A user's message, optionally continuing a conversation."""

    model_config = ConfigDict(extra="forbid", strict=True, json_schema_extra={"anyOf": [
        {"required": ["message"], "properties": {"message": {"type": "string"}, "retry_of": {"type": "null"}}},
        {"required": ["retry_of", "conversation_id"],
         "properties": {"retry_of": {"type": "integer"}, "conversation_id": {"type": "integer"},
                        "message": {"type": "null"}}},
    ]})
    """Either a new `message`, or `retry_of` (with `conversation_id`): the document says so for clients and fuzzers."""

    message: MessageText | None = None
    """What the user said (1-8000 characters); required unless `retry_of` is given."""
    conversation_id: RowId | None = None
    """The conversation to continue; a new one starts when absent."""
    retry_of: RowId | None = None
    """Answer this user message of `conversation_id` again instead of a new one: the replies after it are
    replaced, and the tool calls they made that took effect are not run again (the new run continues from them)."""

    @model_validator(mode="after")
    def _message_or_retry(self) -> ChatBody:
        if (self.message is None) == (self.retry_of is None):
            raise ValueError("give either message or retry_of")
        if self.retry_of is not None and self.conversation_id is None:
            raise ValueError("retry_of needs conversation_id")
        return self


class ToolCallOut(BaseModel):
    """A tool the assistant called in a turn."""

    name: str
    """Tool name."""
    arguments: Any
    """Arguments the model gave."""
    output: Any
    """What the tool answered."""


class ChatReply(BaseModel):
    """The JSON variant of /chat (Accept: application/json)."""

    conversation_id: int
    """The conversation of the turn."""
    message_id: int
    """The stored reply."""
    response: str
    """The reply text."""
    tool_calls: list[ToolCallOut]
    """Tools called in the turn."""


class ConversationOut(BaseModel):
    """A conversation."""

    id: int
    """Conversation id."""
    title: str
    """Title (from its first message unless renamed)."""
    created_at: str
    """ISO 8601, UTC."""
    updated_at: str
    """ISO 8601, UTC."""


class ConversationPage(BaseModel):
    """A page of conversations, newest first."""

    conversations: list[ConversationOut]
    """This page."""
    next_cursor: str | None
    """Cursor of the next page."""


class MessageOut(BaseModel):
    """A message of a conversation."""

    id: int
    """Message id."""
    role: str
    """user or assistant."""
    content: str
    """Text."""
    status: str
    """complete, interrupted, failed, or pending (a ChatKit reply still running)."""
    tool_calls: list[dict[str, Any]]
    """Tools the assistant called for this reply."""
    created_at: str
    """ISO 8601, UTC."""


class MessagePage(BaseModel):
    """A page of messages, oldest first."""

    messages: list[MessageOut]
    """This page."""
    next_cursor: str | None
    """Cursor of the next page."""


class PageQuery(BaseModel):
    """Paging of conversations and messages."""

    model_config = ConfigDict(extra="forbid")

    limit: int = Field(default=50, ge=1, le=100)
    """Page size."""
    cursor: Annotated[str, *text_field(SINGLE_LINE)] | None = Field(default=None, max_length=100)
    """next_cursor of the previous page."""

