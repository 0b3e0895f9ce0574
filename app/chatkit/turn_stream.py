"""A ChatKit turn (threads.create, threads.add_user_message, threads.retry_after_item) streamed as /chat streams
its turns (`conversations.stream`), with ChatKit's events.

The route has reserved the turn (the user's message, a `pending` reply, the context), so the events before the
run (the new thread, the user's item, the stream options) need nothing from the agent and are written by the
caller's greenlet before the run starts. On the asyncio loop, the run's events become ChatKit's
(`reply_events.ReplyEvents`, and a progress line per tool call) and are serialized there. When the run ends,
the caller settles the reply and only then writes its final item (with the status line of a failed reply, and
the error) and the thread's new title.

The events and their order are those of ChatKit's own `ChatKitServer.process` for these requests (thread,
user item, stream options, the reply, the title; a failure as a `custom` error event). The SDK's pipeline also
stores each item when it is done and tracks pending ones for a cancelled stream; neither has anything to do
here, where the turn lifecycle stores the reply (its store skipped every such write). Running it cost a
ChatKit turn a round trip of the loop thread to the caller before the run (for the first events) and another
after it (for the settle): each wakes a thread that then contends for the GIL, which made a ChatKit turn cost
about 10% more server CPU than the same turn over /chat.
"""

from __future__ import annotations

from datetime import UTC, datetime

from agents import StreamEvent
from chatkit.types import (
    AssistantMessageContent,
    AssistantMessageItem,
    ErrorEvent,
    Page,
    StreamOptionsEvent,
    Thread,
    ThreadCreatedEvent,
    ThreadItemDoneEvent,
    ThreadsAddUserMessageReq,
    ThreadsCreateReq,
    ThreadsRetryAfterItemReq,
    ThreadStreamEvent,
    ThreadUpdatedEvent,
    UserMessageItem,
)

from app.agent.runtime import get_runtime
from app.chat_events import RunEvent
from app.chatkit.ids import item_id_of
from app.chatkit.progress import progress_for
from app.chatkit.reply_events import ReplyEvents
from app.chatkit.server import TodoChatKitServer
from app.chatkit.status import status_item
from app.chatkit.store import RequestContext
from app.conversations.events import turn_events
from app.conversations.stream import RunBatches
from app.conversations.turn import Failure
from app.metrics import TurnWatch

TurnReq = ThreadsCreateReq | ThreadsAddUserMessageReq | ThreadsRetryAfterItemReq
"""The ChatKit requests that run the agent."""

TEXT_DELTA = b"content_part.text_delta"
"""Marks an event that carries words of the reply."""


class ChatKitTurn:
    """ChatKit's events around a turn's run (`conversations.stream.TurnProtocol`)."""

    def __init__(self, server: TodoChatKitServer, req: TurnReq, context: RequestContext) -> None:
        turn, thread = context.turn, context.thread
        if turn is None or thread is None:
            raise RuntimeError(f"{req.type} reached the stream without the turn and thread the route reserves")
        self.turn = turn
        """The reserved turn this stream answers."""
        self._server = server
        self._req = req
        self._context = context
        self._thread = thread
        """The thread as the route loaded or reserved it."""
        self._shown_title = None if isinstance(req, ThreadsCreateReq) else thread.title
        """The title the client was shown (a new thread is announced untitled, as ChatKit's server does)."""
        self._reply = ReplyEvents(item_id_of(turn.reply_id), thread.id,
                                  lambda: server.store.generate_item_id("workflow", thread, context))

    def _frame(self, event: ThreadStreamEvent) -> bytes:
        return b"data: " + self._server._serialize(event) + b"\n\n"

    def head(self) -> bytes:
        """The new thread, the user's item, the stream options."""
        req, thread = self._req, self._thread
        out = b""
        if isinstance(req, ThreadsCreateReq):
            created = Thread(id=thread.id, created_at=thread.created_at, items=Page())
            out += self._frame(ThreadCreatedEvent(thread=self._server._to_thread_response(created)))
        if not isinstance(req, ThreadsRetryAfterItemReq):
            said = req.params.input
            item = UserMessageItem(id=item_id_of(self.turn.user_message_id), thread_id=thread.id,
                                   content=said.content, attachments=[], quoted_text=said.quoted_text,
                                   inference_options=said.inference_options, created_at=datetime.now(UTC))
            out += self._frame(ThreadItemDoneEvent(item=item))
        options = self._server.get_stream_options(thread, self._context)
        return out + self._frame(StreamOptionsEvent(stream_options=options))

    def run(self, ping: float) -> RunBatches[bytes]:
        """The run's events, produced and serialized on the asyncio loop, handed over in batches (an `IDLE` after
        `ping` seconds without any)."""
        return get_runtime().stream_batches(lambda: turn_events(self._context.model, self.turn, self._view),
                                            idle_timeout=ping)

    def _view(self, event: StreamEvent, simple: RunEvent | None) -> list[bytes]:
        """ChatKit's events for one event of the run: a tool call's progress line, the reply's updates."""
        out = []
        if simple is not None and simple["type"] == "tool_call":
            out.append(self._frame(progress_for(simple["tool_name"], simple["arguments"])))
        out.extend(self._frame(ev) for ev in self._reply.convert(event))
        return out

    def batch(self, events: list[bytes], watch: TurnWatch) -> bytes:
        chunk = b"".join(events)
        if TEXT_DELTA in chunk:
            watch.saw({"type": "chunk"})
        return chunk

    def tail(self, status: str, failure: Failure | None) -> bytes:
        """The reply's final item; for a failure, the error (after the reply's status line when the run failed);
        else the thread's new title, if it just got one."""
        done = self._reply.done()
        if failure is None:
            out = self._frame(done) if done is not None else b""
            if self._shown_title is None and self.turn.title:
                titled = self._thread.model_copy(update={"title": self.turn.title})
                out += self._frame(ThreadUpdatedEvent(thread=self._server._to_thread_response(titled)))
            return out
        now = datetime.now(UTC)
        if done is None:
            done = ThreadItemDoneEvent(item=AssistantMessageItem(
                id=self._reply.item_id, thread_id=self._thread.id, created_at=now,
                content=[AssistantMessageContent(text=self.turn.reply.content)]))
        out = self._frame(done)
        line = status_item(self._reply.item_id, self._thread.id, status, now)
        if line is not None:
            out += self._frame(ThreadItemDoneEvent(item=line))
        return out + self._frame(ErrorEvent(code="custom", message=failure.message, allow_retry=failure.retryable))
