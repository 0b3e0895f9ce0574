"""Web Push of fired reminders (pywebpush, VAPID) against a local fake push service the test starts."""

from __future__ import annotations

import base64
import os
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import quote

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from flask import Flask

from app.config import get_config
from app.reminders import schedule, service
from app.reminders.push import send_reminders
from tests.support.accounts import AuthActions
from tests.support.live import free_port


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


class FakePushService:
    """Accepts pushes like a browser vendor's service; `gone` endpoints answer 410."""

    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []
        self.gone: set[str] = set()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                outer.received.append({"path": self.path, "headers": {k.lower(): v for k, v in self.headers.items()},
                                       "body": body})
                self.send_response(410 if self.path in outer.gone else 201)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *_args: Any) -> None:
                return

        self.port = free_port()
        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def endpoint(self, name: str) -> str:
        return f"http://127.0.0.1:{self.port}/push/{name}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def push() -> Iterator[FakePushService]:
    service_ = FakePushService()
    yield service_
    service_.close()


def _browser_keys() -> dict[str, str]:
    key = ec.generate_private_key(ec.SECP256R1())
    public = key.public_key().public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    return {"p256dh": _b64(public), "auth": _b64(os.urandom(16))}


def _vapid() -> tuple[str, str]:
    key = ec.generate_private_key(ec.SECP256R1())
    private = _b64(key.private_numbers().private_value.to_bytes(32, "big"))
    public = _b64(key.public_key().public_bytes(serialization.Encoding.X962,
                                                 serialization.PublicFormat.UncompressedPoint))
    return private, public


def test_a_fired_reminder_is_pushed_to_each_browser(app: Flask, auth: AuthActions, push: FakePushService) -> None:
    private, public = _vapid()
    cfg = get_config(app)
    cfg.vapid_private_key, cfg.vapid_public_key, cfg.vapid_subject = private, public, "mailto:ops@example.com"
    user, other = auth.signup(), auth.signup()
    assert user.request("GET", "/push/config").get_json() == {"enabled": True, "public_key": public}
    for who, name in ((user, "laptop"), (user, "phone"), (other, "theirs")):
        body = {"endpoint": push.endpoint(name), "keys": _browser_keys()}
        resp = who.request("POST", "/push/subscriptions", json=body)
        assert resp.status_code == 204
    bad = user.request("POST", "/push/subscriptions", json={"endpoint": "javascript:alert(1)", "keys": _browser_keys()})
    assert bad.status_code == 422
    schedule.set_clock(lambda: datetime(2026, 3, 1, 12, 0, tzinfo=UTC))
    try:
        user.add_task(title="call grandma", due_date="2026-03-01", due_time="19:00")
    finally:
        schedule.set_clock(None)
    push.gone.add("/push/phone")
    with app.app_context():
        fired = service.fire_due(datetime(2026, 3, 1, 19, 0, 1, tzinfo=UTC))
        assert send_reminders(get_config(app), fired) == 1
    assert sorted(r["path"] for r in push.received) == ["/push/laptop", "/push/phone"]
    for received in push.received:
        assert received["headers"]["content-encoding"] == "aes128gcm"
        assert received["headers"]["authorization"].startswith("vapid t=")
        assert f"k={public}" in received["headers"]["authorization"]
        assert b"call grandma" not in received["body"]  # encrypted for the browser
    with app.app_context():
        fired_again = service.fire_due(datetime(2026, 3, 1, 19, 0, 5, tzinfo=UTC))
    assert fired_again == []
    # The 410 endpoint was forgotten: re-subscribing it works and a later push goes only to live endpoints.
    from sqlalchemy import select

    from app.extensions import db
    from app.models import PushSubscription

    with app.app_context():
        endpoints = set(db.session.scalars(select(PushSubscription.endpoint)))
    assert endpoints == {push.endpoint("laptop"), push.endpoint("theirs")}


def test_without_vapid_nothing_is_sent(app: Flask, auth: AuthActions, push: FakePushService) -> None:
    user = auth.signup()
    assert user.request("GET", "/push/config").get_json()["enabled"] is False
    user.request("POST", "/push/subscriptions", json={"endpoint": push.endpoint("x"), "keys": _browser_keys()})
    schedule.set_clock(lambda: datetime(2026, 3, 1, 12, 0, tzinfo=UTC))
    try:
        user.add_task(title="quiet", due_date="2026-03-01", due_time="13:00")
    finally:
        schedule.set_clock(None)
    with app.app_context():
        fired = service.fire_due(datetime(2026, 3, 1, 13, 0, 1, tzinfo=UTC))
        assert len(fired) == 1 and send_reminders(get_config(app), fired) == 0
    assert push.received == []


def test_a_browser_that_signs_out_is_forgotten(app: Flask, auth: AuthActions, push: FakePushService) -> None:
    user, other = auth.signup(), auth.signup()
    for who, name in ((user, "laptop"), (other, "theirs")):
        assert who.request("POST", "/push/subscriptions",
                           json={"endpoint": push.endpoint(name), "keys": _browser_keys()}).status_code == 204
    # Only the user's own subscription can be removed; removing one that is not there is fine too.
    def remove(name: str) -> int:
        path = f"/push/subscriptions?endpoint={quote(push.endpoint(name), safe='')}"
        return int(user.request("DELETE", path).status_code)

    assert remove("theirs") == remove("laptop") == remove("laptop") == 204
    assert user.request("DELETE", "/push/subscriptions").status_code == 422
    from sqlalchemy import select

    from app.extensions import db
    from app.models import PushSubscription

    with app.app_context():
        assert set(db.session.scalars(select(PushSubscription.endpoint))) == {push.endpoint("theirs")}
