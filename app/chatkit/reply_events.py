"""The ChatKit events of one stored reply, converted straight from the Agents SDK's stream events.

ChatKit's own bridge (`chatkit.agents.stream_agent_response`) merges the run with a queue of helper
events through a task per event, reads the thread's last two items before every reply (to continue a
workflow) and names each assistant message after the model's Responses id; the reply then had to be
folded back into the ONE stored Message and its id. That machinery cost about a third of a ChatKit
turn's server CPU. This converter emits what the bridge and the fold emitted together, event for
event (`tests/test_chatkit_reply_events.py` holds them side by side), for what this agent's models
produce: assistant text and refusals, tool calls (as progress lines, from `progress_for`) and
reasoning summaries (a "reasoning" workflow, as the bridge shows them). Annotations, generated images
and client tool calls come only from hosted or client tools, which this agent does not have.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from agents import StreamEvent
from chatkit.types import (
    AssistantMessageContent,
    AssistantMessageContentPartAdded,
    AssistantMessageContentPartDone,
    AssistantMessageContentPartTextDelta,
    AssistantMessageItem,
    DurationSummary,
    ThoughtTask,
    ThreadItemAddedEvent,
    ThreadItemDoneEvent,
    ThreadItemUpdatedEvent,
    ThreadStreamEvent,
    Workflow,
    WorkflowItem,
    WorkflowTaskAdded,
    WorkflowTaskUpdated,
)
from openai.types.responses import (
    ResponseContentPartAddedEvent,
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


def _content(part: object) -> AssistantMessageContent:
    """A Responses message part (text or refusal) as ChatKit content."""
    if isinstance(part, ResponseOutputText):
        return AssistantMessageContent(text=part.text, annotations=[])
    if isinstance(part, ResponseOutputRefusal):
        return AssistantMessageContent(text=part.refusal, annotations=[])
    raise TypeError(f"not a message part: {type(part).__name__}")


class _Thoughts:
    """The reasoning workflow shown while the model thinks, ended when its message starts."""

    def __init__(self, item_id: str, thread_id: str) -> None:
        self.item = WorkflowItem(id=item_id, thread_id=thread_id, created_at=datetime.now(UTC),
                                 workflow=Workflow(type="reasoning", tasks=[]))
        self._streaming: tuple[str, int, ThoughtTask] | None = None
        """The summary being streamed: (reasoning item id, summary index, its task)."""

    def delta(self, event: ResponseReasoningSummaryTextDeltaEvent) -> ThreadItemUpdatedEvent | None:
        tasks = self.item.workflow.tasks
        if not tasks:
            task = ThoughtTask(content=event.delta)
            self._streaming = (event.item_id, event.summary_index, task)
            tasks.append(task)
            return ThreadItemUpdatedEvent(item_id=self.item.id, update=WorkflowTaskAdded(task=task, task_index=0))
        streaming = self._streaming
        if streaming is None or streaming[:2] != (event.item_id, event.summary_index) or streaming[2] not in tasks:
            return None
        streaming[2].content += event.delta
        return ThreadItemUpdatedEvent(item_id=self.item.id, update=WorkflowTaskUpdated(
            task=streaming[2], task_index=tasks.index(streaming[2])))

    def done(self, event: ResponseReasoningSummaryTextDoneEvent) -> ThreadItemUpdatedEvent:
        tasks, streaming = self.item.workflow.tasks, self._streaming
        if streaming is not None and streaming[:2] == (event.item_id, event.summary_index) and streaming[2] in tasks:
            task, self._streaming = streaming[2], None
            task.content = event.text
            return ThreadItemUpdatedEvent(item_id=self.item.id, update=WorkflowTaskUpdated(
                task=task, task_index=tasks.index(task)))
        task = ThoughtTask(content=event.text)
        tasks.append(task)
        return ThreadItemUpdatedEvent(item_id=self.item.id, update=WorkflowTaskAdded(
            task=task, task_index=tasks.index(task)))

    def end(self) -> ThreadItemDoneEvent:
        seconds = int((datetime.now(UTC) - self.item.created_at).total_seconds())
        workflow = self.item.workflow
        if workflow.summary is None:
            workflow.summary = DurationSummary(duration=seconds)
        workflow.expanded = False
        return ThreadItemDoneEvent(item=self.item)


class ReplyEvents:
    """Folds the run's assistant messages into the ONE ChatKit item of the stored reply.

    A run may say several messages (text, tool call, text); the stored reply is one Message, so its
    id (`msg_<id>`) names the item, a later message's parts follow the earlier ones' (its part
    indexes are offset), and the item is done once, when the run has ended (`done()`).
    """

    def __init__(self, item_id: str, thread_id: str, new_workflow_id: Callable[[], str]) -> None:
        self.item_id = item_id
        """The stored reply's ChatKit id."""
        self.thread_id = thread_id
        """The thread's ChatKit id."""
        self._new_workflow_id = new_workflow_id
        """Gives a reasoning workflow its id (few runs have one, so none is made in advance)."""
        self._first: AssistantMessageItem | None = None
        self._offsets: dict[str, int] = {}
        """Where each of the run's messages (by Responses id) starts among the reply's parts."""
        self._parts: list[AssistantMessageContent] = []
        self._thoughts: _Thoughts | None = None

    def _put(self, index: int, content: AssistantMessageContent) -> None:
        while len(self._parts) <= index:
            self._parts.append(AssistantMessageContent(text=""))
        self._parts[index] = content

    def _update(self, item_id: str, update: AssistantMessageContentPartAdded | AssistantMessageContentPartDone
                | AssistantMessageContentPartTextDelta) -> list[ThreadStreamEvent]:
        """An update of one of the run's messages, as an update of the reply's part it became."""
        offset = self._offsets.get(item_id)
        if offset is None:
            return []
        update.content_index += offset
        if isinstance(update, AssistantMessageContentPartTextDelta):
            index = update.content_index
            before = self._parts[index].text if index < len(self._parts) else ""
            self._put(index, AssistantMessageContent(text=before + update.delta))
        else:  # a copy: ChatKit's server appends the deltas it sends to the part it was sent
            self._put(update.content_index, update.content.model_copy())
        return [ThreadItemUpdatedEvent(item_id=self.item_id, update=update)]

    def convert(self, event: StreamEvent) -> list[ThreadStreamEvent]:
        """The events to send for one event of the run (most send none)."""
        if event.type != "raw_response_event":
            return []
        data = event.data
        if isinstance(data, ResponseTextDeltaEvent):
            return self._update(data.item_id, AssistantMessageContentPartTextDelta(
                content_index=data.content_index, delta=data.delta))
        if isinstance(data, ResponseContentPartAddedEvent):
            if data.part.type == "reasoning_text":
                return []
            return self._update(data.item_id, AssistantMessageContentPartAdded(
                content_index=data.content_index, content=_content(data.part)))
        if isinstance(data, ResponseTextDoneEvent):
            return self._update(data.item_id, AssistantMessageContentPartDone(
                content_index=data.content_index, content=AssistantMessageContent(text=data.text, annotations=[])))
        if isinstance(data, ResponseOutputItemAddedEvent):
            return self._item_added(data.item)
        if isinstance(data, ResponseOutputItemDoneEvent) and isinstance(data.item, ResponseOutputMessage):
            offset = self._offsets.get(data.item.id)
            if offset is not None:
                for index, part in enumerate(data.item.content):
                    self._put(offset + index, _content(part))
            return []
        if isinstance(data, ResponseReasoningSummaryTextDeltaEvent) and self._thoughts is not None:
            update = self._thoughts.delta(data)
            return [update] if update is not None else []
        if isinstance(data, ResponseReasoningSummaryTextDoneEvent) and self._thoughts is not None:
            return [self._thoughts.done(data)]
        return []

    def _item_added(self, item: object) -> list[ThreadStreamEvent]:
        if isinstance(item, ResponseReasoningItem) and self._thoughts is None:
            self._thoughts = _Thoughts(self._new_workflow_id(), self.thread_id)
            return [ThreadItemAddedEvent(item=self._thoughts.item)]
        if not isinstance(item, ResponseOutputMessage):
            return []
        out: list[ThreadStreamEvent] = []
        if self._thoughts is not None:
            out.append(self._thoughts.end())
            self._thoughts = None
        offset = self._offsets[item.id] = len(self._parts)
        parts = [_content(part) for part in item.content]
        for index, part in enumerate(parts):
            self._put(offset + index, part)
        if self._first is None:
            self._first = AssistantMessageItem(id=self.item_id, thread_id=self.thread_id,
                                               created_at=datetime.now(UTC), content=parts)
            out.append(ThreadItemAddedEvent(item=self._first))
        else:
            out.extend(ThreadItemUpdatedEvent(item_id=self.item_id, update=AssistantMessageContentPartAdded(
                content_index=offset + index, content=part)) for index, part in enumerate(parts))
        return out

    def done(self) -> ThreadItemDoneEvent | None:
        """The item's final state, or None when the run said nothing."""
        if self._first is None:
            return None
        return ThreadItemDoneEvent(item=self._first.model_copy(update={"content": list(self._parts)}))
