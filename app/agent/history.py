"""A turn's earlier conversation goes to the model beside the SDK's run, not through it.

A continued conversation gives each turn up to the history window of stored items (40 messages and their tool
calls: about 80 dicts). Handed to `Runner.run_streamed` as the run's input, the SDK walks every one of them
again and again, though none can change: the run state's deep copy of its original input, the input list
rebuilt for the new-items bookkeeping (twice), the dedupe by call id, the reasoning-id policy and the strip
of session metadata before each model request. On a full window that was about a millisecond of the loop
thread's CPU per turn, as much as everything else the history costs.

So `run_turn` splits its input (`split_input`): the run starts at the turn's user message (with, on a retry,
the calls carried over after it), and the items before it, already stored and already clean JSON, wait in
`TURN_HISTORY`, a context variable the run's task copies when it is created. `WithHistory`, the model every
agent is given, puts them back in front of the input of each request, so the model, the embedded one or
OpenAI's, receives exactly the list it received before. Nothing else of the SDK's run reads the earlier items:
the app keeps its conversations in its own store (no SDK session, no server-side conversation id, no
`to_input_list`), and tracing is off.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextvars import ContextVar
from typing import Any

from agents.items import ModelResponse, TResponseInputItem, TResponseStreamEvent
from agents.models.interface import Model

TURN_HISTORY: ContextVar[Sequence[TResponseInputItem]] = ContextVar("todo_turn_history", default=())
"""The current run's earlier conversation (empty outside `run_turn`: then every request gets its input as is)."""


def split_input(items: Sequence[Any]) -> tuple[list[Any], list[Any]]:
    """The items before the last user message, and the run's own input (from that message on).

    Without a user message (not something a turn gives) the whole input is the run's."""
    for index in range(len(items) - 1, -1, -1):
        item = items[index]
        if isinstance(item, dict) and item.get("role") == "user":
            return list(items[:index]), list(items[index:])
    return [], list(items)


def with_history(input: str | list[TResponseInputItem]) -> str | list[TResponseInputItem]:
    """A request's input with the current run's earlier conversation in front of it."""
    history = TURN_HISTORY.get()
    if not history:
        return input
    if isinstance(input, str):
        return [*history, {"role": "user", "content": input}]
    return [*history, *input]


class WithHistory(Model):
    """A model whose every request carries the current run's earlier conversation before its input."""

    def __init__(self, inner: Model) -> None:
        self.inner = inner
        """The model that answers."""

    async def get_response(self, system_instructions: str | None, input: str | list[TResponseInputItem],
                           *args: Any, **kwargs: Any) -> ModelResponse:
        return await self.inner.get_response(system_instructions, with_history(input), *args, **kwargs)

    def stream_response(self, system_instructions: str | None, input: str | list[TResponseInputItem],
                        *args: Any, **kwargs: Any) -> AsyncIterator[TResponseStreamEvent]:
        return self.inner.stream_response(system_instructions, with_history(input), *args, **kwargs)

    def get_retry_advice(self, request: Any) -> Any:
        return self.inner.get_retry_advice(request)

    async def _cleanup_on_run_end(self, owner: object) -> None:
        await self.inner._cleanup_on_run_end(owner)

    async def close(self) -> None:
        await self.inner.close()
