"""One turn's agent run as the `RunEvent`s of the /chat SSE contract (`chat_events`), or in a protocol's own terms."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable, Iterable
from typing import TypeVar, cast

from agents import StreamEvent
from agents.models.interface import Model

from app.agent.agent import TurnContext, run_turn
from app.chat_events import JSONValue, RunEvent
from app.conversations.turn import Turn, record

T = TypeVar("T")

RunView = Callable[[StreamEvent, RunEvent | None], Iterable[T]]
"""What a protocol sends for one event of the run: given the SDK's event and its /chat event (None for most),
the protocol's events for it (none for most)."""


def parse_tool_value(value: object) -> JSONValue:
    """Tool arguments and outputs are JSON text; hand clients the JSON value when it is one."""
    if isinstance(value, list) and value and isinstance(value[0], dict) and "text" in value[0]:
        value = "".join(str(part.get("text", "")) for part in value)
    if isinstance(value, dict) and value.get("type") in ("text", "input_text"):
        value = value.get("text", "")
    if isinstance(value, str):
        try:
            return cast(JSONValue, json.loads(value))
        except ValueError:
            return value
    return cast(JSONValue, value)  # the SDK hands tool values over as JSON text or JSON-able objects


def simple_event(event: StreamEvent, names: dict[str, str]) -> RunEvent | None:
    """One Agents SDK stream event as a /chat event (`chunk`, `tool_call`, `tool_result`), or None.

    `names` maps call ids to tool names across a run, since tool outputs carry only the id.
    """
    if event.type == "raw_response_event":
        delta = getattr(event.data, "delta", None)
        if getattr(event.data, "type", "") == "response.output_text.delta" and delta:
            return {"type": "chunk", "content": delta}
        return None
    if event.type != "run_item_stream_event":
        return None
    raw = getattr(event.item, "raw_item", None)
    if event.name == "tool_called":
        call_id = str(getattr(raw, "call_id", "") or "")
        names[call_id] = str(getattr(raw, "name", "") or "")
        return {"type": "tool_call", "tool_name": names[call_id], "call_id": call_id,
                "arguments": parse_tool_value(getattr(raw, "arguments", "{}"))}
    if event.name == "tool_output":
        call_id = str(raw.get("call_id", "") if isinstance(raw, dict) else getattr(raw, "call_id", ""))
        return {"type": "tool_result", "tool_name": names.get(call_id, ""), "call_id": call_id,
                "output": parse_tool_value(getattr(event.item, "output", None))}
    return None


def chat_view(_event: StreamEvent, simple: RunEvent | None) -> Iterable[RunEvent]:
    """/chat's view of the run: its simple events."""
    return () if simple is None else (simple,)


async def turn_events(model: Model, turn: Turn, view: RunView[T]) -> AsyncIterator[T]:
    """Run the agent for a turn and yield what `view` makes of each event, as they happen (/chat's `chat_view`:
    `chunk`, `tool_call` and `tool_result`; ChatKit's: its stream events).

    Each event is taken in by the turn first (`turn.record`). A tool call that took effect was
    already recorded on the reply row by the tool itself, in the transaction of its write (the
    context names the reply: `mcp.turncall`), so it is committed before the client hears of it.
    """
    names: dict[str, str] = {}
    context = TurnContext(turn.user_id, turn.timezone, reply_id=turn.reply_id)
    async with run_turn(model, turn.input_items, context) as result:
        async for event in result.stream_events():
            simple = simple_event(event, names)
            if simple is not None:
                await record(turn, simple)
            for out in view(event, simple):
                yield out
