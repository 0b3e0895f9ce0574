"""Sign-up, sign-in, refresh rotation, sign-out and the session, as a client sees them."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import jwt as pyjwt
import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from app import create_app
from tests.support.accounts import TEST_SECRET, AuthActions


def test_signup_returns_user_and_tokens(client: FlaskClient, auth: AuthActions) -> None:
    resp = client.post("/api/auth/signup", json={"email": "Ada@Example.com", "password": "pw-123456",
                                                 "name": "Ada", "timezone": "Europe/Paris"})
    assert resp.status_code == 201
    body = resp.get_json()
    assert body["user"]["email"] == "ada@example.com"
    assert body["user"]["timezone"] == "Europe/Paris"
    assert body["user"]["name"] == "Ada"
    assert body["access_token"] and "refresh_token" not in body  # a browser gets it as an HttpOnly cookie
    claims = pyjwt.decode(body["access_token"], TEST_SECRET, algorithms=["HS256"])
    assert claims["sub"] == body["user"]["id"]
    assert {"exp", "iat"} <= set(claims)


def test_signup_email_is_case_insensitive_unique(client: FlaskClient, auth: AuthActions) -> None:
    auth.signup("bob@example.com")
    resp = client.post("/api/auth/signup", json={"email": "BOB@example.com", "password": "another-pw"})
    assert resp.status_code == 409
    assert resp.get_json()["error"]["code"] == "email_taken"


def test_signup_rejects_bad_input(client: FlaskClient) -> None:
    cases = [
        {"email": "not-an-email", "password": "long-enough"},
        {"email": "a@example.com", "password": "short"},
        {"email": "a@example.com", "password": "long-enough", "timezone": "Mars/Olympus"},
        {"email": "a@example.com", "password": "long-enough", "admin": True},
        {"email": 12, "password": "long-enough"},
        {"password": "long-enough"},
    ]
    for body in cases:
        resp = client.post("/api/auth/signup", json=body)
        assert resp.status_code == 422, body
        assert resp.get_json()["error"]["code"] == "validation_error"
        assert resp.get_json()["error"]["fields"]


def test_signin_right_and_wrong_password(client: FlaskClient, auth: AuthActions) -> None:
    acct = auth.signup("carol@example.com", "right-password")
    ok = auth.signin("CAROL@example.com", "right-password")
    assert ok.status_code == 200
    assert ok.get_json()["user"]["id"] == acct.id
    bad = auth.signin("carol@example.com", "wrong-password")
    assert bad.status_code == 401
    assert bad.get_json()["error"]["code"] == "invalid_credentials"
    nobody = auth.signin("nobody@example.com", "whatever-pw")
    assert nobody.status_code == 401
    assert nobody.get_json()["error"]["message"] == bad.get_json()["error"]["message"]


def test_session_reports_user_and_expiry(client: FlaskClient, auth: AuthActions) -> None:
    acct = auth.signup()
    resp = client.get("/api/auth/session", headers=acct.headers)
    assert resp.status_code == 200
    assert resp.get_json()["user"]["id"] == acct.id
    assert resp.get_json()["expires_at"].endswith("Z")


def test_refresh_rotates_and_detects_reuse(client: FlaskClient, auth: AuthActions) -> None:
    acct = auth.signup()
    first = client.post("/api/auth/refresh", headers={"Authorization": f"Bearer {acct.refresh_token}"})
    assert first.status_code == 200
    new = first.get_json()
    assert new["access_token"] and new["refresh_token"] != acct.refresh_token
    session = client.get("/api/auth/session", headers={"Authorization": f"Bearer {new['access_token']}"})
    assert session.status_code == 200
    # The old refresh token was rotated out: using it again is a replay, which ends the session.
    replay = client.post("/api/auth/refresh", headers={"Authorization": f"Bearer {acct.refresh_token}"})
    assert replay.status_code == 401
    after = client.post("/api/auth/refresh", headers={"Authorization": f"Bearer {new['refresh_token']}"})
    assert after.status_code == 401


def test_refresh_token_is_not_an_access_token(client: FlaskClient, auth: AuthActions) -> None:
    acct = auth.signup()
    resp = client.get(acct.url("/tasks"), headers={"Authorization": f"Bearer {acct.refresh_token}"})
    assert resp.status_code == 401
    resp = client.post("/api/auth/refresh", headers=acct.headers)
    assert resp.status_code == 401


def test_signout_revokes_the_session_only(client: FlaskClient, auth: AuthActions) -> None:
    acct = auth.signup(password="pw-signout-1")
    other = auth.signin(acct.email, "pw-signout-1").get_json()
    assert client.post("/api/auth/signout", headers=acct.headers).status_code == 204
    assert client.get(acct.url("/tasks"), headers=acct.headers).status_code == 401
    gone = client.post("/api/auth/refresh", headers={"Authorization": f"Bearer {acct.refresh_token}"})
    assert gone.status_code == 401
    still = client.get(acct.url("/tasks"), headers={"Authorization": f"Bearer {other['access_token']}"})
    assert still.status_code == 200


def test_forged_and_malformed_tokens_are_refused(client: FlaskClient, auth: AuthActions) -> None:
    acct = auth.signup()
    claims = pyjwt.decode(acct.access_token, TEST_SECRET, algorithms=["HS256"])
    wrong_key = pyjwt.encode(claims, "another-key-0123456789abcdef0123456789", algorithm="HS256")
    unsigned = pyjwt.encode(claims, "", algorithm="none")  # PyJWT takes "" as no key for alg "none"
    expired = pyjwt.encode({**claims, "exp": int(time.time()) - 10}, TEST_SECRET, algorithm="HS256")
    no_exp = pyjwt.encode({k: v for k, v in claims.items() if k != "exp"}, TEST_SECRET, algorithm="HS256")
    tampered = acct.access_token[:-3] + ("AAA" if not acct.access_token.endswith("AAA") else "BBB")
    for token in (wrong_key, unsigned, expired, no_exp, tampered, "garbage", ""):
        resp = client.get(acct.url("/tasks"), headers={"Authorization": f"Bearer {token}"})
        assert resp.status_code == 401, token
        assert "error" in resp.get_json()


def test_a_token_accepted_before_still_expires_and_stays_bound_to_its_key(
    app: Flask, client: FlaskClient, auth: AuthActions, migrated: str
) -> None:
    """The server remembers the tokens it verified (`app/jwt_manager.py`): a remembered one still ends at its
    `exp`, and still only opens the app whose key signed it."""
    acct = auth.signup()
    claims = pyjwt.decode(acct.access_token, TEST_SECRET, algorithms=["HS256"])
    short = pyjwt.encode({**claims, "exp": int(time.time()) + 2}, TEST_SECRET, algorithm="HS256")
    for _ in range(2):
        assert client.get(acct.url("/tasks"), headers={"Authorization": f"Bearer {short}"}).status_code == 200
    time.sleep(max(0.0, claims_exp(short) - time.time()) + 0.2)
    late = client.get(acct.url("/tasks"), headers={"Authorization": f"Bearer {short}"})
    assert (late.status_code, late.get_json()["error"]["code"]) == (401, "token_expired")

    assert client.get(acct.url("/tasks"), headers=acct.headers).status_code == 200
    other = create_app({"mode": "developer", "database_url": migrated, "secret_key": "another-key-" + "x" * 40,
                        "TESTING": True, "ratelimit_enabled": False})
    refused = other.test_client().get(acct.url("/tasks"), headers=acct.headers)
    assert (refused.status_code, refused.get_json()["error"]["code"]) == (401, "invalid_token")
    assert client.get(acct.url("/tasks"), headers=acct.headers).status_code == 200


def claims_exp(token: str) -> float:
    return float(pyjwt.decode(token, options={"verify_signature": False})["exp"])


def test_signed_tokens_with_claims_of_the_wrong_type_are_refused(client: FlaskClient, auth: AuthActions) -> None:
    """Whoever holds the signing key (the well-known developer key, say) still cannot make the server fail."""
    acct = auth.signup()
    claims = pyjwt.decode(acct.access_token, TEST_SECRET, algorithms=["HS256"])
    odd: list[dict[str, Any]] = [
        {"sid": {"a": 1}}, {"sid": ["x"]}, {"sid": 2**70}, {"sub": 7},
        {"exp": 10**30}, {"iat": 10**30}, {"exp": True}, {"exp": float(claims["exp"])},
    ]
    for change in odd:
        token = pyjwt.encode({**claims, **change}, TEST_SECRET, algorithm="HS256")
        for path in (acct.url("/tasks"), "/api/auth/session"):
            resp = client.get(path, headers={"Authorization": f"Bearer {token}"})
            assert resp.status_code == 401, (change, path, resp.status_code)
            assert "error" in resp.get_json()
    assert client.get(acct.url("/tasks"), headers=acct.headers).status_code == 200


def test_disabled_user_tokens_stop_working(
    app: Flask, client: FlaskClient, runner: FlaskCliRunner, auth: AuthActions
) -> None:
    acct = auth.signup()
    result = runner.invoke(args=["todo", "users", "disable", acct.email])
    assert result.exit_code == 0, result.output
    assert client.get(acct.url("/tasks"), headers=acct.headers).status_code == 401
    assert auth.signin(acct.email, acct.password).status_code == 401


def test_production_mode_sets_only_a_scoped_secure_strict_refresh_cookie(app: Flask, migrated: str, tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    from app import create_app

    monkeypatch.setenv("TODO_INSTANCE_PATH", str(tmp_path))
    app = create_app({"mode": "production", "database_url": migrated, "secret_key": TEST_SECRET})
    client = app.test_client()
    resp = client.post("/api/auth/signup", json={"email": "prod@example.com", "password": "prod-password"})
    assert resp.status_code == 201
    assert "refresh_token" not in resp.get_json()
    assert resp.headers["Cache-Control"] == "no-store"
    cookies = resp.headers.getlist("Set-Cookie")
    assert not any(c.startswith("access_token_cookie=") for c in cookies)
    refresh = next(c for c in cookies if c.startswith("refresh_token_cookie="))
    for part in ("Secure", "HttpOnly", "SameSite=Strict", "Path=/api/auth", f"Max-Age={30 * 86400}"):
        assert part in refresh, (part, refresh)
    assert any(c.startswith("csrf_refresh_token=") for c in cookies)
