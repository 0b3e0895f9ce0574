"""The shortcuts for the Agents SDK's walks over a run's input give the SDK's own answers, and are in place."""

from __future__ import annotations

import copy
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

import pytest
from agents import ItemHelpers
from agents.util import _json
from openai.types.responses import ResponseFunctionToolCall

from app.agent import agent as assistant
from app.agent import sdk_input

pytestmark = pytest.mark.database_independent

HISTORY: list[Any] = [
    {"role": "user", "content": "add buy bread tomorrow"},
    {"type": "function_call", "call_id": "call_1", "name": "add_task", "arguments": '{"title": "Buy bread"}'},
    {"type": "function_call_output", "call_id": "call_1",
     "output": '{"task": {"id": 7, "title": "Buy bread", "tags": ["shop"], "completed": false}}'},
    {"role": "assistant", "content": [{"type": "output_text", "text": "Added 'Buy bread'."}]},
    {"role": "user", "content": "make it high priority", "n": 3, "x": 1.5, "ok": True, "none": None},
]


def _sdk_dump(obj: Any) -> Any:
    """The SDK's own `_to_dump_compatible`, with its recursion kept on its own function."""
    sdk_input.install()
    _json._to_dump_compatible_internal = sdk_input._sdk_dump_compatible
    try:
        return _json._to_dump_compatible(obj)
    finally:
        sdk_input.install()


def test_both_sdk_names_are_rebound_to_their_shortcuts() -> None:
    assert assistant.TodoAgent is not None  # importing the assistant installs the shortcuts
    for module, name, shortcut in sdk_input.REBINDINGS:
        assert getattr(module, name) is shortcut, f"{module.__name__}.{name}"


@pytest.mark.parametrize("make", [
    lambda: copy.deepcopy(HISTORY),
    lambda: [],
    lambda: "hello",
    lambda: ("a", ["b", ("c",)]),
    lambda: [OrderedDict(role="user", content="hi")],
    lambda: [{"role": "user", "content": (part for part in ["a", "b"])}],
    lambda: [ResponseFunctionToolCall(type="function_call", call_id="c", name="n", arguments="{}")],
    lambda: [{"bytes": b"raw", "set": {1}}],
], ids=["json", "empty", "text", "tuples", "mapping", "generator", "model", "other"])
def test_dump_compatible_is_the_sdks(make: Callable[[], Any]) -> None:
    expected = _sdk_dump(make())
    got = _json._to_dump_compatible(make())
    assert got == expected
    assert type(got) is type(expected)


def test_the_run_input_is_converted_as_before() -> None:
    converted = ItemHelpers.input_to_new_input_list(HISTORY)
    assert converted == HISTORY
    assert converted is not HISTORY and converted[2] is not HISTORY[2]  # a new list of new dicts, as the SDK's


def test_clone_is_a_deep_copy() -> None:
    shared = {"text": "once"}
    value = [shared, {"again": shared, "list": [1, 2.5, None, True]}]
    clone = sdk_input.clone_original_input(value)
    assert clone == copy.deepcopy(value)
    assert isinstance(clone, list)
    assert clone[0] is not shared and clone[1]["again"] is clone[0]  # shared as deepcopy shares it
    clone[0]["text"] = "changed"
    assert shared["text"] == "once"


def test_clone_hands_anything_else_to_deepcopy() -> None:
    call = ResponseFunctionToolCall(type="function_call", call_id="c", name="n", arguments="{}")
    value: list[Any] = [{"role": "user", "content": ("a", "b")}, call, {(1, 2): "tuple key"}]
    clone = sdk_input.clone_original_input(value)
    assert clone == value
    assert isinstance(clone, list)
    assert clone[1] is not call and clone[0]["content"] == ("a", "b")
    assert sdk_input.clone_original_input("text") == "text"
