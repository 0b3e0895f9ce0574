"""Fixtures: `app`, `client`, `runner` and `auth`, on SQLite or on the PostgreSQL of TEST_DATABASE_URL."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from click.testing import Result
from flask import Flask
from flask.cli import cli as flask_command
from flask.testing import FlaskClient, FlaskCliRunner
from hypothesis import settings as hypothesis_settings
from sqlalchemy import create_engine, text

from app import create_app
from app.config import normalize_database_url
from app.models import Base
from cli.migrate import downgrade, upgrade
from tests.support.accounts import TEST_SECRET, AuthActions
from tests.support.databases import worker_database
from tests.support.env import run_settings, use_database

hypothesis_settings.register_profile("ci", derandomize=True, deadline=None)
"""`make test`'s profile: every property and fuzz test draws the same examples on every run (seeded from the
test's name), so a pass proves the code and not a lucky draw; `make fuzz` draws fresh ones. No deadline: on
this shared machine an example's time is noise (a 175 ms example took 262 ms once and failed the 200 ms
default), and speed is measured by `make bench`, not by unit tests."""


def pytest_configure(config: pytest.Config) -> None:
    """In a pytest-xdist worker on PostgreSQL: a database of the worker's own, for its tests and servers."""
    settings = run_settings()
    if settings.test_database_url and settings.pytest_xdist_worker:
        use_database(worker_database(settings.test_database_url, settings.pytest_xdist_worker))


DATABASE_FIXTURES = frozenset({"app", "client", "runner", "auth", "migrated", "database_url"})
"""Fixtures that reach the database under test: a `database_independent` test (run once, in the SQLite
pass) may use none of them, or PostgreSQL would never see what it does."""


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Refuse a test marked `database_independent` that uses the database under test after all."""
    wrong = [item.nodeid for item in items if item.get_closest_marker("database_independent")
             and DATABASE_FIXTURES & set(getattr(item, "fixturenames", ()))]
    if wrong:
        raise pytest.UsageError(f"marked database_independent but uses the database: {', '.join(wrong)}")


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
