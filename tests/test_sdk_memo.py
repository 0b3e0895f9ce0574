"""The shortcuts for the Agents SDK's per-run bookkeeping give the SDK's own answers, and are in place."""

from __future__ import annotations

import importlib
from typing import Any

import pytest
from agents import Agent, FunctionTool, handoff
from agents import _run_state_agent_identity as identity
from agents import _tool_identity as tool_identity
from openai.types.responses import ResponseCustomToolCall, ResponseFunctionToolCall

from app.agent import agent as assistant
from app.agent import sdk_memo

pytestmark = pytest.mark.database_independent


async def _noop(_context: Any, _arguments: str) -> str:
    return ""


def _tool(name: str) -> FunctionTool:
    return FunctionTool(name=name, description=name, params_json_schema={"type": "object", "properties": {}},
                        on_invoke_tool=_noop)


def test_every_sdk_name_is_rebound_to_its_shortcut() -> None:
    assert assistant.TodoAgent is not None  # importing the assistant installs the shortcuts
    for modules, name, shortcut in sdk_memo.REBINDINGS:
        for module_name in modules:
            assert getattr(importlib.import_module(module_name), name) is shortcut, f"{module_name}.{name}"


def test_identity_of_an_agent_without_handoffs_is_the_sdks() -> None:
    alone = Agent(name="Todo Assistant", tools=[_tool("add_task")])
    assert sdk_memo.build_agent_identity_map(alone) == sdk_memo._sdk_identity_map(alone) == {alone.name: alone}
    assert sdk_memo.build_agent_identity_keys_by_id(alone) == {id(alone): "Todo Assistant"}


def test_an_agent_graph_with_handoffs_goes_to_the_sdk() -> None:
    helper_a, helper_b = Agent(name="helper", instructions="a"), Agent(name="helper", instructions="b")
    root = Agent(name="root", handoffs=[handoff(helper_a), handoff(helper_b)])
    answer = sdk_memo.build_agent_identity_map(root)
    assert answer == sdk_memo._sdk_identity_map(root)
    assert set(answer) == {"root", "helper", "helper#2"}  # duplicate names keep the SDK's distinct keys
    keys = identity._build_agent_identity_keys_by_id(root)  # the SDK module's own name, rebound
    assert {keys[id(helper_a)], keys[id(helper_b)]} == {"helper", "helper#2"}


def test_remembered_tools_get_the_sdks_lookup_map_and_callers_cannot_spoil_it() -> None:
    tools = [_tool("add_task"), _tool("list_tasks")]
    sdk_memo.remember_tools(tools)
    first = tool_identity.build_function_tool_lookup_map(list(tools))
    assert first == sdk_memo._sdk_lookup_map(tools)
    first.clear()
    assert tool_identity.build_function_tool_lookup_map(list(tools)) == sdk_memo._sdk_lookup_map(tools)


def test_unremembered_or_clashing_tools_still_get_the_sdks_checks() -> None:
    fresh = [_tool("fresh")]
    assert sdk_memo.build_function_tool_lookup_map(fresh) == sdk_memo._sdk_lookup_map(fresh)
    kept, handoffs = sdk_memo.resolve_tool_name_collisions(fresh, (), collision_policy="error")
    assert kept == fresh and handoffs == []
    twins = [_tool("twin"), _tool("twin")]
    sdk_memo.remember_tools(twins)
    with pytest.raises(Exception, match="twin"):
        sdk_memo.resolve_tool_name_collisions(twins, (), collision_policy="error")
    assert sdk_memo.resolve_tool_name_collisions(twins, (), collision_policy="warn")[0] == [twins[1]]


def test_collisions_with_handoffs_go_to_the_sdk() -> None:
    tools = [_tool("transfer_to_helper")]
    sdk_memo.remember_tools(tools)
    helper = handoff(Agent(name="helper"))
    kept, handoffs = sdk_memo.resolve_tool_name_collisions(tools, [helper], collision_policy="warn")
    assert (kept, handoffs) == sdk_memo._sdk_resolve_collisions(tools, [helper], collision_policy="warn")
    assert kept == [] and handoffs == [helper]  # the SDK lets the handoff win


def test_every_module_asking_a_tool_calls_identity_asks_the_kept_answers() -> None:
    assert assistant.TodoAgent is not None
    for module_name in sdk_memo.INVOCATION_USERS:
        module = importlib.import_module(module_name)
        asked = [name for name in sdk_memo.INVOCATION_SHORTCUTS if hasattr(module, name)]
        assert asked, module_name
        assert all(getattr(module, name) is sdk_memo.INVOCATION_SHORTCUTS[name] for name in asked), module_name


def _call(arguments: str, call_id: str = "call_1", **fields: Any) -> ResponseFunctionToolCall:
    return ResponseFunctionToolCall(arguments=arguments, call_id=call_id, name="add_task", type="function_call",
                                    **fields)


@pytest.mark.parametrize("name", sorted(sdk_memo.INVOCATION_SHORTCUTS))
def test_a_tool_calls_identity_is_the_sdks_and_follows_its_content(name: str) -> None:
    kept = sdk_memo.INVOCATION_SHORTCUTS[name]
    sdk = kept.__wrapped__  # type: ignore[attr-defined]
    calls: list[Any] = [
        _call('{"title": "buy milk"}'), _call('{"title": "buy milk"}'), _call('{"title": "buy bread"}'),
        _call('{"title": "buy milk"}', call_id="call_2"), _call('{"title": "buy milk"}', namespace="todo"),
        _call("not json"), _call(""),
        ResponseCustomToolCall(call_id="call_3", input="x", name="shell", type="custom_tool_call"),
        {"type": "function_call", "call_id": "call_4", "name": "add_task", "arguments": "{}"},
    ]
    scope_args: list[dict[str, Any]] = [{}]
    if name != "tool_invocation_call_id":
        scope_args += [{"tool_name": "add_task"}, {"tool_lookup_key": ("bare", "add_task")},
                       {"invocation_role": "agent_tool"}]
    answers = []
    for call in calls:
        for kwargs in scope_args:
            answer = kept(call, **kwargs)
            assert answer == sdk(call, **kwargs), (call, kwargs)
            assert kept(call, **kwargs) == answer
            answers.append(answer)
    if name == "tool_invocation_identity_and_scope":  # another title, call id or namespace: another identity
        assert len({answers[i * len(scope_args)] for i in range(5)} - {None}) == 4


def test_a_call_changed_in_place_is_asked_about_anew() -> None:
    call = _call('{"title": "buy milk"}')
    before = sdk_memo.INVOCATION_SHORTCUTS["tool_invocation_identity"](call)
    call.arguments = '{"title": "sell milk"}'
    after = sdk_memo.INVOCATION_SHORTCUTS["tool_invocation_identity"](call)
    assert before != after and after == sdk_memo.INVOCATION_SHORTCUTS["tool_invocation_identity"].__wrapped__(call)  # type: ignore[attr-defined]
