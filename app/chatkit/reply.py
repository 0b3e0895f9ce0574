"""One assistant reply of a ChatKit thread: the agent run, its ChatKit events, and the stored Message.

The run (`run_turn`, the one agent code path, bridged by ChatKit's `stream_agent_response`) lives
in a task of its own that feeds a queue `respond()` reads. The MCP session that `run_turn` opens
must be closed by the task that opened it, whereas ChatKit may abandon `respond()`'s generator and
let it be finalized later in another task; owning the task keeps cancellation (client disconnect)
deterministic: the run is stopped with the Agents SDK's own `cancel()`, so `stream_agent_response`
ends normally (its helper tasks finish), and the partial reply is stored as `interrupted`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime
from typing import Any, cast

from agents import RunResultStreaming, StreamEvent
from chatkit.agents import AgentContext, stream_agent_response
from chatkit.errors import CustomStreamError
from chatkit.types import (
    AssistantMessageContent,
    AssistantMessageContentPartAdded,
    AssistantMessageContentPartDone,
    AssistantMessageContentPartTextDelta,
    AssistantMessageItem,
    ThreadItemAddedEvent,
    ThreadItemDoneEvent,
    ThreadItemUpdatedEvent,
    ThreadMetadata,
    ThreadStreamEvent,
)

from app.agent.agent import TurnContext, TurnRun, run_turn
from app.chatkit.ids import item_id_of
from app.chatkit.progress import progress_for
from app.chatkit.status import status_item
from app.chatkit.store import DbStore, RequestContext
from app.conversations import turn as lifecycle
from app.conversations.events import simple_event
from app.conversations.turn import Turn

log = logging.getLogger(__name__)


class ReplyItem:
    """Folds the run's assistant messages into the ONE ChatKit item of the stored reply.

    `stream_agent_response` names assistant items after the model's Responses ids and may emit
    several per run (text, tool call, text). The stored reply is one Message, so its id
    (`msg_<id>`) replaces them, later messages become further content parts, and the item is
    done once, when the run has ended.
    """

    def __init__(self, item_id: str) -> None:
        self.item_id = item_id
        self._first: AssistantMessageItem | None = None
        self._offsets: dict[str, int] = {}
        self._parts: list[AssistantMessageContent] = []

    def _put(self, index: int, content: AssistantMessageContent) -> None:
        while len(self._parts) <= index:
            self._parts.append(AssistantMessageContent(text=""))
        self._parts[index] = content

    def rewrite(self, event: ThreadStreamEvent) -> list[ThreadStreamEvent]:
        """The events to send for one event of `stream_agent_response`."""
        if isinstance(event, ThreadItemAddedEvent) and isinstance(event.item, AssistantMessageItem):
            offset = self._offsets[event.item.id] = len(self._parts)
            for index, part in enumerate(event.item.content):
                self._put(offset + index, part)
            if self._first is None:
                self._first = event.item.model_copy(update={"id": self.item_id})
                return [ThreadItemAddedEvent(item=self._first.model_copy(deep=True))]
            return [ThreadItemUpdatedEvent(item_id=self.item_id, update=AssistantMessageContentPartAdded(
                content_index=offset + index, content=part)) for index, part in enumerate(event.item.content)]
        if isinstance(event, ThreadItemUpdatedEvent) and event.item_id in self._offsets:
            update, offset = event.update, self._offsets[event.item_id]
            if isinstance(update, AssistantMessageContentPartAdded | AssistantMessageContentPartDone):
                update = update.model_copy(update={"content_index": update.content_index + offset})
                self._put(update.content_index, update.content)
            elif isinstance(update, AssistantMessageContentPartTextDelta):
                update = update.model_copy(update={"content_index": update.content_index + offset})
                index = update.content_index
                before = self._parts[index].text if index < len(self._parts) else ""
                self._put(index, AssistantMessageContent(text=before + update.delta))
            return [ThreadItemUpdatedEvent(item_id=self.item_id, update=update)]
        if isinstance(event, ThreadItemDoneEvent) and isinstance(event.item, AssistantMessageItem) \
                and event.item.id in self._offsets:
            for index, part in enumerate(event.item.content):
                self._put(self._offsets[event.item.id] + index, part)
            return []
        return [event]

    def done(self) -> ThreadItemDoneEvent | None:
        """The item's final state, or None when the run said nothing."""
        if self._first is None:
            return None
        return ThreadItemDoneEvent(item=self._first.model_copy(update={"content": list(self._parts)}))


READ_BY_CHATKIT = frozenset({
    "response.content_part.added", "response.output_text.delta", "response.output_text.done",
    "response.output_text.annotation.added", "response.output_item.added", "response.output_item.done",
    "response.image_generation_call.partial_image", "response.reasoning_summary_text.delta",
    "response.reasoning_summary_text.done",
})
"""The Responses events `stream_agent_response` acts on (openai-chatkit 1.6); it skips every other one."""


def read_by_chatkit(event: StreamEvent) -> bool:
    """Whether `stream_agent_response` does anything with the event (it also reads tool-call items)."""
    if event.type == "raw_response_event":
        return event.data.type in READ_BY_CHATKIT
    return event.type == "run_item_stream_event" and event.item.type == "tool_call_item"


class _ObservedRun:
    """The run as `stream_agent_response` reads it (only `stream_events()`), with every event shown to a tap.

    Only the events it acts on are passed on: it hands each one to a task of its own, and most of a
    run's events (response.created, argument deltas, tool outputs...) it would skip anyway.
    A failure of the run is kept in `error` and ends the stream normally: `stream_agent_response`
    leaves a helper task waiting forever when its source raises, but not when it ends.
    """

    def __init__(self, result: TurnRun, tap: Callable[[StreamEvent], Awaitable[None]]) -> None:
        self._result = result
        self._tap = tap
        self.error: Exception | None = None

    async def stream_events(self) -> AsyncIterator[StreamEvent]:
        try:
            async for event in self._result.stream_events():
                await self._tap(event)
                if read_by_chatkit(event):
                    yield event
        except Exception as err:
            self.error = err


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
        self._store = store
        self._thread_id = thread.id
        self._context = context
        self._turn = turn
        self._names: dict[str, str] = {}
        self._item = ReplyItem(item_id_of(turn.reply_id))
        self._agent = AgentContext(thread=thread, store=store, request_context=context)
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

    async def _tap(self, event: StreamEvent) -> None:
        """Record the reply exactly as /chat does; announce each tool call as a progress update."""
        simple = simple_event(event, self._names)
        if simple is None:
            return
        await lifecycle.record(self._turn, simple)
        if simple["type"] == "tool_call":
            await self._agent.stream(progress_for(simple["tool_name"], simple["arguments"]))

    async def _run(self) -> None:
        status, failure = "failed", None
        ctx = self._context
        try:
            context = TurnContext(ctx.user_id, ctx.timezone, reply_id=self._turn.reply_id)
            async with run_turn(ctx.model, self._turn.input_items, context) as result:
                self._result = result
                observed = _ObservedRun(result, self._tap)
                async for event in stream_agent_response(self._agent, cast(RunResultStreaming, observed)):
                    for out in self._item.rewrite(event):
                        self._queue.put_nowait(out)
                if observed.error is not None and not self._stopping:
                    raise observed.error
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
