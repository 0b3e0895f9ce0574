"""ChatKit's `Store` over the conversations and messages tables.

A thread is a Conversation and each user or assistant item is a Message, so `/chat` and ChatKit see
one history. Ids carry the integer primary keys: thread `thr_<conversation id>`, item `msg_<message id>`.
They round-trip exactly; anything else (or another user's id) is a 404, a malformed cursor a 400.

ChatKit creates ids before it stores the object, so the route reserves the rows first (the new
conversation and the user's message, stored before the agent runs as /chat does) and the
`RequestContext` hands those ids to `generate_thread_id` / `generate_item_id`. The assistant reply
is reserved by `start_reply` (a `pending` message) and settled by `finish_reply`.

Every method filters by the context's user and runs its database work through `run_blocking`:
the store is called on the asyncio loop thread.
"""

from __future__ import annotations

import contextlib
import re
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar

from agents.models.interface import Model
from chatkit.store import NotFoundError, Store, StoreItemType
from chatkit.types import (
    AssistantMessageContent,
    AssistantMessageItem,
    Attachment,
    InferenceOptions,
    Page,
    ThreadItem,
    ThreadMetadata,
    UserMessageContent,
    UserMessageItem,
    UserMessageTextContent,
)
from pydantic import TypeAdapter, ValidationError
from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session

from app.agent.bridge import run_blocking
from app.chatkit.status import shown_status, with_status_lines
from app.conversations import store as history
from app.conversations.turn import Turn
from app.errors import APIError, NotFound
from app.extensions import db
from app.models import Conversation, Message

T = TypeVar("T")

THREAD_PREFIX = "thr_"
ITEM_PREFIX = "msg_"
MAX_DB_ID = 2**31 - 1
"""Largest value of an INTEGER key; a bigger number cannot name a row (and PostgreSQL would reject it)."""
MAX_PAGE = 100
"""Largest page the store hands out, whatever `limit` asks for."""

_ID = re.compile(r"([a-z]+_)([1-9][0-9]{0,9})")
_USER_CONTENT = TypeAdapter(list[UserMessageContent])


def _keyset(stmt: Any, column: Any, start: int | None, order: str) -> Any:
    """`stmt` ordered by id in `order`, past the cursor's id `start` (ChatKit cursors are ids)."""
    if order == "asc":
        return (stmt.where(column > start) if start is not None else stmt).order_by(column.asc())
    return (stmt.where(column < start) if start is not None else stmt).order_by(column.desc())

class ThreadNotFound(NotFound, NotFoundError):
    """No such thread for this user (a 404 in the contract's shape, and ChatKit's NotFoundError)."""

    code = "thread_not_found"


class ItemNotFound(NotFound, NotFoundError):
    """No such item in the thread."""

    code = "item_not_found"


class Unsupported(APIError):
    """A ChatKit feature this server does not offer."""

    status = 400
    code = "unsupported_request"


def attachments_unsupported() -> Unsupported:
    """The error for any attachment request: there is no attachment store."""
    return Unsupported("Attachments are not supported; send text only.", code="attachments_unsupported")


@dataclass
class RequestContext:
    """What the store and server know about one ChatKit request (the `TContext` of both)."""

    user_id: str
    """The authenticated user (the JWT subject); every query is filtered by it."""
    timezone: str
    """The user's IANA timezone, for the agent."""
    model: Model
    """The model that answers (from the app settings)."""
    history_window: int
    """How many recent messages a reply sees (CHAT_HISTORY_WINDOW)."""
    new_thread_id: int | None = None
    """Conversation reserved by the route for threads.create; `generate_thread_id` hands it out."""
    new_message_id: int | None = None
    """User message stored by the route; the next `generate_item_id("message")` hands it out."""
    turn: Turn | None = None
    """The turn the route reserved (user message, pending reply, context), for `respond()`."""
    thread: ThreadMetadata | None = None
    """The thread as the route loaded it, so `load_thread` does not read it again."""


def thread_id_of(conversation_id: int) -> str:
    """The ChatKit id of a conversation."""
    return f"{THREAD_PREFIX}{conversation_id}"


def item_id_of(message_id: int) -> str:
    """The ChatKit id of a message."""
    return f"{ITEM_PREFIX}{message_id}"


def _number(value: str, prefix: str) -> int | None:
    match = _ID.fullmatch(value) if isinstance(value, str) else None
    if match is None or match[1] != prefix or int(match[2]) > MAX_DB_ID:
        return None
    return int(match[2])


def parse_thread_id(value: str) -> int:
    """The conversation id of a thread id; ThreadNotFound for anything that is not one."""
    number = _number(value, THREAD_PREFIX)
    if number is None:
        raise ThreadNotFound(f"No thread {value!r}.")
    return number


def parse_item_id(value: str) -> int:
    """The message id of an item id; ItemNotFound for anything that is not one."""
    number = _number(value, ITEM_PREFIX)
    if number is None:
        raise ItemNotFound(f"No item {value!r}.")
    return number


def _cursor(value: str | None, prefix: str) -> int | None:
    if value is None:
        return None
    number = _number(value, prefix)
    if number is None:
        raise APIError("The `after` cursor is not an id of this list.", code="invalid_cursor")
    return number


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def user_text(content: Sequence[UserMessageContent]) -> str:
    """The text of a user message as the agent and /chat see it; tags read `@name`, as in ChatKit's converter."""
    parts = [part.text if isinstance(part, UserMessageTextContent) else f"@{part.text}" for part in content]
    return "".join(parts).strip()


def conversation_of(session: Session, user_id: str, thread_id: str) -> Conversation:
    """The user's conversation behind a thread id, or ThreadNotFound (also for another user's)."""
    try:
        return history.get_conversation(session, user_id, parse_thread_id(thread_id))
    except ThreadNotFound:
        raise
    except NotFound as err:
        raise ThreadNotFound(f"No thread {thread_id!r}.") from err


def message_of(session: Session, conv: Conversation, item_id: str) -> Message:
    """A message of the conversation by item id, or ItemNotFound."""
    msg = session.scalar(
        select(Message).where(Message.id == parse_item_id(item_id), Message.conversation_id == conv.id)
    )
    if msg is None:
        raise ItemNotFound(f"No item {item_id!r} in this thread.")
    return msg


def thread_metadata(conv: Conversation) -> ThreadMetadata:
    """A conversation as ChatKit thread metadata (never with items)."""
    saved = (conv.meta or {}).get("chatkit") or {}
    fields: dict[str, Any] = {"id": thread_id_of(conv.id), "title": conv.title or None,
                              "created_at": _utc(conv.created_at)}
    try:
        return ThreadMetadata.model_validate({
            **fields, "status": saved.get("status") or {"type": "active"},
            "allowed_image_domains": saved.get("allowed_image_domains"),
            "metadata": {**(saved.get("metadata") or {}), "updated_at": _utc(conv.updated_at).isoformat()},
        })
    except ValidationError:
        return ThreadMetadata.model_validate(fields)


def thread_item(msg: Message) -> ThreadItem:
    """A message as a ChatKit item: the user's as a user message, the assistant's as one text part."""
    common: dict[str, Any] = {"id": item_id_of(msg.id), "thread_id": thread_id_of(msg.conversation_id),
                              "created_at": _utc(msg.created_at)}
    if msg.role != "user":
        return AssistantMessageItem(**common, content=[AssistantMessageContent(text=msg.content)])
    saved = (msg.meta or {}).get("chatkit") or {}
    content: list[UserMessageContent]
    try:
        content = _USER_CONTENT.validate_python(saved["content"])
        options = InferenceOptions.model_validate(saved.get("inference_options") or {})
    except (KeyError, ValidationError):
        content, options = [UserMessageTextContent(text=msg.content)], InferenceOptions()
    return UserMessageItem(**common, content=content, inference_options=options, quoted_text=saved.get("quoted_text"))


def _item_fields(item: UserMessageItem | AssistantMessageItem) -> tuple[str, str, dict[str, Any]]:
    """(role, content, chatkit meta) of an item, as a message stores them."""
    if isinstance(item, AssistantMessageItem):
        return "assistant", "".join(part.text for part in item.content), {}
    meta = {"content": [part.model_dump(mode="json") for part in item.content],
            "inference_options": item.inference_options.model_dump(mode="json", exclude_none=True),
            "quoted_text": item.quoted_text}
    return "user", user_text(item.content), meta


def _same_thread(known: ThreadMetadata, thread: ThreadMetadata) -> bool:
    """True when saving `thread` would change nothing of `known` (None keeps the stored title)."""
    return (thread.title is None or thread.title == known.title) and thread.status == known.status \
        and thread.metadata == known.metadata and thread.allowed_image_domains == known.allowed_image_domains


def user_meta(user_input: Any) -> dict[str, Any]:
    """The ChatKit fields of a user message (content parts, inference options, quoted text) as stored in `meta`."""
    return {"chatkit": {"content": [part.model_dump(mode="json") for part in user_input.content],
                        "inference_options": user_input.inference_options.model_dump(mode="json", exclude_none=True),
                        "quoted_text": user_input.quoted_text}}


def _page(rows: list[Any], limit: int, to_data: Callable[[Any], T], id_of: Callable[[Any], str]) -> Page[T]:
    more = len(rows) > limit
    rows = rows[:limit]
    return Page(data=[to_data(row) for row in rows], has_more=more, after=id_of(rows[-1]) if rows else None)


class DbStore(Store[RequestContext]):
    """The Store of ChatKit threads over Conversation and Message rows."""

    def generate_thread_id(self, context: RequestContext) -> str:
        """The conversation the route reserved (ChatKit only creates threads in threads.create)."""
        if context.new_thread_id is None:
            raise RuntimeError("threads.create reached the store without a reserved conversation")
        return thread_id_of(context.new_thread_id)

    def generate_item_id(self, item_type: StoreItemType, thread: ThreadMetadata, context: RequestContext) -> str:
        """The reserved user message once; otherwise a temporary id that can never name a row."""
        if item_type == "message" and context.new_message_id is not None:
            message_id, context.new_message_id = context.new_message_id, None
            return item_id_of(message_id)
        return f"tmp_{item_type}_{uuid.uuid4().hex}"

    async def load_thread(self, thread_id: str, context: RequestContext) -> ThreadMetadata:
        if context.thread is not None and context.thread.id == thread_id:
            return context.thread.model_copy(deep=True)

        def work() -> ThreadMetadata:
            with db.begin() as session:
                return thread_metadata(conversation_of(session, context.user_id, thread_id))

        return await run_blocking(work)

    async def save_thread(self, thread: ThreadMetadata, context: RequestContext) -> None:
        """Store title, status and metadata, never items; a None title keeps the stored one.

        Nothing is written when the thread is the one the route loaded or reserved, unchanged.
        """
        known = context.thread
        if known is not None and known.id == thread.id and _same_thread(known, thread):
            return

        def work() -> None:
            with db.begin() as session:
                conv = conversation_of(session, context.user_id, thread.id)
                if thread.title is not None:
                    conv.title = thread.title.strip()[:200]
                saved = {"status": thread.status.model_dump(mode="json"), "metadata": thread.metadata,
                         "allowed_image_domains": thread.allowed_image_domains}
                if (conv.meta or {}).get("chatkit") != saved:
                    conv.meta = {**(conv.meta or {}), "chatkit": saved}

        await run_blocking(work)

    async def load_thread_items(self, thread_id: str, after: str | None, limit: int, order: str,
                                context: RequestContext) -> Page[ThreadItem]:
        """Items by message id, `asc` or `desc`, starting after the item `after`; a failed or interrupted
        reply is followed by its status line (`chatkit.status`), which pages with it."""
        limit = max(1, min(limit, MAX_PAGE))
        start = _cursor(after, ITEM_PREFIX)

        def work() -> Page[ThreadItem]:
            with db.begin() as session:
                conv = conversation_of(session, context.user_id, thread_id)
                stmt = _keyset(select(Message).where(Message.conversation_id == conv.id), Message.id, start, order)
                rows = list(session.scalars(stmt.limit(limit + 1)))
                page = _page(rows, limit, thread_item, lambda m: item_id_of(m.id))
                return with_status_lines(page, {item_id_of(m.id): shown_status(m) for m in rows}, order)

        return await run_blocking(work)

    async def load_threads(self, limit: int, after: str | None, order: str,
                           context: RequestContext) -> Page[ThreadMetadata]:
        """The user's threads by last activity (`updated_at`, then id), `desc` most recent first.

        The cursor is a thread id; the page continues from that thread's current place in the order.
        """
        limit = max(1, min(limit, MAX_PAGE))
        start = _cursor(after, THREAD_PREFIX)

        def work() -> Page[ThreadMetadata]:
            with db.begin() as session:
                stmt = select(Conversation).where(Conversation.user_id == context.user_id)
                if start is not None:
                    mark = conversation_of(session, context.user_id, thread_id_of(start))
                    key = (Conversation.updated_at, Conversation.id)
                    stmt = stmt.where(tuple_(*key) > (mark.updated_at, mark.id) if order == "asc"
                                      else tuple_(*key) < (mark.updated_at, mark.id))
                column_order = (Conversation.updated_at.asc(), Conversation.id.asc()) if order == "asc" \
                    else (Conversation.updated_at.desc(), Conversation.id.desc())
                rows = list(session.scalars(stmt.order_by(*column_order).limit(limit + 1)))
                return _page(rows, limit, thread_metadata, lambda c: thread_id_of(c.id))

        return await run_blocking(work)

    async def add_thread_item(self, thread_id: str, item: ThreadItem, context: RequestContext) -> None:
        await self.save_item(thread_id, item, context)

    async def save_item(self, thread_id: str, item: ThreadItem, context: RequestContext) -> None:
        """Upsert a user or assistant message; other item kinds (widgets, workflows) are not kept.

        An item whose id names no message of the thread is inserted, and its `id` is replaced by the
        stored one (the objects ChatKit streams afterwards then carry the real id).
        """
        if not isinstance(item, UserMessageItem | AssistantMessageItem):
            return
        turn = context.turn
        if turn is not None and turn.conversation_id == _number(thread_id, THREAD_PREFIX) \
                and item.id in (item_id_of(turn.user_message_id), item_id_of(turn.reply_id)):
            return  # reserved by the route with its ChatKit fields; the reply is settled by the turn

        def work() -> None:
            role, content, meta = _item_fields(item)
            with db.begin() as session:
                conv = conversation_of(session, context.user_id, thread_id)
                try:
                    msg: Message | None = message_of(session, conv, item.id)
                except ItemNotFound:
                    msg = None
                if msg is None:
                    msg = history.add_message(session, conv, role, content, meta={"chatkit": meta} if meta else {})
                    item.id = item_id_of(msg.id)
                    return
                msg.content = content
                if meta and (msg.meta or {}).get("chatkit") != meta:
                    msg.meta = {**(msg.meta or {}), "chatkit": meta}

        await run_blocking(work)

    async def load_item(self, thread_id: str, item_id: str, context: RequestContext) -> ThreadItem:
        def work() -> ThreadItem:
            with db.begin() as session:
                conv = conversation_of(session, context.user_id, thread_id)
                return thread_item(message_of(session, conv, item_id))

        return await run_blocking(work)

    async def delete_thread(self, thread_id: str, context: RequestContext) -> None:
        def work() -> None:
            with db.begin() as session:
                session.delete(conversation_of(session, context.user_id, thread_id))

        await run_blocking(work)

    async def delete_thread_item(self, thread_id: str, item_id: str, context: RequestContext) -> None:
        """Delete a message of the thread; an item that is already gone is fine.

        The reply this request reserved is never deleted by it (a retry reserves before ChatKit
        removes the items after the retried message).
        """
        if context.turn is not None and item_id == item_id_of(context.turn.reply_id):
            return

        def work() -> None:
            with db.begin() as session:
                conv = conversation_of(session, context.user_id, thread_id)
                with contextlib.suppress(ItemNotFound):
                    session.delete(message_of(session, conv, item_id))

        await run_blocking(work)

    async def save_attachment(self, attachment: Attachment, context: RequestContext) -> None:
        raise attachments_unsupported()

    async def load_attachment(self, attachment_id: str, context: RequestContext) -> Attachment:
        raise attachments_unsupported()

    async def delete_attachment(self, attachment_id: str, context: RequestContext) -> None:
        raise attachments_unsupported()

    async def save_feedback(self, thread_id: str, item_ids: list[str], kind: str, context: RequestContext) -> None:
        """Store `positive` / `negative` on the messages; all or nothing (ItemNotFound)."""

        def work() -> None:
            with db.begin() as session:
                conv = conversation_of(session, context.user_id, thread_id)
                for msg in [message_of(session, conv, item_id) for item_id in item_ids]:
                    msg.feedback = kind

        await run_blocking(work)
