"""`flask todo`: db, users, config and seed, as an operator uses them."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import AuthActions


def test_help_lists_the_groups(runner) -> None:
    result = runner.invoke(args=["todo", "--help"])
    assert result.exit_code == 0
    for name in ("db", "users", "config", "seed"):
        assert name in result.output


def test_users_create_list_disable_reset(runner, auth: AuthActions) -> None:
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


def test_seed_creates_demo_tasks(runner, auth: AuthActions) -> None:
    acct = auth.signup()
    result = runner.invoke(args=["todo", "seed", "--user", acct.email, "--count", "12"])
    assert result.exit_code == 0, result.output
    tasks = acct.request("GET", "/tasks?limit=100").get_json()["tasks"]
    assert len(tasks) == 12
    assert any(t["recurrence"] for t in tasks) and any(t["due_date"] for t in tasks)


def test_config_show_masks_secrets(runner) -> None:
    result = runner.invoke(args=["todo", "config", "show"])
    assert result.exit_code == 0
    assert "mode" in result.output and "developer" in result.output
    assert "test-secret-key" not in result.output


def test_config_set_mode_persists(app, runner) -> None:
    result = runner.invoke(args=["todo", "config", "set-mode", "production"])
    assert result.exit_code == 0, result.output
    assert (Path(app.instance_path) / "mode").read_text().strip() == "production"
    bad = runner.invoke(args=["todo", "config", "set-mode", "chaos"])
    assert bad.exit_code != 0


def test_db_current_and_history(runner) -> None:
    assert "0001" in runner.invoke(args=["todo", "db", "history"]).output
    assert runner.invoke(args=["todo", "db", "current"]).exit_code == 0
