"""ChatKit's stream types, completed before a worker's first ChatKit turn.

chatkit-python leaves pydantic to complete its models when each is first built, which cost the first
ChatKit turn of every worker about 36 ms more than the next (measured on a fresh one-worker gunicorn,
after the agent's own warm-up). `STREAMED` is what a turn of this app streams;
`tests/test_warmup.py` fails when a first turn still completes a model of `chatkit.types`.
"""

from __future__ import annotations

from chatkit.types import (
    AssistantMessageContent,
    AssistantMessageContentPartAdded,
    AssistantMessageContentPartDone,
    AssistantMessageItem,
    InferenceOptions,
    Thread,
    ThreadCreatedEvent,
    ThreadItemAddedEvent,
    ThreadItemDoneEvent,
    ThreadItemUpdated,
    ThreadItemUpdatedEvent,
    ThreadMetadata,
    ThreadUpdatedEvent,
    UserMessageItem,
)
from pydantic import BaseModel

STREAMED: tuple[type[BaseModel], ...] = (
    Thread, ThreadMetadata, ThreadCreatedEvent, ThreadUpdatedEvent, ThreadItemAddedEvent, ThreadItemUpdated,
    ThreadItemUpdatedEvent, ThreadItemDoneEvent, UserMessageItem, InferenceOptions, AssistantMessageItem,
    AssistantMessageContent, AssistantMessageContentPartAdded, AssistantMessageContentPartDone,
)
"""The ChatKit models a turn builds: its thread, its items and the events that carry them."""


def warm_up() -> None:
    """Complete every model of `STREAMED` now (idempotent)."""
    for model in STREAMED:
        model.model_rebuild()
