"""Faster equivalents of the Agents SDK's two walks over a run's whole input, for plain JSON input.

A continued conversation gives each run up to the history window of items (40 messages and their tool
calls: about 80 dicts). openai-agents 0.24 walks all of them on every run:

* `_to_dump_compatible` (twice per run, and once per request on the OpenAI path) rebuilds the input,
  asking two abstract-base-class questions (`isinstance(x, Mapping)`, `isinstance(x, Iterable)`) of every
  value, every string included;
* `RunState` keeps a `copy.deepcopy` of the original input, with deepcopy's dispatch and memo per value.

Measured on a 40-message history: 0.47 ms per walk and 0.38 ms per copy, about 1.3 ms of every continued
turn. The input this app gives is JSON: dicts, lists, strings, numbers, booleans and None (see
`conversations.store.input_items`). For exactly those types the shortcuts below return what the SDK's
functions return; any other value (a pydantic model, a tuple, a generator, a subclass) is handed to the
SDK's own code, so the answers stay the SDK's. `install()` rebinds the two names where the SDK looks them
up; `tests/test_sdk_input.py` checks both are in place and that the answers are the SDK's.
"""

from __future__ import annotations

import copy
from typing import Any

from agents import run_state
from agents.util import _json

from app.agent.sdk_rebind import rebind

_SCALARS = frozenset({str, int, float, bool, type(None)})
"""Types both SDK functions hand back as they are (immutable leaves)."""
_sdk_dump_compatible = _json._to_dump_compatible_internal
_sdk_clone_original_input = run_state._clone_original_input


def to_dump_compatible(obj: Any) -> Any:
    """`agents.util._json._to_dump_compatible_internal`, by exact type before the SDK's ABC checks."""
    kind = type(obj)
    if kind in _SCALARS:
        return obj
    if kind is dict:
        return {key: to_dump_compatible(value) for key, value in obj.items()}
    if kind is list:
        return [to_dump_compatible(value) for value in obj]
    return _sdk_dump_compatible(obj)  # recurses through the rebound name, back into this function


class _NotJson(Exception):
    """A value the JSON copy does not know: the SDK's deep copy takes the whole input instead."""


def _json_copy(obj: Any, memo: dict[int, Any]) -> Any:
    kind = type(obj)
    if kind in _SCALARS:
        return obj
    found = memo.get(id(obj))
    if found is not None:
        return found  # shared, as deepcopy shares it
    if kind is dict:
        mapping: dict[Any, Any] = {}
        memo[id(obj)] = mapping
        for key, value in obj.items():
            if type(key) not in _SCALARS:
                raise _NotJson
            mapping[key] = _json_copy(value, memo)
        return mapping
    if kind is list:
        items: list[Any] = []
        memo[id(obj)] = items
        items.extend(_json_copy(value, memo) for value in obj)
        return items
    raise _NotJson


def clone_original_input(original_input: str | list[Any]) -> str | list[Any]:
    """`agents.run_state._clone_original_input`: a deep copy of the run's input, without deepcopy's dispatch
    for input that is only dicts, lists and JSON scalars."""
    if isinstance(original_input, str):
        return original_input
    try:
        result: list[Any] = _json_copy(original_input, {})
        return result
    except _NotJson:
        return copy.deepcopy(original_input)


REBINDINGS: tuple[tuple[Any, str, Any], ...] = (
    (_json, "_to_dump_compatible_internal", to_dump_compatible),
    (run_state, "_clone_original_input", clone_original_input),
)
"""Each SDK module, the name it looks up at call time, and its shortcut."""


def install() -> None:
    """Rebind the SDK's names to the shortcuts (idempotent)."""
    for module, name, shortcut in REBINDINGS:
        rebind([module], name, shortcut)
