"""The OpenAI path end to end against a local fake of its HTTP API: Responses and Chat Completions,
a 429 that is retried, and a model that keeps failing (error event, nothing lost)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask

from app import create_app
from tests.support.accounts import TEST_SECRET, AuthActions
from tests.support.chat import sse_events
from tests.support.fake_openai import FakeOpenAI


@pytest.fixture
def fake() -> Iterator[FakeOpenAI]:
    server = FakeOpenAI().start()
    yield server
    server.stop()


def _app(migrated: str, fake: FakeOpenAI, api: str) -> Flask:
    return create_app({"mode": "developer", "database_url": migrated, "secret_key": TEST_SECRET,
                       "model": "gpt-4o", "openai_api_key": "sk-test", "openai_base_url": fake.base_url,
                       "openai_api": api, "model_timeout_seconds": 5})


@pytest.mark.parametrize("api", ["responses", "chat_completions"])
def test_openai_adds_a_task_through_the_mcp_tools(app: Flask, migrated: str, fake: FakeOpenAI, api: str) -> None:
    client = _app(migrated, fake, api).test_client()
    acct = AuthActions(client).signup()
    resp = acct.request("POST", "/chat", json={"message": "add buy oat milk"})
    events = sse_events(resp)
    kinds = [e["type"] for e in events]
    assert kinds[0] == "conversation" and kinds[-1] == "done", events
    assert "tool_call" in kinds and "tool_result" in kinds
    reply = "".join(e["content"] for e in events if e["type"] == "chunk")
    assert "Added 'buy oat milk'" in reply
    assert [t["title"] for t in acct.request("GET", "/tasks").get_json()["tasks"]] == ["buy oat milk"]
    paths = {r["_path"] for r in fake.script.requests}
    assert paths == {"/v1/responses" if api == "responses" else "/v1/chat/completions"}
    first = fake.script.requests[0]
    tools = [t.get("name") or t.get("function", {}).get("name") for t in first["tools"]]
    assert "add_task" in tools and "delete_task" in tools
    schema = str(first["tools"])
    assert "user_id" not in schema and "todo-assistant/user_id" not in schema


def test_a_429_is_retried(app: Flask, migrated: str, fake: FakeOpenAI) -> None:
    fake.script.fail_first = 2
    client = _app(migrated, fake, "responses").test_client()
    acct = AuthActions(client).signup()
    events = sse_events(acct.request("POST", "/chat", json={"message": "hello"}))
    assert events[-1]["type"] == "done"
    assert len(fake.script.requests) == 3


def test_a_failing_model_gives_a_retryable_error_and_loses_nothing(app: Flask, migrated: str, fake: FakeOpenAI) -> None:
    fake.script.fail_first = 100
    fake.script.fail_status = 500
    client = _app(migrated, fake, "responses").test_client()
    acct = AuthActions(client).signup()
    events = sse_events(acct.request("POST", "/chat", json={"message": "add something important"}))
    assert events[0]["type"] == "conversation"
    assert events[-1]["type"] == "error" and events[-1]["retryable"] is True
    assert len(fake.script.requests) == 4
    conv = events[0]["conversation_id"]
    messages = acct.request("GET", f"/conversations/{conv}/messages").get_json()["messages"]
    assert messages[0]["content"] == "add something important"
    assert messages[1]["status"] == "failed"
    fake.script.fail_first = 0
    again = sse_events(acct.request("POST", "/chat", json={"message": "add something important",
                                                           "conversation_id": conv}))
    assert again[-1]["type"] == "done"


def test_a_tool_error_reaches_the_model_naming_the_field_and_the_rule(
    app: Flask, migrated: str, fake: FakeOpenAI
) -> None:
    client = _app(migrated, fake, "responses").test_client()
    acct = AuthActions(client).signup()
    events = sse_events(acct.request("POST", "/chat", json={"message": "add " + "x" * 300}))
    outputs = [item["output"] for item in fake.script.requests[-1]["input"]
               if isinstance(item, dict) and item.get("type") == "function_call_output"]
    assert [[part["text"] for part in output] for output in outputs] == [
        ["invalid arguments: title: must be at most 200 characters"]]
    reply = "".join(e["content"] for e in events if e["type"] == "chunk")
    assert "title: must be at most 200 characters" in reply
    assert acct.request("GET", "/tasks").get_json()["tasks"] == []
