"""A streamed run's input-guardrail queue, shared when the run has no input guardrail.

openai-agents 0.24 gives every streamed run (`RunResultStreaming`) an `asyncio.Queue` for the results of
its input guardrails: four deques and an event, about 3.5 KB, held for the whole turn, most of it while
the turn waits for its model. The assistant has no input guardrail, so the queue stays empty: 2,000 open
streams held 7 MB of them. Such a run gets `NO_INPUT_GUARDRAILS` instead, a stand-in that answers what the
SDK asks of an empty queue (`empty`, `get_nowait`) and refuses a put loudly. A run that has an input
guardrail (on its agent or its config) keeps its own queue. `tests/test_sdk_lean.py` checks both, and that
the SDK still has the attribute (an upgrade that renames it fails there and here, never silently).
"""

from __future__ import annotations

import asyncio
from typing import Any, NoReturn

from agents import Agent, RunConfig
from agents.result import RunResultStreaming

QUEUE_ATTRIBUTE = "_input_guardrail_queue"
"""The SDK's name for a streamed run's input-guardrail queue."""


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


def share_unused_queues(result: RunResultStreaming, agent: Agent[Any], run_config: RunConfig) -> None:
    """Swap the run's input-guardrail queue for the shared stand-in when no input guardrail can fill it.

    Call it right after `Runner.run_streamed`, before the run's task first runs (no `await` between).
    """
    if not hasattr(result, QUEUE_ATTRIBUTE):
        raise RuntimeError(f"openai-agents changed: RunResultStreaming.{QUEUE_ATTRIBUTE} is gone")
    if agent.input_guardrails or run_config.input_guardrails:
        return
    setattr(result, QUEUE_ATTRIBUTE, NO_INPUT_GUARDRAILS)
