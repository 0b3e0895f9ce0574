"""The `flask todo` command group: db, users, config, seed, threads, chat, mcp."""

from __future__ import annotations

import click

from cli.chat import chat, mcp_group
from cli.config_cmd import config_group
from cli.db import db_group
from cli.reminders import reminders_group
from cli.seed import seed
from cli.threads import threads_group
from cli.users import users_group


@click.group("todo")
def todo() -> None:
    """Administer Todo Assistant."""


todo.add_command(db_group)
todo.add_command(users_group)
todo.add_command(config_group)
todo.add_command(seed)
todo.add_command(threads_group)
todo.add_command(chat)
todo.add_command(mcp_group)
todo.add_command(reminders_group)
