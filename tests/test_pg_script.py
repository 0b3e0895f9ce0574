"""`scripts/pg-test.sh`: the test PostgreSQL takes a free port when the configured one is held by someone else."""

from __future__ import annotations

import shutil
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import psycopg2
import pytest

from tests.support.env import server_env
from tests.support.live import ROOT, free_port

SCRIPT = ROOT / "scripts" / "pg-test.sh"


def _pg(action: str, port: int) -> str:
    proc = subprocess.run([str(SCRIPT), action], env=server_env(PGTEST_PORT=str(port)), capture_output=True,
                          text=True, timeout=180)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.strip()


@pytest.fixture
def held_port() -> Iterator[int]:
    """A loopback port another program listens on (as when a second PostgreSQL holds 55432)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        port = sock.getsockname()[1]
        yield port
        _pg("stop", port)
        for leftover in (f"data-{port}", f"data-{port}.log", f"port-{port}"):
            path = Path(ROOT / ".pgtest" / leftover)
            if path.is_dir():
                shutil.rmtree(path)
            elif path.exists():
                path.unlink()


def _select_one(url: str) -> int:
    with psycopg2.connect(url, connect_timeout=30) as conn, conn.cursor() as cur:
        cur.execute("SELECT 1")
        row = cur.fetchone()
    conn.close()
    assert row is not None
    return int(row[0])


@pytest.mark.postgres_only
def test_a_held_port_makes_postgres_take_another(held_port: int) -> None:
    url = _pg("start", held_port)
    port = urlsplit(url).port
    assert port is not None and port != held_port
    assert _select_one(url) == 1
    assert _pg("url", held_port) == url
    assert _pg("start", held_port) == url, "a second start reuses the running cluster"


@pytest.mark.postgres_only
def test_a_free_configured_port_is_used_and_kept_across_restarts(tmp_path: Path) -> None:
    port = free_port()
    try:
        url = _pg("start", port)
        assert urlsplit(url).port == port
        _pg("stop", port)
        assert _pg("start", port) == url
        assert _select_one(url) == 1
    finally:
        _pg("stop", port)
        for leftover in (f"data-{port}", f"data-{port}.log", f"port-{port}"):
            path = ROOT / ".pgtest" / leftover
            if path.is_dir():
                shutil.rmtree(path)
            elif path.exists():
                path.unlink()
