"""The garbage collector's settings for a long-running worker.

A worker holds about 250,000 objects from start-up (Flask, SQLAlchemy's mappers, the Agents SDK,
the OpenAI and MCP types and their pydantic validators) that live as long as it does. CPython's
full collection walks all of them every time, and a chat turn allocates enough (Responses
objects, SDK run state, ORM rows) to cause one every few turns: about 2 ms of every turn's CPU
went to walking objects that can never be garbage. `gc.freeze()` moves what exists once the worker
is ready into a generation the collector never scans (the pattern CPython's documentation gives
for pre-fork servers), and a larger first threshold lets a turn's short-lived objects die by
reference counting before a young collection looks at them. Cycles made after start-up are still
collected as before.
"""

from __future__ import annotations

import gc

YOUNG_THRESHOLD = 10_000
"""Allocations (minus deallocations) of container objects between young collections (CPython's default: 700)."""


def settle_worker_heap() -> None:
    """Freeze the objects of a ready worker and raise the young threshold; call once per worker, after start-up."""
    gc.collect()  # what start-up left as garbage is freed, not frozen
    gc.freeze()
    _, older, oldest = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, older, oldest)
