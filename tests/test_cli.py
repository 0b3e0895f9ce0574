"""`flask todo`: db, users, config and seed, as an operator uses them."""

from __future__ import annotations

from importlib.metadata import entry_points
from pathlib import Path
from typing import Any, cast

from flask import Flask
from flask.testing import FlaskCliRunner

from tests.support.accounts import AuthActions
from tests.support.env import server_env


def test_help_lists_the_groups(runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["todo", "--help"])
    assert result.exit_code == 0
    for name in ("db", "users", "config", "seed"):
        assert name in result.output


def test_users_create_list_disable_reset(runner: FlaskCliRunner, auth: AuthActions) -> None:
    result = runner.invoke(args=["todo", "users", "create", "--email", "Op@Example.com", "--name", "Op",
                                 "--timezone", "Europe/Berlin", "--password", "op-password"])
    assert result.exit_code == 0, result.output
    assert "op@example.com" in result.output
    dup = runner.invoke(args=["todo", "users", "create", "--email", "op@example.com", "--password", "xx-password"])
    assert dup.exit_code != 0 and "already exists" in dup.output
    bad = runner.invoke(args=["todo", "users", "create", "--email", "nope", "--password", "xx-password"])
    assert bad.exit_code != 0 and "email" in bad.output
    assert auth.signin("op@example.com", "op-password").status_code == 200
    listing = runner.invoke(args=["todo", "users", "list"])
    assert "op@example.com" in listing.output and "Europe/Berlin" in listing.output
    reset = runner.invoke(args=["todo", "users", "reset-password", "op@example.com", "--password", "new-password"])
    assert reset.exit_code == 0, reset.output
    assert auth.signin("op@example.com", "op-password").status_code == 401
    assert auth.signin("op@example.com", "new-password").status_code == 200
    runner.invoke(args=["todo", "users", "disable", "op@example.com"])
    assert auth.signin("op@example.com", "new-password").status_code == 401
    runner.invoke(args=["todo", "users", "disable", "op@example.com", "--enable"])
    assert auth.signin("op@example.com", "new-password").status_code == 200
    missing = runner.invoke(args=["todo", "users", "disable", "ghost@example.com"])
    assert missing.exit_code != 0 and "No user" in missing.output


def test_seed_creates_demo_tasks(runner: FlaskCliRunner, auth: AuthActions) -> None:
    acct = auth.signup()
    result = runner.invoke(args=["todo", "seed", "--user", acct.email, "--count", "12"])
    assert result.exit_code == 0, result.output
    tasks = acct.request("GET", "/tasks?limit=100").get_json()["tasks"]
    assert len(tasks) == 12
    assert any(t["recurrence"] for t in tasks) and any(t["due_date"] for t in tasks)


def test_config_show_masks_secrets(runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["todo", "config", "show"])
    assert result.exit_code == 0
    assert "mode" in result.output and "developer" in result.output
    assert "test-secret-key" not in result.output


def test_config_set_mode_persists(app: Flask, runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["todo", "config", "set-mode", "production"])
    assert result.exit_code == 0, result.output
    assert (Path(app.instance_path) / "mode").read_text().strip() == "production"
    bad = runner.invoke(args=["todo", "config", "set-mode", "chaos"])
    assert bad.exit_code != 0


def test_db_current_and_history(runner: FlaskCliRunner) -> None:
    assert "0001" in runner.invoke(args=["todo", "db", "history"]).output
    assert runner.invoke(args=["todo", "db", "current"]).exit_code == 0


def test_chat_threads_show_export_delete(runner: FlaskCliRunner, auth: AuthActions) -> None:
    acct = auth.signup()
    result = runner.invoke(args=["todo", "chat", "--user", acct.email, "-m", "add buy stamps #errands",
                                 "-m", "what's on my list?"])
    assert result.exit_code == 0, result.output
    assert "buy stamps" in result.output
    listing = runner.invoke(args=["todo", "threads", "list", "--user", acct.email])
    assert "4 messages" in listing.output and "add buy stamps" in listing.output
    conv_id = listing.output.split("\t", 1)[0]
    shown = runner.invoke(args=["todo", "threads", "show", conv_id])
    assert "-> add_task(" in shown.output and "errands" in shown.output
    exported = runner.invoke(args=["todo", "threads", "export", conv_id, "--format", "json"])
    import json

    doc = json.loads(exported.output)
    assert [m["role"] for m in doc["messages"]] == ["user", "assistant", "user", "assistant"]
    md = runner.invoke(args=["todo", "threads", "export", conv_id, "--format", "md"])
    assert md.output.startswith("# add buy stamps") and "`add_task`" in md.output
    assert runner.invoke(args=["todo", "threads", "delete", conv_id, "--yes"]).exit_code == 0
    assert "No conversations" in runner.invoke(args=["todo", "threads", "list", "--user", acct.email]).output
    assert runner.invoke(args=["todo", "threads", "show", "999999"]).exit_code != 0


def test_mcp_serve_speaks_mcp_over_stdio_for_one_user(app: Flask, auth: AuthActions, migrated: str) -> None:
    import asyncio
    import sys

    from mcp import Client, StdioServerParameters
    from mcp.types import RequestParamsMeta, TextContent

    acct = auth.signup()
    other = auth.signup()
    other_task = other.add_task(title="not yours")
    env = server_env(TODO_MODE="developer", DATABASE_URL=migrated, FLASK_APP="app:create_app",
                     TODO_INSTANCE_PATH=app.instance_path)
    params = StdioServerParameters(command=sys.executable, args=["-m", "flask", "todo", "mcp", "serve", "--user",
                                                                acct.email], env=env)

    async def session() -> tuple[list[str], dict[str, Any], str]:
        async with Client(params) as client:
            tools = [t.name for t in (await client.list_tools()).tools]
            added = await client.call_tool("add_task", {"title": "from stdio", "tags": ["#Cli"]})
            # An open TypedDict (extra_items=Any) that mypy reads as closed: the cast states the extra key.
            meta = cast(RequestParamsMeta, {"todo-assistant/user_id": other.id})
            stolen = await client.call_tool("delete_task", {"task_id": other_task["id"]}, meta=meta)
            reply = stolen.content[0]
            assert isinstance(reply, TextContent), reply
            return tools, dict(added.structured_content or {}), reply.text

    tools, added, stolen = asyncio.run(session())
    assert {"add_task", "list_tasks", "complete_task", "delete_task", "update_task", "clear_completed"} <= set(tools)
    assert added["task"]["title"] == "from stdio" and added["task"]["tags"] == ["cli"]
    assert "no task" in stolen.lower()
    assert [t["title"] for t in acct.request("GET", "/tasks").get_json()["tasks"]] == ["from stdio"]
    assert other.request("GET", f"/tasks/{other_task['id']}").status_code == 200


def test_the_todo_group_comes_from_the_flask_commands_entry_point(app: Flask, runner: FlaskCliRunner) -> None:
    assert "todo" not in app.cli.commands  # the app factory does not import the CLI
    (entry,) = [ep for ep in entry_points(group="flask.commands") if ep.name == "todo"]
    assert entry.value == "cli:todo"
    result = runner.invoke(args=["todo", "--help"])
    assert result.exit_code == 0 and "users" in result.output
