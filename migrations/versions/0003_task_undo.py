"""Undo for task deletes: deleted tasks are kept a while in deleted_tasks; task ids are never reused.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30 05:40:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def _recreate_tasks(autoincrement: bool) -> None:
    """SQLite reuses the largest rowid after a delete unless the table is AUTOINCREMENT."""
    if op.get_bind().dialect.name != "sqlite":
        return
    with op.batch_alter_table("tasks", recreate="always", table_kwargs={"sqlite_autoincrement": autoincrement}):
        pass


def upgrade() -> None:
    _recreate_tasks(True)
    op.create_table(
        "deleted_tasks",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_deleted_tasks_user_deleted", "deleted_tasks", ["user_id", "deleted_at"])


def downgrade() -> None:
    op.drop_index("ix_deleted_tasks_user_deleted", table_name="deleted_tasks")
    op.drop_table("deleted_tasks")
    _recreate_tasks(False)
