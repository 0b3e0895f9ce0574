"""Urdu, in Roman and Nastaliq script: add with dates and times, list, complete, delete, update; replies in Urdu."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.local_model import FIXED_NOW, check_case, new_chat

pytestmark = pytest.mark.database_independent


def add(title: str, **want: Any) -> dict[str, Any]:
    return {"count": 1, "tasks": [{"match": {"title_contains": title}, **want}]}


ROMAN = [
    {"title": "doodh lana", "due_date": "TODAY"},
    {"title": "bijli ka bill jama karwana"},
    {"title": "ammi ko phone karna", "due_date": "+4d"},
]
NASTALIQ = [
    {"title": "دودھ لانا", "due_date": "TODAY"},
    {"title": "بجلی کا بل جمع کروانا"},
    {"title": "امی کو فون کرنا", "due_date": "+4d"},
]
CASES: list[dict[str, Any]] = [
    {
        "id": "kal-subah",
        "say": ["kal subah 8 baje gym jana hai"],
        "expect": add("gym jana", due_date="+1d", due_time="08:00"),
    },
    {
        "id": "parson-shaam",
        "say": ["parson shaam 6 baje dost se milna hai"],
        "expect": add("dost se milna", due_date="+2d", due_time="18:00"),
    },
    {
        "id": "aaj-raat",
        "say": ["aaj raat 10 baje kapre istri karne hain"],
        "expect": add("istri", due_date="+0d", due_time="22:00"),
    },
    {"id": "jumma", "say": ["jumma ko masjid ki chanda dena hai"], "expect": add("chanda", due_date="wd:fri")},
    {
        "id": "dopahar-1",
        "say": ["kal dopahar 1 baje bank jana hai"],
        "expect": add("bank jana", due_date="+1d", due_time="13:00"),
    },
    {
        "id": "mujhe",
        "say": ["mujhe parson bank jana hai"],
        "expect": {"count": 1, "tasks": [{"match": {"title_is": "bank jana"}, "due_date": "+2d"}]},
    },
    {"id": "no-date", "say": ["naya charger khareedna hai"], "expect": add("charger khareedna", due_date=None)},
    {
        "id": "list-roman",
        "setup": ROMAN,
        "say": ["meri list dikhao"],
        "expect": {"reply_contains_all": ["doodh", "bijli", "ammi"]},
    },
    {
        "id": "list-today",
        "setup": ROMAN,
        "say": ["aaj kya karna hai?"],
        "expect": {"reply_contains_all": ["doodh"], "reply_contains_none": ["ammi"]},
    },
    {
        "id": "complete-roman",
        "setup": ROMAN,
        "say": ["bijli ka bill jama ho gaya"],
        "expect": {
            "tasks": [
                {"match": {"title_contains": "bijli"}, "completed": True},
                {"match": {"title_contains": "doodh"}, "completed": False},
            ]
        },
    },
    {
        "id": "delete-roman",
        "setup": ROMAN,
        "say": ["ammi wala task hata do"],
        "expect": {"count": 2, "absent": [{"title_contains": "ammi"}]},
    },
    {
        "id": "update-roman",
        "setup": ROMAN,
        "say": ["ammi ko phone karna kal kar do"],
        "expect": {"count": 3, "tasks": [{"match": {"title_contains": "ammi"}, "due_date": "+1d"}]},
    },
    {
        "id": "kal-nastaliq",
        "say": ["کل صبح 9 بجے ڈاکٹر کے پاس جانا ہے"],
        "expect": add("ڈاکٹر", due_date="+1d", due_time="09:00"),
    },
    {
        "id": "aaj-nastaliq",
        "say": ["آج شام ۷ بجے سبزی لانی ہے"],  # noqa: RUF001 (an Urdu digit)
        "expect": add("سبزی", due_date="+0d", due_time="19:00"),
    },
    {"id": "weekday-nastaliq", "say": ["جمعہ کو کپڑے دھونے ہیں"], "expect": add("کپڑے", due_date="wd:fri")},
    {
        "id": "list-nastaliq",
        "setup": NASTALIQ,
        "say": ["آج کیا کیا کرنا ہے؟"],
        "expect": {"reply_contains_all": ["دودھ"], "reply_contains_none": ["امی"]},
    },
    {
        "id": "complete-nastaliq",
        "setup": NASTALIQ,
        "say": ["بجلی کا بل مکمل کر دیں"],
        "expect": {"tasks": [{"match": {"title_contains": "بجلی"}, "completed": True}]},
    },
    {
        "id": "delete-nastaliq",
        "setup": NASTALIQ,
        "say": ["امی والا کام ہٹا دیں"],
        "expect": {"count": 2, "absent": [{"title_contains": "امی"}]},
    },
    {
        "id": "har-weekday-roman",
        "say": ["har itwaar ko gaari dhona hai"],
        "expect": add("gaari dhona", recurrence_contains=["FREQ=WEEKLY", "BYDAY=SU"], title_not_contains=["har"]),
    },
    {
        "id": "har-weekday-nastaliq",
        "say": ["ہر جمعرات کو پودوں کو پانی دینا ہے"],
        "expect": add("پودوں کو پانی دینا", recurrence_contains=["FREQ=WEEKLY", "BYDAY=TH"]),
    },
    {
        "id": "rozana",
        "say": ["rozana subah walk karni hai yaad dilana"],
        "expect": add("walk karni", recurrence_contains=["FREQ=DAILY"]),
    },
    {
        "id": "bare-hour-is-afternoon",
        "say": ["kal 5 baje darzi se kapre lene hain"],
        "expect": add("darzi se kapre lene", due_date="+1d", due_time="17:00"),
    },
    {
        "id": "delete-with-do",
        "setup": NASTALIQ,
        "say": ["امی والا کام مٹا دو"],
        "expect": {"count": 2, "absent": [{"title_contains": "امی"}]},
    },
    {
        "id": "two-adds-roman",
        "say": ["sabzi lani hai aur gaari ki service karwani hai"],
        "expect": {
            "count": 2,
            "tasks": [
                {"match": {"title_contains": "sabzi"}, "title_not_contains": ["gaari"]},
                {"match": {"title_contains": "gaari ki service"}, "title_not_contains": ["sabzi"]},
            ],
        },
    },
    {
        "id": "two-adds-nastaliq",
        "say": ["سبزی لانی ہے اور گاڑی کی سروس کروانی ہے"],
        "expect": {
            "count": 2,
            "tasks": [
                {"match": {"title_contains": "سبزی"}, "title_not_contains": ["گاڑی"]},
                {"match": {"title_contains": "گاڑی"}, "title_not_contains": ["سبزی"]},
            ],
        },
    },
    {
        "id": "one-add-with-aur",
        "say": ["chawal aur daal lani hai"],
        "expect": {"count": 1, "tasks": [{"match": {"title_contains": "chawal aur daal"}}]},
    },
    {
        "id": "agle-weekday",
        "say": ["agle budh ko dentist ke paas jana hai"],
        "expect": add("dentist ke paas jana", due_date="nwd:wed", title_not_contains=["agle"]),
    },
    {
        "id": "jumme-ko-is-friday",
        "setup": [{"title": "darzi wala kaam"}],
        "say": ["darzi wala kaam jumme ko kar do"],
        "expect": {"count": 1, "tasks": [{"match": {"title_contains": "darzi"}, "due_date": "nwd:fri"}]},
    },
    {
        "id": "har-jumme-repeats",
        "say": ["har jumme ko masjid ki safai mein hissa lena hai"],
        "expect": add("masjid ki safai", recurrence_contains=["FREQ=WEEKLY", "BYDAY=FR"],
                      title_not_contains=["jumme", "har"]),
    },
    {
        "id": "plural-and-past-tense-reports-complete",
        "setup": [{"title": "kapray press"}, {"title": "sabzi"}, {"title": "bijli ka bill"}, {"title": "سبزی"}],
        "say": ["kapray press ho gaye hain", "sabzi le aaya hun", "bijli ka bill bhar diya", "سبزی لے آیا ہوں"],
        "expect": {"count": 4, "tasks": [{"match": {"title_contains": t}, "completed": True}
                                         for t in ("kapray", "sabzi", "bijli", "سبزی")]},
    },
]


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_urdu(case: dict[str, Any]) -> None:
    assert check_case(case, FIXED_NOW) == []


def test_urdu_replies_in_urdu_in_the_users_script() -> None:
    chat = new_chat()
    roman = chat.say("kal 5 baje doodh lana hai")
    assert "doodh lana" in roman and "shamil" in roman
    nastaliq = chat.say("کل صبح 9 بجے ڈاکٹر کے پاس جانا ہے")
    assert "شامل" in nastaliq


URDU_TASKS: list[dict[str, Any]] = [{"title": "bijli ka bill", "due_date": "2026-11-28"},
                                    {"title": "ammi ko phone", "due_date": "2026-11-26", "due_time": "18:00"}]


@pytest.mark.parametrize(("message", "title", "due"), [
    ("bijli ka bill ki tareekh hata do", "bijli ka bill", (None, None)),
    ("bijli ka bill ki date hata dein", "bijli ka bill", (None, None)),
    ("ammi ko phone ka time hata do", "ammi ko phone", ("2026-11-26", None)),
    ("امی کو فون کا وقت ہٹا دیں", "ammi ko phone", ("2026-11-26", None)),
])
def test_taking_a_date_or_time_off_never_deletes_the_task(message: str, title: str,
                                                          due: tuple[str | None, str | None]) -> None:
    """"hata do" alone deletes; "X ki tareekh hata do" before this deleted X."""
    chat = new_chat(setup=[dict(t) for t in URDU_TASKS])
    chat.say(message)
    if message.isascii():
        task = next(t for t in chat.store.tasks.values() if t["title"] == title)
        assert (task["due_date"], task["due_time"]) == due
    assert len(chat.store.tasks) == 2


@pytest.mark.parametrize(("message", "priority"), [
    ("ammi ko phone ki priority high kar do", "high"), ("bijli ka bill ki priority low kar dein", "low"),
])
def test_a_priority_said_with_english_words_in_an_urdu_request_updates(message: str, priority: str) -> None:
    """Before, English words ("priority high") made the message English, and it added a task."""
    chat = new_chat(setup=[dict(t) for t in URDU_TASKS])
    reply = chat.say(message)
    assert len(chat.store.tasks) == 2 and "update kar diya" in reply
    assert priority in [t["priority"] for t in chat.store.tasks.values()]


@pytest.mark.parametrize("message", [
    "saare kaam delete kar do", "sab tasks hata do", "تمام کام ڈیلیٹ کر دیں", "meri poori list delete kar do",
    "sab kuch hata do",
])
def test_deleting_everything_asks_first(message: str) -> None:
    """Before, "saare kaam delete kar do" looked for a task named 'saare'."""
    chat = new_chat(setup=[dict(t) for t in URDU_TASKS])
    reply = chat.say(message)
    assert [n for n, _a in chat.store.calls] == ["list_tasks"] and len(chat.store.tasks) == 2
    assert "delete all 2 tasks" in reply


def test_deleting_one_task_is_still_one() -> None:
    chat = new_chat(setup=[dict(t) for t in URDU_TASKS])
    chat.say("ammi wala task hata do")
    assert [t["title"] for t in chat.store.tasks.values()] == ["bijli ka bill"]


BOOKS: list[dict[str, Any]] = [{"title": "کتابیں لائبریری میں واپس کرنا"}, {"title": "kitaabein library wapas karna"},
                               {"title": "doodh lana"}]


@pytest.mark.parametrize(("message", "done"), [
    ("کتابیں لائبریری میں واپس کر دی ہیں", 1), ("کتابیں واپس کر دیے ہیں", 1),
    ("kitaabein library mein wapas kar di hain", 2), ("kitaabein library wapas kar diye", 2),
])
def test_a_feminine_or_plural_perfect_completes(message: str, done: int) -> None:
    """Before, "... واپس کر دی ہیں" was not understood."""
    chat = new_chat(setup=[dict(t) for t in BOOKS])
    chat.say(message)
    assert [i for i, t in chat.store.tasks.items() if t["completed"]] == [done]


def test_asking_to_do_it_completes_nothing() -> None:
    chat = new_chat(setup=[dict(t) for t in BOOKS])
    chat.say("kitaabein library mein wapas kar do")
    assert not any(t["completed"] for t in chat.store.tasks.values())


@pytest.mark.parametrize(("message", "rule"), [
    ("har hafte itwaar ko gym jana hai", "BYDAY=SU"), ("ہر ہفتے اتوار کو جم جانا ہے", "BYDAY=SU"),
    ("har hafte peer ko report bhejni hai", "BYDAY=MO"), ("har hafte gym jana hai", "FREQ=WEEKLY"),
])
def test_har_hafte_is_every_week(message: str, rule: str) -> None:
    """Before, "hafte" was read as Saturday: "har hafte itwaar ko" repeated on Saturdays."""
    chat = new_chat()
    chat.say(message)
    [task] = chat.store.tasks.values()
    assert "FREQ=WEEKLY" in task["recurrence"] and rule in task["recurrence"] and "BYDAY=SA" not in task["recurrence"]


def test_hafte_ko_is_still_saturday() -> None:
    chat = new_chat()
    chat.say("hafte ko safai karni hai")
    assert [t["due_date"] for t in chat.store.tasks.values()] == ["2026-11-28"]


@pytest.mark.parametrize(("message", "want"), [
    ("kal subah 11 baje school ki meeting hai aur parson internet ka bill bharna hai",
     [("school ki meeting", "2026-11-27", "11:00"), ("internet ka bill bharna", "2026-11-28", None)]),
    ("aaj shaam 6 baje dost ki shaadi hai aur kal bijli ka bill jama karwana hai",
     [("dost ki shaadi", "2026-11-26", "18:00"), ("bijli ka bill jama karwana", "2026-11-27", None)]),
    ("کل صبح 11 بجے سکول میں میٹنگ ہے اور پرسوں بل بھرنا ہے",
     [("سکول میں میٹنگ", "2026-11-27", "11:00"), ("بل بھرنا", "2026-11-28", None)]),
])
def test_a_dated_statement_and_another_request_are_two_tasks(message: str,
                                                             want: list[tuple[str, str, str | None]]) -> None:
    """Before, a piece ending in "... meeting hai" was not a request of its own, and this was one task."""
    chat = new_chat()
    chat.say(message)
    assert [(t["title"], t["due_date"], t["due_time"]) for t in chat.store.tasks.values()] == want


def test_aur_inside_a_dated_statement_stays_one_task() -> None:
    chat = new_chat()
    chat.say("kal ammi aur abbu ki anniversary hai")
    assert [t["title"] for t in chat.store.tasks.values()] == ["ammi aur abbu ki anniversary"]


@pytest.mark.parametrize(("message", "due"), [
    ("AC ki safai ek ghanta late kar do", ("2026-11-28", "11:00")),
    ("AC ki safai aadha ghanta pehle kar do", ("2026-11-28", "09:30")),
    ("AC ki safai do ghante baad kar do", ("2026-11-28", "12:00")),
    ("AC ki safai 15 minute pehle kar do", ("2026-11-28", "09:45")),
    ("AC ki safai ek din baad kar do", ("2026-11-29", "10:00")),
    ("AC ki safai kal kar do", ("2026-11-27", "10:00")),
])
def test_moving_a_task_by_an_amount_of_time(message: str, due: tuple[str, str]) -> None:
    """Before, "ek ghanta late kar do" was not understood."""
    chat = new_chat(setup=[{"title": "AC ki safai", "due_date": "2026-11-28", "due_time": "10:00"},
                           {"title": "doodh lana", "due_date": "2026-11-28", "due_time": "10:00"}])
    assert "update kar diya" in chat.say(message)
    assert [(t["due_date"], t["due_time"]) for t in chat.store.tasks.values()] == [due, ("2026-11-28", "10:00")]


def test_moving_a_nastaliq_task_by_an_amount_of_time() -> None:
    chat = new_chat(setup=[{"title": "امی کو فون", "due_date": "2026-11-26", "due_time": "18:00"}])
    chat.say("امی کو فون ایک گھنٹہ بعد کر دیں")
    assert chat.store.tasks[1]["due_time"] == "19:00"


def test_an_amount_of_time_in_a_new_task_stays_in_its_title() -> None:
    chat = new_chat()
    chat.say("do ghante gym karna hai")
    assert [t["title"] for t in chat.store.tasks.values()] == ["do ghante gym karna"]
