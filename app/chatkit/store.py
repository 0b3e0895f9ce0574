"""ChatKit's `Store` over the conversations and messages tables.

A thread is a Conversation and each user or assistant item is a Message, so `/chat` and ChatKit see
one history (`ids.py` names them, `convert.py` turns rows into items and back). Another user's id,
or anything that is not an id, is a 404; a malformed cursor a 400.

ChatKit creates ids before it stores the object, so the route reserves the turn first (the new
conversation, the user's message and a `pending` reply, in one transaction, as /chat does) and the
`RequestContext` hands those ids to `generate_thread_id` / `generate_item_id`; what the route
reserved or loaded is never read or written again by the store in that request.

Every method filters by the context's user and runs its database work in one transaction through
`_transaction`, off the asyncio loop thread the store is called on.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from agents.models.interface import Model
from chatkit.store import Store, StoreItemType
from chatkit.types import (
    AssistantMessageItem,
    Attachment,
    Page,
    ThreadItem,
    ThreadMetadata,
    UserMessageItem,
)
from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session

from app import paging
from app.asyncbridge import run_blocking
from app.chatkit.convert import item_fields, same_thread, thread_fields, thread_item, thread_metadata
from app.chatkit.ids import (
    ITEM_PREFIX,
    THREAD_PREFIX,
    ItemNotFound,
    ThreadNotFound,
    cursor_of,
    item_id_of,
    number_of,
    parse_item_id,
    parse_thread_id,
    thread_id_of,
)
from app.chatkit.status import shown_status, with_status_lines
from app.conversations import store as history
from app.conversations.turn import Turn
from app.errors import APIError, NotFound
from app.extensions import db
from app.models import Conversation, Message

T = TypeVar("T")

MAX_PAGE = 100
"""Largest page the store hands out, whatever `limit` asks for."""


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


def conversation_of(session: Session, user_id: str, thread_id: str) -> Conversation:
    """The user's conversation behind a thread id, or ThreadNotFound (also for another user's)."""
    return _in_thread(thread_id, lambda conversation_id: history.get_conversation(session, user_id, conversation_id))


def thread_row_of(session: Session, user_id: str, thread_id: str) -> history.ConversationRow:
    """The same conversation read as one row (`ConversationRow`), or ThreadNotFound."""
    return _in_thread(thread_id, lambda conversation_id: history.conversation_row(session, user_id, conversation_id))


def _in_thread(thread_id: str, read: Callable[[int], T]) -> T:
    """`read` of the conversation behind a thread id; a malformed id or its NotFound as ThreadNotFound."""
    try:
        return read(parse_thread_id(thread_id))
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


def _keyset(stmt: Any, column: Any, start: int | None, order: str) -> Any:
    """`stmt` ordered by id in `order`, past the cursor's id `start` (ChatKit cursors are ids)."""
    if order == "asc":
        return (stmt.where(column > start) if start is not None else stmt).order_by(column.asc())
    return (stmt.where(column < start) if start is not None else stmt).order_by(column.desc())


def _page(rows: list[Any], limit: int, to_data: Callable[[Any], T], id_of: Callable[[Any], str]) -> Page[T]:
    """A ChatKit page from `limit + 1` rows; its `after` is the last row's id, as ChatKit's protocol has it."""
    page = paging.cut(rows, limit, id_of)
    return Page(data=[to_data(row) for row in page.rows], has_more=page.more,
                after=id_of(page.rows[-1]) if page.rows else None)


async def _transaction(work: Callable[[Session], T]) -> T:
    """`work` in one transaction (committed when it returns, rolled back when it raises), off the loop thread."""

    def run() -> T:
        with db.begin() as session:
            return work(session)

    return await run_blocking(run)


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
        return await _transaction(lambda s: thread_metadata(conversation_of(s, context.user_id, thread_id)))

    async def save_thread(self, thread: ThreadMetadata, context: RequestContext) -> None:
        """Store title, status and metadata, never items; a None title keeps the stored one.

        Nothing is written when the thread is the one the route loaded or reserved, unchanged.
        """
        known = context.thread
        if known is not None and known.id == thread.id and same_thread(known, thread):
            return

        def work(session: Session) -> None:
            conv = conversation_of(session, context.user_id, thread.id)
            if thread.title is not None:
                conv.title = thread.title.strip()[:200]
            saved = thread_fields(thread)
            if (conv.meta or {}).get("chatkit") != saved:
                conv.meta = {**(conv.meta or {}), "chatkit": saved}

        await _transaction(work)

    async def load_thread_items(self, thread_id: str, after: str | None, limit: int, order: str,
                                context: RequestContext) -> Page[ThreadItem]:
        """Items by message id, `asc` or `desc`, starting after the item `after`; a failed or interrupted
        reply is followed by its status line (`chatkit.status`), which pages with it."""
        limit = max(1, min(limit, MAX_PAGE))
        start = cursor_of(after, ITEM_PREFIX)

        def work(session: Session) -> Page[ThreadItem]:
            conv = conversation_of(session, context.user_id, thread_id)
            stmt = _keyset(select(Message).where(Message.conversation_id == conv.id), Message.id, start, order)
            rows = list(session.scalars(stmt.limit(limit + 1)))
            page = _page(rows, limit, thread_item, lambda m: item_id_of(m.id))
            return with_status_lines(page, {item_id_of(m.id): shown_status(m) for m in rows}, order)

        return await _transaction(work)

    async def load_threads(self, limit: int, after: str | None, order: str,
                           context: RequestContext) -> Page[ThreadMetadata]:
        """The user's threads by last activity (`updated_at`, then id), `desc` most recent first.

        The cursor is a thread id; the page continues from that thread's current place in the order.
        """
        limit = max(1, min(limit, MAX_PAGE))
        start = cursor_of(after, THREAD_PREFIX)

        def work(session: Session) -> Page[ThreadMetadata]:
            stmt = select(Conversation).where(Conversation.user_id == context.user_id)
            key = (Conversation.updated_at, Conversation.id)
            if start is not None:
                mark = conversation_of(session, context.user_id, thread_id_of(start))
                stmt = stmt.where(tuple_(*key) > (mark.updated_at, mark.id) if order == "asc"
                                  else tuple_(*key) < (mark.updated_at, mark.id))
            column_order = (Conversation.updated_at.asc(), Conversation.id.asc()) if order == "asc" \
                else (Conversation.updated_at.desc(), Conversation.id.desc())
            rows = list(session.scalars(stmt.order_by(*column_order).limit(limit + 1)))
            return _page(rows, limit, thread_metadata, lambda c: thread_id_of(c.id))

        return await _transaction(work)

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
        if turn is not None and turn.conversation_id == number_of(thread_id, THREAD_PREFIX) \
                and item.id in (item_id_of(turn.user_message_id), item_id_of(turn.reply_id)):
            return  # reserved by the route with its ChatKit fields; the reply is settled by the turn
        role, content, meta = item_fields(item)

        def work(session: Session) -> None:
            conv = conversation_of(session, context.user_id, thread_id)
            try:
                msg: Message | None = message_of(session, conv, item.id)
            except ItemNotFound:
                msg = None
            if msg is None:
                item.id = item_id_of(history.add_message(session, conv, role, content,
                                                         meta={"chatkit": meta} if meta else {}))
                return
            msg.content = content
            if meta and (msg.meta or {}).get("chatkit") != meta:
                msg.meta = {**(msg.meta or {}), "chatkit": meta}

        await _transaction(work)

    async def load_item(self, thread_id: str, item_id: str, context: RequestContext) -> ThreadItem:
        return await _transaction(
            lambda s: thread_item(message_of(s, conversation_of(s, context.user_id, thread_id), item_id)))

    async def delete_thread(self, thread_id: str, context: RequestContext) -> None:
        await _transaction(lambda s: s.delete(conversation_of(s, context.user_id, thread_id)))

    async def delete_thread_item(self, thread_id: str, item_id: str, context: RequestContext) -> None:
        """Delete a message of the thread; an item that is already gone is fine.

        The reply this request reserved is never deleted by it (a retry reserves before ChatKit
        removes the items after the retried message).
        """
        if context.turn is not None and item_id == item_id_of(context.turn.reply_id):
            return

        def work(session: Session) -> None:
            conv = conversation_of(session, context.user_id, thread_id)
            with contextlib.suppress(ItemNotFound):
                session.delete(message_of(session, conv, item_id))

        await _transaction(work)

    async def save_attachment(self, attachment: Attachment, context: RequestContext) -> None:
        raise attachments_unsupported()

    async def load_attachment(self, attachment_id: str, context: RequestContext) -> Attachment:
        raise attachments_unsupported()

    async def delete_attachment(self, attachment_id: str, context: RequestContext) -> None:
        raise attachments_unsupported()

    async def save_feedback(self, thread_id: str, item_ids: list[str], kind: str, context: RequestContext) -> None:
        """Store `positive` / `negative` on the messages; all or nothing (ItemNotFound)."""

        def work(session: Session) -> None:
            conv = conversation_of(session, context.user_id, thread_id)
            for msg in [message_of(session, conv, item_id) for item_id in item_ids]:
                msg.feedback = kind

        await _transaction(work)
