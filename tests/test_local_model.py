"""The embedded local model, end to end through the real Agents SDK Runner (tests/support/local_model.py).

The dev cases of shared/nl-eval run here exactly as the HTTP evaluator checks them.
"""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import pytest
from openai.types.responses import (
    Response,
    ResponseCompletedEvent,
    ResponseCreatedEvent,
    ResponseOutputItemDoneEvent,
    ResponseTextDeltaEvent,
)

from app.agent.local_model import LocalModel
from app.agent.local_model.events import output_items, stream_events, usage_for
from app.agent.local_model.planner import Call, Step
from tests.support.local_model import DEV_CASES, EVAL_DIR, FIXED_NOW, NOWS, check_case, instructions, new_chat

pytestmark = pytest.mark.database_independent

DEV = json.loads(DEV_CASES.read_text())  # ../shared sits beside the checkout, in CI too
DEV2 = json.loads((EVAL_DIR / "dev_cases_2.json").read_text())


@pytest.mark.parametrize("when", list(NOWS))
@pytest.mark.parametrize("case", DEV, ids=[c["id"] for c in DEV])
def test_dev_case(case: dict[str, Any], when: str) -> None:
    assert check_case(case, NOWS[when]) == []


@pytest.mark.parametrize("case", DEV2, ids=[c["id"] for c in DEV2])
def test_dev_case_2(case: dict[str, Any]) -> None:
    assert check_case(case, NOWS["real-utc"]) == []


def test_streamed_reply_arrives_word_by_word() -> None:
    chat = new_chat()
    reply = chat.say("remind me to call grandma tomorrow at 7pm")
    assert reply == "Added 'call grandma' for tomorrow (Nov 27) at 7:00 PM."
    assert chat.deltas == ["Added ", "'call ", "grandma' ", "for ", "tomorrow ", "(Nov ", "27) ", "at ", "7:00 ", "PM."]


def test_non_streamed_run_gives_the_same_answer() -> None:
    chat = new_chat()
    reply = chat.say("add pay the water bill today", streamed=False)
    assert reply == "Added 'pay the water bill' for today (Nov 26)."
    assert [name for name, _ in chat.store.calls] == ["add_task"]


def test_history_items_carry_function_calls_between_turns() -> None:
    chat = new_chat()
    chat.say("add buy eggs")
    kinds = [item.get("type") for item in chat.items if isinstance(item, dict)]
    assert "function_call" in kinds and "function_call_output" in kinds
    assert chat.say("delete it") == "Deleted 'buy eggs'."
    assert chat.store.tasks == {}


def test_slow_mode_sleeps_before_first_event_and_between_words() -> None:
    async def collect(model: LocalModel) -> tuple[float, list[float]]:
        from agents import ModelSettings
        from agents.models.interface import ModelTracing

        stamps: list[float] = []
        start = time.perf_counter()
        stream = model.stream_response(
            instructions(FIXED_NOW), "hello", ModelSettings(), [], None, [], ModelTracing.DISABLED,
            previous_response_id=None, conversation_id=None, prompt=None,
        )  # fmt: skip
        async for event in stream:
            if isinstance(event, ResponseTextDeltaEvent):
                stamps.append(time.perf_counter() - start)
        return stamps[0], stamps

    first, stamps = asyncio.run(collect(LocalModel(first_token_delay=0.05, token_delay=0.01)))
    assert first >= 0.05
    assert len(stamps) > 3 and stamps[-1] - stamps[0] >= 0.01 * (len(stamps) - 1) * 0.9


@pytest.mark.parametrize("step", [Step(calls=[Call(name="add_task", arguments={"title": "buy milk"})]),
                                  Step(text="Added 'buy milk'.")], ids=["tool call", "reply"])
def test_a_streamed_step_completes_with_the_items_it_streamed(step: Step) -> None:
    events = [event for event in stream_events(step, output_items(step), usage_for(40, 7)) if event is not None]
    created, completed = events[0], events[-1]
    assert isinstance(created, ResponseCreatedEvent) and isinstance(completed, ResponseCompletedEvent)
    assert created.response.status == "in_progress" and created.response.usage is None
    done = [event.item for event in events if isinstance(event, ResponseOutputItemDoneEvent)]
    assert len(completed.response.output) == len(done) == 1
    assert completed.response.output[0] is done[0]  # the items themselves, not copies the run would keep too
    assert completed.response.status == "completed"
    assert completed.response.usage is not None and completed.response.usage.total_tokens == 47
    dump = completed.response.model_dump()
    assert Response.model_validate(dump).model_dump() == dump  # a valid Response, as a client would read it
