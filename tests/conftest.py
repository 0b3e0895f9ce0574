"""Fixtures: `app`, `client`, `runner` and `auth`, on SQLite or on the PostgreSQL of TEST_DATABASE_URL."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from click.testing import Result
from flask import Flask
from flask.cli import cli as flask_command
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import create_engine, text

from app import create_app
from app.config import normalize_database_url
from app.models import Base
from cli.migrate import downgrade, upgrade
from tests.support.accounts import TEST_SECRET, AuthActions
from tests.support.env import run_settings


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The database under test: TEST_DATABASE_URL (PostgreSQL) or a fresh SQLite file."""
    url = run_settings().test_database_url
    if url:
        return normalize_database_url(url)
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


@pytest.fixture(scope="session")
def migrated(database_url: str) -> Iterator[str]:
    """The schema, built by the real migrations (from empty)."""
    downgrade("base", url=database_url)
    upgrade("head", url=database_url)
    yield database_url


def _empty_tables(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        if url.startswith("postgresql"):
            names = ", ".join(t.name for t in Base.metadata.sorted_tables)
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in reversed(Base.metadata.sorted_tables):
                conn.execute(table.delete())
    engine.dispose()


@pytest.fixture
def app(migrated: str, tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[Flask]:
    """An app in developer mode on the migrated test database, emptied after each test."""
    monkeypatch.setenv("TODO_INSTANCE_PATH", str(tmp_path / "instance"))
    application = create_app(
        {"mode": "developer", "database_url": migrated, "secret_key": TEST_SECRET, "TESTING": True,
         "ratelimit_enabled": False}
    )
    yield application
    from app.extensions import db

    db.session.remove()
    _empty_tables(migrated)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A test client of the app."""
    return app.test_client()


class FlaskCommandRunner(FlaskCliRunner):
    """Invokes commands as the `flask` command does: with those of the `flask.commands` entry points (`todo`)."""

    def invoke(  # type: ignore[override]  # FlaskCliRunner's own signature, which widens click's
        self, cli: Any = None, args: Any = None, **kwargs: Any
    ) -> Result:
        return super().invoke(cli or flask_command, args, **kwargs)


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    """A runner for the CLI commands, on this app."""
    return FlaskCommandRunner(app)


@pytest.fixture
def auth(client: FlaskClient) -> AuthActions:
    """Sign-up and sign-in helpers."""
    return AuthActions(client)
