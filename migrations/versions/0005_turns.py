"""Idempotent turns: a user message may carry the client's Idempotency-Key (unique per user).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30 06:00:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("messages") as batch:
        batch.add_column(sa.Column("idempotency_key", sa.String(100), nullable=True))
        batch.create_index("ux_messages_user_idempotency", ["user_id", "idempotency_key"], unique=True)


def downgrade() -> None:
    with op.batch_alter_table("messages") as batch:
        batch.drop_index("ux_messages_user_idempotency")
        batch.drop_column("idempotency_key")
