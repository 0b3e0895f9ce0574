"""A real gunicorn + gevent server for tests, on a free loopback port, with its own database."""

from __future__ import annotations

import http.client
import json
import shutil
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypedDict

from tests.support.env import run_settings, server_env
from tests.support.fake_openai import FakeOpenAI

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
READY_SECONDS = 240
"""How long a server may take to answer /readyz: seconds unloaded, but a loaded 2-core machine (stress --cpu 2
beside five other suites) was seen to take over a minute to import the app in two workers."""


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class LiveServer:
    """A running gunicorn server."""

    port: int
    """Its loopback port."""
    process: subprocess.Popen[bytes]
    """The gunicorn master."""
    env: dict[str, str]
    """The environment it runs with."""
    log_path: Path
    """Its combined output."""

    @property
    def base(self) -> str:
        """http://127.0.0.1:<port>."""
        return f"http://127.0.0.1:{self.port}"

    def request(self, method: str, path: str, body: Any = None, token: str | None = None,
                accept: str = "application/json", timeout: float = 60) -> tuple[int, dict[str, str], bytes]:
        """One HTTP request; returns status, headers and the whole body."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        headers = {"Accept": accept}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        if token:
            headers["Authorization"] = f"Bearer {token}"
        try:
            conn.request(method, path, body=data, headers=headers)
            resp = conn.getresponse()
            return resp.status, dict(resp.getheaders()), resp.read()
        finally:
            conn.close()

    def signup(self) -> tuple[str, str]:
        """A new user: (user id, access token)."""
        status, _, body = self.request("POST", "/api/auth/signup", {
            "email": f"live-{uuid.uuid4().hex[:12]}@example.com", "password": "correct horse battery"})
        assert status == 201, body
        doc = json.loads(body)
        return doc["user"]["id"], doc["access_token"]

    def messages(self, uid: str, token: str, conversation_id: int) -> list[dict[str, Any]]:
        """The first page of a conversation's messages, oldest first."""
        status, _, body = self.request("GET", f"/api/{uid}/conversations/{conversation_id}/messages", token=token)
        assert status == 200, body
        return list(json.loads(body)["messages"])

    def stop(self) -> None:
        """Stop gracefully (SIGTERM), then kill."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


def sse_data(body: bytes) -> list[dict[str, Any]]:
    """The `data:` events of an SSE body."""
    return [json.loads(line[5:]) for line in body.decode().splitlines() if line.startswith("data:")]


def start_server(tmp: Path, database_url: str | None = None, workers: int = 2, **env: str) -> LiveServer:
    """Migrate a database and start gunicorn on it; waits until /readyz answers.

    `SKIP_MIGRATE="1"` among `env` skips the migration (a database an earlier server migrated);
    `READY_SECONDS` (default the module's `READY_SECONDS`) is how long the server may take to answer /readyz.
    """
    skip_migrate = env.pop("SKIP_MIGRATE", "") == "1"
    ready_seconds = float(env.pop("READY_SECONDS", str(READY_SECONDS)))
    port = free_port()
    instance = tmp / f"instance-{port}"
    instance.mkdir(parents=True, exist_ok=True)
    full_env = {
        **server_env(),
        "TODO_MODE": "developer",
        "TODO_INSTANCE_PATH": str(instance),
        "DATABASE_URL": database_url or run_settings().test_database_url or f"sqlite:///{instance / 'live.db'}",
        "PORT": str(port),
        "WEB_CONCURRENCY": str(workers),
        "ACCESS_LOG": "",
        "LOG_LEVEL": "warning",
        "FLASK_APP": "app:create_app",
        **env,
    }
    if not skip_migrate:
        subprocess.run([str(BIN / "flask"), "todo", "db", "upgrade"], cwd=ROOT, env=full_env, check=True,
                       capture_output=True, timeout=120)
    log_path = instance / "server.log"
    log = open(log_path, "wb")  # noqa: SIM115 - handed to the child for its lifetime
    process = subprocess.Popen([str(BIN / "gunicorn"), "-c", "gunicorn.conf.py"], cwd=ROOT, env=full_env,
                               stdout=log, stderr=subprocess.STDOUT)
    server = LiveServer(port, process, full_env, log_path)
    deadline = time.monotonic() + ready_seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited: {log_path.read_text()[-2000:]}")
        try:
            if server.request("GET", "/readyz", timeout=2)[0] == 200:
                return server
        except OSError:
            pass
        time.sleep(0.2)
    server.stop()
    raise RuntimeError(f"gunicorn did not become ready: {log_path.read_text()[-2000:]}")


class OpenAISettings(TypedDict):
    """Server settings (environment variables) for an OpenAI model."""

    TODO_MODEL: str
    """The model's name."""
    OPENAI_API_KEY: str
    """Its API key."""
    OPENAI_BASE_URL: str
    """Where its API is."""
    OPENAI_API: str
    """Which of its APIs the agent uses."""


def fake_openai_settings(fake: FakeOpenAI) -> OpenAISettings:
    """Server settings that point the assistant at `fake` (an OpenAI model, the Responses API)."""
    return OpenAISettings(TODO_MODEL="gpt-4o", OPENAI_API_KEY="sk-test", OPENAI_BASE_URL=fake.base_url,
                          OPENAI_API="responses")


@dataclass
class ChatTurn:
    """One /chat request (SSE) that a new user sent to a server started for it (`chat_once`)."""

    server: LiveServer
    """The server, running until the `chat_once` block ends."""
    uid: str
    """The user's id."""
    token: str
    """The user's access token."""
    status: int
    """The response's status."""
    body: bytes
    """The whole SSE body."""

    @property
    def events(self) -> list[dict[str, Any]]:
        """The body's `data:` events."""
        return sse_data(self.body)

    def messages(self) -> list[dict[str, Any]]:
        """The stored messages of the turn's conversation (named by its first event), oldest first."""
        return self.server.messages(self.uid, self.token, self.events[0]["conversation_id"])


@contextmanager
def chat_once(tmp: Path, message: str, workers: int = 1, **env: str) -> Iterator[ChatTurn]:
    """Start a server (`start_server(tmp, workers=workers, **env)`), sign a new user up and send `message` to
    /chat, reading the whole SSE response. The block can go on using the server; it is stopped when the block ends.
    """
    server = start_server(tmp, workers=workers, **env)
    try:
        uid, token = server.signup()
        status, _, body = server.request("POST", f"/api/{uid}/chat", {"message": message}, token=token,
                                         accept="text/event-stream")
        yield ChatTurn(server, uid, token, status, body)
    finally:
        server.stop()


def open_stream(server: LiveServer, uid: str, token: str, message: str,
                conversation_id: int | None = None) -> tuple[http.client.HTTPConnection, http.client.HTTPResponse]:
    """Start a /chat SSE request and return the open connection and response (read it yourself)."""
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
    body: dict[str, Any] = {"message": message}
    if conversation_id is not None:
        body["conversation_id"] = conversation_id
    conn.request("POST", f"/api/{uid}/chat", body=json.dumps(body),
                 headers={"Content-Type": "application/json", "Accept": "text/event-stream",
                          "Authorization": f"Bearer {token}"})
    return conn, conn.getresponse()


def read_lines(resp: http.client.HTTPResponse) -> Iterator[str]:
    """Lines of a streaming response as they arrive."""
    while True:
        line = resp.readline()
        if not line:
            return
        yield line.decode().rstrip("\n")


@contextmanager
def redis_server() -> Iterator[str]:
    """A throwaway redis-server (no persistence) on a free loopback port; yields its URL.

    `scripts/ensure-tools.sh` installs redis-server on a clean machine; without it this fails, never skips.
    """
    exe = shutil.which("redis-server") or "/usr/bin/redis-server"
    if not Path(exe).exists():
        raise RuntimeError("redis-server is not installed: run scripts/ensure-tools.sh")
    port = free_port()
    proc = subprocess.Popen([exe, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise RuntimeError("redis-server did not start") from None
                time.sleep(0.1)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        proc.terminate()
        proc.wait(timeout=20)
