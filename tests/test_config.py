"""Configuration: modes, the production secret check, database URLs."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.config import Config, ConfigError, read_mode

ROOT = Path(__file__).resolve().parents[1]


def test_production_is_the_default_and_needs_a_real_secret(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TODO_MODE", raising=False)
    monkeypatch.delenv("JWT_SECRET_KEY", raising=False)
    monkeypatch.delenv("SECRET_KEY", raising=False)
    cfg = Config.from_env(tmp_path)
    assert cfg.mode == "production"
    with pytest.raises(ConfigError, match="JWT_SECRET_KEY"):
        cfg.validate()
    monkeypatch.setenv("JWT_SECRET_KEY", "s" * 40)
    Config.from_env(tmp_path).validate()


def test_mode_derives_security_settings(tmp_path: Path) -> None:
    prod = Config(mode="production", secret_key="s" * 40).flask_settings(tmp_path)
    dev = Config(mode="developer").flask_settings(tmp_path)
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


def test_database_url_defaults_to_sqlite_in_instance(tmp_path: Path) -> None:
    assert Config(mode="developer").flask_settings(tmp_path)["DATABASE_URL"] == f"sqlite:///{tmp_path / 'todo.db'}"
    heroku = Config(mode="developer", database_url="postgres://u:p@h/db").flask_settings(tmp_path)
    assert heroku["DATABASE_URL"] == "postgresql+psycopg2://u:p@h/db"


def test_masked_hides_secrets() -> None:
    cfg = Config(mode="developer", secret_key="supersecretvalue" * 3, database_url="postgresql://u:pw@host/db",
                 openai_api_key="sk-abcdef")
    shown = str(cfg.masked())
    assert "supersecretvalue" not in shown and "pw@" not in shown and "sk-abcdef" not in shown


def test_wsgi_refuses_to_start_in_production_without_secret(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("JWT_SECRET_KEY", "SECRET_KEY", "TODO_MODE")}
    env["TODO_INSTANCE_PATH"] = str(tmp_path)
    proc = subprocess.run([sys.executable, "-c", "import wsgi"], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 3
    assert "JWT_SECRET_KEY" in proc.stderr
