"""POST /api/<user_id>/chatkit: the ChatKit protocol, JSON or SSE by request type.

Everything that can be refused is refused BEFORE a stream starts, as a JSON error in the
contract's shape: the body is validated with ChatKit's own request type, unsupported features
get 400, another user's (or an unknown) thread or item 404, invalid values 422. Only then does
anything run: a turn (a request that runs the agent) is streamed as /chat streams its turns
(`turn_stream.ChatKitTurn` over `conversations.stream`); reads, edits and custom actions are the SDK's
`process`, on the asyncio runtime. Streams send `: ping` comments while the model is quiet. Turns
share /chat's per-user budget; reads and edits count against the default limit.
Not wrapped by spectree, which reads a response's whole body and would buffer the stream.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from chatkit.errors import ErrorCode
from chatkit.server import StreamingResult
from chatkit.types import (
    AttachmentsCreateReq,
    AttachmentsDeleteReq,
    ChatKitReq,
    ErrorEvent,
    InputTranscribeReq,
    ItemsListReq,
    ThreadMetadata,
    ThreadsAddClientToolOutputReq,
    ThreadsAddStructuredInputReq,
    ThreadsAddUserMessageReq,
    ThreadsCreateReq,
    ThreadsCustomActionReq,
    ThreadsListReq,
    ThreadsRetryAfterItemReq,
    ThreadsSyncCustomActionReq,
    ThreadsUpdateReq,
    UserMessageInput,
    is_streaming_req,
)
from flask import Blueprint, Response, request
from pydantic import BaseModel, Field, TypeAdapter, ValidationError

from app import sse
from app.agent.providers import model_for
from app.agent.runtime import IDLE, get_runtime
from app.auth.ownership import owner_required
from app.chatkit.convert import thread_metadata, user_meta, user_text
from app.chatkit.ids import thread_id_of
from app.chatkit.server import TodoChatKitServer
from app.chatkit.store import (
    RequestContext,
    Unsupported,
    attachments_unsupported,
    conversation_of,
    message_of,
    thread_row_of,
)
from app.chatkit.turn_stream import ChatKitTurn, TurnReq
from app.config import get_config
from app.conversations import turn
from app.conversations.schemas import RenameBody, UserMessage
from app.conversations.store import ConversationRow
from app.conversations.stream import stream_turn
from app.errors import APIError, Invalid, fields_of
from app.extensions import db
from app.metrics import TurnWatch
from app.models import User
from app.security import chat_limit
from app.validation import document

log = logging.getLogger(__name__)
bp = Blueprint("chatkit", __name__, url_prefix="/api/<user_id>")
REQUEST = TypeAdapter[ChatKitReq](ChatKitReq)
UNSUPPORTED = (InputTranscribeReq, ThreadsAddClientToolOutputReq, ThreadsAddStructuredInputReq,
               ThreadsSyncCustomActionReq)
"""Requests for features this assistant does not have (dictation, client tools, structured input, widgets)."""
TURNS = ("threads.create", "threads.add_user_message", "threads.retry_after_item")
"""Request types that run the agent."""

_server: TodoChatKitServer | None = None


def chatkit_server() -> TodoChatKitServer:
    """The process's ChatKit server (stateless: per-request state travels in the RequestContext)."""
    global _server
    if _server is None:
        _server = TodoChatKitServer()
    return _server


def parse_request(body: bytes) -> ChatKitReq:
    """The request as ChatKit's pydantic type; 400 for a malformed body or an unknown `type`."""
    try:
        return REQUEST.validate_json(body)
    except ValidationError as err:
        if any(e["type"] == "union_tag_invalid" for e in err.errors()):
            raise APIError("Unknown ChatKit request type.", code="unknown_request_type") from err
        if any(e["type"] == "json_invalid" for e in err.errors()):
            raise APIError("The body is not valid JSON.", code="invalid_json") from err
        raise APIError("The ChatKit request is malformed.", code="invalid_request", fields=fields_of(err)) from err


def _message(user_input: UserMessageInput) -> str:
    """The user's text, checked by /chat's rules (1-8000 characters); attachments are refused."""
    if user_input.attachments:
        raise attachments_unsupported()
    try:
        return UserMessage(message=user_text(user_input.content)).message
    except ValidationError as err:
        reason = next(iter(fields_of(err).values()), "invalid")
        raise Invalid("The message is empty or too long.", fields={"params.input.content": reason}) from err


def _reserve_turn(user: User, conversation: ConversationRow | None, user_input: UserMessageInput,
                  context: RequestContext) -> None:
    """Reserve the turn (conversation, user message with its ChatKit fields, pending reply, context), as /chat does."""
    current = turn.reserve(user, conversation, _message(user_input), context.history_window,
                           user_meta=user_meta(user_input))
    context.turn = current
    context.new_thread_id, context.new_message_id = current.conversation_id, current.user_message_id
    if context.thread is None:  # a new thread: as ChatKit will save it, so that saving writes nothing
        context.thread = ThreadMetadata(id=thread_id_of(current.conversation_id), title=current.title or None,
                                        created_at=datetime.now(UTC))


def prepare(req: ChatKitReq, user: User, context: RequestContext) -> None:
    """Refuse what cannot succeed and reserve the rows a streaming request needs."""
    if isinstance(req, AttachmentsCreateReq | AttachmentsDeleteReq):
        raise attachments_unsupported()
    if isinstance(req, UNSUPPORTED):
        raise Unsupported(f"{req.type} is not supported by this assistant.")
    if isinstance(req, ThreadsCreateReq):
        _reserve_turn(user, None, req.params.input, context)
    elif isinstance(req, ThreadsAddUserMessageReq):
        row = thread_row_of(db.session(), user.id, req.params.thread_id)
        context.thread = thread_metadata(row)
        _reserve_turn(user, row, req.params.input, context)
    elif isinstance(req, ThreadsRetryAfterItemReq):
        conv = conversation_of(db.session(), user.id, req.params.thread_id)
        retried = message_of(db.session(), conv, req.params.item_id)
        if retried.role != "user":
            raise APIError("Only a user message can be retried.", code="not_a_user_message")
        context.thread = thread_metadata(conv)
        context.turn = turn.reserve_retry(user, conv.id, retried.id, context.history_window)
    elif isinstance(req, ThreadsCustomActionReq):
        conv = conversation_of(db.session(), user.id, req.params.thread_id)
        if req.params.item_id is not None:
            message_of(db.session(), conv, req.params.item_id)
    elif isinstance(req, ItemsListReq | ThreadsListReq) and (req.params.limit or 0) < 0:
        raise Invalid("The limit cannot be negative.", fields={"params.limit": "0 (the default) or more"})
    elif isinstance(req, ThreadsUpdateReq):
        try:
            RenameBody(title=req.params.title)
        except ValidationError as err:
            raise Invalid("The title must be 1-200 characters.", fields={"params.title": "1-200 characters"}) from err


def _error_bytes() -> bytes:
    event = ErrorEvent(code=ErrorCode.STREAM_ERROR, allow_retry=True)
    return b"data: " + event.model_dump_json(exclude_none=True).encode() + b"\n\n"


def _sse(result: StreamingResult, ping: float) -> Iterator[bytes]:
    """The bytes of a stream the SDK answers (a custom action; turns are `ChatKitTurn`s)."""
    batches = get_runtime().stream_batches(result, idle_timeout=ping)
    try:
        for batch in batches:
            yield sse.PING if batch is IDLE else b"".join(batch)
    except Exception:
        # The SDK turns a failed action into an error event itself; this is for the rest (e.g. the
        # thread deleted between the checks and the stream): end with an error, not a broken stream.
        log.exception("chatkit stream failed")
        yield _error_bytes()
    finally:
        batches.close()


def _not_a_turn() -> bool:
    body = request.get_json(silent=True)
    return not (isinstance(body, dict) and body.get("type") in TURNS)


class ChatKitBody(BaseModel):
    """Any ChatKit request (the openai-chatkit protocol); `type` picks the operation."""

    type: str = Field(examples=["threads.create", "threads.list", "items.list"])
    """threads.create, threads.add_user_message, threads.retry_after_item, threads.custom_action (SSE);
    threads.get_by_id, threads.list, threads.update, threads.delete, items.list, items.feedback (JSON)."""
    params: dict[str, Any] = Field(default_factory=dict)
    """The operation's parameters, as ChatKit defines them."""
    metadata: dict[str, Any] = Field(default_factory=dict)
    """Integration metadata (ignored)."""


@bp.post("/chatkit")
@chat_limit(exempt_when=_not_a_turn, override_defaults=False)
@owner_required
def chatkit(user: User) -> Any:
    """A ChatKit request: JSON answer for reads and edits, Server-Sent Events for a turn."""
    body = request.get_data(cache=True)
    req = parse_request(body)
    context = RequestContext(user.id, user.timezone, model_for(get_config()),
                             get_config().chat_history_window)
    prepare(req, user, context)
    db.session.remove()  # a stream may last long: hold no connection while it runs
    ping = get_config().sse_ping_seconds
    if isinstance(req, TurnReq):
        kit_turn = ChatKitTurn(chatkit_server(), req, context)
        return sse.stream(stream_turn(kit_turn.turn, kit_turn, kit_turn.run(ping), TurnWatch("chatkit")))
    if is_streaming_req(req):
        return sse.stream(_sse(chatkit_server().stream(req, context), ping))
    result = get_runtime().run(chatkit_server().answer(req, context))
    return Response(result.json, mimetype="application/json")


document("/api/{user_id}/chatkit", "post", ChatKitBody, "The ChatKit protocol over the same conversations as /chat",
         "application/json for reads and edits; text/event-stream of ChatKit ThreadStreamEvents for threads.create, "
         "threads.add_user_message, threads.retry_after_item and threads.custom_action")
