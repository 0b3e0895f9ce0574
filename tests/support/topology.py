"""Two app instances behind nginx, sharing rate limits through Redis (test_multi_instance, test_events_live)."""

from __future__ import annotations

import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from string import Template

from tests.support.live import ROOT, LiveServer, free_port, start_server


@dataclass
class Topology:
    """The running pieces."""

    a: LiveServer
    """First instance."""
    b: LiveServer
    """Second instance."""
    proxy: LiveServer
    """nginx in front of both (a LiveServer view of its port)."""


def _wait_port(port: int) -> None:
    import socket

    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"nothing listens on {port}")


@contextmanager
def running_topology(tmp_path: Path) -> Iterator[Topology]:
    """Redis, two instances (one worker each, slow embedded model) and nginx in front of both; stopped after."""
    redis_port = free_port()
    redis = subprocess.Popen([shutil.which("redis-server") or "/usr/bin/redis-server", "--port", str(redis_port),
                              "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _wait_port(redis_port)
    env = {"RATELIMIT_STORAGE_URI": f"redis://127.0.0.1:{redis_port}", "RATELIMIT_CHAT": "6 per minute",
           "SLOW_MODEL_FIRST_TOKEN_MS": "100", "SLOW_MODEL_TOKEN_MS": "60"}
    a = start_server(tmp_path / "a", None, 1, **env)
    b = start_server(tmp_path / "b", None, 1, **env)
    prefix = tmp_path / "nginx"
    prefix.mkdir()
    port = free_port()
    conf = Template((ROOT / "deploy" / "nginx.conf.template").read_text()).safe_substitute(
        PREFIX=str(prefix), PORT=str(port),
        UPSTREAMS=f"server 127.0.0.1:{a.port} max_fails=1 fail_timeout=2s; "
                  f"server 127.0.0.1:{b.port} max_fails=1 fail_timeout=2s;")
    (prefix / "nginx.conf").write_text(conf)
    nginx = subprocess.Popen([shutil.which("nginx") or "/usr/sbin/nginx", "-p", str(prefix), "-c",
                              str(prefix / "nginx.conf"), "-g", "daemon off;"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _wait_port(port)
    try:
        yield Topology(a, b, LiveServer(port, nginx, {}, prefix / "error.log"))
    finally:
        for proc in (nginx, redis):
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=20)
        a.stop()
        b.stop()
