"""The rules of what a user says and how a conversation is titled, the same for /chat and ChatKit."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from app.text import MESSAGE, TITLE, text_field

MAX_MESSAGE = 8000
"""Longest message a user may send."""
MAX_TITLE = 200
"""Longest conversation title."""


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


MessageText = Annotated[str, BeforeValidator(_strip), Field(min_length=1, max_length=MAX_MESSAGE),
                        *text_field(MESSAGE, MAX_MESSAGE)]
"""What a user says: 1-8000 characters once stripped, no control characters but line breaks and tabs."""


class UserMessage(BaseModel):
    """A user's message alone (ChatKit's input, once its parts are joined)."""

    model_config = ConfigDict(strict=True)

    message: MessageText
    """What the user said."""


class RenameBody(BaseModel):
    """A new title."""

    model_config = ConfigDict(extra="forbid", strict=True)

    title: Annotated[str, BeforeValidator(_strip), Field(min_length=1, max_length=MAX_TITLE),
                     *text_field(TITLE, MAX_TITLE)]
    """The conversation's new title."""
