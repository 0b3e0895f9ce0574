"""The `flask todo` command group: db, users, config, seed."""

from __future__ import annotations

import click

from cli.config_cmd import config_group
from cli.db import db_group
from cli.seed import seed
from cli.users import users_group


@click.group("todo")
def todo() -> None:
    """Administer Todo Assistant."""


todo.add_command(db_group)
todo.add_command(users_group)
todo.add_command(config_group)
todo.add_command(seed)
