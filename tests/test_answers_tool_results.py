"""The embedded model answers its own tool results in the request that called the tools (issue 11's CPU).

The run ends with the reply the model plans from the results (`agent.local_model.after_tools`) instead of
a second request through the Agents SDK. Users must not be able to tell: the same events, the same words,
the same stored history as with the second request, and a client leaving mid-reply still leaves the
partial reply interrupted with its tool calls.
"""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest

from app.agent.local_model import LocalModel
from tests.support.accounts import Account, AuthActions
from tests.support.chat import chat

SCENARIO = [
    "add buy milk tomorrow at 5pm",
    "add call mom",
    "add water the plants #home",
    "what's on my list?",
    "make the second one high priority",
    "I finished buying milk",
    "complete task 99999",
    "water the plants can wait until friday",
    "delete call mom",
    "hello",
    "add pay rent and book flights",  # last: the two calls run concurrently, so their order in lists varies
]


class CountingModel(LocalModel):
    """The embedded model, counting the requests the Runner makes to it."""

    requests = 0

    async def stream_response(self, *args: Any, **kwargs: Any) -> AsyncIterator[Any]:
        self.requests += 1
        async for event in super().stream_response(*args, **kwargs):
            yield event


def _use(monkeypatch: pytest.MonkeyPatch, model: LocalModel) -> None:
    monkeypatch.setattr("app.chat.routes.model_for", lambda _settings: model)


def _normalized(value: Any, ids: dict[tuple[str, int], int]) -> Any:
    """A tool's arguments or output without what differs between two accounts: ids and timestamps.

    Ids become their order of appearance, tasks and reminders counted apart."""
    def number(kind: str, raw: Any) -> Any:
        return ids.setdefault((kind, raw), sum(k == kind for k, _ in ids) + 1) if isinstance(raw, int) else raw

    if isinstance(value, dict):
        own = "reminder" if "task_id" in value and "id" in value else "task"
        out = {}
        for key, item in value.items():
            if key.endswith("_at"):
                continue
            if key == "id":
                item = number(own, item)
            elif key == "task_id":
                item = number("task", item)
            elif key == "task_ids" and isinstance(item, list):
                item = [number("task", i) for i in item]
            out[key] = _normalized(item, ids)
        return out
    if isinstance(value, list):
        return [_normalized(item, ids) for item in value]
    return value


def _transcript(acct: Account) -> tuple[list[Any], list[Any]]:
    """What the user saw of the scenario's turns, and the conversation's stored history."""
    ids: dict[tuple[str, int], int] = {}
    seen: list[Any] = []
    conversation = None
    for message in SCENARIO:
        events = chat(acct, message, conversation)
        conversation = events[0]["conversation_id"]
        assert events[-1]["type"] == "done", events
        for ev in events[1:-1]:
            if ev["type"] == "chunk":
                seen.append(("chunk", ev["content"]))
            else:
                seen.append((ev["type"], ev["tool_name"], _normalized(ev.get("arguments", ev.get("output")), ids)))
    stored = acct.request("GET", f"/conversations/{conversation}/messages").get_json()["messages"]
    history = [(m["role"], m["content"], m["status"],
                [(c["name"], _normalized(c["arguments"], ids), _normalized(c["output"], ids))
                 for c in m.get("tool_calls") or []]) for m in stored]
    return seen, history


def test_a_tool_turn_takes_one_request_of_the_embedded_model(auth: AuthActions,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    model = CountingModel()
    _use(monkeypatch, model)
    acct = auth.signup()
    acct.add_task(title="walk the dog")

    def requests_for(message: str) -> int:
        before = model.requests
        assert chat(acct, message)[-1]["type"] == "done"
        return model.requests - before

    assert requests_for("add buy milk tomorrow") == 1
    assert requests_for("what's on my list?") == 1
    assert requests_for("I walked the dog") == 2  # find it, then complete it: the reply needs no third request
    assert requests_for("hello") == 1
    tasks = {t["title"]: t["completed"] for t in acct.request("GET", "/tasks?status=all").get_json()["tasks"]}
    assert tasks == {"walk the dog": True, "buy milk": False}

    slowed = CountingModel(token_delay=0.001)
    _use(monkeypatch, slowed)
    assert chat(acct, "add buy bread")[-1]["type"] == "done"
    assert slowed.requests == 2  # a slowed model stands in for a remote one: two requests, as OpenAI's


def test_the_reply_is_the_one_a_second_request_gives(auth: AuthActions, monkeypatch: pytest.MonkeyPatch) -> None:
    _use(monkeypatch, LocalModel())
    one_request = _transcript(auth.signup())
    _use(monkeypatch, LocalModel(answers_tool_results=False))
    two_requests = _transcript(auth.signup())
    assert one_request == two_requests
    seen, history = one_request
    assert [kind for kind, *_ in seen].count("tool_call") >= len(SCENARIO) - 1
    assert all(status == "complete" for _role, _content, status, _calls in history)


def test_a_client_leaving_mid_reply_keeps_the_partial_reply_and_the_tool_call(
        auth: AuthActions, monkeypatch: pytest.MonkeyPatch) -> None:
    _use(monkeypatch, LocalModel(token_delay=0.05, answers_tool_results=True))
    acct = auth.signup()
    resp = acct.request("POST", "/chat", json={"message": "add call the plumber tomorrow at 5pm"},
                        headers={"Accept": "text/event-stream"})
    events: list[dict[str, Any]] = []
    for chunk in resp.response:
        for block in chunk.decode().split("\n\n"):
            if block.startswith("data: "):
                events.append(json.loads(block[6:]))
        if sum(ev["type"] == "chunk" for ev in events) >= 2:
            break
    resp.close()
    assert [ev["type"] for ev in events][:3] == ["conversation", "tool_call", "tool_result"]
    said = "".join(ev["content"] for ev in events if ev["type"] == "chunk")
    url = f"/conversations/{events[0]['conversation_id']}/messages"
    deadline = time.monotonic() + 10
    while acct.request("GET", url).get_json()["messages"][-1]["status"] == "pending" and time.monotonic() < deadline:
        time.sleep(0.05)
    reply = acct.request("GET", url).get_json()["messages"][-1]
    assert reply["status"] == "interrupted"
    assert reply["content"].startswith(said) and reply["content"] != ""
    assert [c["name"] for c in reply["tool_calls"]] == ["add_task"]
    assert [t["title"] for t in acct.request("GET", "/tasks").get_json()["tasks"]] == ["call the plumber"]

    _use(monkeypatch, LocalModel())
    full = "".join(ev["content"] for ev in chat(auth.signup(), "add call the plumber tomorrow at 5pm")
                   if ev["type"] == "chunk")
    assert full.startswith(reply["content"]) and len(reply["content"]) < len(full)
