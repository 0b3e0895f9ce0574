"""Spanish: add with dates and times, list, complete, delete, update; replies in Spanish."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.local_model import FIXED_NOW, check_case, new_chat

pytestmark = pytest.mark.database_independent


def add(title: str, **want: Any) -> dict[str, Any]:
    return {"count": 1, "tasks": [{"match": {"title_contains": title}, **want}]}


SETUP = [
    {"title": "llamar al fontanero", "due_date": "TODAY"},
    {"title": "comprar pan"},
    {"title": "pagar el alquiler", "due_date": "+5d"},
    {"title": "lavar el coche", "completed": True},
]
CASES: list[dict[str, Any]] = [
    {"id": "añade-mañana", "say": ["añade comprar leche mañana"], "expect": add("comprar leche", due_date="+1d")},
    {
        "id": "recuerdame-hora",
        "say": ["recuérdame llamar a mi madre mañana a las 8 de la noche"],
        "expect": add("llamar a mi madre", due_date="+1d", due_time="20:00"),
    },
    {
        "id": "tengo-que-viernes",
        "say": ["el viernes tengo que entregar el informe"],
        "expect": add("entregar el informe", due_date="wd:fri"),
    },
    {
        "id": "hoy-tarde",
        "say": ["hoy a las 5 de la tarde recoger a los niños"],
        "expect": add("recoger a los niños", due_date="+0d", due_time="17:00"),
    },
    {
        "id": "apunta-lunes",
        "say": ["apunta revisar el presupuesto para el lunes"],
        "expect": add("revisar el presupuesto", due_date="wd:mon"),
    },
    {"id": "pasado", "say": ["pasado mañana debo pagar la luz"], "expect": add("pagar la luz", due_date="+2d")},
    {"id": "urgente", "say": ["agrega llamar al banco, es urgente"], "expect": add("llamar al banco", priority="high")},
    {
        "id": "list",
        "setup": SETUP,
        "say": ["muéstrame mis tareas"],
        "expect": {"reply_contains_all": ["fontanero", "pan", "alquiler"], "reply_contains_none": ["coche"]},
    },
    {
        "id": "list-hoy",
        "setup": SETUP,
        "say": ["¿qué tengo para hoy?"],
        "expect": {"reply_contains_all": ["fontanero"], "reply_contains_none": ["alquiler", "pan"]},
    },
    {
        "id": "list-hechas",
        "setup": SETUP,
        "say": ["¿qué tareas están hechas?"],
        "expect": {"reply_contains_all": ["coche"], "reply_contains_none": ["fontanero"]},
    },
    {
        "id": "completa",
        "setup": SETUP,
        "say": ["completa comprar pan"],
        "expect": {
            "tasks": [
                {"match": {"title_contains": "pan"}, "completed": True},
                {"match": {"title_contains": "fontanero"}, "completed": False},
            ]
        },
    },
    {
        "id": "ya-termine",
        "setup": SETUP,
        "say": ["ya terminé lo del fontanero"],
        "expect": {"tasks": [{"match": {"title_contains": "fontanero"}, "completed": True}]},
    },
    {
        "id": "borra",
        "setup": SETUP,
        "say": ["borra la tarea del alquiler"],
        "expect": {"count": 3, "absent": [{"title_contains": "alquiler"}]},
    },
    {
        "id": "elimina",
        "setup": SETUP,
        "say": ["elimina comprar pan de la lista"],
        "expect": {"count": 3, "absent": [{"title_contains": "pan"}]},
    },
    {
        "id": "cambia",
        "setup": SETUP,
        "say": ["cambia pagar el alquiler para el sábado"],
        "expect": {"count": 4, "tasks": [{"match": {"title_contains": "alquiler"}, "due_date": "wd:sat"}]},
    },
    {
        "id": "mueve",
        "setup": SETUP,
        "say": ["mueve lo del fontanero a mañana"],
        "expect": {"count": 4, "tasks": [{"match": {"title_contains": "fontanero"}, "due_date": "+1d"}]},
    },
    {
        "id": "tengo-que-adds",
        "say": ["tengo que renovar el pasaporte"],
        "expect": {"count": 1, "tasks": [{"match": {"title_is": "renovar el pasaporte"}}]},
    },
    {
        "id": "que-tengo-asks",
        "setup": SETUP,
        "say": ["qué tengo pendiente"],
        "expect": {
            "count": 4,
            "reply_contains_all": ["comprar pan"],
            "tasks": [{"match": {"title_contains": "pan"}, "completed": False}],
        },
    },
    {
        "id": "cada-lunes",
        "say": ["hay que regar el huerto cada lunes"],
        "expect": add("regar el huerto", recurrence_contains=["FREQ=WEEKLY", "BYDAY=MO"], due_date="wd:mon"),
    },
    {
        "id": "todos-los-dias",
        "say": ["añade tomar la vitamina todos los días"],
        "expect": add("tomar la vitamina", recurrence_contains=["FREQ=DAILY"], title_not_contains=["días"]),
    },
    {
        "id": "que-viene",
        "say": ["apunta la revisión del coche el jueves que viene"],
        "expect": add("revisión del coche", due_date="+7d", title_not_contains=["viene"]),
    },
    {
        "id": "proximo",
        "say": ["pon la reunión con el banco el próximo lunes"],
        "expect": add("reunión con el banco", due_date="nwd:mon", title_not_contains=["próximo"]),
    },
    {
        "id": "apuntame-es-urgente",
        "say": ["apúntame recoger las gafas para mañana, es urgente"],
        "expect": add("recoger las gafas", due_date="+1d", priority="high", title_not_contains=["es", "urgente"]),
    },
    {
        "id": "bare-hour-is-afternoon",
        "say": ["añade reunión con la tutora mañana a las 4"],
        "expect": add("reunión con la tutora", due_date="+1d", due_time="16:00"),
    },
    {
        "id": "day-of-month",
        "say": ["añade renovar el abono el 18"],
        "expect": add("renovar el abono", due_date="dom:18", title_not_contains=["18"]),
    },
    {
        "id": "day-and-month",
        "say": ["apunta la boda de Lucía el 9 de mayo"],
        "expect": add("boda de Lucía", due_date="md:05-09", title_not_contains=["mayo"]),
    },
    {
        "id": "ordinal-position",
        "setup": SETUP,
        "say": ["muéstrame mis tareas", "borra la segunda"],
        "expect": {"count": 3, "absent": [{"title_contains": "comprar pan"}]},
    },
    {
        "id": "two-adds",
        "say": ["apunta llevar el coche al taller y recoger el traje"],
        "expect": {
            "count": 2,
            "tasks": [
                {"match": {"title_contains": "taller"}, "title_not_contains": ["traje"]},
                {"match": {"title_contains": "recoger el traje"}, "title_not_contains": ["taller"]},
            ],
        },
    },
    {
        "id": "two-adds-own-dates",
        "say": ["tengo que llamar al dentista mañana y pagar el seguro el viernes"],
        "expect": {
            "count": 2,
            "tasks": [
                {"match": {"title_contains": "dentista"}, "due_date": "+1d"},
                {"match": {"title_contains": "seguro"}, "due_date": "wd:fri"},
            ],
        },
    },
    {
        "id": "one-add-with-y",
        "say": ["añade comprar huevos y harina"],
        "expect": {"count": 1, "tasks": [{"match": {"title_contains": "huevos y harina"}}]},
    },
    {
        "id": "no-me-dejes-olvidar",
        "say": ["no me dejes olvidar devolver los libros mañana"],
        "expect": add("devolver los libros", due_date="+1d", title_not_contains=["olvidar"]),
    },
]


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_spanish(case: dict[str, Any]) -> None:
    assert check_case(case, FIXED_NOW) == []


def test_spanish_replies_in_spanish() -> None:
    chat = new_chat(setup=[{"title": "comprar pan"}])
    assert chat.say("añade comprar leche mañana").startswith("Añadí 'comprar leche'")
    assert chat.say("completa comprar pan") == "Marqué 'comprar pan' como hecha."


def test_english_users_never_load_other_languages() -> None:
    """Start-up and English messages read no Spanish or Urdu data and no language detector."""
    import subprocess
    import sys

    probe = (
        "import sys, os\n"
        "from tests.support.local_model import new_chat\n"
        "from app.agent.local_model.languages import lexicon\n"
        "chat = new_chat(setup=[{'title': 'walk the dog'}])\n"
        "for m in ['add buy milk tomorrow', 'show my tasks', 'mark the dog one done', 'hi']:\n"
        "    chat.say(m)\n"
        "assert lexicon.cache_info().currsize == 0, lexicon.cache_info()\n"
        "assert 'langdetect' not in sys.modules\n"
        "chat.say('añade comprar pan mañana')\n"
        "assert lexicon.cache_info().currsize == 1 and 'langdetect' in sys.modules\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]


def test_a_list_of_requests_cut_at_commas_answered_in_spanish() -> None:
    chat = new_chat()
    reply = chat.say("añade comprar fruta, lavar la ropa y llamar a la abuela")
    assert sorted(t["title"] for t in chat.store.tasks.values()) == ["comprar fruta", "lavar la ropa",
                                                                      "llamar a la abuela"]
    assert reply.count("Añadí") == 3 and "Added" not in reply
    chat.say("añade comprar pan, leche y huevos")
    assert "comprar pan, leche y huevos" in [t["title"] for t in chat.store.tasks.values()]


@pytest.mark.parametrize("message", ["ya he pagado el gimnasio", "hemos pagado el gimnasio"])
def test_a_present_perfect_report_completes(message: str) -> None:
    chat = new_chat(setup=[{"title": "pagar el gimnasio"}, {"title": "llamar al fontanero"}])
    chat.say(message)
    assert {t["title"]: t["completed"] for t in chat.store.tasks.values()} == {
        "pagar el gimnasio": True, "llamar al fontanero": False}


@pytest.mark.parametrize(("message", "priority"), [
    ("sube la prioridad de llamar al fontanero", "high"), ("súbele la prioridad a llamar al fontanero", "high"),
    ("dale prioridad a llamar al fontanero", "high"), ("baja la prioridad de llamar al fontanero", "low"),
])
def test_raising_or_lowering_a_priority(message: str, priority: str) -> None:
    """Before, these were not understood at all."""
    chat = new_chat(setup=[{"title": "llamar al fontanero", "due_date": "2026-11-26", "due_time": "10:00"},
                           {"title": "comprar pan"}])
    reply = chat.say(message)
    assert chat.store.tasks[1]["priority"] == priority and reply.startswith("Actualicé")
    assert chat.store.tasks[2]["priority"] == "none" and len(chat.store.tasks) == 2


@pytest.mark.parametrize(("message", "due_date", "due_time"), [
    ("quítale la fecha a llamar al fontanero", None, None), ("quita la fecha de llamar al fontanero", None, None),
    ("quítale la hora a llamar al fontanero", "2026-11-26", None),
])
def test_taking_the_date_or_time_off_a_task_never_deletes_it(message: str, due_date: str | None,
                                                             due_time: str | None) -> None:
    """"quita" alone deletes; "quita la fecha de X" before this read as "delete X"."""
    chat = new_chat(setup=[{"title": "llamar al fontanero", "due_date": "2026-11-26", "due_time": "10:00"}])
    chat.say(message)
    task = chat.store.tasks[1]
    assert (task["due_date"], task["due_time"]) == (due_date, due_time)


@pytest.mark.parametrize(("message", "title", "due"), [
    ("tengo cita con el médico el 15", "cita con el médico", ("2026-12-15", None)),
    ("tengo reunión con Laura el viernes a las 10", "reunión con Laura", ("2026-11-27", "10:00")),
    ("tenemos la cena de empresa mañana a las 9 de la noche", "cena de empresa", ("2026-11-27", "21:00")),
])
def test_a_dated_plan_said_as_a_statement_is_added(message: str, title: str, due: tuple[str, str | None]) -> None:
    chat = new_chat()
    chat.say(message)
    [task] = chat.store.tasks.values()
    assert title in task["title"] and (task["due_date"], task["due_time"]) == due


@pytest.mark.parametrize("message", ["tengo algo mañana", "¿tengo cita el 15?", "tengo tareas para hoy"])
def test_a_question_about_plans_still_lists(message: str) -> None:
    chat = new_chat(setup=[{"title": "comprar pan"}])
    chat.say(message)
    assert [n for n, _a in chat.store.calls] == ["list_tasks"] and len(chat.store.tasks) == 1


MOVABLE: list[dict[str, Any]] = [{"title": "visita del casero", "due_date": "2026-11-28", "due_time": "10:00"},
                                 {"title": "compra del súper", "priority": "high"}]


@pytest.mark.parametrize(("message", "due"), [
    ("la visita del casero se movió al lunes", ("2026-11-30", "10:00")),
    ("la visita del casero se cambió al viernes a las 5", ("2026-11-27", "17:00")),
    ("la visita del casero pasó al martes", ("2026-12-01", "10:00")),
    ("la visita del casero se aplazó al 3 de diciembre", ("2026-12-03", "10:00")),
    ("la visita del casero se ha movido al jueves que viene", ("2026-12-03", "10:00")),
])
def test_a_move_said_in_the_past_or_reflexive_updates_the_date(message: str, due: tuple[str, str]) -> None:
    """Before, "X se movió al lunes" added a task titled "X se movió"."""
    chat = new_chat(setup=[dict(t) for t in MOVABLE])
    assert chat.say(message).startswith("Actualicé")
    assert len(chat.store.tasks) == 2 and (chat.store.tasks[1]["due_date"], chat.store.tasks[1]["due_time"]) == due


def test_a_task_about_moving_still_adds() -> None:
    chat = new_chat()
    chat.say("tengo que mover los muebles el lunes")
    assert [(t["title"], t["due_date"]) for t in chat.store.tasks.values()] == [("mover los muebles", "2026-11-30")]


@pytest.mark.parametrize("message", [
    "la compra del súper ya no es urgente", "la compra del súper no es tan urgente",
    "lo de la compra del súper no es importante",
])
def test_saying_a_task_is_no_longer_urgent_lowers_it(message: str) -> None:
    """Before, "urgente" was read without its "no" (or the message was not understood at all)."""
    chat = new_chat(setup=[dict(t) for t in MOVABLE])
    chat.say(message)
    assert [t["priority"] for t in chat.store.tasks.values()] == ["none", "low"]


@pytest.mark.parametrize(("message", "priority"), [
    ("añade llamar al banco, es urgente", "high"), ("añade llamar al banco, no es urgente", "low"),
])
def test_a_new_tasks_priority_keeps_its_negation(message: str, priority: str) -> None:
    chat = new_chat()
    chat.say(message)
    assert [(t["title"], t["priority"]) for t in chat.store.tasks.values()] == [("llamar al banco", priority)]


@pytest.mark.parametrize(("message", "due"), [
    ("retrasa la cita del veterinario una hora", ("2026-11-28", "11:00")),
    ("adelanta la cita del veterinario media hora", ("2026-11-28", "09:30")),
    ("pasa la cita del veterinario dos horas más tarde", ("2026-11-28", "12:00")),
    ("retrasa la cita del veterinario 30 minutos", ("2026-11-28", "10:30")),
    ("adelanta la cita del veterinario una hora y media", ("2026-11-28", "08:30")),
    ("aplaza la cita del veterinario un día", ("2026-11-29", "10:00")),
])
def test_moving_a_task_by_an_amount_of_time(message: str, due: tuple[str, str]) -> None:
    """Before, these were not understood at all."""
    chat = new_chat(setup=[{"title": "cita del veterinario", "due_date": "2026-11-28", "due_time": "10:00"},
                           {"title": "comprar pan", "due_date": "2026-11-28", "due_time": "10:00"}])
    assert chat.say(message).startswith("Actualicé")
    assert [(t["due_date"], t["due_time"]) for t in chat.store.tasks.values()] == [due, ("2026-11-28", "10:00")]


def test_an_amount_of_time_in_a_new_task_stays_in_its_title() -> None:
    chat = new_chat()
    chat.say("añade estudiar dos horas antes del examen")
    assert [t["title"] for t in chat.store.tasks.values()] == ["estudiar dos horas antes del examen"]


DONE_AND_TAGGED: list[dict[str, Any]] = [{"title": "lavar el coche", "completed": True, "tags": ["casa"]},
                                         {"title": "barrer", "tags": ["casa"]}, {"title": "el informe",
                                                                                 "tags": ["trabajo"]}]


@pytest.mark.parametrize(("message", "want"), [
    ("¿qué tareas he completado?", {"status": "completed"}),
    ("¿qué he terminado esta semana?", {"status": "completed", "completed_after": "2026-11-23"}),
    ("qué hemos acabado", {"status": "completed"}),
    ("¿qué tareas he hecho?", {"status": "completed"}),
    ("¿qué tareas no he hecho?", {"status": "pending"}),
])
def test_asking_what_was_done_lists_completed_tasks(message: str, want: dict[str, str]) -> None:
    """Before, "¿qué tareas he completado?" listed the pending tasks, and "¿qué he terminado?" completed one."""
    chat = new_chat(setup=[dict(t) for t in DONE_AND_TAGGED])
    chat.say(message)
    [(name, args)] = chat.store.calls
    assert name == "list_tasks" and want.items() <= args.items()
    assert [t["completed"] for t in chat.store.tasks.values()] == [True, False, False]


@pytest.mark.parametrize("message", [
    "las tareas con la etiqueta casa", "¿qué tareas tienen la etiqueta casa?",
    "muéstrame las tareas etiquetadas con casa", "tareas con etiqueta casa",
])
def test_asking_for_a_tag_lists_the_tasks_tagged_so(message: str) -> None:
    chat = new_chat(setup=[dict(t) for t in DONE_AND_TAGGED])
    reply = chat.say(message)
    assert chat.store.calls[0][0] == "list_tasks" and chat.store.calls[0][1].get("tag") == "casa"
    assert "barrer" in reply and "informe" not in reply


def test_a_task_about_labels_still_adds() -> None:
    chat = new_chat()
    chat.say("añade etiquetar las fotos")
    assert [t["title"] for t in chat.store.tasks.values()] == ["etiquetar las fotos"]


@pytest.mark.parametrize("message", [
    "borra todas mis tareas", "elimina todas las tareas", "borra todo", "quita toda la lista",
])
def test_deleting_everything_asks_first(message: str) -> None:
    """Before, "borra todas mis tareas" was taken for English, and "elimina todas las tareas" looked for 'todas'."""
    chat = new_chat(setup=[{"title": "comprar pan"}, {"title": "llamar al fontanero"}])
    reply = chat.say(message)
    assert [n for n, _a in chat.store.calls] == ["list_tasks"] and len(chat.store.tasks) == 2
    assert "delete all 2 tasks" in reply


def test_deleting_one_task_is_still_one() -> None:
    chat = new_chat(setup=[{"title": "comprar pan"}, {"title": "llamar al fontanero"}])
    chat.say("borra comprar pan")
    assert [t["title"] for t in chat.store.tasks.values()] == ["llamar al fontanero"]


def test_a_spanish_command_word_makes_a_message_spanish() -> None:
    from app.agent.local_model.languages import detect_language

    assert detect_language("borra todas mis tareas", english_understood=False) == "es"
    assert detect_language("delete all my tasks", english_understood=True) == "en"
