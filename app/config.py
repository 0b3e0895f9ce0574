"""One `Config`, read from the environment; every security setting is derived from `TODO_MODE`."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields
from datetime import timedelta
from pathlib import Path
from typing import Any

MODES = ("developer", "production")
MODE_FILE = "mode"
"""Name of the file in the instance folder that `flask todo config set-mode` writes."""

DEV_SECRET = "dev-secret-key-change-me-0123456789abcdef"
"""The well-known secret developer mode falls back to; production refuses it."""

DEV_ORIGINS = ["http://localhost:3000", "http://127.0.0.1:3000"]
"""The `next dev` server of `make dev`, allowed cross-origin in developer mode only."""


class ConfigError(RuntimeError):
    """The configuration cannot be used (e.g. production without a real secret)."""


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as err:
        raise ConfigError(f"{name} must be an integer, got {raw!r}") from err


def read_mode(instance_path: str | Path) -> str:
    """The mode: `TODO_MODE` if set, else the one persisted by `config set-mode`, else production."""
    mode = os.environ.get("TODO_MODE", "").strip().lower()
    if not mode:
        path = Path(instance_path) / MODE_FILE
        mode = path.read_text().strip().lower() if path.exists() else "production"
    if mode not in MODES:
        raise ConfigError(f"TODO_MODE must be one of {', '.join(MODES)}, got {mode!r}")
    return mode


def shared_storage_uri(instance_path: str | Path) -> str:
    """The default rate-limit storage: a SQLite file every worker of this server shares."""
    return f"todo-sqlite:///{Path(instance_path).resolve() / 'ratelimits.db'}"


def per_process_storage(uri: str) -> bool:
    """True for a rate-limit storage each worker process keeps for itself (memory://)."""
    return uri.strip().lower().startswith("memory")


def normalize_database_url(url: str) -> str:
    """Pin PostgreSQL URLs to psycopg2 (gevent-cooperative through psycogreen).

    SQLAlchemy 2.1 maps a bare postgresql:// to psycopg 3; postgres:// is Heroku's and Neon's spelling.
    """
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg2://" + url[len(prefix) :]
    return url


@dataclass
class Config:
    """Settings of one app instance. `from_env` is the only place the environment is read."""

    mode: str = "production"
    """developer or production; the security settings below follow from it."""
    secret_key: str = DEV_SECRET
    """Key signing JWTs and Flask sessions."""
    database_url: str = ""
    """SQLAlchemy URL; empty means SQLite in the instance folder."""
    db_pool_size: int = 10
    """Connections kept per worker (PostgreSQL)."""
    db_max_overflow: int = 20
    """Extra connections a worker may open under load (PostgreSQL)."""
    access_token_minutes: int = 15
    """Lifetime of access tokens."""
    refresh_token_days: int = 30
    """Lifetime of refresh tokens."""
    max_content_length: int = 64 * 1024
    """Largest request body accepted; more gets 413."""
    ratelimit_default: str = ""
    """Default per-client request budget (flask-limiter syntax); empty: 600/min, 6000/min in developer mode."""
    ratelimit_auth: str = ""
    """Sign-in and sign-up attempts per IP; empty: 20/min, 1000/min in developer mode."""
    ratelimit_chat: str = ""
    """Chat turns per user in a burst; empty: 60/min, 1000/min in developer mode."""
    chat_turns_per_day: int = 2000
    """Daily budget of model turns per user."""
    signin_free_failures: int = 5
    """Failed sign-ins for one email before each further one imposes a doubling wait."""
    signin_email_ceiling: int = 20
    """Failed sign-ins for one email from all clients together past which each client gets one free failure."""
    ratelimit_enabled: bool = True
    """Switch for every rate limit (tests of other features turn it off)."""
    cors_origins: list[str] = field(default_factory=list)
    """Origins allowed to call the API cross-origin; developer mode adds the `next dev` server."""
    ratelimit_storage_uri: str = ""
    """Where rate-limit counters live: empty means a SQLite file in the instance folder that every
    worker of this server shares; redis:// to share them between machines; memory:// is per process."""
    metrics_token: str = ""
    """Bearer token /metrics requires in production; empty means /metrics is off in production."""
    model: str = "local"
    """`local` for the embedded model, else an OpenAI model name."""
    openai_api_key: str = ""
    """Key for OpenAI (or an OpenAI-compatible server)."""
    openai_base_url: str = ""
    """Base URL of an OpenAI-compatible server (Ollama, vLLM); empty means OpenAI."""
    openai_api: str = ""
    """responses or chat_completions; empty picks chat_completions when openai_base_url is set."""
    model_timeout_seconds: int = 60
    """Timeout of one model request before it is retried (never more than turn_deadline_seconds)."""
    model_first_token_seconds: float = 20.0
    """Seconds one model request may go without any output before it is abandoned and sent again."""
    turn_deadline_seconds: float = 90.0
    """Seconds a whole turn may wait for the model, retries included; then a retryable error."""
    slow_model_first_token_ms: int = 0
    """Slow-model mode of the embedded model (load tests): delay before the first event."""
    slow_model_token_ms: int = 0
    """Slow-model mode: delay between words."""
    chat_history_window: int = 40
    """Messages of recent history that each turn rebuilds as the agent's context."""
    sse_ping_seconds: float = 10.0
    """Seconds of silence after which a stream sends a `: ping` comment."""
    scheduler: str = "embedded"
    """embedded: every web worker runs the reminder scheduler (claims make that safe); off: run
    `flask todo reminders scheduler` as its own process instead."""
    reminder_tick_seconds: float = 1.0
    """How often the scheduler looks for due reminders."""
    events_redis_url: str = ""
    """redis:// to fan live events out through Redis pub/sub; empty: PostgreSQL NOTIFY, or polling on SQLite."""
    events_poll_seconds: float = 0.25
    """SQLite only: how often each process looks for other processes' events."""
    events_keep_hours: int = 48
    """Live events are kept this long for reconnects (at least 24)."""
    vapid_private_key: str = ""
    """Web Push: the VAPID private key (base64url or PEM); empty turns Web Push off."""
    vapid_public_key: str = ""
    """Web Push: the VAPID public key (base64url, uncompressed point) handed to browsers."""
    vapid_subject: str = "mailto:admin@example.com"
    """Web Push: the contact the push services see."""
    loop_stall_seconds: float = 10.0
    """Seconds the asyncio loop thread may go without running before turns give up and the worker is recycled."""
    log_format: str = ""
    """json or text; empty: text in developer mode, json in production."""
    log_level: str = "INFO"
    """Root log level."""
    extra: dict[str, Any] = field(default_factory=dict)
    """Flask settings passed through unchanged (tests use it)."""

    @classmethod
    def from_env(cls, instance_path: str | Path) -> Config:
        """Read every setting from the environment (and the persisted mode)."""
        mode = read_mode(instance_path)
        api_key = os.environ.get("OPENAI_API_KEY", "")
        default_model = "gpt-4o" if api_key else "local"
        return cls(
            mode=mode,
            secret_key=os.environ.get("JWT_SECRET_KEY") or os.environ.get("SECRET_KEY") or DEV_SECRET,
            database_url=os.environ.get("DATABASE_URL", ""),
            db_pool_size=_env_int("DB_POOL_SIZE", 10),
            db_max_overflow=_env_int("DB_MAX_OVERFLOW", 20),
            access_token_minutes=_env_int("ACCESS_TOKEN_MINUTES", 15),
            refresh_token_days=_env_int("REFRESH_TOKEN_DAYS", 30),
            max_content_length=_env_int("MAX_CONTENT_LENGTH", 64 * 1024),
            ratelimit_default=os.environ.get("RATELIMIT_DEFAULT", ""),
            ratelimit_auth=os.environ.get("RATELIMIT_AUTH", ""),
            ratelimit_chat=os.environ.get("RATELIMIT_CHAT", ""),
            chat_turns_per_day=_env_int("CHAT_TURNS_PER_DAY", 2000),
            signin_free_failures=_env_int("SIGNIN_FREE_FAILURES", 5),
            signin_email_ceiling=_env_int("SIGNIN_EMAIL_CEILING", 20),
            ratelimit_enabled=os.environ.get("RATELIMIT_ENABLED", "1").lower() not in ("0", "false", "no"),
            log_format=os.environ.get("LOG_FORMAT", ""),
            log_level=os.environ.get("LOG_LEVEL", "INFO").upper(),
            cors_origins=[o.strip() for o in os.environ.get("CORS_ORIGINS", "").split(",") if o.strip()],
            ratelimit_storage_uri=os.environ.get("RATELIMIT_STORAGE_URI", ""),
            metrics_token=os.environ.get("METRICS_TOKEN", ""),
            model=os.environ.get("TODO_MODEL", default_model),
            openai_api_key=api_key,
            openai_base_url=os.environ.get("OPENAI_BASE_URL", ""),
            openai_api=os.environ.get("OPENAI_API", ""),
            model_timeout_seconds=_env_int("MODEL_TIMEOUT_SECONDS", 60),
            model_first_token_seconds=float(os.environ.get("MODEL_FIRST_TOKEN_SECONDS", "20")),
            turn_deadline_seconds=float(os.environ.get("TURN_DEADLINE_SECONDS", "90")),
            slow_model_first_token_ms=_env_int("SLOW_MODEL_FIRST_TOKEN_MS", 0),
            slow_model_token_ms=_env_int("SLOW_MODEL_TOKEN_MS", 0),
            chat_history_window=_env_int("CHAT_HISTORY_WINDOW", 40),
            sse_ping_seconds=float(os.environ.get("SSE_PING_SECONDS", "10")),
            scheduler=os.environ.get("SCHEDULER", "embedded").strip().lower(),
            reminder_tick_seconds=float(os.environ.get("REMINDER_TICK_SECONDS", "1")),
            events_redis_url=os.environ.get("EVENTS_REDIS_URL", ""),
            events_poll_seconds=float(os.environ.get("EVENTS_POLL_SECONDS", "0.25")),
            events_keep_hours=_env_int("EVENTS_KEEP_HOURS", 48),
            vapid_private_key=os.environ.get("VAPID_PRIVATE_KEY", ""),
            vapid_public_key=os.environ.get("VAPID_PUBLIC_KEY", ""),
            vapid_subject=os.environ.get("VAPID_SUBJECT", "mailto:admin@example.com"),
            loop_stall_seconds=float(os.environ.get("LOOP_STALL_SECONDS", "10")),
        )

    @property
    def production(self) -> bool:
        """True in production mode."""
        return self.mode == "production"

    def validate(self) -> None:
        """Refuse settings that would be unsafe in production."""
        if self.production and (self.secret_key == DEV_SECRET or len(self.secret_key) < 32):
            raise ConfigError(
                "Production mode needs a real JWT_SECRET_KEY (32+ random characters), e.g. "
                '`export JWT_SECRET_KEY="$(python -c "import secrets; print(secrets.token_urlsafe(48))")"`, '
                "or run in developer mode with TODO_MODE=developer."
            )

    def flask_settings(self, instance_path: str | Path) -> dict[str, Any]:
        """The Flask and extension settings, derived from this config and its mode."""
        url = normalize_database_url(self.database_url or f"sqlite:///{Path(instance_path) / 'todo.db'}")
        dev = not self.production
        settings: dict[str, Any] = {
            "SECRET_KEY": self.secret_key,
            "TODO_MODE": self.mode,
            "DATABASE_URL": url,
            "DB_POOL_SIZE": self.db_pool_size,
            "DB_MAX_OVERFLOW": self.db_max_overflow,
            "MAX_CONTENT_LENGTH": self.max_content_length,
            "JWT_SECRET_KEY": self.secret_key,
            "JWT_ALGORITHM": "HS256",
            "JWT_DECODE_ALGORITHMS": ["HS256"],
            "JWT_ACCESS_TOKEN_EXPIRES": timedelta(minutes=self.access_token_minutes),
            "JWT_REFRESH_TOKEN_EXPIRES": timedelta(days=self.refresh_token_days),
            "JWT_TOKEN_LOCATION": ["headers"],
            "JWT_COOKIE_SECURE": self.production,
            "JWT_COOKIE_SAMESITE": "Strict",
            "JWT_COOKIE_CSRF_PROTECT": True,
            "JWT_REFRESH_COOKIE_PATH": "/api/auth",
            "JWT_REFRESH_CSRF_COOKIE_PATH": "/",
            "JWT_SESSION_COOKIE": False,
            "JWT_ERROR_MESSAGE_KEY": "message",
            "SESSION_COOKIE_SECURE": self.production,
            "SESSION_COOKIE_HTTPONLY": True,
            "RATELIMIT_DEFAULT": self.ratelimit_default or ("6000 per minute" if dev else "600 per minute"),
            "RATELIMIT_AUTH": self.ratelimit_auth or ("1000 per minute" if dev else "20 per minute"),
            "RATELIMIT_CHAT": self.ratelimit_chat or ("1000 per minute" if dev else "60 per minute"),
            "CHAT_TURNS_PER_DAY": self.chat_turns_per_day,
            "SIGNIN_FREE_FAILURES": self.signin_free_failures,
            "SIGNIN_EMAIL_CEILING": self.signin_email_ceiling,
            "RATELIMIT_ENABLED": self.ratelimit_enabled,
            "RATELIMIT_HEADERS_ENABLED": False,
            "CORS_ORIGINS": self.cors_origins + (DEV_ORIGINS if dev else []),
            "LOG_FORMAT": self.log_format or ("text" if dev else "json"),
            "LOG_LEVEL": self.log_level,
            "RATELIMIT_STORAGE_URI": self.ratelimit_storage_uri or shared_storage_uri(instance_path),
            "METRICS_TOKEN": self.metrics_token,
            "TODO_MODEL": self.model,
            "OPENAI_API_KEY": self.openai_api_key,
            "OPENAI_BASE_URL": self.openai_base_url,
            "OPENAI_API": self.openai_api,
            "MODEL_TIMEOUT_SECONDS": self.model_timeout_seconds,
            "MODEL_FIRST_TOKEN_SECONDS": self.model_first_token_seconds,
            "TURN_DEADLINE_SECONDS": self.turn_deadline_seconds,
            "SLOW_MODEL_FIRST_TOKEN_MS": self.slow_model_first_token_ms,
            "SLOW_MODEL_TOKEN_MS": self.slow_model_token_ms,
            "CHAT_HISTORY_WINDOW": self.chat_history_window,
            "SSE_PING_SECONDS": self.sse_ping_seconds,
            "SCHEDULER": self.scheduler,
            "REMINDER_TICK_SECONDS": self.reminder_tick_seconds,
            "EVENTS_REDIS_URL": self.events_redis_url,
            "EVENTS_POLL_SECONDS": self.events_poll_seconds,
            "EVENTS_KEEP_HOURS": self.events_keep_hours,
            "VAPID_PRIVATE_KEY": self.vapid_private_key,
            "VAPID_PUBLIC_KEY": self.vapid_public_key,
            "VAPID_SUBJECT": self.vapid_subject,
            "LOOP_STALL_SECONDS": self.loop_stall_seconds,
            "JSON_SORT_KEYS": False,
        }
        settings.update(self.extra)
        return settings

    def masked(self) -> dict[str, Any]:
        """Effective settings with secrets masked, for `flask todo config show`."""
        out: dict[str, Any] = {}
        for f in fields(self):
            if f.name == "extra":
                continue
            value = getattr(self, f.name)
            if f.name in ("secret_key", "openai_api_key", "metrics_token", "vapid_private_key") and value:
                value = value[:3] + "…" + f" ({len(value)} chars)"
            if f.name == "database_url" and "@" in value:
                scheme, _, rest = value.partition("://")
                value = f"{scheme}://***@{rest.split('@', 1)[1]}"
            out[f.name] = value
        return out
