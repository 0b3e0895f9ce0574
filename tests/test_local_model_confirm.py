"""Confirmations: after a "delete everything?" or "clear completed?" question, no/cancel/never mind/keep them
change nothing and say so; yes/go ahead/do it confirm."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.local_model import FIXED_NOW, check_case

pytestmark = pytest.mark.database_independent

SETUP: list[dict[str, Any]] = [
    {"title": "fix the gate"},
    {"title": "hem the trousers", "completed": True},
    {"title": "buy strings", "completed": True},
]
ASKED = ["sure", "confirm", "are you", "really", "yes"]
KEPT = ["won't", "nothing", "kept", "unchanged", "cancel"]
NO_WORDS = [
    "no",
    "cancel",
    "never mind",
    "keep them",
    "nope, leave them",
    "forget it",
    "no thanks",
    "don't",
    "actually no",
    "wait",
    "hold on",
    "I changed my mind",
    "no, keep everything",
    "nah",
    "stop",
    "hmm, better not",
    "um, no",
    "I'd rather not",
    "let's not",
]
YES_WORDS = ["yes", "go ahead", "do it", "yes please", "sure", "yep", "confirm", "ok", "hmm, ok", "k", "yes, go"]
ASK_ALL = ["delete everything", "clear my whole list", "remove every single task", "wipe all my tasks",
           "erase everything on my list", "start over and remove all my tasks", "scrap every item on the to-do list"]
ASK_DONE = [
    "clear completed tasks",
    "delete the tasks I already finished",
    "get rid of the done ones",
    "remove everything that's done",
]


def no_case(ask: str, answer: str) -> dict[str, Any]:
    return {
        "say": [{"text": ask, "reply_contains_any": ASKED}, answer],
        "expect": {"count": 3, "reply_contains_any": KEPT},
    }


CASES = [
    (f"no-{i}", no_case(ASK_ALL[i % len(ASK_ALL)] if i % 2 else ASK_DONE[i % len(ASK_DONE)], word))
    for i, word in enumerate(NO_WORDS)
]
CASES += [
    (f"yes-all-{i}", {"say": [ASK_ALL[i % len(ASK_ALL)], word], "expect": {"count": 0}})
    for i, word in enumerate(YES_WORDS)
]
CASES += [
    (
        f"yes-done-{i}",
        {
            "say": [ASK_DONE[i % len(ASK_DONE)], word],
            "expect": {"count": 1, "tasks": [{"match": {"title_is": "fix the gate"}}]},
        },
    )
    for i, word in enumerate(YES_WORDS)
]


@pytest.mark.parametrize("case", [c for _i, c in CASES], ids=[i for i, _c in CASES])
def test_confirmation(case: dict[str, Any]) -> None:
    case = {**case, "setup": [dict(t) for t in SETUP]}
    assert check_case(case, FIXED_NOW) == []


@pytest.mark.parametrize("message", [
    "scrap the whole lot, every task", "start over, delete the lot", "I want a clean slate, remove every to-do",
])
def test_delete_everything_in_other_words_asks_first(message: str) -> None:
    from tests.support.local_model import new_chat

    chat = new_chat(setup=[{"title": "grout the tiles"}, {"title": "return parcel"}])
    reply = chat.say(message)
    assert "Are you sure" in reply and len(chat.store.tasks) == 2
    chat.say("sure thing")
    assert chat.store.tasks == {}


def test_a_tagged_group_named_twice_is_deleted_after_a_yes() -> None:
    from tests.support.local_model import new_chat

    chat = new_chat(setup=[{"title": "old invoice", "tags": ["archive"]}, {"title": "old memo", "tags": ["archive"]},
                           {"title": "new memo"}])
    assert "Are you sure" in chat.say("get rid of the archive-tagged tasks, all of them")
    chat.say("yes")
    assert [t["title"] for t in chat.store.tasks.values()] == ["new memo"]


@pytest.mark.parametrize(("ask", "answer", "kept"), [
    ("borra todas mis tareas", "sí", 0), ("elimina todas las tareas", "mejor no", 2),
    ("delete everything", "yes, scrap it", 0),
    ("saare kaam delete kar do", "haan", 0), ("saare kaam delete kar do", "nahi", 2),
    ("تمام کام ڈیلیٹ کر دیں", "جی ہاں", 0),
])
def test_delete_everything_is_confirmed_or_refused_in_the_users_language(ask: str, answer: str, kept: int) -> None:
    from tests.support.local_model import new_chat

    chat = new_chat(setup=[{"title": "grout the tiles"}, {"title": "return parcel"}])
    chat.say(ask)
    assert len(chat.store.tasks) == 2
    chat.say(answer)
    assert len(chat.store.tasks) == kept
