"""Configuration: modes, the production secret check, database URLs, one line per bad value, the README table."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from app.config import Config, ConfigError, ServerSettings, read_mode
from cli.config_cmd import readme_section
from tests.support.env import server_env

pytestmark = pytest.mark.database_independent

ROOT = Path(__file__).resolve().parents[1]


def test_production_is_the_default_and_needs_a_real_secret(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TODO_MODE", raising=False)
    monkeypatch.delenv("JWT_SECRET_KEY", raising=False)
    monkeypatch.delenv("SECRET_KEY", raising=False)
    cfg = Config.from_env(tmp_path)
    assert cfg.mode == "production"
    with pytest.raises(ConfigError, match="JWT_SECRET_KEY"):
        cfg.validate_for_serving()
    monkeypatch.setenv("JWT_SECRET_KEY", "s" * 40)
    Config.from_env(tmp_path).validate_for_serving()


def test_mode_derives_security_settings(tmp_path: Path) -> None:
    prod = Config.from_env(tmp_path, mode="production", secret_key="s" * 40).flask_settings()
    dev = Config.from_env(tmp_path, mode="developer").flask_settings()
    assert prod["JWT_COOKIE_SECURE"] is True and dev["JWT_COOKIE_SECURE"] is False
    assert prod["JWT_COOKIE_SAMESITE"] == dev["JWT_COOKIE_SAMESITE"] == "Strict"
    assert prod["JWT_DECODE_ALGORITHMS"] == ["HS256"]


def test_mode_file_and_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TODO_MODE", raising=False)
    (tmp_path / "mode").write_text("developer\n")
    assert read_mode(tmp_path) == "developer"
    monkeypatch.setenv("TODO_MODE", "production")
    assert read_mode(tmp_path) == "production"
    monkeypatch.setenv("TODO_MODE", "chaos")
    with pytest.raises(ConfigError):
        read_mode(tmp_path)


def test_database_url_defaults_to_sqlite_in_instance(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert Config.from_env(tmp_path, mode="developer").database_url == f"sqlite:///{tmp_path.resolve() / 'todo.db'}"
    heroku = Config.from_env(tmp_path, mode="developer", database_url="postgres://u:p@h/db")
    assert heroku.database_url == "postgresql+psycopg2://u:p@h/db"
    monkeypatch.setenv("DATABASE_URL", "postgresql://u:p@h/db")
    assert Config.from_env(tmp_path).database_url == "postgresql+psycopg2://u:p@h/db"


def test_every_setting_comes_from_its_variable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TODO_MODE", " Developer ")
    monkeypatch.setenv("DB_POOL_SIZE", "3")
    monkeypatch.setenv("SSE_PING_SECONDS", "2.5")
    monkeypatch.setenv("RATELIMIT_ENABLED", "0")
    monkeypatch.setenv("CORS_ORIGINS", "https://a.example, https://b.example")
    monkeypatch.setenv("CHAT_TURNS_PER_DAY", "")  # empty: the default, as before
    monkeypatch.setenv("LOG_LEVEL", "debug")
    cfg = Config.from_env(tmp_path)
    assert (cfg.mode, cfg.db_pool_size, cfg.sse_ping_seconds, cfg.ratelimit_enabled) == ("developer", 3, 2.5, False)
    assert cfg.cors_origins[:2] == ["https://a.example", "https://b.example"]
    assert cfg.chat_turns_per_day == 2000 and cfg.log_level == "DEBUG"
    assert Config.from_env(tmp_path, db_pool_size=7).db_pool_size == 7  # overrides (create_app's dict) win


def test_mode_dependent_defaults(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("RATELIMIT_AUTH", "LOG_FORMAT", "CORS_ORIGINS", "TODO_MODEL", "OPENAI_API_KEY", "OPENAI_API",
                 "OPENAI_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    dev = Config.from_env(tmp_path, mode="developer")
    prod = Config.from_env(tmp_path, mode="production", secret_key="s" * 40)
    assert (dev.ratelimit_auth, prod.ratelimit_auth) == ("1000 per minute", "20 per minute")
    assert (dev.log_format, prod.log_format) == ("text", "json")
    assert "http://localhost:3000" in dev.cors_origins and prod.cors_origins == []
    assert dev.model == "local"
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    assert Config.from_env(tmp_path).model == "gpt-4o"
    assert Config.from_env(tmp_path, openai_base_url="http://localhost:1").openai_api == "chat_completions"


def test_secret_key_falls_back_to_secret_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("JWT_SECRET_KEY", raising=False)
    monkeypatch.setenv("SECRET_KEY", "f" * 40)
    assert Config.from_env(tmp_path).secret_key == "f" * 40
    monkeypatch.setenv("JWT_SECRET_KEY", "j" * 40)
    assert Config.from_env(tmp_path).secret_key == "j" * 40


@pytest.mark.parametrize(("name", "value"), [("DB_POOL_SIZE", "ten"), ("SSE_PING_SECONDS", "soon"),
                                             ("SCHEDULER", "sometimes"), ("RATELIMIT_ENABLED", "perhaps"),
                                             ("TODO_MODE", "chaos")])
def test_a_bad_value_is_one_line_naming_the_variable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str,
                                                     value: str) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError) as caught:
        Config.from_env(tmp_path)
    message = str(caught.value)
    assert message.startswith(f"{name}: ") and repr(value) in message and "\n" not in message


def test_server_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PORT", "8123")
    monkeypatch.setenv("ACCESS_LOG", "")
    server = ServerSettings.load()
    assert server.port == 8123 and server.access_log == "" and server.web_concurrency >= 2
    monkeypatch.setenv("WEB_CONCURRENCY", "many")
    with pytest.raises(ConfigError, match=r"^WEB_CONCURRENCY: "):
        ServerSettings.load()


def test_unknown_override_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="ratelimit_enable"):
        Config.from_env(tmp_path, ratelimit_enable=False)


def test_readme_holds_the_generated_settings_tables() -> None:
    """The README's tables are `flask todo config docs`: regenerate them after adding a setting."""
    readme = (ROOT / "README.md").read_text()
    assert readme_section() in readme


def test_masked_hides_secrets(tmp_path: Path) -> None:
    cfg = Config.from_env(tmp_path, mode="developer", secret_key="supersecretvalue" * 3,
                          database_url="postgresql://u:pw@host/db", openai_api_key="sk-abcdef")
    shown = str(cfg.masked())
    assert "supersecretvalue" not in shown and "pw@" not in shown and "sk-abcdef" not in shown


def test_wsgi_refuses_to_start_in_production_without_secret(tmp_path: Path) -> None:
    env = server_env(JWT_SECRET_KEY=None, SECRET_KEY=None, TODO_MODE=None, TODO_INSTANCE_PATH=str(tmp_path))
    proc = subprocess.run([sys.executable, "-c", "import wsgi"], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 3
    assert "JWT_SECRET_KEY" in proc.stderr and len(proc.stderr.strip().splitlines()) == 1
