"""LocalModel: an offline Agents SDK model that understands task-management language."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

from agents.items import ModelResponse, TResponseInputItem, TResponseOutputItem, TResponseStreamEvent
from agents.models.interface import Model, ModelTracing
from agents.usage import Usage
from openai.types.responses.response_prompt_param import ResponsePromptParam

from .after_tools import remember
from .clock import now_from_instructions
from .conversation import ConversationReader
from .dates import warm_up
from .events import output_items, stream_events, usage_for
from .planner import Step, plan_step

if TYPE_CHECKING:
    from agents.agent_output import AgentOutputSchemaBase
    from agents.handoffs import Handoff
    from agents.model_settings import ModelSettings
    from agents.tool import Tool


def tool_parameters(tools: list[Tool]) -> dict[str, set[str]]:
    """Each available tool's name with the names of its parameters."""
    found: dict[str, set[str]] = {}
    for tool in tools:
        schema = getattr(tool, "params_json_schema", None)
        properties = schema.get("properties") if isinstance(schema, dict) else None
        found[str(getattr(tool, "name", ""))] = set(properties) if isinstance(properties, dict) else set()
    return found


def _rough_tokens(chars: int) -> int:
    """Tokens in about `chars` characters of text."""
    return max(1, chars // 4)


class LocalModel(Model):
    """A deterministic, stateless model that plans tool calls and replies like an LLM would.

    first_token_delay and token_delay (seconds) slow streamed answers down the way a remote
    model is slow, for load tests; 0 means no sleeping at all.
    """

    def __init__(self, first_token_delay: float = 0.0, token_delay: float = 0.0,
                 answers_tool_results: bool | None = None) -> None:
        self.first_token_delay = first_token_delay
        self.token_delay = token_delay
        self.answers_tool_results = (
            first_token_delay <= 0 and token_delay <= 0 if answers_tool_results is None else answers_tool_results)
        """True when the agent may end a run with this model's reply to its tool results (see after_tools)
        instead of a second request. By default only without delays: a slowed model stands in for a
        remote one, which needs that second request."""
        warm_up()

    def plan(
        self, system_instructions: str | None, input: str | list[TResponseInputItem], tools: list[Tool],
        reader: ConversationReader | None = None,
    ) -> tuple[Step, list[TResponseOutputItem], Usage]:
        """Plan the step that answers `input`: its output items and rough usage.

        `reader` holds what came before `input`, already read; it reads `input` on (a new one by default)."""
        conversation = (reader or ConversationReader()).read(input).conversation()
        step = plan_step(conversation, now_from_instructions(system_instructions), tool_parameters(tools))
        output = output_items(step)
        prompt = sum(len(t.user) + len(t.assistant) for t in conversation.turns) + len(system_instructions or "")
        usage = Usage(
            requests=1,
            input_tokens=_rough_tokens(prompt),
            output_tokens=_rough_tokens(len(step.text or str([c.arguments for c in step.calls]))),
        )
        usage.total_tokens = usage.input_tokens + usage.output_tokens
        return step, output, usage

    def _step(
        self, system_instructions: str | None, input: str | list[TResponseInputItem], tools: list[Tool]
    ) -> tuple[Step, list[TResponseOutputItem], Usage]:
        """`plan`, for a request of the Runner: a step of tool calls is remembered when this model answers its
        tool results itself (see after_tools)."""
        reader = ConversationReader()
        step, output, usage = self.plan(system_instructions, input, tools, reader)
        if step.calls and self.answers_tool_results and not isinstance(input, str):
            remember(self, system_instructions, reader, tools, output)
        return step, output, usage

    async def get_response(
        self,
        system_instructions: str | None,
        input: str | list[TResponseInputItem],
        model_settings: ModelSettings,
        tools: list[Tool],
        output_schema: AgentOutputSchemaBase | None,
        handoffs: list[Handoff],
        tracing: ModelTracing,
        *,
        previous_response_id: str | None = None,
        conversation_id: str | None = None,
        prompt: ResponsePromptParam | None = None,
        **kwargs: Any,
    ) -> ModelResponse:
        """Plan one step and return it whole."""
        _step, output, usage = self._step(system_instructions, input, tools)
        return ModelResponse(output=output, usage=usage, response_id=None)

    async def stream_response(
        self,
        system_instructions: str | None,
        input: str | list[TResponseInputItem],
        model_settings: ModelSettings,
        tools: list[Tool],
        output_schema: AgentOutputSchemaBase | None,
        handoffs: list[Handoff],
        tracing: ModelTracing,
        *,
        previous_response_id: str | None = None,
        conversation_id: str | None = None,
        prompt: ResponsePromptParam | None = None,
        **kwargs: Any,
    ) -> AsyncIterator[TResponseStreamEvent]:
        """Plan one step and stream it as Responses events, one text delta per word (planned after the first-token
        delay, so a slowed turn holds no planned step while it waits)."""
        if self.first_token_delay > 0:
            await asyncio.sleep(self.first_token_delay)
        step, output, usage = self._step(system_instructions, input, tools)
        async for event in self.stream_step(step, output, usage):
            yield event

    async def stream_step(
        self, step: Step, output: list[TResponseOutputItem], usage: Usage
    ) -> AsyncIterator[TResponseStreamEvent]:
        """A planned step as Responses events, one text delta per word, `token_delay` apart."""
        for event in stream_events(step, output, usage_for(usage.input_tokens, usage.output_tokens)):
            if event is None:
                if self.token_delay > 0:
                    await asyncio.sleep(self.token_delay)
                continue
            yield event
