"""`flask todo config ...`: the effective settings and the developer/production toggle."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from app.config import MODE_FILE, MODES, Config, ServerSettings, docs_table, get_config


@click.group("config")
def config_group() -> None:
    """Show settings, switch mode."""


@config_group.command("show")
@with_appcontext
def show() -> None:
    """Print the effective settings, secrets masked."""
    cfg = get_config()
    for key, value in cfg.masked().items():
        click.echo(f"{key:24} {value}")


@config_group.command("docs")
def docs() -> None:
    """Print the README's tables of settings, generated from the settings' own docs."""
    click.echo(readme_section())


def readme_section() -> str:
    """The Markdown of the README's settings tables (tests/test_config.py checks the README holds it)."""
    between = "The gunicorn master reads a few of its own (`ServerSettings`, in gunicorn.conf.py):"
    return f"{docs_table(Config)}\n\n{between}\n\n{docs_table(ServerSettings)}"


@config_group.command("set-mode")
@click.argument("mode", type=click.Choice(MODES))
@with_appcontext
def set_mode(mode: str) -> None:
    """Persist MODE in the instance folder (TODO_MODE in the environment still wins)."""
    path = Path(current_app.instance_path) / MODE_FILE
    path.write_text(mode + "\n")
    click.echo(f"Mode set to {mode} in {path}; restart the server to apply it.")
