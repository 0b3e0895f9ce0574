"""The Agents SDK's gathers of empty lifecycle hooks are answered at once (`app.agent.sdk_gather`), and hooks that do
something still run, as the SDK runs them."""

from __future__ import annotations

import asyncio
import gc
import importlib
import warnings
from typing import Any

import pytest
from agents import Agent, AgentHooks, RunConfig, RunContextWrapper, RunHooks, Runner
from agents.util import _asyncio_tasks, _coro

import app.agent.agent  # noqa: F401  (installs the shortcuts)
from app.agent import sdk_gather
from app.agent.local_model import LocalModel


def test_every_sdk_module_that_gathers_uses_the_shortcut() -> None:
    for name in sdk_gather.GATHER_USERS:
        assert importlib.import_module(name).gather_with_cancel is sdk_gather.gather_with_cancel, name
    assert _asyncio_tasks.gather_with_cancel is not sdk_gather.gather_with_cancel  # the SDK's own stays there


def test_only_bodies_that_do_nothing_count_as_empty() -> None:
    assert RunHooks.on_llm_start.__code__ in sdk_gather.NOOP_CODES
    assert AgentHooks.on_end.__code__ in sdk_gather.NOOP_CODES
    assert _coro.noop_coroutine.__code__ in sdk_gather.NOOP_CODES

    async def returns_something() -> int:
        return 1

    async def calls_something() -> None:
        print("hook")

    assert not sdk_gather.is_empty(returns_something.__code__)
    assert not sdk_gather.is_empty(calls_something.__code__)


def test_a_gather_of_empty_hooks_ends_without_waiting_and_leaves_no_warning() -> None:
    hooks, agent_hooks = RunHooks[Any](), AgentHooks[Any]()
    context = RunContextWrapper(context=None)
    agent = Agent(name="a")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        gather = sdk_gather.gather_with_cancel(hooks.on_llm_start(context, agent, None, []),
                                               agent_hooks.on_llm_start(context, agent, None, []),
                                               _coro.noop_coroutine())
        with pytest.raises(StopIteration) as done:
            gather.send(None)  # never suspends: no task, no pass of the event loop
        assert done.value.value == (None, None, None)
        nothing = sdk_gather.gather_with_cancel()
        with pytest.raises(StopIteration) as done:
            nothing.send(None)
        assert done.value.value == ()
        gc.collect()


def test_a_gather_with_a_hook_that_does_something_runs_it_as_the_sdk_does() -> None:
    ran: list[str] = []

    async def real() -> str:
        await asyncio.sleep(0)
        ran.append("real")
        return "done"

    async def gathered() -> tuple[Any, ...]:
        return await sdk_gather.gather_with_cancel(_coro.noop_coroutine(), real())

    assert asyncio.run(gathered()) == (None, "done")
    assert ran == ["real"]


class Recorded(RunHooks[Any]):
    """Run hooks that note what they saw."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    async def on_llm_start(self, context: Any, agent: Any, system_prompt: Any, input_items: Any) -> None:
        self.seen.append("llm_start")

    async def on_agent_end(self, context: Any, agent: Any, output: Any) -> None:
        self.seen.append("agent_end")


class AgentRecorded(AgentHooks[Any]):
    """Agent hooks that note what they saw."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    async def on_llm_end(self, context: Any, agent: Any, response: Any) -> None:
        self.seen.append("llm_end")


def test_a_run_with_hooks_of_its_own_still_calls_them() -> None:
    agent_hooks = AgentRecorded()
    agent = Agent(name="hooked", instructions="Be brief.", model=LocalModel(), hooks=agent_hooks)
    hooks = Recorded()
    result = asyncio.run(Runner.run(agent, "hello", hooks=hooks, run_config=RunConfig(tracing_disabled=True)))
    assert result.final_output
    assert hooks.seen == ["llm_start", "agent_end"]
    assert agent_hooks.seen == ["llm_end"]
