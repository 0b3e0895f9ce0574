"""Test users on the Flask test client: sign-up/sign-in and an account's requests to its own /api/<id>/ routes."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from flask.testing import FlaskClient

TEST_SECRET = "test-secret-key-0123456789abcdef0123456789"


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
