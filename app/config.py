"""The one source of every setting: `Config` (the app) and `ServerSettings` (the gunicorn master).

Each setting is written once, as a pydantic-settings field: its name, type, default and the line of
doc under it (which `flask todo config docs` turns into the README's table). The environment
variable is the field name in capitals unless the field names others (`validation_alias`).
Nothing else in the code base reads `os.environ`; code receives the typed
`Config` through `get_config()`. This module imports only the standard library and pydantic, so
gunicorn's master can load it on its own before any worker patches the standard library with gevent.
"""

from __future__ import annotations

import multiprocessing
import os
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import AliasChoices, Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

if TYPE_CHECKING:
    from flask import Flask

MODES = ("developer", "production")
MODE_FILE = "mode"
"""Name of the file in the instance folder that `flask todo config set-mode` writes."""

DEV_SECRET = "dev-secret-key-change-me-0123456789abcdef"
"""The well-known secret developer mode falls back to; production refuses it."""

DEV_ORIGINS = ["http://localhost:3000", "http://127.0.0.1:3000"]
"""The `next dev` server of `make dev`, allowed cross-origin in developer mode only."""

DEFAULT_INSTANCE = Path(__file__).resolve().parents[1] / "instance"
"""The instance folder when TODO_INSTANCE_PATH is unset: `instance/` beside the package (Flask's own default)."""

EXTENSION_KEY = "todo_config"
"""Key of the typed `Config` in `app.extensions`."""

SECRET = "secret"
"""Marker in a field's metadata: `flask todo config show` masks its value."""


class ConfigError(RuntimeError):
    """The configuration cannot be used (e.g. production without a real secret)."""


def _env(*names: str) -> Any:
    """A field read from environment variables other than its own name in capitals (first set wins)."""
    return AliasChoices(*names) if len(names) > 1 else names[0]


def _csv(value: Any) -> Any:
    """Comma-separated text from the environment as a list (lists given in code pass through)."""
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return value


def _lower(value: Any) -> Any:
    return value.strip().lower() if isinstance(value, str) else value


def _upper(value: Any) -> Any:
    return value.strip().upper() if isinstance(value, str) else value


_SETTINGS = SettingsConfigDict(
    use_attribute_docstrings=True,
    env_ignore_empty=True,  # VAR= (empty) means the default, as it always did
    case_sensitive=False,
    extra="forbid",
)


class Config(BaseSettings):
    """Settings of one app instance, read from the environment once (`Config.load`)."""

    model_config = _SETTINGS

    mode: Literal["developer", "production"] = Field("production", validation_alias=_env("TODO_MODE"))
    """developer or production (TODO_MODE; else the mode `flask todo config set-mode` saved); the security
    settings follow from it."""
    instance_path: str = Field(str(DEFAULT_INSTANCE), validation_alias=_env("TODO_INSTANCE_PATH"))
    """Folder of the SQLite database, the saved mode and the rate-limit counters."""
    secret_key: Annotated[str, SECRET] = Field(DEV_SECRET, validation_alias=_env("JWT_SECRET_KEY", "SECRET_KEY"))
    """Key signing JWTs and Flask sessions (JWT_SECRET_KEY, else SECRET_KEY); production needs 32+ characters."""
    database_url: Annotated[str, SECRET] = ""
    """SQLAlchemy URL; empty means SQLite in the instance folder; postgres:// and postgresql:// use psycopg2."""
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
    ratelimit_enabled: bool = True
    """Switch for every rate limit (tests of other features turn it off)."""
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
    ratelimit_storage_uri: str = ""
    """Where rate-limit counters live: empty means a SQLite file in the instance folder that every worker
    of this server shares; redis:// to share them between machines; memory:// is per process."""
    cors_origins: Annotated[list[str], NoDecode] = []
    """Comma-separated origins allowed to call the API cross-origin; developer mode adds the `next dev` server."""
    metrics_token: Annotated[str, SECRET] = ""
    """Bearer token /metrics requires in production; empty means /metrics is off in production."""
    model: str = Field("", validation_alias=_env("TODO_MODEL"))
    """`local` for the embedded model, else an OpenAI model name; empty: gpt-4o with OPENAI_API_KEY, else local."""
    openai_api_key: Annotated[str, SECRET] = ""
    """Key for OpenAI (or an OpenAI-compatible server)."""
    openai_base_url: str = ""
    """Base URL of an OpenAI-compatible server (Ollama, vLLM); empty means OpenAI."""
    openai_api: Literal["", "responses", "chat_completions"] = ""
    """responses or chat_completions; empty picks chat_completions when OPENAI_BASE_URL is set."""
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
    scheduler: Literal["embedded", "off"] = "embedded"
    """embedded: every web worker runs the reminder scheduler (claims make that safe); off: run
    `flask todo reminders scheduler` as its own process instead."""
    reminder_tick_seconds: float = 1.0
    """How often the scheduler looks for due reminders."""
    events_redis_url: str = ""
    """redis:// to fan live events out through Redis pub/sub; empty: PostgreSQL NOTIFY, or polling on SQLite."""
    events_poll_seconds: float = 0.1
    """SQLite only: how often each process looks for other processes' events."""
    events_keep_hours: int = 48
    """Live events are kept this long for reconnects (at least 24)."""
    vapid_private_key: Annotated[str, SECRET] = ""
    """Web Push: the VAPID private key (base64url or PEM); empty turns Web Push off."""
    vapid_public_key: str = ""
    """Web Push: the VAPID public key (base64url, uncompressed point) handed to browsers."""
    vapid_subject: str = "mailto:admin@example.com"
    """Web Push: the contact the push services see."""
    loop_stall_seconds: float = 10.0
    """Seconds the asyncio loop thread may go without running before turns give up and the worker is recycled."""
    log_format: Literal["", "json", "text"] = ""
    """json or text; empty: text in developer mode, json in production."""
    log_level: str = "INFO"
    """Root log level (also gunicorn's)."""
    frontend_dir: str = ""
    """Folder of the frontend's static export; empty: frontend/out in the repository."""
    bench: bool = Field(False, validation_alias=_env("TODO_BENCH"))
    """Mount the unauthenticated /bench/* baselines (load tests only)."""

    _normalize_lower = field_validator("mode", "scheduler", "openai_api", "log_format", mode="before")(_lower)
    _normalize_upper = field_validator("log_level", mode="before")(_upper)
    _split_origins = field_validator("cors_origins", mode="before")(_csv)

    @model_validator(mode="after")
    def _derive(self) -> Config:
        """The derived rules, in one place: the saved mode, and every default that follows from another setting."""
        self.instance_path = str(Path(self.instance_path).resolve())
        if "mode" not in self.model_fields_set:
            self.mode = read_mode_file(self.instance_path)
        dev = not self.production
        self.database_url = normalize_database_url(
            self.database_url or f"sqlite:///{Path(self.instance_path) / 'todo.db'}")
        self.ratelimit_storage_uri = self.ratelimit_storage_uri or shared_storage_uri(self.instance_path)
        self.ratelimit_default = self.ratelimit_default or ("6000 per minute" if dev else "600 per minute")
        self.ratelimit_auth = self.ratelimit_auth or ("1000 per minute" if dev else "20 per minute")
        self.ratelimit_chat = self.ratelimit_chat or ("1000 per minute" if dev else "60 per minute")
        if dev:
            self.cors_origins = self.cors_origins + [o for o in DEV_ORIGINS if o not in self.cors_origins]
        self.log_format = self.log_format or ("text" if dev else "json")
        self.model = self.model or ("gpt-4o" if self.openai_api_key else "local")
        self.openai_api = self.openai_api or ("chat_completions" if self.openai_base_url else "responses")
        return self

    @classmethod
    def load(cls, **overrides: Any) -> Config:
        """The environment's settings with `overrides` (by field name) on top; bad values raise `ConfigError`."""
        unknown = sorted(set(overrides) - set(cls.model_fields))
        if unknown:
            raise ConfigError(f"unknown setting(s): {', '.join(unknown)}")
        given = {env_names(name)[0]: value for name, value in overrides.items()}
        try:
            return cls(**given)
        except ValidationError as err:
            raise ConfigError(_one_line(err, cls)) from None

    @classmethod
    def from_env(cls, instance_path: str | Path | None = None, **overrides: Any) -> Config:
        """`load`, with the instance folder given apart (gunicorn's master and the tests pass it)."""
        if instance_path is not None:
            overrides["instance_path"] = str(instance_path)
        return cls.load(**overrides)

    @property
    def production(self) -> bool:
        """True in production mode."""
        return self.mode == "production"

    @property
    def refresh_token_lifetime(self) -> timedelta:
        """How long a refresh token (and the cookie carrying it) lives."""
        return timedelta(days=self.refresh_token_days)

    def validate_for_serving(self) -> None:
        """Refuse settings that would be unsafe in production."""
        if self.production and (self.secret_key == DEV_SECRET or len(self.secret_key) < 32):
            raise ConfigError(
                "Production mode needs a real JWT_SECRET_KEY (32+ random characters), e.g. "
                '`export JWT_SECRET_KEY="$(python -c "import secrets; print(secrets.token_urlsafe(48))")"`, '
                "or run in developer mode with TODO_MODE=developer."
            )

    def flask_settings(self) -> dict[str, Any]:
        """What Flask and its extensions read from `app.config` themselves, derived from this config.

        The app's own code reads the typed `Config` (`get_config()`), never these keys.
        """
        return {
            "SECRET_KEY": self.secret_key,
            "MAX_CONTENT_LENGTH": self.max_content_length,
            "JWT_SECRET_KEY": self.secret_key,
            "JWT_ALGORITHM": "HS256",
            "JWT_DECODE_ALGORITHMS": ["HS256"],
            "JWT_ACCESS_TOKEN_EXPIRES": timedelta(minutes=self.access_token_minutes),
            "JWT_REFRESH_TOKEN_EXPIRES": self.refresh_token_lifetime,
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
            "RATELIMIT_ENABLED": self.ratelimit_enabled,
            "RATELIMIT_STORAGE_URI": self.ratelimit_storage_uri,
            "RATELIMIT_HEADERS_ENABLED": False,
        }

    def masked(self) -> dict[str, Any]:
        """Effective settings with secrets masked, for `flask todo config show`."""
        out: dict[str, Any] = {}
        for name, info in type(self).model_fields.items():
            value = getattr(self, name)
            if SECRET in info.metadata and isinstance(value, str) and value:
                value = _mask(value)
            out[name] = value
        return out


class ServerSettings(BaseSettings):
    """Settings of the gunicorn master (gunicorn.conf.py) and of the metrics directory its workers share."""

    model_config = SettingsConfigDict(use_attribute_docstrings=True, case_sensitive=False, extra="forbid")
    """Unlike `Config`, an empty variable counts: ACCESS_LOG= turns the access log off."""

    host: str = "127.0.0.1"
    """Address gunicorn binds."""
    port: int = 8000
    """Port gunicorn binds."""
    web_concurrency: int = Field(default_factory=lambda: multiprocessing.cpu_count() + 1)
    """gunicorn worker processes; default: one per core plus one."""
    worker_connections: int = 4000
    """Concurrent connections per gevent worker."""
    access_log: str = "-"
    """Where gunicorn writes its access log: - for stdout; empty: no access log."""
    prometheus_multiproc_dir: str = ""
    """Folder where the workers' metrics meet (prometheus-client's own variable); empty: gunicorn makes one."""

    @classmethod
    def load(cls) -> ServerSettings:
        """The environment's settings; bad values raise `ConfigError`."""
        try:
            return cls()
        except ValidationError as err:
            raise ConfigError(_one_line(err, cls)) from None


def export_metrics_dir(path: str) -> None:
    """Hand the metrics folder to the workers gunicorn forks: prometheus-client reads it from the environment."""
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = path


def get_config(app: Flask | None = None) -> Config:
    """The typed settings of `app` (default: the current app), as the factory stored them."""
    if app is None:
        from flask import current_app

        app = current_app
    cfg: Config = app.extensions[EXTENSION_KEY]
    return cfg


def env_names(field: str, model: type[BaseSettings] = Config) -> list[str]:
    """The environment variables of a field, in the order they are looked up."""
    alias = model.model_fields[field].validation_alias
    if isinstance(alias, AliasChoices):
        return [str(choice) for choice in alias.choices]
    if isinstance(alias, str):
        return [alias]
    return [field.upper()]


def docs_table(model: type[BaseSettings] = Config) -> str:
    """The Markdown table of a settings class (variable, default, meaning), generated from the fields."""
    rows = ["| Variable | Default | Meaning |", "| --- | --- | --- |"]
    for name, info in model.model_fields.items():
        default = "" if info.default_factory is not None else info.default
        shown = f"`{default}`" if default not in ("", [], None) else ""
        if isinstance(default, bool):
            shown = f"`{'1' if default else '0'}`"
        if name == "instance_path":
            shown = "`./instance`"
        if name == "web_concurrency":
            shown = "cores + 1"
        doc = " ".join((info.description or "").split()).replace("|", "\\|")
        rows.append(f"| `{'` / `'.join(env_names(name, model))}` | {shown} | {doc} |")
    return "\n".join(rows)


def read_mode_file(instance_path: str | Path) -> Literal["developer", "production"]:
    """The mode `flask todo config set-mode` saved in the instance folder, else production."""
    path = Path(instance_path) / MODE_FILE
    mode = path.read_text().strip().lower() if path.exists() else "production"
    if mode == "developer":
        return "developer"
    if mode == "production":
        return "production"
    raise ConfigError(f"{path} must say one of {', '.join(MODES)}, not {mode!r}")


def read_mode(instance_path: str | Path) -> str:
    """The mode: TODO_MODE if set, else the one persisted by `config set-mode`, else production."""
    return Config.from_env(instance_path).mode


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


def _mask(value: str) -> str:
    if "://" in value:  # a URL: only its credentials are secret
        scheme, _, rest = value.partition("://")
        return f"{scheme}://***@{rest.split('@', 1)[1]}" if "@" in rest else value
    return value[:3] + "…" + f" ({len(value)} chars)"


def _one_line(err: ValidationError, model: type[BaseSettings]) -> str:
    """A validation error as one line naming the environment variable (a secret's value is not repeated)."""
    first = err.errors()[0]
    loc = str(first["loc"][0]) if first["loc"] else ""
    field = next((name for name in model.model_fields if loc == name or loc in env_names(name, model)), "")
    if not field:
        return f"{loc}: {first['msg']}"
    got = "" if SECRET in model.model_fields[field].metadata else f", got {first.get('input')!r}"
    return f"{env_names(field, model)[0]}: {first['msg']}{got}"
