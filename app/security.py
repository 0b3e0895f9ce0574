"""Abuse limits and hardening: rate limits, sign-in back-off, security headers, CORS, request ids.

Limits are counted by flask-limiter in `RATELIMIT_STORAGE_URI`: by default a SQLite file every
worker of the server shares (app/ratelimit_store.py), redis:// to share them between machines.
A request is counted against its user only when it carries a valid, unrevoked access token,
otherwise against its IP, so no one can spend another user's budget (a signed-out token, a
user id in a path). /chat and ChatKit turns draw on one shared per-user budget ("chat").
"""

from __future__ import annotations

import functools
import time
import uuid
from typing import Any

from flask import Flask, Response, g, request
from flask_cors import CORS
from flask_jwt_extended import decode_token
from flask_limiter import Limiter, RouteLimit
from flask_limiter.util import get_remote_address

import app.ratelimit_store  # noqa: F401  (registers the todo-sqlite:// storage with `limits`)
from app.config import get_config
from app.errors import APIError

CHATKIT_CDN = "https://cdn.platform.openai.com"


def client_key() -> str:
    """The rate-limit key: `user:<id>` for a valid, unrevoked access token, else `ip:<address>`."""
    cached = g.get("rate_key")
    if cached:
        return str(cached)
    key = f"ip:{get_remote_address()}"
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        from app.auth.tokens import _is_revoked

        try:
            claims = decode_token(header[7:])
            if claims.get("type") == "access" and claims.get("sub") and not _is_revoked({}, claims):
                key = f"user:{claims['sub']}"
        except Exception:  # any invalid token is simply counted by IP
            pass
    g.rate_key = key
    return key


def ip_key() -> str:
    """Per-IP key, for unauthenticated routes (sign-in, sign-up)."""
    return f"ip:{get_remote_address()}"


limiter = Limiter(key_func=client_key, default_limits=[lambda: get_config().ratelimit_default])


def auth_limit() -> str:
    """Budget of sign-in and sign-up attempts per IP."""
    return get_config().ratelimit_auth


def chat_limits() -> str:
    """Per-user budget of chat turns: a burst limit and a daily budget of model turns."""
    cfg = get_config()
    return f"{cfg.ratelimit_chat};{cfg.chat_turns_per_day} per day"


CHAT_SCOPE = "chat"
"""The one scope /chat and ChatKit turns are counted in."""


def chat_limit(**options: Any) -> RouteLimit:
    """The shared per-user chat-turn limit, for every route that runs the agent."""
    return limiter.shared_limit(chat_limits, scope=CHAT_SCOPE, **options)


def retry_after_seconds(reset_at: float) -> str:
    """A Retry-After value: whole seconds until `reset_at`, at least 1."""
    return str(max(1, int(reset_at - time.time() + 0.999)))


# Sign-in back-off (see README, "Sign-in protection"): failures are counted per email AND client,
# so a stranger's wrong passwords never block the owner's sign-in from another client. A higher
# per-email ceiling catches guessing spread over many clients: past it, each client gets a single
# free failure for that email instead of SIGNIN_FREE_FAILURES; its first attempt is still checked.
SIGNIN_WINDOW = 900
"""Seconds after the last failure when failures are forgotten."""
SIGNIN_MAX_WAIT = 300
"""Longest wait one client is made to keep between attempts."""


def _client() -> str:
    return get_remote_address() or "unknown"


def _keys(email: str) -> tuple[str, str, str]:
    email, client = email.lower(), _client()
    return (f"signin-failures/{email}/{client}", f"signin-lock/{email}/{client}", f"signin-email/{email}")


def check_signin_backoff(email: str) -> None:
    """Refuse a sign-in attempt that comes too soon after this client's failures for this email (429).

    The counters live in the limiter's storage, so every worker (and machine, with Redis) agrees.
    """
    if not limiter.enabled:
        return
    storage = limiter.storage
    _failures, lock, _email = _keys(email)
    if int(storage.get(lock) or 0) > 0:
        raise APIError("Too many failed sign-ins; wait before trying again.", code="signin_backoff", status=429,
                       headers={"Retry-After": retry_after_seconds(storage.get_expiry(lock))})


def record_signin_failure(email: str) -> None:
    """Count a failed sign-in; past the free failures each one locks this client out for a doubling wait.

    1 s, 2 s, 4 s ... up to 5 minutes, for this email from this client only.
    """
    if not limiter.enabled:
        return
    storage = limiter.storage
    failures_key, lock, email_key = _keys(email)
    failures = storage.incr(failures_key, SIGNIN_WINDOW)
    email_failures = storage.incr(email_key, SIGNIN_WINDOW)
    free = get_config().signin_free_failures
    if email_failures >= get_config().signin_email_ceiling:
        free = 1
    if failures >= free:
        storage.clear(lock)
        storage.incr(lock, min(2 ** (failures - free), SIGNIN_MAX_WAIT))


def clear_signin_failures(email: str) -> None:
    """A successful sign-in forgets this client's failures (not the email-wide count)."""
    if not limiter.enabled:
        return
    failures_key, lock, _email = _keys(email)
    limiter.storage.clear(failures_key)
    limiter.storage.clear(lock)


@functools.lru_cache(maxsize=64)
def content_security_policy(script_hashes: tuple[str, ...] = (), docs: bool = False) -> str:
    """The CSP: scripts only from this origin, ChatKit's CDN and the inline scripts whose hashes are given.

    Built once per set of arguments (a few pages, the API, the docs): every response carries it, and a
    streamed one holds it for as long as the stream is open.

    The web blueprint passes the hashes of what Next.js's static export inlines in the page it
    serves; no 'unsafe-inline' for scripts. ChatKit's UI loads from OpenAI's CDN and runs in a
    frame from it. `docs` (developer mode's API docs pages only) allows their CDN and inline script.
    """
    scripts = ["'self'", CHATKIT_CDN, *(f"'{h}'" for h in script_hashes)]
    if docs:
        scripts += ["'unsafe-inline'", DOCS_CDN]
    return "; ".join([
        "default-src 'self'",
        "script-src " + " ".join(scripts),
        "style-src 'self' 'unsafe-inline'" + (f" {DOCS_CDN}" if docs else ""),
        "img-src 'self' data: blob: https:",
        "font-src 'self' data: https:",
        f"connect-src 'self' {CHATKIT_CDN} https://api.openai.com",
        f"frame-src {CHATKIT_CDN} https://*.openai.com",
        "frame-ancestors 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "object-src 'none'",
    ])


DOCS_PREFIX = "/api/docs"
DOCS_CDN = "https://cdn.jsdelivr.net"


def _docs_off_in_production() -> None:
    """The API docs pages are a developer's tool: production answers 404 (the OpenAPI JSON stays)."""
    if request.path.startswith(DOCS_PREFIX) and get_config().production:
        raise APIError("Not found.", code="not_found", status=404)


def request_id() -> str:
    """This request's id: the client's X-Request-ID when it is short and printable, else a new one."""
    if not g.get("request_id"):
        incoming = request.headers.get("X-Request-ID", "")
        g.request_id = incoming if 0 < len(incoming) <= 64 and incoming.isprintable() and incoming.isascii() \
            else uuid.uuid4().hex
    return str(g.request_id)


def _request_id() -> None:
    request_id()


def _headers(resp: Response) -> Response:
    resp.headers["X-Request-ID"] = request_id()
    if resp.status_code not in (429, 503):
        resp.headers.pop("Retry-After", None)
    resp.headers.setdefault("X-Content-Type-Options", "nosniff")
    resp.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    resp.headers.setdefault("X-Frame-Options", "DENY")
    docs = request.path.startswith(DOCS_PREFIX) and not get_config().production
    resp.headers.setdefault("Content-Security-Policy", content_security_policy(docs=docs))
    resp.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if get_config().production:
        resp.headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    return resp


def init_security(app: Flask) -> None:
    """Install limits, headers, request ids and the CORS allowlist."""
    app.before_request_funcs.setdefault(None, []).insert(0, _request_id)
    limiter.init_app(app)
    app.before_request(_docs_off_in_production)
    app.after_request(_headers)
    origins = get_config(app).cors_origins
    if origins:
        CORS(app, resources={r"/api/*": {"origins": origins}}, supports_credentials=True,
             allow_headers=["Authorization", "Content-Type", "X-CSRF-TOKEN", "X-Request-ID"],
             expose_headers=["X-Request-ID", "Retry-After"], max_age=600)


def exempt(view: Any) -> Any:
    """Exclude a view from the default limits (health checks, metrics)."""
    return limiter.exempt(view)
