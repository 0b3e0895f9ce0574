"""`flask todo config ...`: the effective settings and the developer/production toggle."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from app.config import MODE_FILE, MODES


@click.group("config")
def config_group() -> None:
    """Show settings, switch mode."""


@config_group.command("show")
@with_appcontext
def show() -> None:
    """Print the effective settings, secrets masked."""
    cfg = current_app.extensions["todo_config"]
    for key, value in cfg.masked().items():
        click.echo(f"{key:24} {value}")


@config_group.command("set-mode")
@click.argument("mode", type=click.Choice(MODES))
@with_appcontext
def set_mode(mode: str) -> None:
    """Persist MODE in the instance folder (TODO_MODE in the environment still wins)."""
    path = Path(current_app.instance_path) / MODE_FILE
    path.write_text(mode + "\n")
    click.echo(f"Mode set to {mode} in {path}; restart the server to apply it.")
