"""The embedded model's reply to its own tool results, given without a second request to the Runner.

After the tools of a step have run, the Agents SDK asks the agent's `tool_use_behavior` whether
the run is over. A real model needs another request to read the results; the embedded model can
plan that next step right there, from the step it just answered plus the results. When that
next step is a reply (not more tool calls), the run ends with it as its final output. That
saves the SDK a whole model step (12 to 14% of a tool turn's server CPU, measured in one
process), and `reply_events` then streams the reply exactly as the second request would have:
the same Responses events, word by word, and the same message item. When the next step calls
tools, the run goes on as usual.

The step being answered reaches `reply_after_tools` through `STEP_MEMORY`, a context variable the
turn sets before it starts the run (the run's task copies it); the model writes into it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from agents import Agent, RawResponsesStreamEvent, RunItemStreamEvent, StreamEvent, ToolsToFinalOutputResult
from agents.items import MessageOutputItem, TResponseOutputItem
from agents.usage import Usage
from openai.types.responses import ResponseOutputMessage

if TYPE_CHECKING:
    from agents import FunctionToolResult, RunContextWrapper
    from agents.tool import Tool

    from .conversation import ConversationReader
    from .model import LocalModel
    from .planner import Step

NOT_FINAL = ToolsToFinalOutputResult(is_final_output=False, final_output=None)


@dataclass
class StepMemory:
    """The embedded model's last step in one run, and the reply it planned after that step's tools."""

    model: LocalModel | None = None
    """The model that answered (it streams the reply, at its word pace)."""
    instructions: str | None = None
    """The step's system instructions (they carry the user's current date and time)."""
    read: ConversationReader | None = None
    """The step's input, as read (the reply reads the step's output and tool results on from there)."""
    tools: list[Tool] = field(default_factory=list)
    """The tools the step could call."""
    output: list[TResponseOutputItem] = field(default_factory=list)
    """The step's output items (its tool calls)."""
    reply: Step | None = None
    """The reply planned after the tools ran, once the run ended with it."""
    reply_output: list[TResponseOutputItem] = field(default_factory=list)
    """That reply's output items (one assistant message)."""
    reply_usage: Usage | None = None
    """That reply's rough token counts."""


STEP_MEMORY: ContextVar[StepMemory | None] = ContextVar("todo_local_step_memory", default=None)
"""The current run's memory; unset outside `run_turn`, and then every run takes the SDK's usual path."""


def remember(model: LocalModel, instructions: str | None, read: ConversationReader, tools: list[Tool],
             output: list[TResponseOutputItem]) -> None:
    """Note a step the model answered, when a turn is listening."""
    memory = STEP_MEMORY.get()
    if memory is not None:
        memory.model, memory.instructions, memory.read, memory.tools = model, instructions, read, tools
        memory.output, memory.reply, memory.reply_output = output, None, []


def _result_items(results: list[FunctionToolResult]) -> list[Any] | None:
    items = []
    for result in results:
        if result.run_item is None or result.interruptions:
            return None
        items.append(result.run_item.to_input_item())
    return items


def reply_after_tools(context: RunContextWrapper[Any], results: list[FunctionToolResult]) -> ToolsToFinalOutputResult:
    """The agent's `tool_use_behavior`: end the run with the embedded model's reply when that is its next step."""
    memory = STEP_MEMORY.get()
    outputs = _result_items(results)
    if memory is None or memory.model is None or memory.read is None or not memory.output or outputs is None:
        return NOT_FINAL
    items = [*(item.model_dump(exclude_unset=True) for item in memory.output), *outputs]
    read, memory.read = memory.read, None  # read on from the step's input: its reading is not used again
    step, output, usage = memory.model.plan(memory.instructions, items, memory.tools, read)
    if step.calls:
        return NOT_FINAL
    memory.reply, memory.reply_output, memory.reply_usage = step, output, usage
    context.usage.add(usage)
    return ToolsToFinalOutputResult(is_final_output=True, final_output=step.text)


async def reply_events(memory: StepMemory, agent: Agent[Any]) -> AsyncIterator[StreamEvent]:
    """The planned reply as the stream events a second model request would have produced."""
    step, output, usage, model = memory.reply, memory.reply_output, memory.reply_usage, memory.model
    if step is None or usage is None or model is None:
        return
    async for event in model.stream_step(step, output, usage):
        yield RawResponsesStreamEvent(data=event)
    for item in output:
        if isinstance(item, ResponseOutputMessage):
            yield RunItemStreamEvent(name="message_output_created", item=MessageOutputItem(agent=agent, raw_item=item))
