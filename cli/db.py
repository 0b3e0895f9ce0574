"""`flask todo db ...`: migrations."""

from __future__ import annotations

import click
from alembic import command
from flask.cli import with_appcontext

from cli.migrate import alembic_config


@click.group("db")
def db_group() -> None:
    """Database migrations (Alembic)."""


@db_group.command("upgrade")
@click.argument("revision", default="head")
@with_appcontext
def upgrade(revision: str) -> None:
    """Migrate up to REVISION (default: head)."""
    command.upgrade(alembic_config(), revision)
    click.echo(f"Database upgraded to {revision}.")


@db_group.command("downgrade")
@click.argument("revision", default="-1")
@with_appcontext
def downgrade(revision: str) -> None:
    """Migrate down to REVISION (default: one step; 'base' empties the schema)."""
    command.downgrade(alembic_config(), revision)
    click.echo(f"Database downgraded to {revision}.")


@db_group.command("current")
@with_appcontext
def current() -> None:
    """Show the database's revision."""
    command.current(alembic_config(), verbose=False)


@db_group.command("history")
@with_appcontext
def history() -> None:
    """List the migrations."""
    command.history(alembic_config())
