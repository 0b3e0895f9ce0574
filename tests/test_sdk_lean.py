"""A streamed run's queues are light (app/agent/sdk_lean.py): without input guardrails it shares one empty stand-in
for its guardrail queue (a run with one keeps its queue, and the guardrail still stops the run); its event queue
and its consumers-stopped event hold lists, not 760-byte deques, and behave as asyncio's."""

from __future__ import annotations

import asyncio
import importlib
from collections import deque
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
from agents.run_internal import run_loop
from agents.usage import RequestUsage, Usage, _make_input_tokens_details
from openai.types.responses.response_usage import OutputTokensDetails

from app.agent import sdk_lean
from app.agent.local_model import LocalModel
from app.agent.local_model.events import usage_for
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
    sdk_lean.lighten(result, agent, config)
    queue = result._input_guardrail_queue
    async for _event in result.stream_events():
        pass
    return result, queue


def _deques_in(thing: object) -> list[str]:
    """The names of the deques `thing` holds, one level down (a queue's `_finished` event included)."""
    found = [name for name, value in vars(thing).items() if isinstance(value, deque)]
    finished = vars(thing).get("_finished")
    return found + ([f"_finished.{n}" for n in _deques_in(finished)] if finished is not None else [])


@pytest.mark.database_independent
def test_a_run_without_input_guardrails_shares_the_empty_stand_in_and_completes() -> None:
    agent = Agent(name="plain", instructions="Be brief.", model=LocalModel())
    result, queue = asyncio.run(_streamed(agent, QUIET))
    assert queue is sdk_lean.NO_INPUT_GUARDRAILS
    assert isinstance(result._event_queue, sdk_lean.LeanQueue) and result._event_queue.empty()
    assert not _deques_in(result._event_queue) and not _deques_in(result._stream_consumers_stopped)
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
        sdk_lean.lighten(result, agent, config)
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
    lighten = sdk_lean.lighten

    def spy(result: RunResultStreaming, agent: Agent[Any], config: RunConfig) -> None:
        lighten(result, agent, config)
        seen.append(result._input_guardrail_queue)
        assert isinstance(result._event_queue, sdk_lean.LeanQueue)

    monkeypatch.setattr(sdk_lean, "lighten", spy)
    acct = auth.signup()
    events = chat(acct, "add buy milk tomorrow")
    assert events[-1]["type"] == "done"
    assert [e["tool_name"] for e in events if e["type"] == "tool_call"] == ["add_task"]
    assert seen == [sdk_lean.NO_INPUT_GUARDRAILS]
    assert [t["title"] for t in acct.request("GET", "/tasks").get_json()["tasks"]] == ["buy milk"]


@pytest.mark.database_independent
def test_the_lean_queue_hands_items_over_in_order_to_waiting_and_cancelled_getters_as_asyncio_does() -> None:
    async def exercise() -> list[object]:
        queue: sdk_lean.LeanQueue[int] = sdk_lean.LeanQueue()
        assert not _deques_in(queue)
        got: list[object] = []
        waiting = asyncio.create_task(queue.get())
        cancelled = asyncio.create_task(queue.get())
        await asyncio.sleep(0)
        cancelled.cancel()
        await asyncio.sleep(0)
        for n in (1, 2, 3):
            queue.put_nowait(n)
        got.append(await waiting)
        got += [queue.get_nowait(), await queue.get()]
        with pytest.raises(asyncio.QueueEmpty):
            queue.get_nowait()
        joined = asyncio.create_task(queue.join())
        await asyncio.sleep(0)
        assert not joined.done()
        for _ in range(3):
            queue.task_done()
        await asyncio.wait_for(joined, 1)
        got.append(cancelled.cancelled())
        return got

    assert asyncio.run(exercise()) == [1, 2, 3, True]


@pytest.mark.database_independent
def test_lighten_keeps_events_already_queued_and_refuses_an_asyncio_it_does_not_know() -> None:
    async def check() -> None:
        agent = Agent(name="plain", instructions="Be brief.", model=LocalModel())
        result = Runner.run_streamed(agent, "hello", run_config=QUIET)
        early = object()
        result._event_queue.put_nowait(early)  # type: ignore[arg-type]
        sdk_lean.lighten(result, agent, QUIET)
        assert result._event_queue.get_nowait() is early
        result.cancel()
        odd = asyncio.Event()
        odd._waiters = []  # type: ignore[assignment]
        with pytest.raises(RuntimeError, match="asyncio changed"):
            sdk_lean._unburden(odd, "_waiters")

    asyncio.run(check())


@pytest.mark.database_independent
def test_a_usage_snapshot_keeps_the_totals_and_shares_only_all_zero_details() -> None:
    importlib.import_module("app.agent.agent")  # installs the rebinding, as the app does
    assert vars(run_loop)["snapshot_usage"] is sdk_lean.snapshot_usage
    idle = Usage(requests=2, input_tokens=30, output_tokens=7, total_tokens=37,
                 input_tokens_details=_make_input_tokens_details(),
                 output_tokens_details=OutputTokensDetails(reasoning_tokens=0))
    snap = sdk_lean.snapshot_usage(idle)
    assert (snap.requests, snap.input_tokens, snap.output_tokens, snap.total_tokens) == (2, 30, 7, 37)
    assert snap.input_tokens_details is sdk_lean.NO_CACHED_TOKENS
    assert snap.output_tokens_details is sdk_lean.NO_REASONING_TOKENS
    busy = Usage(requests=1, input_tokens=30, output_tokens=7, total_tokens=37,
                 input_tokens_details=_make_input_tokens_details(cached_tokens=12),
                 output_tokens_details=OutputTokensDetails(reasoning_tokens=5))
    snap = sdk_lean.snapshot_usage(busy)
    assert snap.input_tokens_details.cached_tokens == 12 and snap.output_tokens_details.reasoning_tokens == 5
    assert snap.input_tokens_details is not busy.input_tokens_details  # a snapshot, not a view
    usage = usage_for(3, 4)
    assert usage.input_tokens_details is sdk_lean.NO_CACHED_TOKENS
    assert usage.output_tokens_details is sdk_lean.NO_REASONING_TOKENS


def test_a_tool_turns_usage_ends_on_the_shared_details_with_its_counts(
        auth: AuthActions, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[Usage] = []
    share = sdk_lean.share_zero_details

    def spy(usage: Usage) -> None:
        share(usage)
        seen.append(usage)

    monkeypatch.setattr(sdk_lean, "share_zero_details", spy)
    events = chat(auth.signup(), "add buy milk tomorrow")
    assert events[-1]["type"] == "done"
    usage = seen[-1]
    assert usage.requests == len(usage.request_usage_entries) >= 1 and usage.input_tokens > 0
    records: list[Usage | RequestUsage] = [usage, *usage.request_usage_entries]
    for record in records:
        assert record.input_tokens_details is sdk_lean.NO_CACHED_TOKENS
        assert record.output_tokens_details is sdk_lean.NO_REASONING_TOKENS
