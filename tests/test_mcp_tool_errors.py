"""MCP tool errors that teach: every failure names the field and the rule, in-process and over stdio."""

from __future__ import annotations

import asyncio
from typing import Any

from flask import Flask

from app.mcp.inprocess import InProcessMCPServer, SharedConnection
from app.mcp.tools import USER_META_KEY, build_server
from tests.support.accounts import AuthActions
from tests.support.env import server_env

MISSING = 999999

BAD_VALUES: list[tuple[str, dict[str, Any], list[str]]] = [
    # (tool, arguments, what the message must say); "TASK" / "REMINDER" stand for a real id of the user.
    ("add_task", {"title": "   "}, ["title:", "visible text"]),
    ("add_task", {"title": "x" * 300}, ["title:", "at most 200 characters"]),
    ("add_task", {"title": "call mom", "due_date": "tomorrow"}, ["due_date:", "YYYY-MM-DD"]),
    ("add_task", {"title": "call mom", "due_date": "2030-02-30"}, ["due_date:", "day is out of range for month"]),
    ("add_task", {"title": "call mom", "due_time": "25:00"}, ["due_time:", "HH:MM"]),
    ("add_task", {"title": "call mom", "recurrence": "FREQ=SOMETIMES"}, ["recurrence:", "not a valid RRULE"]),
    ("add_task", {"title": "call mom", "priority": "urgent"}, ["priority:", "'none', 'low', 'medium' or 'high'"]),
    ("add_task", {"title": "call mom", "tags": ["two words"]}, ["tags:", "one word"]),
    ("list_tasks", {"due_before": "nope"}, ["due_before:", "YYYY-MM-DD"]),
    ("list_tasks", {"completed_after": "soon"}, ["completed_after:", "YYYY-MM-DD"]),
    ("list_tasks", {"limit": 500}, ["limit:", "less than or equal to 100"]),
    ("list_tasks", {"status": "done-ish"}, ["status:", "'all', 'pending' or 'completed'"]),
    ("complete_task", {"task_id": MISSING}, [f"no task {MISSING}"]),
    ("complete_task", {"task_id": "abc"}, ["task_id:", "valid integer"]),
    ("delete_task", {"task_id": MISSING}, [f"no task {MISSING}"]),
    ("update_task", {"task_id": "TASK", "title": ""}, ["title:", "visible text"]),
    ("update_task", {"task_id": "TASK", "title": "y" * 300}, ["title:", "at most 200 characters"]),
    ("update_task", {"task_id": "TASK", "due_date": "2030-02-30"}, ["due_date:", "day is out of range for month"]),
    ("update_task", {"task_id": "TASK", "due_time": "25:00"}, ["due_time:", "HH:MM"]),
    ("update_task", {"task_id": "TASK", "recurrence": "FREQ=SOMETIMES"}, ["recurrence:", "not a valid RRULE"]),
    ("update_task", {"task_id": "TASK"}, ["nothing to change", "at least one field"]),
    ("update_task", {"task_id": MISSING, "title": "fine"}, [f"no task {MISSING}"]),
    ("clear_completed", {"confirm": "maybe"}, ["confirm:", "valid boolean"]),
    ("add_reminder", {"task_id": "TASK", "remind_at": "later"}, ["remind_at", "ISO 8601"]),
    ("add_reminder", {"task_id": "TASK"}, ["either remind_at or before_minutes"]),
    ("add_reminder", {"task_id": "TASK", "before_minutes": -5}, ["before_minutes:", "greater than or equal to 0"]),
    ("add_reminder", {"task_id": "UNDATED", "before_minutes": 30}, ["before_minutes", "due date and time"]),
    ("add_reminder", {"task_id": MISSING, "before_minutes": 30}, [f"no task {MISSING}"]),
    ("list_reminders", {"status": "soon"}, ["status:", "'active', 'scheduled', 'fired', 'dismissed' or 'all'"]),
    ("list_reminders", {"limit": 0}, ["limit:", "greater than or equal to 1"]),
    ("snooze_reminder", {"reminder_id": "REMINDER", "minutes": 0}, ["minutes:", "greater than or equal to 1"]),
    ("snooze_reminder", {"reminder_id": MISSING}, [f"no reminder {MISSING}"]),
    ("delete_reminder", {"reminder_id": MISSING}, [f"no reminder {MISSING}"]),
    ("delete_reminder", {"reminder_id": "x1"}, ["reminder_id:", "valid integer"]),
]


def _call_all(user_id: str, calls: list[tuple[str, dict[str, Any]]]) -> list[Any]:
    """Each call's result as the agent's in-process adapter hands it to the model."""

    async def run() -> list[Any]:
        server = InProcessMCPServer(SharedConnection(build_server()))
        await server.connect()
        return [await server.call_tool(name, args, meta={USER_META_KEY: user_id}) for name, args in calls]

    return asyncio.run(run())


def _text(result: Any) -> str:
    return "\n".join(part.text for part in result.content)


def test_every_tool_names_the_field_and_the_rule_of_a_bad_value(app: Flask, auth: AuthActions) -> None:
    user = auth.signup()
    dated = user.add_task(title="dentist", due_date="2099-05-04", due_time="15:00")
    undated = user.add_task(title="someday")
    (added,) = _call_all(user.id, [("add_reminder", {"task_id": dated["id"], "before_minutes": 60})])
    ids = {"TASK": dated["id"], "UNDATED": undated["id"], "REMINDER": added.structured_content["reminder"]["id"]}
    calls = [(name, {k: ids.get(v, v) if isinstance(v, str) else v for k, v in args.items()})
             for name, args, _ in BAD_VALUES]
    before = user.request("GET", "/tasks?status=all").get_json()["tasks"]

    results = _call_all(user.id, calls)

    for (name, args, expected), result in zip(BAD_VALUES, results, strict=True):
        text = _text(result)
        assert result.is_error, (name, args, text)
        assert "Error executing tool" not in text, (name, args, text)
        for part in expected:
            assert part in text, (name, args, text)
    assert user.request("GET", "/tasks?status=all").get_json()["tasks"] == before
    assert {t.name for t in asyncio.run(_tool_names())} == {name for name, _, _ in BAD_VALUES}


async def _tool_names() -> list[Any]:
    server = InProcessMCPServer(SharedConnection(build_server()))
    await server.connect()
    return await server.list_tools()


def test_a_conflict_reaches_the_model_as_a_sentence(app: Flask, auth: AuthActions) -> None:
    user = auth.signup()
    task = user.add_task(title="dentist", due_date="2099-05-04", due_time="15:00")
    (added,) = _call_all(user.id, [("add_reminder", {"task_id": task["id"], "before_minutes": 60})])
    user.request("PATCH", f"/tasks/{task['id']}/complete", json={"completed": True})

    (snoozed,) = _call_all(user.id, [("snooze_reminder", {"reminder_id": added.structured_content["reminder"]["id"]})])

    assert snoozed.is_error and _text(snoozed) == "that task is already completed"


def test_errors_over_stdio_name_the_field_and_the_rule(app: Flask, auth: AuthActions, migrated: str) -> None:
    import sys

    from mcp import Client, StdioServerParameters

    acct = auth.signup()
    env = server_env(TODO_MODE="developer", DATABASE_URL=migrated, FLASK_APP="app:create_app",
                     TODO_INSTANCE_PATH=app.instance_path)
    params = StdioServerParameters(command=sys.executable, args=["-m", "flask", "todo", "mcp", "serve", "--user",
                                                                acct.email], env=env)

    async def session() -> list[Any]:
        async with Client(params) as client:
            return [
                await client.call_tool("add_task", {"title": "call mom", "due_date": "2030-02-30"}),
                await client.call_tool("add_task", {"title": "call mom", "priority": "urgent"}),
                await client.call_tool("list_tasks", {"due_before": "nope"}),
                await client.call_tool("update_task", {"task_id": MISSING, "title": "x"}),
            ]

    bad_date, bad_priority, bad_filter, missing = asyncio.run(session())
    assert all(r.is_error for r in (bad_date, bad_priority, bad_filter, missing))
    assert _text(bad_date) == ("Error executing tool add_task: invalid arguments: "
                               "due_date: day is out of range for month")
    assert _text(bad_priority) == ("Error executing tool add_task: invalid arguments: "
                                   "priority: Input should be 'none', 'low', 'medium' or 'high'")
    assert _text(bad_filter) == ("Error executing tool list_tasks: invalid arguments: "
                                 "due_before: must be a date as YYYY-MM-DD")
    assert _text(missing) == f"Error executing tool update_task: no task {MISSING}"
    assert acct.request("GET", "/tasks?status=all").get_json()["tasks"] == []
