"""Memory per waiting streamed run of the bare Agents SDK: what the SDK alone holds while a turn waits for its model.

`python -m loadtests.sdk_memory [--runs N] [--wait S]` starts N streamed runs at once, in one plain asyncio
process (no Flask, gevent, MCP or database), of an agent with one function tool on the embedded model slowed as
the 2,000-stream test slows it (each run asks the model twice: the tool call, then the reply), and prints the
process's RSS growth per run in the first and in the second model wait. It is the floor under the server's own
per-stream figure (`make bench`, "2000 concurrent streams"), which adds the web stack and the turn's records.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
from dataclasses import dataclass
from typing import Any

from agents import Agent, FunctionTool, RunConfig, Runner

from app.agent.local_model import LocalModel
from app.agent.local_model.events import complete_response_models
from loadtests.common import proc_stats

INSTRUCTIONS = "You are Todo Assistant.\nCurrent date and time: 2026-12-02T10:00 (Wednesday), timezone: UTC\n"
"""The date line the embedded model reads."""


def rss() -> int:
    """This process's resident set size in bytes."""
    return proc_stats([os.getpid()]).rss_bytes


async def _add_task(_context: Any, arguments: str) -> str:
    title = json.loads(arguments).get("title", "")
    return json.dumps({"task": {"id": 1, "title": title, "completed": False}})


ADD_TASK = FunctionTool(
    name="add_task", description="Add a task.", on_invoke_tool=_add_task, strict_json_schema=False,
    params_json_schema={"type": "object", "properties": {"title": {"type": "string"}, "due_date": {"type": "string"}},
                        "required": ["title"], "additionalProperties": False})
"""The one tool: answers like the MCP add_task, without a database."""


async def _turn(agent: Agent[Any], config: RunConfig, n: int) -> str:
    result = Runner.run_streamed(agent, [{"role": "user", "content": f"add buy milk number {n} tomorrow"}],
                                 run_config=config)
    async for _event in result.stream_events():
        pass
    return str(result.final_output)


@dataclass
class Probe:
    """What one measurement saw."""

    first_wait_kb: float
    """RSS growth per run while every run waits for its first model request (the tool call)."""
    second_wait_kb: float
    """RSS growth per run while every run waits for its second (the reply to the tool's result)."""
    replies: list[str]
    """Each run's final reply."""


async def measure(runs: int, wait: float) -> Probe:
    """RSS per run in the first and in the second model wait of `runs` streamed runs opened at once."""
    config = RunConfig(tracing_disabled=True)
    complete_response_models()
    quick = Agent(name="Todo Assistant", instructions=INSTRUCTIONS, model=LocalModel(), tools=[ADD_TASK])
    for n in range(5):
        await _turn(quick, config, n)
    slow = Agent(name="Todo Assistant", instructions=INSTRUCTIONS, tools=[ADD_TASK],
                 model=LocalModel(first_token_delay=wait, token_delay=0.1))
    gc.collect()
    before = rss()
    turns = [asyncio.create_task(_turn(slow, config, n)) for n in range(runs)]
    await asyncio.sleep(wait / 2)
    first = rss()
    await asyncio.sleep(wait)
    second = rss()
    replies = await asyncio.gather(*turns)
    return Probe((first - before) / runs / 1024, (second - before) / runs / 1024, list(replies))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1000, help="streamed runs open at once (default 1000)")
    parser.add_argument("--wait", type=float, default=6.0, help="the model's first-token delay in seconds (default 6)")
    args = parser.parse_args()
    probe = asyncio.run(measure(args.runs, args.wait))
    print(f"bare Agents SDK, {args.runs} streamed runs waiting for the model: "
          f"{probe.first_wait_kb:.1f} KB per run in the first wait, {probe.second_wait_kb:.1f} KB in the second")


if __name__ == "__main__":
    main()
