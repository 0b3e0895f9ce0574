"""A turn's Server-Sent Events, whatever the protocol: what comes before the run, the run's events, the settle,
and what comes after it.

/chat and ChatKit stream a turn the same way; only their events differ (`TurnProtocol`). The caller's
greenlet writes the head (/chat's `conversation`; ChatKit's thread, user item and stream options) before the
run starts, takes the run's events from the asyncio loop in batches, then settles the reply itself and writes
the tail (`done`, or the error) only once the reply is stored. The loop thread only runs the agent: the caller
is woken when the run has events, never to write a head, a tail or the settle, each of which was a hand-off
between the two threads (a ChatKit turn woke its caller twice as often as a /chat turn, and paid for it).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Literal, Protocol, TypeAlias, TypeVar

from app import sse
from app.agent.runtime import IDLE, Idle
from app.conversations import turn
from app.conversations.turn import Failure, Turn
from app.metrics import TurnWatch

log = logging.getLogger(__name__)

T = TypeVar("T")

RunBatches: TypeAlias = Iterator[list[T] | Literal[Idle.IDLE]]
"""A turn's events as the runtime hands them over: those that arrived together in one list, and an `IDLE`
whenever none came for a ping interval."""


class TurnProtocol(Protocol[T]):
    """The bytes one protocol sends around a turn's run."""

    def head(self) -> bytes:
        """What is sent before the run starts."""

    def batch(self, events: list[T], watch: TurnWatch) -> bytes:
        """Events of the run that arrived together, as one write (telling `watch` of the first text)."""

    def tail(self, status: str, failure: Failure | None) -> bytes:
        """What ends the stream once the reply is settled with `status` (complete or failed): the finished reply,
        or `failure` (the run's, or the storage's)."""


def settle(current: Turn, status: str) -> bool:
    """Settle the reply; False when the database refused (the user's message and tool calls are already safe)."""
    try:
        return turn.settle(current, status)
    except Exception:
        log.exception("could not store the %s reply of conversation %s", status, current.conversation_id)
        return False


def stream_turn(current: Turn, protocol: TurnProtocol[T], events: RunBatches[T], watch: TurnWatch) -> Iterator[bytes]:
    """The SSE body of a turn: head, the run's events, then the tail; the reply is always settled.

    A client that goes away (the generator is closed) stops the run, and the reply keeps what was said as
    `interrupted`.
    """
    outcome: str | None = None
    failure: BaseException | None = None
    watch.stream_opened()
    try:
        yield protocol.head()
        try:
            for batch in events:
                if batch is IDLE:
                    yield sse.PING
                    continue
                yield protocol.batch(batch, watch)
            outcome = "complete"
        except Exception as err:
            outcome, failure = "failed", err
            watch.model_error(err)
            log.warning("turn failed: %r", err)
        stored = settle(current, outcome)
        if failure is not None:
            yield protocol.tail(outcome, turn.failure(failure))
        else:
            yield protocol.tail(outcome, None if stored else turn.STORAGE_FAILED)
    finally:
        if outcome is None:
            close = getattr(events, "close", None)
            if close is not None:
                close()
            settle(current, "interrupted")
        watch.finished(outcome or "interrupted")
