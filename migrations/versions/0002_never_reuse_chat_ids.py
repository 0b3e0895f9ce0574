"""Conversation and message ids are never reused (SQLite AUTOINCREMENT; PostgreSQL sequences already are).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26 00:50:00
"""
from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def _recreate(autoincrement: bool) -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for table in ("conversations", "messages"):
        with op.batch_alter_table(table, recreate="always",
                                  table_kwargs={"sqlite_autoincrement": autoincrement}):
            pass


def upgrade() -> None:
    _recreate(True)


def downgrade() -> None:
    _recreate(False)
