"""A streamed run's queues and usage records, made light: a turn spends most of its life waiting for its model,
holding them.

openai-agents 0.24 gives every streamed run (`RunResultStreaming`) two `asyncio.Queue`s and an `asyncio.Event`.
Each queue is four `collections.deque`s (its buffer, getters, putters and its `finished` event's waiters) and
each deque allocates 760 bytes when it is made, even empty: about 7 KB per run, held for the whole turn.
`lighten` swaps them right after `Runner.run_streamed`, before the run's task first runs:

- the input-guardrail queue, when neither the agent nor the run config has an input guardrail (the assistant has
  none, so it stays empty), for `NO_INPUT_GUARDRAILS`, one shared stand-in that answers what the SDK asks of an
  empty queue (`empty`, `get_nowait`) and refuses a put loudly; a run with an input guardrail keeps its queue;
- the event queue, for a `LeanQueue`: an `asyncio.Queue` whose buffer and waiters are `SmallFifo` lists;
- the consumers-stopped event's waiters, for a `SmallFifo`.

Usage records are pydantic models too: each token-details object (cached and reasoning tokens) is about 550
bytes, and a waiting run held ten: its usage, its per-request entry, the start-of-task and start-of-turn snapshots
(`snapshot_usage`) and the model response's. Nothing changes a details object once made (`Usage.add` makes new
ones), so every all-zero one can be the same object: `NO_CACHED_TOKENS` and `NO_REASONING_TOKENS`. The embedded
model reports them, `snapshot_usage` (rebound in the SDK's run modules by `install`) takes them, and
`share_zero_details` swaps them into a run's usage after each step.

`tests/test_sdk_lean.py` checks all of this, that a lightened run streams and ends as before, and that the SDK
still has each attribute and name: an upgrade that renames one fails there and raises here, never silently.
"""

from __future__ import annotations

import asyncio
from collections import deque
from typing import Any, NoReturn, TypeVar

from agents import Agent, RunConfig
from agents.result import RunResultStreaming
from agents.run_internal import agent_runner_helpers
from agents.usage import RequestUsage, Usage, _make_input_tokens_details
from openai.types.responses.response_usage import InputTokensDetails, OutputTokensDetails

from app.agent.runtime.fifo import SmallFifo
from app.agent.sdk_rebind import rebind

T = TypeVar("T")

QUEUE_ATTRIBUTE = "_input_guardrail_queue"
"""The SDK's name for a streamed run's input-guardrail queue."""
EVENT_QUEUE_ATTRIBUTE = "_event_queue"
"""The SDK's name for the queue of a streamed run's events, which `stream_events` reads."""
STOPPED_ATTRIBUTE = "_stream_consumers_stopped"
"""The SDK's name for the event a streamed run sets when its last consumer stops."""


class NoInputGuardrails:
    """An input-guardrail queue that is always empty: the run it stands in for has no input guardrail."""

    def empty(self) -> bool:
        return True

    def qsize(self) -> int:
        return 0

    def get_nowait(self) -> NoReturn:
        raise asyncio.QueueEmpty

    def put_nowait(self, item: Any) -> NoReturn:
        raise RuntimeError("this run has no input guardrail, yet one reported a result")


NO_INPUT_GUARDRAILS = NoInputGuardrails()
"""The one stand-in every run without input guardrails shares: it holds nothing."""


def _unburden(owner: object, *names: str) -> None:
    """Replace each named empty deque of `owner` (an asyncio queue's or event's) with an empty `SmallFifo`."""
    for name in names:
        held = getattr(owner, name, None)
        if type(held) is not deque or held:
            raise RuntimeError(f"asyncio changed: {type(owner).__name__}.{name} is not an empty deque")
        setattr(owner, name, SmallFifo())


class LeanQueue(asyncio.Queue[T]):
    """An unbounded `asyncio.Queue` that holds its items and waiters in lists, not deques (see the module)."""

    def __init__(self) -> None:
        super().__init__()
        _unburden(self, "_getters", "_putters")
        _unburden(self._finished, "_waiters")  # type: ignore[attr-defined]

    def _init(self, maxsize: int) -> None:
        self._queue: SmallFifo[T] = SmallFifo()


def lighten(result: RunResultStreaming, agent: Agent[Any], run_config: RunConfig) -> None:
    """Swap the run's queues for light ones (see the module).

    Call it right after `Runner.run_streamed`, before the run's task first runs (no `await` between).
    """
    for name in (QUEUE_ATTRIBUTE, EVENT_QUEUE_ATTRIBUTE, STOPPED_ATTRIBUTE):
        if not hasattr(result, name):
            raise RuntimeError(f"openai-agents changed: RunResultStreaming.{name} is gone")
    events: asyncio.Queue[Any] = getattr(result, EVENT_QUEUE_ATTRIBUTE)
    lean: LeanQueue[Any] = LeanQueue()
    while not events.empty():
        lean.put_nowait(events.get_nowait())
    setattr(result, EVENT_QUEUE_ATTRIBUTE, lean)
    _unburden(getattr(result, STOPPED_ATTRIBUTE), "_waiters")
    if not (agent.input_guardrails or run_config.input_guardrails):
        setattr(result, QUEUE_ATTRIBUTE, NO_INPUT_GUARDRAILS)


NO_CACHED_TOKENS: InputTokensDetails = _make_input_tokens_details()
"""The input-token details of a request that read and wrote no cache: one object for every such record."""
NO_REASONING_TOKENS = OutputTokensDetails(reasoning_tokens=0)
"""The output-token details of a request without reasoning tokens: one object for every such record."""

SNAPSHOT_USERS = ("agents.run_internal.run_loop", "agents.run")
"""The SDK modules that imported `snapshot_usage`, whose name `install` rebinds."""
_sdk_snapshot_usage = agent_runner_helpers.snapshot_usage


def _shared(usage: Usage | RequestUsage) -> None:
    """Point `usage`'s all-zero details at the shared objects."""
    if usage.input_tokens_details is not NO_CACHED_TOKENS and usage.input_tokens_details == NO_CACHED_TOKENS:
        usage.input_tokens_details = NO_CACHED_TOKENS
    if usage.output_tokens_details is not NO_REASONING_TOKENS and usage.output_tokens_details == NO_REASONING_TOKENS:
        usage.output_tokens_details = NO_REASONING_TOKENS


def share_zero_details(usage: Usage) -> None:
    """Point the all-zero details of a run's usage, and of each of its per-request entries, at the shared objects."""
    _shared(usage)
    for entry in usage.request_usage_entries:
        _shared(entry)


def snapshot_usage(usage: Usage) -> Usage:
    """The SDK's `snapshot_usage` (a copy of the totals so far, for a task's or turn's usage delta), sharing
    all-zero details."""
    snapshot = _sdk_snapshot_usage(usage)
    _shared(snapshot)
    return snapshot


def install() -> None:
    """Rebind `snapshot_usage` where the SDK imported it (idempotent). Fails loudly if a name is gone."""
    rebind(SNAPSHOT_USERS, "snapshot_usage", snapshot_usage)
