"""The /chat stream event contract (see the HTTP contract, "Chat"), as typed dicts.

A turn's agent run produces `RunEvent`s (`chunk`, `tool_call`, `tool_result`: `events.turn_events`),
the turn records them (`turn.record`), and the /chat SSE writer frames them between a `conversation`
event and a `done` or `error` event (`chat.routes`, `chat.sse`); ChatKit and `flask todo chat` read the
same `RunEvent`s. They are plain dicts at run time, so `json.dumps` writes them as they always were: the
keys in the order each one is built.
"""

from __future__ import annotations

from typing import Literal, TypeAlias, TypedDict

JSONValue: TypeAlias = "dict[str, JSONValue] | list[JSONValue] | str | int | float | bool | None"
"""A value as `json.loads` gives it: a tool's parsed arguments or output."""


class ConversationEvent(TypedDict):
    """First event of a /chat stream: the conversation the turn belongs to (new or continued)."""

    type: Literal["conversation"]
    """Always "conversation"."""
    conversation_id: int
    """The conversation's id."""


class ChunkEvent(TypedDict):
    """A piece of the reply text, sent as soon as it exists."""

    type: Literal["chunk"]
    """Always "chunk"."""
    content: str
    """The text to append to the reply."""


class ToolCallEvent(TypedDict):
    """The agent called a tool."""

    type: Literal["tool_call"]
    """Always "tool_call"."""
    tool_name: str
    """The tool's name (e.g. `add_task`)."""
    call_id: str
    """Pairs the call with its `tool_result`."""
    arguments: JSONValue
    """The call's arguments (parsed from the model's JSON text when it is JSON)."""


class ToolResultEvent(TypedDict):
    """A tool call finished (its result is already stored with the reply)."""

    type: Literal["tool_result"]
    """Always "tool_result"."""
    tool_name: str
    """The tool's name ("" when the call was not seen)."""
    call_id: str
    """The `call_id` of its `tool_call`."""
    output: JSONValue
    """The tool's output: a JSON result, or the sentence of a tool error."""


class DoneEvent(TypedDict):
    """Last event of a turn whose reply was stored."""

    type: Literal["done"]
    """Always "done"."""
    conversation_id: int
    """The conversation."""
    message_id: int
    """The stored reply's message id."""


class ErrorEvent(TypedDict):
    """Last event of a turn that could not finish (wording from `turn.failure`)."""

    type: Literal["error"]
    """Always "error"."""
    code: str
    """Machine-readable code (e.g. `assistant_timeout`)."""
    message: str
    """The sentence the user reads."""
    retryable: bool
    """True when sending the same message again may work."""
    conversation_id: int
    """The conversation."""


RunEvent: TypeAlias = ChunkEvent | ToolCallEvent | ToolResultEvent
"""What one agent run yields, recorded on the reply and streamed in every protocol."""

ChatEvent: TypeAlias = ConversationEvent | RunEvent | DoneEvent | ErrorEvent
"""Any event of a /chat Server-Sent Events stream."""
