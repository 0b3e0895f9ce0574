"""Fixtures: `app`, `client`, `runner` and `auth`, on SQLite or on the PostgreSQL of TEST_DATABASE_URL."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import create_engine, text

from app import create_app
from app.config import normalize_database_url
from app.models import Base
from cli.migrate import downgrade, upgrade

TEST_SECRET = "test-secret-key-0123456789abcdef0123456789"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The database under test: TEST_DATABASE_URL (PostgreSQL) or a fresh SQLite file."""
    url = os.environ.get("TEST_DATABASE_URL")
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
def app(migrated: str, tmp_path: Any) -> Iterator[Flask]:
    """An app in developer mode on the migrated test database, emptied after each test."""
    os.environ["TODO_INSTANCE_PATH"] = str(tmp_path / "instance")
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


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    """A runner for the app's CLI commands."""
    return app.test_cli_runner()


@dataclass
class Account:
    """A signed-up user and their tokens, with helpers for their /api/<id>/ routes."""

    client: FlaskClient
    """The client requests go through."""
    id: str
    """The user's id."""
    email: str
    """The user's email."""
    password: str
    """The user's password."""
    access_token: str
    """Bearer token."""
    refresh_token: str
    """Refresh token."""
    extra: dict[str, Any] = field(default_factory=dict)
    """Anything a test wants to keep with the account."""

    @property
    def headers(self) -> dict[str, str]:
        """The Authorization header."""
        return {"Authorization": f"Bearer {self.access_token}"}

    def url(self, path: str) -> str:
        """`/api/<id><path>`."""
        return f"/api/{self.id}{path}"

    def request(self, method: str, path: str, **kwargs: Any) -> Any:
        """A request to one of this user's routes, with their token."""
        headers = {**self.headers, **kwargs.pop("headers", {})}
        return self.client.open(self.url(path), method=method, headers=headers, **kwargs)

    def add_task(self, **fields: Any) -> dict[str, Any]:
        """Create a task through the API and return it."""
        resp = self.request("POST", "/tasks", json={"title": "a task", **fields})
        assert resp.status_code == 201, resp.get_json()
        return dict(resp.get_json())


class AuthActions:
    """Sign users up and in."""

    def __init__(self, client: FlaskClient) -> None:
        self._client = client

    def signup(self, email: str | None = None, password: str = "correct horse battery", **extra: Any) -> Account:
        """Create a user through the API."""
        email = email or f"user-{uuid.uuid4().hex[:10]}@example.com"
        resp = self._client.post("/api/auth/signup", json={"email": email, "password": password, **extra},
                                 headers={"X-Refresh-Token": "body"})
        assert resp.status_code == 201, resp.get_json()
        body = resp.get_json()
        return Account(self._client, body["user"]["id"], email, password, body["access_token"],
                       body["refresh_token"])

    def signin(self, email: str, password: str) -> Any:
        """Sign in; returns the raw response."""
        return self._client.post("/api/auth/signin", json={"email": email, "password": password})


@pytest.fixture
def auth(client: FlaskClient) -> AuthActions:
    """Sign-up and sign-in helpers."""
    return AuthActions(client)
