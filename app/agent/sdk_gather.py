"""The Agents SDK's gathers of lifecycle hooks that do nothing, answered without scheduling them.

openai-agents 0.24 calls its run's and its agent's lifecycle hooks (`on_llm_start`, `on_llm_end`, `on_tool_start`,
`on_tool_end`, `on_agent_end`, ...) through `gather_with_cancel` at each step of a run, and gathers the
handoffs' enabled checks the same way: each gather makes a task per hook and a gathering future, and waits on
them with `asyncio.wait`, so even hooks that do nothing cost task objects and two or three passes of the event
loop (each a `select` call). The assistant sets no hooks: every hook is `RunHooksBase`'s or `AgentHooksBase`'s own
empty method, or `agents.util._coro.noop_coroutine`, and a tool turn made about ten such gathers, seven of them of
nothing but empty hooks (or of nothing at all), about 40 of the loop thread's 58 passes per turn.

`gather_with_cancel` below answers a gather whose every awaitable is a coroutine of one of those empty functions
at once: it closes them unstarted (an empty body has nothing to run) and returns their results, all None, as the
SDK's would. Any other gather, a hook someone overrides (its code is another function's) included, goes to the
SDK's own function. A function counts as empty only when its bytecode is nothing but returning None
(`NOOP_CODES`): an SDK upgrade that puts a body in a hook makes it a real one again. `install()` rebinds the name
in each SDK module that imported it; `tests/test_sdk_gather.py` checks the rebindings and the answers.
"""

from __future__ import annotations

import dis
from collections.abc import Awaitable, Callable
from types import CodeType, CoroutineType
from typing import Any, cast

from agents.lifecycle import AgentHooksBase, RunHooksBase
from agents.util import _asyncio_tasks, _coro

from app.agent.sdk_rebind import rebind

GATHER_USERS = (
    "agents.agent",
    "agents.run_internal.run_loop",
    "agents.run_internal.tool_actions",
    "agents.run_internal.tool_execution",
    "agents.run_internal.tool_planning",
    "agents.run_internal.turn_preparation",
    "agents.run_internal.turn_resolution",
)
"""Modules that call `gather_with_cancel` by their own imported name."""
_EMPTY_OPS = frozenset({"RETURN_GENERATOR", "POP_TOP", "RESUME", "NOP", "CACHE", "LOAD_CONST", "RETURN_VALUE",
                        "RETURN_CONST"})
_sdk_gather_with_cancel = _asyncio_tasks.gather_with_cancel


def is_empty(code: CodeType) -> bool:
    """True when a coroutine function's body does nothing but return None."""
    return all(op.opname in _EMPTY_OPS and (op.opname not in ("LOAD_CONST", "RETURN_CONST") or op.argval is None)
               for op in dis.get_instructions(code))


def _hook_functions() -> list[Callable[..., Any]]:
    hooks: list[Callable[..., Any]] = [_coro.noop_coroutine]
    for cls in (RunHooksBase, AgentHooksBase):
        hooks += [value for name, value in vars(cls).items() if name.startswith("on_") and callable(value)]
    return hooks


NOOP_CODES = frozenset(fn.__code__ for fn in _hook_functions() if is_empty(fn.__code__))
"""The code of the SDK's empty hook methods and of its no-op coroutine."""


async def gather_with_cancel(*awaitables: Awaitable[Any],
                             on_child_failure: Callable[[BaseException], None] | None = None) -> tuple[Any, ...]:
    """`agents.util._asyncio_tasks.gather_with_cancel`, at once for a gather of empty hooks only."""
    for awaitable in awaitables:
        if type(awaitable) is not CoroutineType or awaitable.cr_code not in NOOP_CODES:
            return await _sdk_gather_with_cancel(*awaitables, on_child_failure=on_child_failure)
    for awaitable in awaitables:
        # unstarted: closing it runs nothing and leaves no "never awaited" warning
        cast("CoroutineType[Any, Any, Any]", awaitable).close()
    return (None,) * len(awaitables)


def install() -> None:
    """Rebind the SDK modules' `gather_with_cancel` to the shortcut (idempotent)."""
    if len(NOOP_CODES) < 2:
        raise RuntimeError("openai-agents changed: its lifecycle hooks are no longer empty methods")
    rebind(GATHER_USERS, "gather_with_cancel", gather_with_cancel)
