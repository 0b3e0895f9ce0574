"""The agent's instructions: the user's current date, time and zone, one shared string per minute and zone."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from agents import RunContextWrapper

from app.agent.agent import INSTRUCTIONS, TurnContext, _instructions
from app.agent.local_model.clock import now_from_instructions

pytestmark = pytest.mark.database_independent


def instructions_for(zone: str) -> str:
    context = RunContextWrapper(TurnContext(user_id="u_test", timezone=zone))
    return _instructions(context, None)  # type: ignore[arg-type]  # the agent is not read


def test_the_instructions_carry_the_users_own_time_and_zone() -> None:
    text = instructions_for("Asia/Karachi")
    now = now_from_instructions(text)
    assert now.timezone == "Asia/Karachi"
    karachi = dt.datetime.now(ZoneInfo("Asia/Karachi")).replace(tzinfo=None)
    assert abs(now.moment - karachi) < dt.timedelta(minutes=2)
    assert text.startswith(INSTRUCTIONS)


def test_an_unknown_zone_falls_back_to_utc() -> None:
    now = now_from_instructions(instructions_for("Mars/Olympus_Mons"))
    assert now.timezone == "UTC"
    assert abs(now.moment - dt.datetime.now(dt.UTC).replace(tzinfo=None)) < dt.timedelta(minutes=2)


def test_turns_in_the_same_minute_and_zone_share_one_string() -> None:
    """Every open turn's model request holds its instructions while it waits; they are one object, not copies."""
    for _ in range(3):  # a minute may turn between the two calls: then try again
        first, second = instructions_for("Europe/Paris"), instructions_for("Europe/Paris")
        if now_from_instructions(first).moment == now_from_instructions(second).moment:
            break
    assert first is second
    other = instructions_for("America/New_York")
    assert other is not first and now_from_instructions(other).timezone == "America/New_York"
