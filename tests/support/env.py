"""The one place tests and load tests touch the process environment (tests/test_layout.py checks it).

Settings of the test run itself (TEST_DATABASE_URL, NL_EVAL_DIR, a probe's switch) are read by
`RunSettings`, built on pydantic-settings like the app's `Config`; the environment of a child process
(a live gunicorn, a CLI run, Locust) is built by `server_env`. Tests change their own environment through
`monkeypatch.setenv`, never by writing to it.
"""

from __future__ import annotations

import os
from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict

ROOT = Path(__file__).resolve().parents[2]


class RunSettings(BaseSettings):
    """What the environment says about the test run."""

    model_config = SettingsConfigDict(use_attribute_docstrings=True, env_ignore_empty=True, extra="forbid")

    test_database_url: str = ""
    """The PostgreSQL to run the suite on (`scripts/pg-test.sh start` prints one); empty: SQLite files."""
    nl_eval_dir: str = str(ROOT.parent / "shared" / "nl-eval")
    """Folder of the shared natural-language evaluation cases."""
    probe_warm_master: bool = False
    """runtime_gevent_probe.py served by gunicorn: start the asyncio runtime in the master before the fork."""
    pytest_xdist_worker: str = ""
    """Set by pytest-xdist in each of its worker processes (`gw0`, `gw1`, ...); empty in a serial run."""


def run_settings() -> RunSettings:
    """The test run's settings, read now (a `monkeypatch.setenv` before the call is seen)."""
    return RunSettings()


def use_database(url: str) -> None:
    """Make `url` this test process's TEST_DATABASE_URL, for itself and the servers and CLIs it starts.

    Called once per pytest-xdist worker, before any test, to give each worker a database of its own
    (workers emptying one shared database would delete each other's rows)."""
    os.environ["TEST_DATABASE_URL"] = url


def server_env(**overrides: str | None) -> dict[str, str]:
    """The environment for a child process: this one's, with `overrides` set (None removes a variable)."""
    env = dict(os.environ)
    for name, value in overrides.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env
