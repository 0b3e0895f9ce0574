"""Web Push (pywebpush, VAPID): a fired reminder reaches the user's browsers even with every tab closed.

Browsers register their subscription (endpoint and keys) here; with `VAPID_PRIVATE_KEY` unset, the
routes still answer but nothing is sent.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from flask import Blueprint, Flask, Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import delete, select

from app.auth.ownership import owner_required
from app.config import Config, get_config
from app.extensions import api, db
from app.models import PushSubscription, User
from app.validation import USER_ERRORS, responses

log = logging.getLogger(__name__)
bp = Blueprint("push", __name__, url_prefix="/api")


class PushKeys(BaseModel):
    """The subscription's encryption keys, as the browser's PushSubscription.toJSON() gives them."""

    model_config = ConfigDict(extra="forbid", strict=True)

    p256dh: str = Field(min_length=20, max_length=200, pattern=r"^[A-Za-z0-9_=-]+$")
    """The browser's P-256 public key (base64url)."""
    auth: str = Field(min_length=8, max_length=100, pattern=r"^[A-Za-z0-9_=-]+$")
    """The authentication secret (base64url)."""


class PushSubscribe(BaseModel):
    """A browser's push subscription."""

    model_config = ConfigDict(extra="forbid", strict=True)

    endpoint: str = Field(min_length=10, max_length=1000, pattern=r"^https?://[^\u0000-\u0020\u007f-\u009f]*$")
    """The push service URL of this browser."""
    keys: PushKeys
    """Its keys."""
    expirationTime: float | None = None  # the name PushSubscription.toJSON() gives it
    """When the browser says the subscription ends (epoch milliseconds), if it does."""


class PushConfig(BaseModel):
    """What a browser needs to subscribe."""

    enabled: bool
    """Web Push is configured on this server."""
    public_key: str
    """The VAPID public key (applicationServerKey)."""


@bp.get("/<user_id>/push/config")
@owner_required
@api.validate(resp=responses("HTTP_200", PushConfig, *USER_ERRORS), tags=["push"])
def push_config(user: User) -> Any:
    """The VAPID public key (the browser's applicationServerKey), when Web Push is on."""

    cfg = get_config()
    key = cfg.vapid_public_key
    return {"enabled": bool(key and cfg.vapid_private_key), "public_key": key}


@bp.post("/<user_id>/push/subscriptions")
@owner_required
@api.validate(json=PushSubscribe, resp=responses("HTTP_204", None, *USER_ERRORS), tags=["push"])
def subscribe(user: User, json: PushSubscribe) -> Any:
    """Register (or move to this user) a browser's push subscription."""
    db.session.execute(delete(PushSubscription).where(PushSubscription.endpoint == json.endpoint))
    db.session.add(PushSubscription(user_id=user.id, endpoint=json.endpoint, p256dh=json.keys.p256dh,
                                    auth=json.keys.auth))
    db.session.commit()
    return Response(status=204)


class PushUnsubscribe(BaseModel):
    """A browser's subscription to forget (it signed out or turned notifications off)."""

    model_config = ConfigDict(extra="forbid")

    endpoint: str = Field(min_length=10, max_length=1000, pattern=r"^https?://[^\u0000-\u0020\u007f-\u009f]*$")
    """The push service URL the browser registered."""


@bp.delete("/<user_id>/push/subscriptions")
@owner_required
@api.validate(query=PushUnsubscribe, resp=responses("HTTP_204", None, *USER_ERRORS), tags=["push"])
def unsubscribe(user: User, query: PushUnsubscribe) -> Any:
    """Forget the user's subscription with this endpoint (`?endpoint=`; 204 also when there was none)."""
    db.session.execute(delete(PushSubscription).where(PushSubscription.endpoint == query.endpoint,
                                                      PushSubscription.user_id == user.id))
    db.session.commit()
    return Response(status=204)


def send_reminders(config: Config, fired: list[Any]) -> int:
    """Push each fired reminder to its user's browsers; returns how many pushes were accepted.

    Subscriptions the push service says are gone (404, 410) are forgotten.
    """
    private_key = config.vapid_private_key
    if not private_key or not fired:
        return 0
    from pywebpush import WebPushException, webpush

    sent = 0
    with db.begin() as session:
        for item in fired:
            subs = list(session.scalars(select(PushSubscription).where(PushSubscription.user_id == item.user_id)))
            body = json.dumps({"type": "reminder.due", "title": item.task["title"], "reminder": item.reminder,
                               "task_id": item.task["id"]})
            for sub in subs:
                try:
                    webpush({"endpoint": sub.endpoint, "keys": {"p256dh": sub.p256dh, "auth": sub.auth}},
                            data=body, vapid_private_key=private_key,
                            vapid_claims={"sub": config.vapid_subject},
                            timeout=10)
                    sent += 1
                except WebPushException as err:
                    status = getattr(err.response, "status_code", None)
                    if status in (404, 410):
                        session.delete(sub)
                    else:
                        log.warning("web push to %s failed: %s", sub.endpoint[:60], err)
                except Exception:
                    log.exception("web push to %s failed", sub.endpoint[:60])
    return sent


def init_push(app: Flask) -> None:
    """Register the push routes."""
    app.register_blueprint(bp)
