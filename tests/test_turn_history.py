"""A turn's earlier conversation reaches every model request, beside the SDK's run rather than through it.

The run's own input starts at the user's message (`agent.history`): the SDK no longer copies, rebuilds and
dedupes the whole history window on every turn. The model must not be able to tell: each request carries the
stored conversation, then the turn's message, then what the run did so far, exactly as before.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest

from app.agent import agent as agent_module
from app.agent.history import TURN_HISTORY, split_input, with_history
from app.agent.local_model import LocalModel
from tests.support.accounts import AuthActions
from tests.support.chat import chat, sse_events


class RecordingModel(LocalModel):
    """The embedded model, keeping the input of every request the Runner makes to it."""

    def __init__(self) -> None:
        super().__init__()
        self.inputs: list[list[Any]] = []

    async def stream_response(self, *args: Any, **kwargs: Any) -> AsyncIterator[Any]:
        self.inputs.append(list(args[1]))
        async for event in super().stream_response(*args, **kwargs):
            yield event


@pytest.fixture
def recorded(monkeypatch: pytest.MonkeyPatch) -> tuple[RecordingModel, list[tuple[list[Any], list[Any]]]]:
    """The model every turn uses, and for each turn: the items it was given, and the SDK run's own input."""
    model = RecordingModel()
    monkeypatch.setattr("app.chat.routes.model_for", lambda _settings: model)
    turns: list[tuple[list[Any], list[Any]]] = []
    run_turn = agent_module.run_turn

    @asynccontextmanager
    async def recording_run_turn(m: Any, input_items: list[Any], context: Any) -> AsyncIterator[Any]:
        async with run_turn(m, input_items, context) as run:
            turns.append((list(input_items), list(run.result.input)))
            yield run

    monkeypatch.setattr("app.conversations.events.run_turn", recording_run_turn)
    return model, turns


def test_every_request_carries_the_stored_conversation_before_the_turn(
        auth: AuthActions, recorded: tuple[RecordingModel, list[tuple[list[Any], list[Any]]]]) -> None:
    model, turns = recorded
    acct = auth.signup()
    acct.add_task(title="walk the dog")
    conversation = chat(acct, "add buy milk tomorrow")[0]["conversation_id"]
    chat(acct, "make it high priority", conversation)
    before = len(model.inputs)
    events = chat(acct, "I walked the dog", conversation)
    assert events[-1]["type"] == "done"
    assert [e["tool_name"] for e in events if e["type"] == "tool_call"] == ["list_tasks", "complete_task"]

    given, own = turns[-1]
    assert own == [{"role": "user", "content": "I walked the dog"}]  # the SDK's run holds only this turn
    assert len(given) > 4 and given[-1] == own[0]
    first, second = model.inputs[before:]
    assert first == given  # the stored conversation, then the message
    assert second[:len(given)] == given  # the second request: the same, then the first call and its output
    assert [item.get("type") for item in second[len(given):]] == ["function_call", "function_call_output"]

    tasks = {t["title"]: t for t in acct.request("GET", "/tasks?status=all").get_json()["tasks"]}
    assert tasks["buy milk"]["priority"] == "high"  # "it" was read from the earlier turn's tool result
    assert tasks["walk the dog"]["completed"] is True


def test_a_new_conversation_has_no_history_and_the_run_holds_the_message(
        auth: AuthActions, recorded: tuple[RecordingModel, list[tuple[list[Any], list[Any]]]]) -> None:
    model, turns = recorded
    acct = auth.signup()
    assert chat(acct, "add call mom")[-1]["type"] == "done"
    given, own = turns[-1]
    assert given == own == [{"role": "user", "content": "add call mom"}]
    assert model.inputs[-1] == given
    assert TURN_HISTORY.get() == ()  # outside a run, nothing is added to a request


def test_the_run_starts_at_the_last_user_message_with_what_follows_it() -> None:
    call = {"type": "function_call", "call_id": "c1", "name": "add_task", "arguments": "{}"}
    output = {"type": "function_call_output", "call_id": "c1", "output": "{}"}
    earlier = [{"role": "user", "content": "add a"}, call, output, {"role": "assistant", "content": "Added a."}]
    retried = [{"role": "user", "content": "add b"}, dict(call, call_id="c2"), dict(output, call_id="c2")]
    assert split_input(earlier + retried) == (earlier, retried)  # a retry's carried calls stay the run's own
    assert split_input([call, output]) == ([], [call, output])
    assert split_input([]) == ([], [])


def test_a_request_gets_the_history_in_front_of_its_input() -> None:
    history: list[Any] = [{"role": "user", "content": "add a"}, {"role": "assistant", "content": "Added a."}]
    token = TURN_HISTORY.set(history)
    try:
        assert with_history([{"role": "user", "content": "add b"}]) == [*history, {"role": "user", "content": "add b"}]
        assert with_history("add b") == [*history, {"role": "user", "content": "add b"}]
    finally:
        TURN_HISTORY.reset(token)
    assert with_history("add b") == "add b"


def test_a_retried_later_turn_keeps_its_history_and_runs_its_tool_once(
        auth: AuthActions, recorded: tuple[RecordingModel, list[tuple[list[Any], list[Any]]]]) -> None:
    model, turns = recorded
    acct = auth.signup()
    conversation = chat(acct, "add buy milk")[0]["conversation_id"]
    chat(acct, "add call mom", conversation)
    messages = acct.request("GET", f"/conversations/{conversation}/messages").get_json()["messages"]
    retried = acct.request("POST", "/chat", json={"conversation_id": conversation, "retry_of": messages[2]["id"]})
    assert sse_events(retried)[-1]["type"] == "done"

    given, own = turns[-1]
    assert own[0] == {"role": "user", "content": "add call mom"}
    assert [item.get("type") for item in own[1:]] == ["function_call", "function_call_output"]  # carried, not rerun
    assert given == turns[1][0][:-1] + own  # the history before the message is turn 2's, as it was
    assert model.inputs[-1] == given
    titles = sorted(t["title"] for t in acct.request("GET", "/tasks?status=all").get_json()["tasks"])
    assert titles == ["buy milk", "call mom"]
