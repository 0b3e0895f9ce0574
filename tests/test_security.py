"""Abuse limits, sign-in back-off, token attacks, security headers, CORS and what logs may hold."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app import create_app
from app.extensions import db
from app.logs import RequestIdFilter
from app.models import User
from tests.support.accounts import TEST_SECRET, AuthActions


@pytest.fixture
def limited(app: Flask, migrated: str) -> Iterator[Flask]:
    """An app with small rate limits switched on (the `app` fixture cleans the database after)."""
    limited_app = create_app({"mode": "developer", "database_url": migrated, "secret_key": TEST_SECRET,
                              "ratelimit_enabled": True, "ratelimit_auth": "4 per minute",
                              "ratelimit_chat": "3 per minute", "chat_turns_per_day": 5,
                              "signin_free_failures": 2})
    yield limited_app
    from app.security import limiter

    limiter.reset()


def test_auth_attempts_are_limited_per_ip_with_retry_after(limited: Flask) -> None:
    client = limited.test_client()
    codes = [client.post("/api/auth/signin", json={"email": f"x{i}@example.com", "password": "whatever-1"})
             for i in range(5)]
    assert [c.status_code for c in codes[:4]] == [401] * 4
    assert codes[4].status_code == 429
    assert codes[4].get_json()["error"]["code"] == "rate_limited"
    assert int(codes[4].headers["Retry-After"]) > 0


def test_chat_turns_are_limited_per_user_not_per_path(limited: Flask) -> None:
    client = limited.test_client()
    alice, bob = AuthActions(client).signup(), AuthActions(client).signup()
    # A stranger hammering alice's path is counted by IP and spends nothing of alice's budget.
    stranger = [client.post(f"/api/{alice.id}/chat", json={"message": "hi"}).status_code for _ in range(5)]
    assert stranger == [401, 401, 401, 429, 429]
    statuses = [alice.request("POST", "/chat", json={"message": "hi"}).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert bob.request("POST", "/chat", json={"message": "hi"}).status_code == 200


def test_signin_failures_impose_growing_waits(limited: Flask, migrated: str) -> None:
    from app.security import limiter

    roomy = create_app({"mode": "developer", "database_url": migrated, "secret_key": TEST_SECRET,
                        "ratelimit_enabled": True, "ratelimit_auth": "100 per minute", "signin_free_failures": 2})
    client = roomy.test_client()
    acct = AuthActions(client).signup(password="the-right-one")
    limiter.reset()
    wrong = {"email": acct.email, "password": "the-wrong-one"}
    assert client.post("/api/auth/signin", json=wrong).status_code == 401
    assert client.post("/api/auth/signin", json=wrong).status_code == 401
    blocked = client.post("/api/auth/signin", json={"email": acct.email, "password": "the-right-one"})
    assert blocked.status_code == 429 and blocked.get_json()["error"]["code"] == "signin_backoff"
    assert int(blocked.headers["Retry-After"]) >= 1
    time.sleep(1.1)
    assert client.post("/api/auth/signin", json=wrong).status_code == 401
    second = client.post("/api/auth/signin", json=wrong)
    assert second.status_code == 429 and int(second.headers["Retry-After"]) >= 1
    time.sleep(2.1)
    assert client.post("/api/auth/signin", json={"email": acct.email, "password": "the-right-one"}).status_code == 200


def test_token_for_a_deleted_user_is_refused(app: Flask, client: FlaskClient, auth: AuthActions) -> None:
    acct = auth.signup()
    with app.app_context():
        db.session.delete(db.session.get(User, acct.id))
        db.session.commit()
    assert acct.request("GET", "/tasks").status_code == 401
    assert client.get("/api/auth/session", headers=acct.headers).status_code == 401


def test_security_headers(client: FlaskClient, auth: AuthActions) -> None:
    acct = auth.signup()
    for resp in (client.get("/healthz"), acct.request("GET", "/tasks"), client.get("/api/nope")):
        assert resp.headers["X-Content-Type-Options"] == "nosniff"
        assert resp.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
        csp = resp.headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in csp and "https://cdn.platform.openai.com" in csp
        assert resp.headers["X-Request-ID"]
    tagged = client.get("/healthz", headers={"X-Request-ID": "trace-123"})
    assert tagged.headers["X-Request-ID"] == "trace-123"


def test_production_adds_hsts(app: Flask, migrated: str) -> None:
    prod = create_app({"mode": "production", "database_url": migrated, "secret_key": TEST_SECRET})
    assert "max-age" in prod.test_client().get("/healthz").headers["Strict-Transport-Security"]


def test_cors_allowlist(app: Flask, client: FlaskClient, migrated: str) -> None:
    preflight = {"Origin": "http://localhost:3000", "Access-Control-Request-Method": "POST",
                 "Access-Control-Request-Headers": "Authorization, Content-Type"}
    dev = client.options("/api/auth/signin", headers=preflight)
    assert dev.headers.get("Access-Control-Allow-Origin") == "http://localhost:3000"
    evil = client.options("/api/auth/signin", headers={**preflight, "Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in evil.headers
    prod = create_app({"mode": "production", "database_url": migrated, "secret_key": TEST_SECRET})
    assert "Access-Control-Allow-Origin" not in prod.test_client().options("/api/auth/signin",
                                                                          headers=preflight).headers
    allowed = create_app({"mode": "production", "database_url": migrated, "secret_key": TEST_SECRET,
                          "cors_origins": ["https://todo.example.com"]})
    resp = allowed.test_client().options("/api/auth/signin", headers={**preflight,
                                                                        "Origin": "https://todo.example.com"})
    assert resp.headers.get("Access-Control-Allow-Origin") == "https://todo.example.com"


def test_logs_hold_no_secrets_passwords_or_message_text(app: Flask, migrated: str,
                                                        caplog: pytest.LogCaptureFixture) -> None:
    prod = create_app({"mode": "production", "database_url": migrated, "secret_key": TEST_SECRET,
                       "ratelimit_enabled": False})
    client = prod.test_client()
    caplog.set_level(logging.DEBUG)
    password, secret_words = "hunter2-very-secret", "my secret diary entry about bananas"
    resp = client.post("/api/auth/signup", json={"email": "logs@example.com", "password": password})
    token, uid = resp.get_json()["access_token"], resp.get_json()["user"]["id"]
    client.post("/api/auth/signin", json={"email": "logs@example.com", "password": "wrong-password-1"})
    headers = {"Authorization": f"Bearer {token}"}
    client.post(f"/api/{uid}/chat", json={"message": f"add {secret_words}"}, headers=headers).get_data()
    client.post(f"/api/{uid}/tasks", json={"title": 5}, headers=headers)
    text = caplog.text + " ".join(str(r.__dict__) for r in caplog.records)
    for secret in (password, "wrong-password-1", token, TEST_SECRET, "bananas"):
        assert secret not in text


def test_json_log_lines_carry_the_request_id(app: Flask) -> None:
    from pythonjsonlogger.json import JsonFormatter

    formatter = JsonFormatter("%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s")
    record = logging.LogRecord("todo", logging.INFO, __file__, 1, "hello", None, None)
    with app.test_request_context("/api/x", headers={"X-Request-ID": "req-42"}):
        from app.security import _request_id

        _request_id()
        RequestIdFilter().filter(record)
    line: dict[str, Any] = json.loads(formatter.format(record))
    assert line["request_id"] == "req-42" and line["message"] == "hello"
