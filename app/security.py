"""Abuse limits and hardening: rate limits, sign-in back-off, security headers, CORS, request ids.

Limits are counted by flask-limiter in `RATELIMIT_STORAGE_URI` (memory by default; redis://
to share them between workers and machines). A request is counted against its user when
it carries a valid access token, otherwise against its IP, so no one can spend another
user's budget by putting their id in a path.
"""

from __future__ import annotations

import time
import uuid
from typing import Any

from flask import Flask, Response, current_app, g, request
from flask_cors import CORS
from flask_jwt_extended import decode_token
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

from app.errors import APIError

CHATKIT_CDN = "https://cdn.platform.openai.com"


def client_key() -> str:
    """The rate-limit key: `user:<id>` for a valid bearer token, else `ip:<address>`."""
    cached = g.get("rate_key")
    if cached:
        return str(cached)
    key = f"ip:{get_remote_address()}"
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        try:
            claims = decode_token(header[7:])
            if claims.get("type") == "access" and claims.get("sub"):
                key = f"user:{claims['sub']}"
        except Exception:  # any invalid token is simply counted by IP
            pass
    g.rate_key = key
    return key


def ip_key() -> str:
    """Per-IP key, for unauthenticated routes (sign-in, sign-up)."""
    return f"ip:{get_remote_address()}"


limiter = Limiter(
    key_func=client_key, headers_enabled=True, default_limits=[lambda: current_app.config["RATELIMIT_DEFAULT"]]
)


def auth_limit() -> str:
    """Budget of sign-in and sign-up attempts per IP."""
    return str(current_app.config["RATELIMIT_AUTH"])


def chat_limits() -> str:
    """Per-user budget of chat turns: a burst limit and a daily budget of model turns."""
    return f"{current_app.config['RATELIMIT_CHAT']};{current_app.config['CHAT_TURNS_PER_DAY']} per day"


def _failure_key(email: str) -> str:
    return f"signin-failures/{email.lower()}"


def _lock_key(email: str) -> str:
    return f"signin-lock/{email.lower()}"


def check_signin_backoff(email: str) -> None:
    """Refuse a sign-in attempt that comes too soon after repeated failures for this email (429).

    The counters live in the limiter's storage, so every worker and machine agrees.
    """
    if not limiter.enabled:
        return
    storage = limiter.storage
    if int(storage.get(_lock_key(email)) or 0) > 0:
        remaining = storage.get_expiry(_lock_key(email)) - time.time()
        raise APIError("Too many failed sign-ins; wait before trying again.", code="signin_backoff", status=429,
                       headers={"Retry-After": str(max(1, int(remaining + 0.999)))})


def record_signin_failure(email: str) -> None:
    """Count a failed sign-in; past `SIGNIN_FREE_FAILURES` each one locks the email for a doubling wait.

    1 s, 2 s, 4 s ... up to 5 minutes; failures are forgotten 15 minutes after the last one.
    """
    if not limiter.enabled:
        return
    storage = limiter.storage
    failures = storage.incr(_failure_key(email), 900)
    free = int(current_app.config["SIGNIN_FREE_FAILURES"])
    if failures >= free:
        storage.clear(_lock_key(email))
        storage.incr(_lock_key(email), min(2 ** (failures - free), 300))


def clear_signin_failures(email: str) -> None:
    """A successful sign-in forgets the failures."""
    if not limiter.enabled:
        return
    limiter.storage.clear(_failure_key(email))
    limiter.storage.clear(_lock_key(email))


def _content_security_policy() -> str:
    # Next.js's static export hydrates with inline scripts, hence 'unsafe-inline' for scripts;
    # ChatKit's UI loads from OpenAI's CDN and runs in a frame from it.
    return "; ".join([
        "default-src 'self'",
        f"script-src 'self' 'unsafe-inline' {CHATKIT_CDN}",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob: https:",
        "font-src 'self' data: https:",
        f"connect-src 'self' {CHATKIT_CDN} https://api.openai.com",
        f"frame-src {CHATKIT_CDN} https://*.openai.com",
        "frame-ancestors 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "object-src 'none'",
    ])


def _request_id() -> None:
    incoming = request.headers.get("X-Request-ID", "")
    g.request_id = incoming if 0 < len(incoming) <= 64 and incoming.isprintable() else uuid.uuid4().hex


def _headers(resp: Response) -> Response:
    resp.headers["X-Request-ID"] = g.get("request_id", "")
    resp.headers.setdefault("X-Content-Type-Options", "nosniff")
    resp.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    resp.headers.setdefault("X-Frame-Options", "DENY")
    resp.headers.setdefault("Content-Security-Policy", _content_security_policy())
    resp.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if current_app.config["TODO_MODE"] == "production":
        resp.headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    return resp


def init_security(app: Flask) -> None:
    """Install limits, headers, request ids and the CORS allowlist."""
    limiter.init_app(app)
    app.before_request(_request_id)
    app.after_request(_headers)
    origins: list[str] = app.config["CORS_ORIGINS"]
    if origins:
        CORS(app, resources={r"/api/*": {"origins": origins}}, supports_credentials=True,
             allow_headers=["Authorization", "Content-Type", "X-CSRF-TOKEN", "X-Request-ID"],
             expose_headers=["X-Request-ID", "Retry-After"], max_age=600)


def exempt(view: Any) -> Any:
    """Exclude a view from the default limits (health checks, metrics)."""
    return limiter.exempt(view)
