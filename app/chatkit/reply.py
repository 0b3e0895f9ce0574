"""One assistant reply of a ChatKit thread: the agent run, its ChatKit events, and the stored Message.

The run (`run_turn`, the one agent code path, its events converted by `reply_events.ReplyEvents`)
lives in a task of its own that feeds a queue `respond()` reads. The MCP session that `run_turn`
opens must be closed by the task that opened it, whereas ChatKit may abandon `respond()`'s
generator and let it be finalized later in another task; owning the task keeps cancellation
(client disconnect) deterministic: the run is stopped with the Agents SDK's own `cancel()`, and the
partial reply is stored as `interrupted`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

from agents import StreamEvent
from chatkit.errors import CustomStreamError
from chatkit.types import (
    AssistantMessageContent,
    AssistantMessageItem,
    ThreadItemDoneEvent,
    ThreadMetadata,
    ThreadStreamEvent,
)

from app.agent.agent import TurnContext, TurnRun, run_turn
from app.chatkit.ids import item_id_of
from app.chatkit.progress import progress_for
from app.chatkit.reply_events import ReplyEvents
from app.chatkit.status import status_item
from app.chatkit.store import DbStore, RequestContext
from app.conversations import turn as lifecycle
from app.conversations.events import simple_event
from app.conversations.turn import Turn

log = logging.getLogger(__name__)


def stream_error(err: BaseException) -> Exception:
    """The ChatKit error a failed run ends with (the wording of `conversations.turn.failure`, as /chat's)."""
    fail = lifecycle.failure(err)
    return CustomStreamError(fail.message, allow_retry=fail.retryable)


_END = object()
STOP_GRACE = 5.0
"""Seconds a stopped run gets to wind down before it is cancelled outright."""


class ReplyRun:
    """Runs the agent for a reserved reply; `events()` yields its ChatKit events, `stop()` cancels it."""

    def __init__(self, store: DbStore, thread: ThreadMetadata, context: RequestContext, turn: Turn) -> None:
        self._thread_id = thread.id
        self._context = context
        self._turn = turn
        self._names: dict[str, str] = {}
        self._item = ReplyEvents(item_id_of(turn.reply_id), thread.id,
                                 lambda: store.generate_item_id("workflow", thread, context))
        self._queue: asyncio.Queue[Any] = asyncio.Queue()
        self._task: asyncio.Task[None] | None = None
        self._result: TurnRun | None = None
        self._stopping = False

    def start(self) -> None:
        """Start the run on the running loop."""
        self._task = asyncio.get_running_loop().create_task(self._run())

    async def events(self) -> AsyncIterator[ThreadStreamEvent]:
        """The run's events as they come; raises the run's StreamError when it failed."""
        while (item := await self._queue.get()) is not _END:
            if isinstance(item, Exception):
                raise item
            yield item

    async def stop(self) -> None:
        """Stop the run if it is still going and wait until it has stored the reply."""
        task = self._task
        if task is None or task.done():
            return
        self._stopping = True
        if self._result is not None:
            self._result.cancel()
            await asyncio.wait([task], timeout=STOP_GRACE)
        if not task.done():
            task.cancel()  # still connecting the tools, or stuck: cancel it outright
            await asyncio.wait([task])

    async def _take(self, event: StreamEvent) -> None:
        """Record the event exactly as /chat does, then send its ChatKit events (a tool call's is its
        progress line)."""
        simple = simple_event(event, self._names)
        if simple is not None:
            await lifecycle.record(self._turn, simple)
            if simple["type"] == "tool_call":
                self._queue.put_nowait(progress_for(simple["tool_name"], simple["arguments"]))
        for out in self._item.convert(event):
            self._queue.put_nowait(out)

    async def _run(self) -> None:
        status, failure = "failed", None
        ctx = self._context
        try:
            context = TurnContext(ctx.user_id, ctx.timezone, reply_id=self._turn.reply_id)
            async with run_turn(ctx.model, self._turn.input_items, context) as result:
                self._result = result
                try:
                    async for event in result.stream_events():
                        await self._take(event)
                except Exception:
                    if not self._stopping:
                        raise
            status = "interrupted" if self._stopping else "complete"
        except asyncio.CancelledError:
            status = "interrupted"
            raise
        except Exception as err:
            log.warning("chatkit reply failed: %r", err)
            failure = stream_error(err)
        finally:
            self._result = None
            await self._settle(status, failure)

    async def _settle(self, status: str, failure: Exception | None) -> None:
        """Store the reply, then end the event stream (done, or the error)."""
        try:
            await lifecycle.settle_async(self._turn, status)
        except Exception:
            log.exception("could not store the %s reply %s", status, self._turn.reply_id)
            if failure is None:
                failure = CustomStreamError(lifecycle.STORAGE_FAILED.message, allow_retry=True)
        done = self._item.done()
        if failure is None and status == "complete":
            if done is not None:
                self._queue.put_nowait(done)
        else:
            self._mark(done, status)
        if failure is not None:
            self._queue.put_nowait(failure)
        self._queue.put_nowait(_END)

    def _mark(self, done: ThreadItemDoneEvent | None, status: str) -> None:
        """A reply that did not complete: its final state (partial text) and its status line, as items.list has them."""
        now = datetime.now(UTC)
        if done is None:
            done = ThreadItemDoneEvent(item=AssistantMessageItem(
                id=self._item.item_id, thread_id=self._thread_id, created_at=now,
                content=[AssistantMessageContent(text=self._turn.reply.content)]))
        self._queue.put_nowait(done)
        line = status_item(self._item.item_id, self._thread_id, status, now)
        if line is not None:
            self._queue.put_nowait(ThreadItemDoneEvent(item=line))
