"""A worker's warm-up does the work its first chat turn would otherwise do (app/agent/warmup.py,
app/chatkit/warmup.py), so the first user of a fresh worker waits no longer than the next."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
import textwrap

import pytest
from flask import Flask

from app.agent import agent, warmup
from app.agent.history import WithHistory
from app.agent.providers import model_for
from app.config import get_config
from tests.support.accounts import TEST_SECRET

FIRST_TURNS = textwrap.dedent("""
    import inspect, json, sys
    import chatkit.types, openai.types.responses
    from pydantic import BaseModel
    from app import create_app
    from app.config import get_config
    from app.agent.warmup import warm_up_worker
    from app.chatkit import warmup as chatkit_warmup

    def incomplete():
        return {f"{module.__name__}.{name}" for module in (chatkit.types, openai.types.responses)
                for name, cls in vars(module).items()
                if inspect.isclass(cls) and issubclass(cls, BaseModel) and cls is not BaseModel
                and not cls.__dict__.get("__pydantic_complete__", False)}

    app = create_app({"mode": "developer", "database_url": sys.argv[1], "secret_key": sys.argv[2],
                      "TESTING": True, "ratelimit_enabled": False})
    fresh = incomplete()
    warm_up_worker(get_config(app))
    chatkit_warmup.warm_up()
    warm = incomplete()
    client = app.test_client()
    signed = client.post("/api/auth/signup", json={"email": "warm@example.com",
                                                    "password": "correct horse battery staple"}).get_json()
    headers = {"Authorization": f"Bearer {signed['access_token']}"}
    chat_stream = client.post(f"/api/{signed['user']['id']}/chat", json={"message": "add buy milk tomorrow"},
                       headers=headers).get_data(as_text=True)
    chatkit_stream = client.post(f"/api/{signed['user']['id']}/chatkit", headers=headers, json={
        "type": "threads.create",
        "params": {"input": {"content": [{"type": "input_text", "text": "add buy bread tomorrow"}],
                             "attachments": [], "inference_options": {}}}}).get_data(as_text=True)
    tasks = client.get(f"/api/{signed['user']['id']}/tasks", headers=headers).get_json()["tasks"]
    print(json.dumps({"warmed": sorted(fresh - warm), "first_turns": sorted(warm - incomplete()),
                      "titles": sorted(t["title"].lower() for t in tasks),
                      "streamed": ["task" in chat_stream, "thread.item.done" in chatkit_stream]}))
""")


def test_after_the_warm_up_a_first_turn_of_either_protocol_completes_no_model(app: Flask) -> None:
    """In a fresh interpreter: the warm-up completes ChatKit's and the Responses models a turn streams, and the
    first /chat and ChatKit turns after it complete none (pydantic builds a model's validator at first use)."""
    run = subprocess.run([sys.executable, "-c", FIRST_TURNS, get_config(app).database_url, TEST_SECRET],
                         capture_output=True, text=True, timeout=120, check=False)
    assert run.returncode == 0, run.stderr[-3000:]
    seen = json.loads(run.stdout.strip().splitlines()[-1])
    assert seen["titles"] == ["buy bread", "buy milk"] and seen["streamed"] == [True, True]
    assert "chatkit.types.AssistantMessageItem" in seen["warmed"]
    assert "openai.types.responses.ResponseCompletedEvent" in seen["warmed"]
    assert seen["first_turns"] == []


def test_the_warm_up_builds_the_model_and_lists_the_tools_once(app: Flask) -> None:
    cfg = get_config(app)
    warmup.warm_up_worker(cfg)
    built = agent._agents[id(model_for(cfg))]
    assert isinstance(built.model, WithHistory) and built.model.inner is model_for(cfg)
    tools = built._tool_cache
    assert tools is not None and {"add_task", "list_tasks", "complete_task"} <= {t.name for t in tools}
    warmup.warm_up_worker(cfg)
    assert agent._agents[id(model_for(cfg))]._tool_cache is tools


def test_a_failed_warm_up_is_logged_and_the_worker_goes_on(app: Flask, monkeypatch: pytest.MonkeyPatch,
                                                            caplog: pytest.LogCaptureFixture) -> None:
    async def broken(_model: object) -> None:
        raise RuntimeError("no tools today")

    monkeypatch.setattr(warmup, "prepare_agent", broken)
    with caplog.at_level(logging.ERROR, logger=warmup.__name__):
        warmup.warm_up_worker(get_config(app))
    assert "warm-up failed" in caplog.text and "no tools today" in caplog.text
