"""A streamed run without input guardrails shares one empty stand-in for its guardrail queue (app/agent/sdk_lean.py);
a run with one keeps its own queue, and the guardrail still stops the run."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from agents import (
    Agent,
    GuardrailFunctionOutput,
    InputGuardrail,
    InputGuardrailTripwireTriggered,
    RunConfig,
    Runner,
)
from agents.result import RunResultStreaming

from app.agent import sdk_lean
from app.agent.local_model import LocalModel
from tests.support.accounts import AuthActions
from tests.support.chat import chat

QUIET = RunConfig(tracing_disabled=True)


def _refuse_everything(_context: Any, _agent: Any, _input: Any) -> GuardrailFunctionOutput:
    return GuardrailFunctionOutput(output_info="refused", tripwire_triggered=True)


REFUSE = InputGuardrail(guardrail_function=_refuse_everything, name="refuse")


async def _streamed(agent: Agent[Any], config: RunConfig) -> tuple[RunResultStreaming, object]:
    """Run `agent` on "hello" streamed, with the swap right after run_streamed as in run_turn: the result, and the
    queue it ran with."""
    result = Runner.run_streamed(agent, "hello", run_config=config)
    sdk_lean.share_unused_queues(result, agent, config)
    queue = result._input_guardrail_queue
    async for _event in result.stream_events():
        pass
    return result, queue


@pytest.mark.database_independent
def test_a_run_without_input_guardrails_shares_the_empty_stand_in_and_completes() -> None:
    agent = Agent(name="plain", instructions="Be brief.", model=LocalModel())
    result, queue = asyncio.run(_streamed(agent, QUIET))
    assert queue is sdk_lean.NO_INPUT_GUARDRAILS
    assert result.is_complete and isinstance(result.final_output, str) and result.final_output
    assert result.input_guardrail_results == []


@pytest.mark.database_independent
@pytest.mark.parametrize("where", ["agent", "run config"])
def test_a_run_with_an_input_guardrail_keeps_its_queue_and_the_guardrail_stops_it(where: str) -> None:
    on_agent = where == "agent"
    agent = Agent(name="guarded", instructions="Be brief.", model=LocalModel(),
                  input_guardrails=[REFUSE] if on_agent else [])
    config = QUIET if on_agent else RunConfig(tracing_disabled=True, input_guardrails=[REFUSE])
    queues: list[object] = []

    async def run() -> None:
        result = Runner.run_streamed(agent, "hello", run_config=config)
        sdk_lean.share_unused_queues(result, agent, config)
        queues.append(result._input_guardrail_queue)
        async for _event in result.stream_events():
            pass

    with pytest.raises(InputGuardrailTripwireTriggered):
        asyncio.run(run())
    assert len(queues) == 1 and isinstance(queues[0], asyncio.Queue)


@pytest.mark.database_independent
def test_the_stand_in_answers_as_an_empty_queue_and_refuses_a_result() -> None:
    stand_in = sdk_lean.NO_INPUT_GUARDRAILS
    assert stand_in.empty() and stand_in.qsize() == 0
    with pytest.raises(asyncio.QueueEmpty):
        stand_in.get_nowait()
    with pytest.raises(RuntimeError, match="no input guardrail"):
        stand_in.put_nowait(object())


def test_every_chat_turn_runs_with_the_stand_in(auth: AuthActions, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[object] = []
    share = sdk_lean.share_unused_queues

    def spy(result: RunResultStreaming, agent: Agent[Any], config: RunConfig) -> None:
        share(result, agent, config)
        seen.append(result._input_guardrail_queue)

    monkeypatch.setattr(sdk_lean, "share_unused_queues", spy)
    acct = auth.signup()
    events = chat(acct, "add buy milk tomorrow")
    assert events[-1]["type"] == "done"
    assert [e["tool_name"] for e in events if e["type"] == "tool_call"] == ["add_task"]
    assert seen == [sdk_lean.NO_INPUT_GUARDRAILS]
    assert [t["title"] for t in acct.request("GET", "/tasks").get_json()["tasks"]] == ["buy milk"]
