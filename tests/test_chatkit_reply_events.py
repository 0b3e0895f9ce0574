"""The reply's ChatKit events (`app.chatkit.reply_events`) against ChatKit's own Agents bridge.

`stream_agent_response` (openai-chatkit) names each of a run's messages after its Responses id; the
stored reply is ONE Message, so what the bridge says, folded into that one item (`_fold` below, what
the app did with the bridge before), is the reference the converter must match event for event:
for real runs of the embedded model, and for runs it cannot make (text, tool call, text; a refusal;
reasoning summaries).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any, cast

import pytest
from agents import RawResponsesStreamEvent, RunResultStreaming, StreamEvent
from chatkit.agents import AgentContext, stream_agent_response
from chatkit.types import (
    AssistantMessageContent,
    AssistantMessageContentPartAdded,
    AssistantMessageContentPartDone,
    AssistantMessageContentPartTextDelta,
    AssistantMessageItem,
    Page,
    ProgressUpdateEvent,
    ThreadItemAddedEvent,
    ThreadItemDoneEvent,
    ThreadItemUpdatedEvent,
    ThreadMetadata,
    ThreadStreamEvent,
    WorkflowItem,
)
from openai.types.responses import (
    ResponseContentPartAddedEvent,
    ResponseContentPartDoneEvent,
    ResponseOutputItemAddedEvent,
    ResponseOutputItemDoneEvent,
    ResponseOutputMessage,
    ResponseOutputRefusal,
    ResponseOutputText,
    ResponseReasoningItem,
    ResponseReasoningSummaryTextDeltaEvent,
    ResponseReasoningSummaryTextDoneEvent,
    ResponseTextDeltaEvent,
    ResponseTextDoneEvent,
)

from app.chatkit.reply_events import ReplyEvents
from tests.support.accounts import AuthActions
from tests.support.chatkit import create_thread

THREAD = ThreadMetadata(id="thr_1", created_at=datetime(2026, 12, 1))
REPLY_ID = "msg_9"
WORKFLOW_ID = "tmp_workflow_1"


class _Fold:
    """The bridge's messages as the ONE reply item (the app's fold before the converter)."""

    def __init__(self) -> None:
        self.first: AssistantMessageItem | None = None
        self.offsets: dict[str, int] = {}
        self.parts: list[AssistantMessageContent] = []

    def put(self, index: int, content: AssistantMessageContent) -> None:
        self.parts.extend(AssistantMessageContent(text="") for _ in range(index + 1 - len(self.parts)))
        self.parts[index] = content

    def rewrite(self, event: ThreadStreamEvent) -> list[ThreadStreamEvent]:
        if isinstance(event, ThreadItemAddedEvent) and isinstance(event.item, AssistantMessageItem):
            offset = self.offsets[event.item.id] = len(self.parts)
            for index, part in enumerate(event.item.content):
                self.put(offset + index, part)
            if self.first is None:
                self.first = event.item.model_copy(update={"id": REPLY_ID})
                return [ThreadItemAddedEvent(item=self.first)]
            return [ThreadItemUpdatedEvent(item_id=REPLY_ID, update=AssistantMessageContentPartAdded(
                content_index=offset + index, content=part)) for index, part in enumerate(event.item.content)]
        if isinstance(event, ThreadItemUpdatedEvent) and event.item_id in self.offsets:
            update, offset = event.update, self.offsets[event.item_id]
            assert isinstance(update, AssistantMessageContentPartAdded | AssistantMessageContentPartDone
                              | AssistantMessageContentPartTextDelta)
            update = update.model_copy(update={"content_index": update.content_index + offset})
            if isinstance(update, AssistantMessageContentPartTextDelta):
                index = update.content_index
                before = self.parts[index].text if index < len(self.parts) else ""
                self.put(index, AssistantMessageContent(text=before + update.delta))
            else:
                self.put(update.content_index, update.content)
            return [ThreadItemUpdatedEvent(item_id=REPLY_ID, update=update)]
        if isinstance(event, ThreadItemDoneEvent) and isinstance(event.item, AssistantMessageItem):
            for index, part in enumerate(event.item.content):
                self.put(self.offsets[event.item.id] + index, part)
            return []
        return [event]


class _Store:
    """What the bridge asks of a store: the thread's last items (none kept here) and a workflow id."""

    async def load_thread_items(self, *_: Any) -> Page[Any]:
        return Page(data=[], has_more=False)

    def generate_item_id(self, *_: Any) -> str:
        return WORKFLOW_ID


class _Run:
    """A run as the bridge reads it: its events."""

    def __init__(self, events: list[StreamEvent]) -> None:
        self.events = events

    async def stream_events(self) -> AsyncIterator[StreamEvent]:
        for event in self.events:
            yield event


async def _bridged(events: list[StreamEvent]) -> list[ThreadStreamEvent]:
    context = AgentContext[Any](thread=THREAD, store=cast(Any, _Store()), request_context=None)
    fold, out = _Fold(), []
    async for event in stream_agent_response(context, cast(RunResultStreaming, _Run(events))):
        out.extend(fold.rewrite(event))
    if fold.first is not None:
        out.append(ThreadItemDoneEvent(item=fold.first.model_copy(update={"content": list(fold.parts)})))
    return out


def _converted(events: list[StreamEvent]) -> list[ThreadStreamEvent]:
    reply = ReplyEvents(REPLY_ID, THREAD.id, lambda: WORKFLOW_ID)
    out = [sent for event in events for sent in reply.convert(event)]
    done = reply.done()
    return out + ([done] if done is not None else [])


def _shown(events: list[ThreadStreamEvent]) -> list[dict[str, Any]]:
    """The events as a client reads them, without their creation times."""
    def strip(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: strip(v) for k, v in value.items() if k != "created_at"}
        if isinstance(value, list):
            return [strip(v) for v in value]
        return value
    return [strip(e.model_dump(mode="json", by_alias=True, exclude_none=True)) for e in events]


def assert_same_as_the_bridge(events: list[StreamEvent]) -> list[ThreadStreamEvent]:
    ours = _converted(events)
    assert _shown(ours) == _shown(asyncio.run(_bridged(events)))
    return ours


# --- runs the embedded model cannot make ---------------------------------------------------------

class _Events:
    """Responses stream events of made-up runs, numbered in order."""

    def __init__(self) -> None:
        self.out: list[StreamEvent] = []

    def add(self, data: Any) -> None:
        self.out.append(RawResponsesStreamEvent(data=data))

    def message(self, item_id: str, chunks: list[str], refusal: bool = False) -> None:
        seq, index = len(self.out), len(self.out)
        empty = ResponseOutputMessage(id=item_id, content=[], role="assistant", status="in_progress", type="message")
        self.add(ResponseOutputItemAddedEvent(item=empty, output_index=index, sequence_number=seq,
                                              type="response.output_item.added"))
        text = "".join(chunks)
        part: ResponseOutputText | ResponseOutputRefusal = (
            ResponseOutputRefusal(refusal=text, type="refusal") if refusal
            else ResponseOutputText(annotations=[], text="", type="output_text"))
        self.add(ResponseContentPartAddedEvent(content_index=0, item_id=item_id, output_index=index, part=part,
                                               sequence_number=seq, type="response.content_part.added"))
        for chunk in ([] if refusal else chunks):
            self.add(ResponseTextDeltaEvent(content_index=0, delta=chunk, item_id=item_id, logprobs=[],
                                            output_index=index, sequence_number=seq,
                                            type="response.output_text.delta"))
        if not refusal:
            self.add(ResponseTextDoneEvent(content_index=0, item_id=item_id, logprobs=[], output_index=index,
                                           sequence_number=seq, text=text, type="response.output_text.done"))
            part = ResponseOutputText(annotations=[], text=text, type="output_text")
        self.add(ResponseContentPartDoneEvent(content_index=0, item_id=item_id, output_index=index, part=part,
                                              sequence_number=seq, type="response.content_part.done"))
        done = ResponseOutputMessage(id=item_id, content=[part], role="assistant", status="completed",
                                     type="message")
        self.add(ResponseOutputItemDoneEvent(item=done, output_index=index, sequence_number=seq,
                                             type="response.output_item.done"))

    def reasoning(self, item_id: str, summaries: list[list[str]]) -> None:
        seq = len(self.out)
        item = ResponseReasoningItem(id=item_id, summary=[], type="reasoning")
        self.add(ResponseOutputItemAddedEvent(item=item, output_index=0, sequence_number=seq,
                                              type="response.output_item.added"))
        for n, chunks in enumerate(summaries):
            for chunk in chunks:
                self.add(ResponseReasoningSummaryTextDeltaEvent(
                    item_id=item_id, output_index=0, summary_index=n, delta=chunk, sequence_number=seq,
                    type="response.reasoning_summary_text.delta"))
            self.add(ResponseReasoningSummaryTextDoneEvent(
                item_id=item_id, output_index=0, summary_index=n, text="".join(chunks), sequence_number=seq,
                type="response.reasoning_summary_text.done"))


def test_one_message_is_the_reply_item_and_it_is_done_when_the_run_ends() -> None:
    run = _Events()
    run.message("resp_a", ["Added ", "'buy milk'", "."])
    ours = assert_same_as_the_bridge(run.out)
    assert [e.type for e in ours] == ["thread.item.added"] + ["thread.item.updated"] * 5 + ["thread.item.done"]
    done = ours[-1]
    assert isinstance(done, ThreadItemDoneEvent) and done.item.id == REPLY_ID
    assert isinstance(done.item, AssistantMessageItem) and done.item.content[0].text == "Added 'buy milk'."


def test_text_tool_call_text_are_parts_of_one_item() -> None:
    run = _Events()
    run.message("resp_a", ["Let me ", "look."])
    run.message("resp_b", ["You have ", "two tasks."])
    ours = assert_same_as_the_bridge(run.out)
    assert [e.type for e in ours].count("thread.item.added") == 1
    assert {e.item_id for e in ours if isinstance(e, ThreadItemUpdatedEvent)} == {REPLY_ID}
    done = ours[-1]
    assert isinstance(done, ThreadItemDoneEvent) and isinstance(done.item, AssistantMessageItem)
    assert [c.text for c in done.item.content] == ["Let me look.", "You have two tasks."]


def test_a_refusal_is_the_reply_text() -> None:
    run = _Events()
    run.message("resp_a", ["I can't help with that."], refusal=True)
    done = assert_same_as_the_bridge(run.out)[-1]
    assert isinstance(done, ThreadItemDoneEvent) and isinstance(done.item, AssistantMessageItem)
    assert done.item.content[0].text == "I can't help with that."


@pytest.mark.parametrize("summaries", [[["Thinking ", "about it"]], [["first"], ["second ", "thought"]]])
def test_reasoning_is_a_workflow_that_ends_when_the_answer_starts(summaries: list[list[str]]) -> None:
    run = _Events()
    run.reasoning("rs_1", summaries)
    run.message("resp_a", ["Done."])
    ours = assert_same_as_the_bridge(run.out)
    started, ended = ours[0], next(e for e in ours if isinstance(e, ThreadItemDoneEvent))
    assert isinstance(started, ThreadItemAddedEvent) and isinstance(started.item, WorkflowItem)
    assert isinstance(ended.item, WorkflowItem) and ended.item.id == WORKFLOW_ID
    assert ended.item.workflow.expanded is False
    assert [t.content for t in ended.item.workflow.tasks] == ["".join(s) for s in summaries]  # type: ignore[union-attr]


def test_a_run_that_says_nothing_has_no_item() -> None:
    assert _converted([]) == [] and asyncio.run(_bridged([])) == []


# --- real runs of the embedded model --------------------------------------------------------------

@pytest.mark.parametrize("message", ["add buy milk tomorrow at 5pm", "hello", "what's due this week?"])
def test_real_runs_convert_as_the_bridge_would(auth: AuthActions, monkeypatch: pytest.MonkeyPatch,
                                               message: str) -> None:
    """A ChatKit turn's run, recorded as it happens, gives the bridge's events; the stream carries them."""
    seen: list[StreamEvent] = []
    sent: list[dict[str, Any]] = []  # as they were when made: ChatKit's server appends deltas to a sent part
    convert, done = ReplyEvents.convert, ReplyEvents.done

    def recording(self: ReplyEvents, event: StreamEvent) -> list[ThreadStreamEvent]:
        seen.append(event)
        out = convert(self, event)
        sent.extend(_shown(out))
        return out

    def recording_done(self: ReplyEvents) -> ThreadItemDoneEvent | None:
        out = done(self)
        if out is not None:
            sent.extend(_shown([out]))
        return out

    monkeypatch.setattr(ReplyEvents, "convert", recording)
    monkeypatch.setattr(ReplyEvents, "done", recording_done)
    acct = auth.signup()
    acct.request("POST", "/tasks", json={"title": "file taxes", "due_date": "2026-12-03"})
    _, streamed = create_thread(acct, message)

    reply = ReplyEvents(REPLY_ID, THREAD.id, lambda: WORKFLOW_ID)  # the unrecorded converter, on the same events
    ours = [e for event in seen for e in convert(reply, event)] + [d for d in [done(reply)] if d is not None]
    assert _shown(ours) == _shown(asyncio.run(_bridged(seen)))
    assert len(ours) >= 4
    assert [e.type for e in streamed[:3]] == ["thread.created", "thread.item.done", "stream_options"]
    assert sent == _shown([e for e in streamed[3:] if e.type.startswith("thread.item")])
    progress = [e for e in streamed if isinstance(e, ProgressUpdateEvent)]
    assert len(progress) == (0 if message == "hello" else 1)
