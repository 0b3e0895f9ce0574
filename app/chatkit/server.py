"""The ChatKitServer: ChatKit's protocol handling (from the SDK) over the app's store and rules; its turns are
streamed by `turn_stream.ChatKitTurn`, which uses this server's serialization and thread answers."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

from chatkit.actions import Action
from chatkit.server import ChatKitServer, NonStreamingResult, StreamingResult
from chatkit.types import (
    ErrorEvent,
    FeedbackKind,
    NonStreamingReq,
    ProgressUpdateEvent,
    StreamingReq,
    StreamOptionsEvent,
    Thread,
    ThreadItem,
    ThreadItemAddedEvent,
    ThreadItemDoneEvent,
    ThreadItemUpdatedEvent,
    ThreadMetadata,
    ThreadStreamEvent,
    UserMessageItem,
    WidgetItem,
)
from pydantic import BaseModel
from pydantic_core import to_json

from app.chatkit.store import DbStore, RequestContext


class TodoChatKitServer(ChatKitServer[RequestContext]):
    """Answers ChatKit requests over the conversations tables with the same agent and tools as /chat."""

    def __init__(self) -> None:
        self.db_store = DbStore()
        super().__init__(self.db_store)

    def stream(self, req: StreamingReq, context: RequestContext) -> StreamingResult:
        """The SDK's `process` for a streaming request the route already parsed and checked (a custom action;
        turns are `ChatKitTurn`s).

        `process` parses the body again, through a TypeAdapter it builds on every call (a pydantic schema of
        every request type). The stream is made on the caller's side: nothing of it runs until the runtime
        iterates it on the loop.
        """
        return StreamingResult(self._process_streaming(req, context))

    async def answer(self, req: NonStreamingReq, context: RequestContext) -> NonStreamingResult:
        """The SDK's `process` for a request answered with one JSON body, parsed and checked by the route."""
        return NonStreamingResult(await self._process_non_streaming(req, context))

    async def respond(self, thread: ThreadMetadata, input_user_message: UserMessageItem | None,
                      context: RequestContext) -> AsyncIterator[ThreadStreamEvent]:
        """Never reached: every turn is streamed by `turn_stream.ChatKitTurn` (the route never hands one to
        `process`), and the other requests that would lead here (client tool output, structured input) are
        refused by the route as unsupported."""
        raise RuntimeError(f"{type(self).__name__}.respond() is not used: turns are streamed by ChatKitTurn")
        yield  # an async generator, as the SDK's signature has it

    def _serialize(self, obj: BaseModel) -> bytes:
        """As the SDK's, but every timestamp carries its timezone.

        The SDK stamps the items it creates in a stream with a naive `datetime.now()` (local time);
        stored items are UTC and serialized with `Z`, so the naive ones are made UTC the same way.
        Most events of a stream (a word of the reply, progress) carry no timestamp, and the reply's
        item is stamped in UTC already: those are written as they are.
        """
        if not _may_be_naive(obj):
            return obj.model_dump_json(by_alias=True, exclude_none=True,
                                       context={"exclude_metadata": True}).encode("utf-8")
        data = obj.model_dump(by_alias=True, exclude_none=True, context={"exclude_metadata": True})
        return to_json(_aware(data))

    def _to_thread_response(self, thread: ThreadMetadata | Thread) -> Thread:
        """ChatKit's thread answer, keeping `metadata` (it carries `updated_at`, the last activity History shows)."""
        answer = super()._to_thread_response(thread)
        answer.metadata = dict(thread.metadata)
        return answer

    async def add_feedback(self, thread_id: str, item_ids: list[str], feedback: FeedbackKind,
                           context: RequestContext) -> None:
        """Keep the thumbs up or down on the messages (Message.feedback)."""
        await self.db_store.save_feedback(thread_id, item_ids, feedback, context)

    async def action(self, thread: ThreadMetadata, action: Action[str, Any], sender: WidgetItem | None,
                     context: RequestContext) -> AsyncIterator[ThreadStreamEvent]:
        """This assistant shows no widgets, so no action can be meant for it: say so in the stream."""
        yield ErrorEvent(code="custom", message="This assistant has no actions.", allow_retry=False)

    async def handle_stream_cancelled(self, thread: ThreadMetadata, pending_items: list[ThreadItem],
                                      context: RequestContext) -> None:
        """Nothing to do. Only a custom action's stream reaches here (it stores nothing); a turn's stream is a
        `ChatKitTurn`, whose reply is stored as `interrupted` when its client goes away.

        ChatKit's default would store the pending items again and add a hidden "cancelled" item, which the
        conversations table (shared with /chat) has no place for.
        """


_UNDATED = (ThreadItemUpdatedEvent, ProgressUpdateEvent, StreamOptionsEvent, ErrorEvent)
"""Stream events without a timestamp anywhere in them."""


def _may_be_naive(obj: BaseModel) -> bool:
    """Whether `obj` may hold a naive timestamp (an item or thread ChatKit's server made, a page...)."""
    if isinstance(obj, _UNDATED):
        return False
    if isinstance(obj, ThreadItemAddedEvent | ThreadItemDoneEvent):
        return obj.item.created_at.tzinfo is None
    return True


def _aware(value: Any) -> Any:
    """`value` with every naive datetime (local time, as `datetime.now()` gives) converted to UTC."""
    if isinstance(value, datetime):
        return value.astimezone(UTC) if value.tzinfo is None else value
    if isinstance(value, dict):
        return {key: _aware(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_aware(item) for item in value]
    return value
