"""Real OpenAI Responses objects and stream events for one model step."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterator
from typing import cast

from agents.items import TResponseOutputItem, TResponseStreamEvent
from openai.types.responses import (
    Response,
    ResponseCompletedEvent,
    ResponseContentPartAddedEvent,
    ResponseContentPartDoneEvent,
    ResponseCreatedEvent,
    ResponseFunctionCallArgumentsDeltaEvent,
    ResponseFunctionCallArgumentsDoneEvent,
    ResponseFunctionToolCall,
    ResponseInProgressEvent,
    ResponseOutputItemAddedEvent,
    ResponseOutputItemDoneEvent,
    ResponseOutputMessage,
    ResponseOutputText,
    ResponseStatus,
    ResponseTextDeltaEvent,
    ResponseTextDoneEvent,
    ResponseUsage,
)

from app.agent.sdk_lean import NO_CACHED_TOKENS, NO_REASONING_TOKENS

from .planner import Call, Step

MODEL_NAME = "local-task-model"
_PIECE = re.compile(r"\s*\S+\s*")


def new_id(prefix: str) -> str:
    """A fresh item id such as "call_3f2a..."."""
    return f"{prefix}_{uuid.uuid4().hex}"


def words_of(text: str) -> list[str]:
    """Split text into word pieces that keep their following spaces and newlines."""
    return _PIECE.findall(text) or [text]


def output_items(step: Step) -> list[TResponseOutputItem]:
    """The output items of a step: function calls, or one assistant message."""
    if step.calls:
        return [
            ResponseFunctionToolCall(
                type="function_call",
                id=new_id("fc"),
                call_id=new_id("call"),
                name=call.name,
                arguments=json.dumps(call.arguments),
                status="completed",
            )
            for call in step.calls
        ]
    message = ResponseOutputMessage(
        type="message",
        id=new_id("msg"),
        role="assistant",
        status="completed",
        content=[ResponseOutputText(type="output_text", text=step.text, annotations=[], logprobs=[])],
    )
    return [message]


def usage_for(input_tokens: int, output_tokens: int) -> ResponseUsage:
    """A Responses usage block with rough token counts. This model caches and reasons nothing: its details are
    the shared all-zero ones (pydantic keeps a model instance given as a field's value), not a pair per step."""
    return ResponseUsage(
        input_tokens=input_tokens,
        output_tokens=output_tokens,
        total_tokens=input_tokens + output_tokens,
        input_tokens_details=NO_CACHED_TOKENS,
        output_tokens_details=NO_REASONING_TOKENS,
    )


def response_for(
    output: list[TResponseOutputItem], usage: ResponseUsage, status: ResponseStatus = "completed"
) -> Response:
    """A Response object holding the output items themselves (pydantic keeps model instances as they are).

    The SDK keeps a completed response's output for the rest of the run: copies made by a dump and a
    re-validation cost CPU at every step and memory for as long as a turn waits for its next model request."""
    return Response(
        id=new_id("resp"),
        created_at=0,
        model=MODEL_NAME,
        object="response",
        output=output,
        tool_choice="auto",
        tools=[],
        top_p=None,
        parallel_tool_calls=True,
        status=status,
        usage=usage if status == "completed" else None,
    )


def stream_events(
    step: Step, output: list[TResponseOutputItem], usage: ResponseUsage
) -> Iterator[TResponseStreamEvent | None]:
    """The event sequence of a streamed step, with None marking where a word delay goes."""
    seq = 0

    def number() -> int:
        nonlocal seq
        seq += 1
        return seq - 1

    yield cast(
        TResponseStreamEvent,
        ResponseCreatedEvent(
            type="response.created", response=response_for([], usage, "in_progress"), sequence_number=number()
        ),
    )
    yield cast(
        TResponseStreamEvent,
        ResponseInProgressEvent(
            type="response.in_progress", response=response_for([], usage, "in_progress"), sequence_number=number()
        ),
    )
    for index, item in enumerate(output):
        if isinstance(item, ResponseFunctionToolCall):
            started = item.model_copy(update={"arguments": "", "status": "in_progress"})
            yield cast(
                TResponseStreamEvent,
                ResponseOutputItemAddedEvent(
                    type="response.output_item.added", item=started, output_index=index, sequence_number=number()
                ),
            )
            yield cast(
                TResponseStreamEvent,
                ResponseFunctionCallArgumentsDeltaEvent(
                    type="response.function_call_arguments.delta",
                    item_id=item.id or item.call_id,
                    output_index=index,
                    delta=item.arguments,
                    sequence_number=number(),
                ),
            )
            yield cast(
                TResponseStreamEvent,
                ResponseFunctionCallArgumentsDoneEvent.model_validate(
                    {
                        "type": "response.function_call_arguments.done",
                        "item_id": item.id or item.call_id,
                        "output_index": index,
                        "arguments": item.arguments,
                        "name": item.name,
                        "sequence_number": number(),
                    }
                ),
            )
        elif isinstance(item, ResponseOutputMessage):
            text = step.text
            started_message = item.model_copy(update={"content": [], "status": "in_progress"})
            yield cast(
                TResponseStreamEvent,
                ResponseOutputItemAddedEvent(
                    type="response.output_item.added",
                    item=started_message,
                    output_index=index,
                    sequence_number=number(),
                ),
            )
            empty = ResponseOutputText(type="output_text", text="", annotations=[], logprobs=[])
            yield cast(
                TResponseStreamEvent,
                ResponseContentPartAddedEvent(
                    type="response.content_part.added",
                    item_id=item.id,
                    output_index=index,
                    content_index=0,
                    part=empty,
                    sequence_number=number(),
                ),
            )
            for position, piece in enumerate(words_of(text)):
                if position:
                    yield None
                yield cast(
                    TResponseStreamEvent,
                    ResponseTextDeltaEvent(
                        type="response.output_text.delta",
                        item_id=item.id,
                        output_index=index,
                        content_index=0,
                        delta=piece,
                        logprobs=[],
                        sequence_number=number(),
                    ),
                )
            yield cast(
                TResponseStreamEvent,
                ResponseTextDoneEvent(
                    type="response.output_text.done",
                    item_id=item.id,
                    output_index=index,
                    content_index=0,
                    text=text,
                    logprobs=[],
                    sequence_number=number(),
                ),
            )
            full = ResponseOutputText(type="output_text", text=text, annotations=[], logprobs=[])
            yield cast(
                TResponseStreamEvent,
                ResponseContentPartDoneEvent(
                    type="response.content_part.done",
                    item_id=item.id,
                    output_index=index,
                    content_index=0,
                    part=full,
                    sequence_number=number(),
                ),
            )
        yield cast(
            TResponseStreamEvent,
            ResponseOutputItemDoneEvent(
                type="response.output_item.done", item=item, output_index=index, sequence_number=number()
            ),
        )
    yield cast(
        TResponseStreamEvent,
        ResponseCompletedEvent(
            type="response.completed", response=response_for(output, usage), sequence_number=number()
        ),
    )


def complete_response_models() -> None:
    """Stream a step of each kind (a tool call, a reply) once and throw it away: pydantic completes several
    Responses event models only when the first one is built (about 35 ms), which a user's first turn paid,
    whichever model streamed them (the OpenAI client builds the same ones)."""
    for step in (Step(calls=[Call(name="list_tasks", arguments={})]), Step(text="Done.")):
        for _event in stream_events(step, output_items(step), usage_for(1, 1)):
            pass
