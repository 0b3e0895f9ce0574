"""What the load tests read from the environment, typed and documented once (like the app's `Config`).

`loadtests/run.py` hands these to the Locust process it starts (through `tests.support.env.server_env`);
no other load-test module reads the environment.
"""

from __future__ import annotations

from pydantic_settings import BaseSettings, SettingsConfigDict


class LoadTestSettings(BaseSettings):
    """Settings of one Locust run."""

    model_config = SettingsConfigDict(use_attribute_docstrings=True, env_ignore_empty=True, extra="forbid")

    loadtest_accounts: str = ""
    """JSON file of ready accounts (`run.py` signs them up before Locust starts); empty: each user signs up."""
    loadtest_database_url: str = ""
    """The server's database, for seeding the long conversation directly; empty: no seeding."""
    loadtest_long_conversation: int = 1000
    """Messages the long-conversation user's thread starts with."""
    loadtest_sessions: int = 12
    """Concurrent sessions of the many-sessions user (the target is 10+)."""
    loadtest_list_tasks: int = 50
    """Tasks each task-list user creates before it starts listing them (the targets are for a 50-task list)."""
