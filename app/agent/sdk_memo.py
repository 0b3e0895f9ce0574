"""Shortcuts for the Agents SDK's per-run bookkeeping about an agent and tools that never change.

On every run and model step, openai-agents 0.24 recomputes facts that depend only on the agent graph and
its tools, and a profile of the asyncio loop thread puts them at about a fifth of its CPU per turn:

* a stable identity key for each agent of the graph (twice per run: the tool-use tracker's snapshot and
  the sandbox session manager). It sorts the agents of each name by a deep signature of their fields
  (`dataclasses.asdict`, normalised recursively), and computes that signature even for a group of one;
* the function tools' lookup map and name-collision checks (each model step, twice).

For an agent without handoffs the identity map is `{agent.name: agent}`: the graph is that one agent, and a
group of one needs no order. That is answered directly. The tool checks depend only on the tools' names and
namespaces; the assistant's MCP tools are converted once per process and never changed (`TodoAgent`), so
their results are kept for exactly that list of tool objects, registered with `remember_tools`. Anything
else (other agents, handoffs, other tool lists) goes to the SDK's own functions.

`install()` rebinds the names in the SDK modules that imported them; `tests/test_sdk_memo.py` checks every
rebinding is in place (an SDK upgrade that moves them fails there) and that the answers are the SDK's.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from typing import Any

from agents import _run_state_agent_identity as identity
from agents import _tool_identity as tool_identity

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
        for module_name in modules:
            module = importlib.import_module(module_name)
            if not hasattr(module, name):
                raise RuntimeError(f"openai-agents changed: {module_name}.{name} is gone")
            setattr(module, name, shortcut)
