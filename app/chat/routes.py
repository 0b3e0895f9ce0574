"""POST /api/<user_id>/chat (SSE or JSON) and the conversations routes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import Blueprint, Response, request
from sqlalchemy import and_, or_, select

from app import paging, sse
from app.agent.providers import model_for
from app.agent.runtime import get_runtime
from app.auth.ownership import owner_required
from app.chat.schemas import (
    ChatBody,
    ConversationOut,
    ConversationPage,
    MessagePage,
    PageQuery,
)
from app.chat_events import ChatEvent, ErrorEvent, RunEvent
from app.config import get_config
from app.conversations import turn
from app.conversations.events import chat_view, turn_events
from app.conversations.schemas import RenameBody
from app.conversations.serializers import conversation_to_dict, message_to_dict
from app.conversations.store import get_conversation
from app.conversations.stream import RunBatches, settle, stream_turn
from app.errors import APIError
from app.extensions import api, db
from app.metrics import TurnWatch
from app.models import Conversation, Message, User
from app.security import chat_limit
from app.validation import USER_ERRORS, document, parse_json, responses

bp = Blueprint("chat", __name__, url_prefix="/api/<user_id>")


def _error_event(fail: turn.Failure, conversation_id: int) -> ErrorEvent:
    return {"type": "error", "code": fail.code, "message": fail.message, "retryable": fail.retryable,
            "conversation_id": conversation_id}


def _run(current: turn.Turn) -> RunBatches[RunEvent]:
    """The turn's agent events, produced on the asyncio loop and handed to this greenlet in batches."""
    cfg = get_config()
    model = model_for(cfg)
    ping = cfg.sse_ping_seconds
    return get_runtime().stream_batches(lambda: turn_events(model, current, chat_view), idle_timeout=ping)


class ChatTurn:
    """/chat's events around a turn's run (`conversations.stream.TurnProtocol`): `conversation` first, then the
    run's `chunk`, `tool_call` and `tool_result` events, then `done` or `error`."""

    def __init__(self, current: turn.Turn) -> None:
        self.current = current
        """The turn being streamed."""

    def head(self) -> bytes:
        return sse.event({"type": "conversation", "conversation_id": self.current.conversation_id})

    def batch(self, events: list[RunEvent], watch: TurnWatch) -> bytes:
        for ev in events:
            watch.saw(ev)
        return b"".join(map(sse.event, events))  # one write for the events that arrived together

    def tail(self, _status: str, failure: turn.Failure | None) -> bytes:
        if failure is not None:
            return sse.event(_error_event(failure, self.current.conversation_id))
        return sse.event({"type": "done", "conversation_id": self.current.conversation_id,
                          "message_id": self.current.reply_id})


@bp.post("/chat")
@chat_limit()
@owner_required
def chat(user: User) -> Any:
    """Send a message; the reply streams as SSE (default) or comes whole with Accept: application/json."""
    body = parse_json(ChatBody)
    key = _idempotency_key()
    window = get_config().chat_history_window
    wants_json = request.accept_mimetypes.best_match(["text/event-stream", "application/json"]) == "application/json"
    if body.retry_of is not None and body.conversation_id is not None:
        reserved: turn.Turn | turn.Replay = turn.reserve_retry(user, body.conversation_id, body.retry_of, window)
    else:
        reserved = turn.reserve(user, body.conversation_id, body.message or "", window, idempotency_key=key)
    db.session.remove()  # the stream may last long: hold no connection while it runs
    if isinstance(reserved, turn.Replay):
        return _replay(reserved, wants_json)
    current = reserved
    watch = TurnWatch("chat")
    events = _run(current)
    if wants_json:
        return _whole(current, events, watch)
    return sse.stream(stream_turn(current, ChatTurn(current), events, watch))


document("/api/{user_id}/chat", "post", ChatBody, "Send a message to the assistant",
         "text/event-stream of conversation, chunk, tool_call, tool_result, done|error events; or, with "
         "Accept: application/json, {conversation_id, message_id, response, tool_calls}")


def _whole(current: turn.Turn, events: RunBatches[RunEvent], watch: TurnWatch) -> Any:
    try:
        for _batch in events:
            pass
    except Exception as err:
        watch.model_error(err)
        watch.finished("failed")
        settle(current, "failed")
        event = _error_event(turn.failure(err), current.conversation_id)
        raise APIError(event["message"], code=event["code"], status=503, headers={"Retry-After": "1"}) from err
    stored = settle(current, "complete")
    watch.finished("complete")
    if not stored:
        raise APIError(turn.STORAGE_FAILED.message, code=turn.STORAGE_FAILED.code, status=503)
    return whole_body(current.conversation_id, current.reply_id, current.reply.content, current.reply.tool_calls)


def _idempotency_key() -> str | None:
    """The Idempotency-Key header: 1-100 printable ASCII characters, or 400."""
    key = request.headers.get("Idempotency-Key")
    if key is None:
        return None
    if not 1 <= len(key) <= 100 or not all(" " <= ch <= "~" for ch in key):
        raise APIError("Idempotency-Key must be 1-100 printable characters.", code="invalid_idempotency_key",
                       fields={"Idempotency-Key": "1-100 printable characters"})
    return key


def _replay(done: turn.Replay, wants_json: bool) -> Any:
    """The outcome of the earlier turn with this Idempotency-Key, as that turn answered it."""
    failed = done.status != "complete"
    fail = turn.REPLAYED_FAILURE
    if wants_json:
        if failed:
            raise APIError(fail.message, code=fail.code, status=503, headers={"Retry-After": "1"})
        return whole_body(done.conversation_id, done.message_id, done.content, done.tool_calls)
    events: list[ChatEvent] = [{"type": "conversation", "conversation_id": done.conversation_id}]
    if done.content:
        events.append({"type": "chunk", "content": done.content})
    if failed:
        events.append({"type": "error", "code": fail.code, "message": fail.message, "retryable": fail.retryable,
                       "conversation_id": done.conversation_id})
    else:
        events.append({"type": "done", "conversation_id": done.conversation_id, "message_id": done.message_id})
    return sse.whole(map(sse.event, events))


def whole_body(conversation_id: int, message_id: int, content: str, tool_calls: list[dict[str, Any]]) -> dict[str, Any]:
    """The JSON answer of a turn."""
    calls = [{"name": c["name"], "arguments": c["arguments"], "output": c["output"]} for c in tool_calls]
    return {"conversation_id": conversation_id, "message_id": message_id, "response": content, "tool_calls": calls}


@bp.get("/conversations")
@owner_required
@api.validate(query=PageQuery, resp=responses("HTTP_200", ConversationPage, *USER_ERRORS), tags=["chat"])
def list_conversations(user: User, query: PageQuery) -> Any:
    """The user's conversations, most recently active first."""
    stmt = select(Conversation).where(Conversation.user_id == user.id)
    if query.cursor:
        doc = paging.decode(query.cursor)
        try:
            when = datetime.fromisoformat(doc["at"])
        except (KeyError, TypeError, ValueError) as err:
            raise paging.invalid_cursor() from err
        ident = paging.row_id(doc.get("id"))
        stmt = stmt.where(or_(Conversation.updated_at < when,
                              and_(Conversation.updated_at == when, Conversation.id < ident)))
    rows = list(db.session.scalars(
        stmt.order_by(Conversation.updated_at.desc(), Conversation.id.desc()).limit(query.limit + 1)))
    page = paging.cut(rows, query.limit, lambda c: paging.encode({"at": c.updated_at.isoformat(), "id": c.id}))
    return paging.body("conversations", page, conversation_to_dict)


@bp.get("/conversations/<int:conversation_id>/messages")
@owner_required
@api.validate(query=PageQuery, resp=responses("HTTP_200", MessagePage, *USER_ERRORS), tags=["chat"])
def list_messages(user: User, conversation_id: int, query: PageQuery) -> Any:
    """A conversation's messages, oldest first."""
    get_conversation(db.session, user, conversation_id)
    stmt = select(Message).where(Message.conversation_id == conversation_id)
    if query.cursor:
        stmt = stmt.where(Message.id > paging.row_id(paging.decode(query.cursor).get("id")))
    rows = list(db.session.scalars(stmt.order_by(Message.id).limit(query.limit + 1)))
    page = paging.cut(rows, query.limit, lambda m: paging.encode({"id": m.id}))
    return paging.body("messages", page, message_to_dict)


@bp.patch("/conversations/<int:conversation_id>")
@owner_required
@api.validate(json=RenameBody, resp=responses("HTTP_200", ConversationOut, *USER_ERRORS), tags=["chat"])
def rename_conversation(user: User, conversation_id: int, json: RenameBody) -> Any:
    """Rename a conversation."""
    conv = get_conversation(db.session, user, conversation_id)
    conv.title = json.title
    db.session.commit()
    return conversation_to_dict(conv)


@bp.delete("/conversations/<int:conversation_id>")
@owner_required
@api.validate(resp=responses("HTTP_204", None, *USER_ERRORS), tags=["chat"])
def delete_conversation(user: User, conversation_id: int) -> Any:
    """Delete a conversation and its messages."""
    conv = get_conversation(db.session, user, conversation_id)
    db.session.delete(conv)
    db.session.commit()
    return Response(status=204)
