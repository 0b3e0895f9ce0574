"""Bounded model time (issue 11, item 3): the first-token limit and the turn deadline, with their arithmetic,
in-process on the embedded model's slow mode; under gunicorn against a fake OpenAI that never answers in
test_turn_deadline_live.py."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from types import SimpleNamespace
from typing import Any, cast

import pytest
from agents.models.interface import Model
from flask import Flask

from app import create_app
from app.agent.deadline import BoundedModel, Limits, ModelTimeout, attempt_windows, client_retries, request_timeout
from app.config import Config, get_config
from app.conversations.turn import Failure, failure
from tests.support.accounts import TEST_SECRET, AuthActions
from tests.support.chat import chat, sse_events
from tests.support.fake_openai import FakeOpenAI


def test_each_attempt_waits_at_most_the_first_token_limit_and_all_fit_in_the_deadline() -> None:
    assert attempt_windows(Limits(first_token=2, deadline=5), 5) == [2, 2, 1]
    assert attempt_windows(Limits(first_token=20, deadline=90), 90) == [20, 20, 20, 20]
    assert attempt_windows(Limits(first_token=20, deadline=90), 30) == [20, 10]
    assert attempt_windows(Limits(first_token=20, deadline=90), 0) == []
    assert attempt_windows(Limits(first_token=20, deadline=90), -3) == []
    assert attempt_windows(Limits(first_token=1, deadline=90, retries=0), 90) == [1]
    for first, deadline in [(0.5, 1), (2, 5), (20, 90), (30, 20), (1, 1000)]:
        windows = attempt_windows(Limits(first, deadline), deadline)
        assert sum(windows) <= deadline and max(windows) <= first and len(windows) <= 4


def test_the_client_retries_only_what_its_backoff_fits_in_half_a_window() -> None:
    # The OpenAI client waits 0.5 s, 1 s, 2 s ... between retries (at most 8 s).
    assert client_retries(20) == 3
    assert client_retries(3) == 2
    assert client_retries(2) == 1
    assert client_retries(0.5) == 0
    assert client_retries(600) == 3


def test_a_stalled_model_before_the_change_would_take_243_s_now_the_attempts_are_bounded() -> None:
    # Before: 4 attempts x 60 s. Now: every HTTP attempt of one model request is one of the windows,
    # or a quick retry inside one, so a stalled request is sent at most len(windows) times.
    limits = Limits(first_token=20, deadline=90)
    windows = attempt_windows(limits, limits.deadline)
    assert len(windows) * (client_retries(limits.first_token) + 1) <= 16 and sum(windows) <= 90
    settings = {"model_timeout_seconds": 60, "model_first_token_seconds": 2, "turn_deadline_seconds": 5}
    for deadline, timeout in [(5, 5), (90, 60)]:
        cfg = Config.load(**{**settings, "turn_deadline_seconds": deadline})
        assert request_timeout(cfg.model_timeout_seconds, Limits.from_config(cfg)) == timeout


def test_the_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch, migrated: str) -> None:
    monkeypatch.setenv("MODEL_FIRST_TOKEN_SECONDS", "7.5")
    monkeypatch.setenv("TURN_DEADLINE_SECONDS", "33")
    app = create_app({"mode": "developer", "database_url": migrated, "secret_key": TEST_SECRET})
    assert Limits.from_config(get_config(app)) == Limits(first_token=7.5, deadline=33)
    monkeypatch.delenv("MODEL_FIRST_TOKEN_SECONDS")
    monkeypatch.delenv("TURN_DEADLINE_SECONDS")
    app = create_app({"mode": "developer", "database_url": migrated, "secret_key": TEST_SECRET})
    assert Limits.from_config(get_config(app)) == Limits(first_token=20, deadline=90)


def _app(app: Flask, **settings: Any) -> Flask:
    return create_app({"mode": "developer", "database_url": get_config(app).database_url, "secret_key": TEST_SECRET,
                       "TESTING": True, "ratelimit_enabled": False, **settings})


def test_a_model_slower_than_the_first_token_limit_fails_the_turn_retryably(app: Flask) -> None:
    slow = _app(app, slow_model_first_token_ms=5000, model_first_token_seconds=0.2, turn_deadline_seconds=0.5,
                sse_ping_seconds=0.05)
    acct = AuthActions(slow.test_client()).signup()
    resp = acct.request("POST", "/chat", json={"message": "add buy bread"}, headers={"Accept": "text/event-stream"})
    body = resp.get_data(as_text=True)
    assert ": ping" in body
    events = sse_events(resp)
    assert events[0]["type"] == "conversation"
    assert events[-1] == {"type": "error", "code": "assistant_timeout", "retryable": True,
                          "message": "The assistant took too long to answer; please try again.",
                          "conversation_id": events[0]["conversation_id"]}
    conv = events[0]["conversation_id"]
    stored = acct.request("GET", f"/conversations/{conv}/messages").get_json()["messages"]
    assert [(m["role"], m["status"]) for m in stored] == [("user", "complete"), ("assistant", "failed")]
    again = chat(replace(acct, client=_app(app).test_client()), "add buy bread", conv)
    assert again[-1]["type"] == "done"


class _Stalling:
    """A model whose first `stalls` requests never answer; later ones answer with a preamble and two words."""

    def __init__(self, stalls: int) -> None:
        self.stalls = stalls
        self.started = 0
        self.closed = 0

    async def stream_response(self, *_args: Any, **_kwargs: Any) -> Any:
        self.started += 1
        try:
            yield SimpleNamespace(type="response.created")
            if self.started <= self.stalls:
                await asyncio.Event().wait()
            yield SimpleNamespace(type="response.output_text.delta", delta="hello ")
            yield SimpleNamespace(type="response.output_text.delta", delta="there")
        finally:
            self.closed += 1


async def _collect(model: BoundedModel) -> list[str]:
    return [event.type for event in [e async for e in model.stream_response()]]


def test_a_stalled_request_is_abandoned_and_sent_again_within_the_deadline() -> None:
    inner = _Stalling(stalls=2)
    model = BoundedModel(cast(Model, inner), Limits(first_token=0.05, deadline=60))
    kinds = asyncio.run(_collect(model))
    # The abandoned attempts' preambles never reach the run: one response.created, then the words.
    assert kinds == ["response.created", "response.output_text.delta", "response.output_text.delta"]
    assert inner.started == 3 and inner.closed == 3


def test_a_model_that_never_answers_ends_the_turn_after_the_bounded_attempts() -> None:
    inner = _Stalling(stalls=100)
    model = BoundedModel(cast(Model, inner), Limits(first_token=0.05, deadline=0.12))
    with pytest.raises(ModelTimeout) as caught:
        asyncio.run(_collect(model))
    assert isinstance(caught.value, TimeoutError)
    assert inner.started == len(attempt_windows(Limits(first_token=0.05, deadline=0.12), 0.12)) == 3
    assert inner.closed == inner.started  # every abandoned request was closed
    assert failure(caught.value) == Failure(
        "assistant_timeout", "The assistant took too long to answer; please try again.", True)


@pytest.mark.parametrize("api", ["responses", "chat_completions"])
def test_an_openai_model_that_never_answers_is_given_up_in_bounded_attempts(app: Flask, api: str) -> None:
    fake = FakeOpenAI().start()
    fake.script.hang = True
    try:
        bounded = _app(app, model="gpt-4o", openai_api_key="sk-test", openai_base_url=fake.base_url, openai_api=api,
                       model_first_token_seconds=0.3, turn_deadline_seconds=0.8)
        acct = AuthActions(bounded.test_client()).signup()
        events = chat(acct, "add buy bread")
        assert events[-1]["code"] == "assistant_timeout" and events[-1]["retryable"] is True
        assert 1 <= len(fake.script.requests) <= 3
        assert {r["_path"] for r in fake.script.requests} == {"/v1/responses" if api == "responses"
                                                              else "/v1/chat/completions"}
    finally:
        fake.stop()
