"""Migrations upgrade and downgrade on the test database (SQLite or PostgreSQL) and match the models."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect

from app.models import Base
from cli.migrate import downgrade, upgrade


def test_downgrade_to_base_and_back(migrated: str) -> None:
    engine = create_engine(migrated)
    try:
        downgrade("base", url=migrated)
        assert not {"users", "tasks"} & set(inspect(engine).get_table_names())
        upgrade("head", url=migrated)
        assert {"users", "tasks", "conversations", "messages", "auth_sessions"} <= set(
            inspect(engine).get_table_names()
        )
        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
        assert diff == []
        assert {"reminders", "events", "push_subscriptions"} <= set(inspect(engine).get_table_names())
        if migrated.startswith("sqlite"):
            with engine.connect() as conn:
                sql = " ".join(r[0] for r in conn.exec_driver_sql(
                    "SELECT sql FROM sqlite_master WHERE name IN ('conversations', 'messages')"))
            assert sql.count("AUTOINCREMENT") == 2
    finally:
        engine.dispose()
