"""Hardening, round two (issue #12): one test per finding of the attack run."""

from __future__ import annotations

import base64
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from app import create_app, paging
from app.config import get_config
from tests.support.accounts import TEST_SECRET, AuthActions

BIG = 2**63


@pytest.fixture
def limited(migrated: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Flask]:
    """An app with small limits on the default (shared file) rate-limit storage."""
    monkeypatch.setenv("TODO_INSTANCE_PATH", str(tmp_path / "limited"))
    limited_app = create_app({"mode": "developer", "database_url": migrated, "secret_key": TEST_SECRET,
                              "ratelimit_enabled": True, "ratelimit_auth": "100 per minute",
                              "ratelimit_chat": "3 per minute", "signin_free_failures": 2,
                              "signin_email_ceiling": 4})
    yield limited_app
    from app.security import limiter

    limiter.reset()


def _chatkit_turn(acct: Any, text: str = "hi") -> Any:
    body = {"type": "threads.create",
            "params": {"input": {"content": [{"type": "input_text", "text": text}], "attachments": [],
                                 "inference_options": {}}}}
    return acct.request("POST", "/chatkit", json=body)


# 1, 2. Limits are shared by the workers (the default storage is one file), and /chat and ChatKit share one budget.

def test_default_rate_limit_storage_is_shared_by_every_worker(limited: Flask) -> None:
    uri = limited.config["RATELIMIT_STORAGE_URI"]
    assert uri.startswith("todo-sqlite:///") and uri.endswith("ratelimits.db")
    from app.ratelimit_store import SQLiteStorage

    other_process_view = SQLiteStorage(uri)  # what another worker opening the same file sees
    other_process_view.incr("k", 60)
    from app.security import limiter

    assert limiter.storage.incr("k", 60) == 2


def test_chat_and_chatkit_draw_on_one_budget(limited: Flask) -> None:
    acct = AuthActions(limited.test_client()).signup()
    codes = [acct.request("POST", "/chat", json={"message": "hi"}, headers={"Accept": "application/json"})
             .status_code for _ in range(2)]
    codes.append(_chatkit_turn(acct).status_code)
    assert codes == [200, 200, 200]
    assert _chatkit_turn(acct).status_code == 429
    assert acct.request("POST", "/chat", json={"message": "hi"}).status_code == 429


# 6. A revoked token does not spend its owner's budget.

def test_a_signed_out_token_spends_nothing_of_its_owners_budget(limited: Flask) -> None:
    client = limited.test_client()
    acct = AuthActions(client).signup()
    revoked = acct.access_token
    assert client.post("/api/auth/signout", headers={"Authorization": f"Bearer {revoked}"}).status_code == 204
    for _ in range(4):
        resp = client.post(acct.url("/chat"), json={"message": "hi"}, headers={"Authorization": f"Bearer {revoked}"})
        assert resp.status_code in (401, 429)
    fresh = client.post("/api/auth/signin", json={"email": acct.email, "password": acct.password},
                        environ_base={"REMOTE_ADDR": "10.1.1.1"}).get_json()["access_token"]
    ok = [client.post(acct.url("/chat"), json={"message": "hi"}, headers={"Authorization": f"Bearer {fresh}"},
                      environ_base={"REMOTE_ADDR": "10.1.1.1"}).status_code for _ in range(3)]
    assert ok == [200, 200, 200]


# 4. Strangers cannot lock you out.

def _signin(client: Any, email: str, password: str, ip: str) -> Any:
    return client.post("/api/auth/signin", json={"email": email, "password": password},
                       environ_base={"REMOTE_ADDR": ip})


def test_a_strangers_failures_do_not_block_the_owners_signin(limited: Flask) -> None:
    client = limited.test_client()
    acct = AuthActions(client).signup(password="the-right-one")
    stranger = [_signin(client, acct.email, "guess", "203.0.113.9").status_code for _ in range(3)]
    assert stranger == [401, 401, 429]
    assert _signin(client, acct.email, "the-right-one", "198.51.100.7").status_code == 200


def test_past_the_email_ceiling_each_client_gets_one_free_failure(limited: Flask) -> None:
    client = limited.test_client()
    acct = AuthActions(client).signup(password="the-right-one")
    for n in range(4):  # guessing spread over four clients reaches the ceiling of 4
        assert _signin(client, acct.email, "guess", f"203.0.113.{n}").status_code == 401
    assert _signin(client, acct.email, "the-right-one", "198.51.100.7").status_code == 200
    assert _signin(client, acct.email, "guess", "203.0.113.50").status_code == 401
    assert _signin(client, acct.email, "the-right-one", "203.0.113.50").status_code == 429


# 5. One truthful Retry-After, on 429 and 503 only.

def test_retry_after_only_on_429_and_tells_the_real_wait(limited: Flask) -> None:
    client = limited.test_client()
    acct = AuthActions(client).signup(password="the-right-one")
    assert "Retry-After" not in acct.request("GET", "/tasks").headers
    wrong = [_signin(client, acct.email, "guess", "192.0.2.1") for _ in range(2)]
    assert all(r.status_code == 401 and "Retry-After" not in r.headers for r in wrong)
    blocked = _signin(client, acct.email, "guess", "192.0.2.1")
    assert blocked.status_code == 429 and blocked.headers["Retry-After"] == "1"  # the lock is 1 s
    for _ in range(3):
        acct.request("POST", "/chat", json={"message": "hi"}, headers={"Accept": "application/json"})
    limited_turn = acct.request("POST", "/chat", json={"message": "hi"})
    assert limited_turn.status_code == 429 and 1 <= int(limited_turn.headers["Retry-After"]) <= 60


# 3. Bad input of every kind answers 4xx with the contract's body.

def _error(resp: Any, status: int) -> dict[str, Any]:
    assert resp.status_code == status, (resp.status_code, resp.get_data(as_text=True)[:300])
    body = resp.get_json()
    assert set(body["error"]) >= {"code", "message"}
    return dict(body["error"])


def test_deeply_nested_json_is_refused(client: Any, auth: AuthActions) -> None:
    deep = "[" * 5000 + "]" * 5000
    signup = client.post("/api/auth/signup", data=deep, content_type="application/json")
    assert _error(signup, 400)["code"] in ("invalid_json", "too_deep")
    acct = auth.signup()
    resp = acct.request("POST", "/tasks", data='{"title": ' + "[" * 100 + "]" * 100 + "}",
                        content_type="application/json")
    assert _error(resp, 400)["code"] == "too_deep"


def test_lone_surrogates_are_refused(client: Any, auth: AuthActions) -> None:
    acct = auth.signup()
    resp = acct.request("POST", "/tasks", data='{"title": "a\\ud800b"}', content_type="application/json")
    assert _error(resp, 422)["fields"] == {"title": "must be valid Unicode text (no lone surrogates)"}
    chat = acct.request("POST", "/chat", data='{"message": "\\udfff"}', content_type="application/json")
    _error(chat, 422)


def test_ids_and_cursors_beyond_the_database_range_are_4xx(auth: AuthActions) -> None:
    acct = auth.signup()
    for method in ("GET", "PUT", "PATCH", "DELETE"):
        _error(acct.request(method, f"/tasks/{BIG}", json={"title": "x"}), 404)
    _error(acct.request("PATCH", f"/tasks/{BIG}/complete"), 404)
    _error(acct.request("GET", f"/conversations/{BIG}/messages"), 404)
    chat = acct.request("POST", "/chat", json={"message": "hi", "conversation_id": BIG})
    assert "conversation_id" in _error(chat, 422)["fields"]
    acct.request("POST", "/chat", json={"message": "hi"}, headers={"Accept": "application/json"})
    conv = acct.request("GET", "/conversations").get_json()["conversations"][0]["id"]
    cursor = paging.encode({"id": BIG})
    _error(acct.request("GET", f"/conversations/{conv}/messages?cursor={cursor}"), 400)
    stamp = paging.encode({"at": "2030-01-01T00:00:00+00:00", "id": BIG})
    _error(acct.request("GET", f"/conversations?cursor={stamp}"), 400)
    task_cursor = paging.encode({"s": "priority", "o": "asc", "v": BIG, "id": 1})
    _error(acct.request("GET", f"/tasks?sort=priority&cursor={task_cursor}"), 400)
    for odd in (True, False, None, 1.5, "2"):  # a boolean is an int to Python, not to SQL
        odd_cursor = paging.encode({"s": "priority", "o": "asc", "v": odd, "id": 1})
        _error(acct.request("GET", f"/tasks?sort=priority&order=asc&cursor={odd_cursor}"), 400)
    reminder_cursor = paging.encode({"at": "2030-01-01T00:00:00+00:00", "id": BIG})
    _error(acct.request("GET", f"/reminders?cursor={reminder_cursor}"), 400)


def test_nul_and_control_characters_are_refused_in_every_text_field(client: Any, auth: AuthActions) -> None:
    signup = client.post("/api/auth/signup", json={"email": "n@example.com", "password": "long-enough",
                                                   "name": "a\x00b"})
    _error(signup, 422)
    acct = auth.signup()
    for title in ("a\x00b", "bell\x07", "two\nlines", "tab\there"):
        _error(acct.request("POST", "/tasks", json={"title": title}), 422)
    _error(acct.request("POST", "/tasks", json={"title": "ok", "description": "a\x00b"}), 422)
    _error(acct.request("POST", "/tasks", json={"title": "ok", "description": "esc\x1b[31m"}), 422)
    multi = acct.request("POST", "/tasks", json={"title": "ok", "description": "line one\n\tline two"})
    assert multi.status_code == 201
    _error(acct.request("GET", "/tasks?q=a%00b"), 422)
    _error(acct.request("POST", "/chat", json={"message": "add a\x00b"}), 422)
    _error(_chatkit_turn(acct, "add a\x00b"), 422)
    task = acct.add_task(title="fine")
    _error(acct.request("PATCH", f"/tasks/{task['id']}", json={"title": "x\x00"}), 422)


def test_bidi_overrides_and_invisible_titles_are_refused(auth: AuthActions) -> None:
    acct = auth.signup()
    for title in ("invoice \u202egnp.exe", "\u2066isolate\u2069", "\u200b\u200b", "\ufeff \u200d"):
        assert "title" in _error(acct.request("POST", "/tasks", json={"title": title}), 422)["fields"]
    assert acct.request("POST", "/tasks", json={"title": "café ☕ 日本"}).status_code == 201


def test_a_chunked_body_over_the_limit_is_413_not_cut(auth: AuthActions) -> None:
    acct = auth.signup()
    body = b'{"title": "prefix is valid"}' + b" " * (100 * 1024)
    resp = acct.request("POST", "/tasks", input_stream=io.BytesIO(body),
                        headers={"Content-Type": "application/json", "Transfer-Encoding": "chunked"},
                        environ_overrides={"wsgi.input_terminated": True})
    assert _error(resp, 413)["code"] == "payload_too_large"
    assert resp.headers.get("X-Request-ID")
    assert acct.request("GET", "/tasks").get_json()["tasks"] == []


def test_405_answers_carry_allow(auth: AuthActions) -> None:
    acct = auth.signup()
    resp = acct.request("DELETE", "/tasks")
    _error(resp, 405)
    assert set(resp.headers["Allow"].replace(" ", "").split(",")) >= {"GET", "POST"}


# 9. Logs and request ids.

def test_refused_requests_carry_a_request_id(client: Any) -> None:
    refused = [
        client.post("/api/auth/signup", data="{not json", content_type="application/json"),
        client.post("/api/auth/signup", data="x" * (70 * 1024), content_type="application/json"),
        client.post("/api/auth/signup", data="a=b", content_type="text/plain"),
        client.get("/api/nope/tasks"),
    ]
    for resp in refused:
        assert 400 <= resp.status_code < 500 and len(resp.headers["X-Request-ID"]) >= 16


def test_a_failed_password_check_in_the_thread_pool_prints_no_traceback(capfd: pytest.CaptureFixture[str],
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from gevent import monkey

    from app.auth.passwords import hash_password, verify_password

    stored = hash_password("the-right-one")
    monkeypatch.setattr(monkey, "is_module_patched", lambda name: True)  # as under gunicorn's gevent workers
    assert verify_password(stored, "wrong") is False
    assert verify_password(stored, "the-right-one") is True
    assert "Traceback" not in capfd.readouterr().err


# 10. Exposure in production.

@pytest.fixture
def production(migrated: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Flask:
    monkeypatch.setenv("TODO_INSTANCE_PATH", str(tmp_path / "prod"))
    return create_app({"mode": "production", "database_url": migrated, "secret_key": TEST_SECRET,
                       "ratelimit_enabled": False, "metrics_token": "scrape-me-please"})


def test_metrics_need_the_bearer_token_in_production(production: Flask) -> None:
    client = production.test_client()
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 404
    ok = client.get("/metrics", headers={"Authorization": "Bearer scrape-me-please"})
    assert ok.status_code == 200 and b"todo_" in ok.data


def test_api_docs_are_off_in_production(production: Flask, app: Flask) -> None:
    assert production.test_client().get("/api/docs/swagger/").status_code == 404
    assert production.test_client().get("/api/openapi.json").status_code == 200
    dev = app.test_client().get("/api/docs/swagger/")
    assert dev.status_code == 200 and "cdn.jsdelivr.net" in dev.headers["Content-Security-Policy"]


# 7. Tokens out of JavaScript's reach.

def test_the_browser_refreshes_through_the_cookie_and_never_sees_the_token(client: Any) -> None:
    signup = client.post("/api/auth/signup", json={"email": "c@example.com", "password": "long-enough"})
    assert "refresh_token" not in signup.get_json() and signup.headers["Cache-Control"] == "no-store"
    csrf = client.get_cookie("csrf_refresh_token", path="/")
    assert client.get_cookie("refresh_token_cookie", path="/api/auth") is not None and csrf is not None
    assert client.post("/api/auth/refresh").status_code == 401  # the cookie alone (a forged form) is not enough
    resp = client.post("/api/auth/refresh", headers={"X-CSRF-TOKEN": csrf.value})
    assert resp.status_code == 200 and resp.headers["Cache-Control"] == "no-store"
    assert set(resp.get_json()) == {"access_token"}


def test_non_browser_clients_ask_for_the_refresh_token_in_the_body(client: Any) -> None:
    resp = client.post("/api/auth/signup", json={"email": "d@example.com", "password": "long-enough"},
                       headers={"X-Refresh-Token": "body"})
    body = resp.get_json()
    assert body["refresh_token"] and not any(c.startswith("refresh_token_cookie=")
                                             for c in resp.headers.getlist("Set-Cookie"))
    again = client.post("/api/auth/refresh", headers={"Authorization": f"Bearer {body['refresh_token']}"})
    assert again.status_code == 200 and again.get_json()["refresh_token"]
    assert again.headers["Cache-Control"] == "no-store"


def test_pages_csp_allows_only_their_own_inline_scripts(app: Flask, tmp_path: Path) -> None:
    import hashlib

    out = tmp_path / "out"
    out.mkdir()
    inline = b"self.__next_f.push([1,\"x\"])"
    (out / "index.html").write_bytes(b"<html><script src=\"/_next/a.js\"></script><script>" + inline +
                                     b"</script></html>")
    get_config(app).frontend_dir = str(out)
    csp = app.test_client().get("/").headers["Content-Security-Policy"]
    scripts = next(d for d in csp.split("; ") if d.startswith("script-src"))
    assert "'unsafe-inline'" not in scripts
    assert "'sha256-" + base64.b64encode(hashlib.sha256(inline).digest()).decode() + "'" in scripts
    api_csp = app.test_client().get("/healthz").headers["Content-Security-Policy"]
    assert "'unsafe-inline'" not in next(d for d in api_csp.split("; ") if d.startswith("script-src"))


# 11. Reply text never turns task data into markup.

def test_titles_in_replies_are_data_not_markup(auth: AuthActions) -> None:
    acct = auth.signup()
    acct.add_task(title="**Sure** [click](http://evil.example) _now_")
    reply = acct.request("POST", "/chat", json={"message": "show my tasks"},
                         headers={"Accept": "application/json"}).get_json()["response"]
    assert r"\*\*Sure\*\* \[click\](http://evil.example) \_now\_" in reply
    assert "**Sure**" not in reply
