"""Shortcuts for the Agents SDK's per-run bookkeeping about an agent and tools that never change.

On every run and model step, openai-agents 0.24 recomputes facts that depend only on the agent graph and
its tools, and a profile of the asyncio loop thread puts them at about a fifth of its CPU per turn:

* a stable identity key for each agent of the graph (twice per run: the tool-use tracker's snapshot and
  the sandbox session manager). It sorts the agents of each name by a deep signature of their fields
  (`dataclasses.asdict`, normalised recursively), and computes that signature even for a group of one;
* the function tools' lookup map and name-collision checks (each model step, twice);
* the identity of each tool call (its call id, approval scope and a SHA-256 of its normalised fields),
  asked about a dozen times per call by the run's planning, approval and dedupe steps, each time dumping
  the call's pydantic model and normalising every value of it recursively.

For an agent without handoffs the identity map is `{agent.name: agent}`: the graph is that one agent, and a
group of one needs no order. That is answered directly. The tool checks depend only on the tools' names and
namespaces; the assistant's MCP tools are converted once per process and never changed (`TodoAgent`), so
their results are kept for exactly that list of tool objects, registered with `remember_tools`. Anything
else (other agents, handoffs, other tool lists) goes to the SDK's own functions. A tool call's identity
depends on nothing but the call's fields (as `model_dump(exclude_none, exclude_unset)` gives them) and the
arguments of the question, so it is kept by exactly those: the call's JSON with the same exclusions, its
type and the arguments (the last `INVOCATION_MEMO_SIZE` asked). Calls given as plain dicts go to the SDK.

`install()` rebinds the names in the SDK modules that imported them; `tests/test_sdk_memo.py` checks every
rebinding is in place (an SDK upgrade that moves them fails there) and that the answers are the SDK's.
"""

from __future__ import annotations

import functools
import importlib
from collections.abc import Callable, Sequence
from typing import Any

from agents import _run_state_agent_identity as identity
from agents import _tool_identity as tool_identity
from agents import _tool_invocation as tool_invocation
from pydantic import BaseModel

from app.agent.sdk_rebind import rebind

IDENTITY_MAP_USERS = (
    "agents._run_state_agent_identity",
    "agents.run_internal.tool_use_tracker",
    "agents.run_state",
)
"""Modules that call `_build_agent_identity_map` by their own imported name."""
IDENTITY_KEYS_USERS = (
    "agents._run_state_agent_identity",
    "agents.run_internal.tool_use_tracker",
    "agents.sandbox.runtime_session_manager",
    "agents.run_state",
)
"""Modules that call `_build_agent_identity_keys_by_id` by their own imported name."""
LOOKUP_MAP_USERS = (
    "agents._tool_identity",
    "agents.run_internal.turn_resolution",
    "agents.run_internal.tool_execution",
    "agents.run_state",
)
"""Modules that call `build_function_tool_lookup_map` by their own imported name."""
COLLISION_USERS = (
    "agents._tool_identity",
    "agents.run_internal.run_loop",
    "agents.run_internal.turn_resolution",
)
"""Modules that call `resolve_tool_name_collisions` by their own imported name."""

INVOCATION_USERS = (
    "agents._tool_invocation",
    "agents.run_context",
    "agents.run_internal.turn_resolution",
    "agents.run_internal.tool_planning",
    "agents.run_state",
    "agents.agent_tool_state",
    "agents.tool_context",
)
"""Modules that call the tool-invocation identity functions by their own imported names (not every one
imports all four: each is rebound where it is found)."""
INVOCATION_MEMO_SIZE = 512
"""Distinct questions about tool calls kept (a turn asks about a dozen per call)."""

_sdk_identity_map = identity._build_agent_identity_map
_sdk_lookup_map = tool_identity.build_function_tool_lookup_map
_sdk_resolve_collisions = tool_identity.resolve_tool_name_collisions

_remembered: dict[int, Any] = {}
"""The registered tools by id; holding them keeps their ids from being reused."""
_lookup_maps: dict[tuple[int, ...], dict[Any, Any]] = {}
"""The lookup map of each registered list of function tools."""
_collisions: dict[tuple[tuple[int, ...], str], list[Any]] = {}
"""The tools kept by the collision check of a registered list (with no handoffs), by policy."""


def remember_tools(tools: Sequence[Any]) -> None:
    """Register tools that will never change, so the checks over them are computed once."""
    for tool in tools:
        _remembered[id(tool)] = tool


def _key(tools: Sequence[Any]) -> tuple[int, ...] | None:
    """The list's identity when every tool in it is registered, else None."""
    key = tuple(map(id, tools))
    return key if all(item in _remembered for item in key) else None


def build_agent_identity_map(initial_agent: Any) -> dict[str, Any]:
    if not initial_agent.handoffs:
        return {initial_agent.name: initial_agent}
    return _sdk_identity_map(initial_agent)


def build_agent_identity_keys_by_id(initial_agent: Any) -> dict[int, str]:
    return {id(agent): name for name, agent in build_agent_identity_map(initial_agent).items()}


def build_function_tool_lookup_map(tools: Sequence[Any]) -> dict[Any, Any]:
    key = _key(tools)
    if key is None:
        return _sdk_lookup_map(tools)
    found = _lookup_maps.get(key)
    if found is None:
        found = _lookup_maps[key] = _sdk_lookup_map(tools)
    return dict(found)


def resolve_tool_name_collisions(
    tools: Sequence[Any], handoffs: Sequence[Any] = (), *, collision_policy: Any
) -> tuple[list[Any], list[Any]]:
    key = None if handoffs else _key(tools)
    if key is None:
        return _sdk_resolve_collisions(tools, handoffs, collision_policy=collision_policy)
    found = _collisions.get((key, collision_policy))
    if found is None:
        found = _sdk_resolve_collisions(tools, (), collision_policy=collision_policy)[0]
        _collisions[(key, collision_policy)] = found
    return list(found), []


def _by_content(original: Callable[..., Any]) -> Callable[..., Any]:
    """`original(raw_item, **kwargs)`, kept by the raw item's content and the arguments."""
    kept: dict[tuple[Any, ...], Any] = {}

    @functools.wraps(original)
    def memo(raw_item: Any, **kwargs: Any) -> Any:
        if not isinstance(raw_item, BaseModel):
            return original(raw_item, **kwargs)
        content = raw_item.model_dump_json(exclude_none=True, exclude_unset=True, warnings=False)
        key = (type(raw_item), content, *sorted(kwargs.items()))
        try:
            return kept[key]
        except KeyError:
            pass
        except TypeError:  # an argument that cannot be a key
            return original(raw_item, **kwargs)
        answer = kept[key] = original(raw_item, **kwargs)
        if len(kept) > INVOCATION_MEMO_SIZE:
            del kept[next(iter(kept))]
        return answer

    return memo


INVOCATION_SHORTCUTS = {name: _by_content(getattr(tool_invocation, name)) for name in (
    "tool_invocation_identity_and_scope", "tool_invocation_identity", "tool_invocation_call_id",
    "tool_invocation_approval_scope")}
"""The SDK's tool-call identity functions, each kept by content."""

REBINDINGS: tuple[tuple[tuple[str, ...], str, Callable[..., Any]], ...] = (
    (IDENTITY_MAP_USERS, "_build_agent_identity_map", build_agent_identity_map),
    (IDENTITY_KEYS_USERS, "_build_agent_identity_keys_by_id", build_agent_identity_keys_by_id),
    (LOOKUP_MAP_USERS, "build_function_tool_lookup_map", build_function_tool_lookup_map),
    (COLLISION_USERS, "resolve_tool_name_collisions", resolve_tool_name_collisions),
)
"""Each shortcut and the SDK modules whose name for the original it replaces."""


def install() -> None:
    """Rebind the SDK's names to the shortcuts (idempotent). Fails loudly if a name is gone."""
    for modules, name, shortcut in REBINDINGS:
        rebind(modules, name, shortcut)
    for module_name in INVOCATION_USERS:
        module = importlib.import_module(module_name)
        found = [name for name in INVOCATION_SHORTCUTS if hasattr(module, name)]
        if not found:
            raise RuntimeError(f"openai-agents changed: {module_name} asks no tool-call identity")
        for name in found:
            setattr(module, name, INVOCATION_SHORTCUTS[name])
