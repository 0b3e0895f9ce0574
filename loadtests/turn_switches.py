"""A turn's CPU, the thread switches it causes and how often it wakes its caller, for /chat and ChatKit, in one process.

`python -m loadtests.turn_switches [--turns N]` runs the app as a gunicorn worker runs it (gevent-patched, the
asyncio loop in its own OS thread, the start-up heap frozen) on a fresh SQLite database with the embedded model,
and sends tool turns ("add buy milk number N tomorrow") through the Flask test client, alternating: a /chat
turn continuing its conversation, the same over ChatKit, a /chat turn opening a conversation, a ChatKit turn
opening a thread. Per turn it prints the process's CPU (user and system), its voluntary context switches, and
how many times the request's greenlet waited for the loop thread; last, ChatKit's CPU as a ratio to /chat's.

The server's own figures are `make bench`'s; this probe shows why they differ: without gunicorn, sockets or a
load generator, it isolates what a turn costs the two threads that serve it. Each time the loop thread wakes the
caller (and the other way round), the woken thread contends for the GIL and runs on cold caches.
"""

from __future__ import annotations

from gevent import monkey

monkey.patch_all()

import argparse  # noqa: E402
import json  # noqa: E402
import resource  # noqa: E402
import tempfile  # noqa: E402
from collections import Counter  # noqa: E402
from collections.abc import Callable  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

from flask.testing import FlaskClient  # noqa: E402

from app import create_app  # noqa: E402
from app.agent.runtime import wakeups  # noqa: E402
from app.heap import settle_worker_heap  # noqa: E402
from cli.migrate import upgrade  # noqa: E402
from loadtests.common import PASSWORD, chatkit_body, new_email  # noqa: E402
from tests.support.accounts import TEST_SECRET  # noqa: E402

KINDS = ("/chat", "ChatKit", "/chat, new conversation", "ChatKit, new thread")
"""The turns compared, in the order each round sends them."""


class Probe:
    """One user's turns through the test client, with the conversation and thread they continue."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client
        doc = client.post("/api/auth/signup", json={"email": new_email("probe"), "password": PASSWORD}).get_json()
        self.uid: str = doc["user"]["id"]
        self.headers = {"Authorization": f"Bearer {doc['access_token']}"}
        self.n = 0
        self.conversation_id: int | None = None
        self.thread_id: str | None = None

    def chat(self, new: bool) -> None:
        """A /chat turn that adds a task."""
        self.n += 1
        body: dict[str, Any] = {"message": f"add buy milk number {self.n} tomorrow"}
        if not new and self.conversation_id is not None:
            body["conversation_id"] = self.conversation_id
        text = self.client.post(f"/api/{self.uid}/chat", json=body, headers=self.headers).get_data(as_text=True)
        events = [json.loads(line[6:]) for line in text.splitlines() if line.startswith("data: ")]
        if not any(ev["type"] == "tool_call" for ev in events) or events[-1]["type"] != "done":
            raise RuntimeError(f"the /chat turn did not complete with a tool call: {text[:300]}")
        if not new:
            self.conversation_id = events[0]["conversation_id"]

    def chatkit(self, new: bool) -> None:
        """A ChatKit turn that adds a task."""
        self.n += 1
        body = chatkit_body(f"add buy milk number {self.n} tomorrow", None if new else self.thread_id)
        text = self.client.post(f"/api/{self.uid}/chatkit", json=body, headers=self.headers).get_data(as_text=True)
        events = [json.loads(line[6:]) for line in text.splitlines() if line.startswith("data: ")]
        if not any(ev["type"] == "progress_update" for ev in events) or any(ev["type"] == "error" for ev in events):
            raise RuntimeError(f"the ChatKit turn did not complete with a tool call: {text[:300]}")
        if not new and events[0]["type"] == "thread.created":
            self.thread_id = events[0]["thread"]["id"]


def counting_waits(counts: Counter[str], current: list[str]) -> None:
    """Count each wait of a request's greenlet for the loop thread against the kind of turn running."""
    wait = wakeups.GreenletWakeup.wait

    def counted(self: wakeups.GreenletWakeup, timeout: float | None) -> bool:
        counts[current[0]] += 1
        return wait(self, timeout)

    wakeups.GreenletWakeup.wait = counted  # type: ignore[method-assign]


def usage() -> tuple[float, float, int]:
    """This process's user and system CPU seconds and its voluntary context switches."""
    ru = resource.getrusage(resource.RUSAGE_SELF)
    return ru.ru_utime, ru.ru_stime, ru.ru_nvcsw


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--turns", type=int, default=100, help="turns of each kind measured (after 20 of warm-up)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="todo-probe-") as tmp:
        url = f"sqlite:///{Path(tmp) / 'probe.db'}"
        upgrade("head", url=url)
        app = create_app({"mode": "developer", "database_url": url, "ratelimit_enabled": False,
                          "secret_key": TEST_SECRET, "instance_path": str(Path(tmp) / "instance")})
        probe = Probe(app.test_client())
        turns: dict[str, Callable[[], None]] = {
            KINDS[0]: lambda: probe.chat(False), KINDS[1]: lambda: probe.chatkit(False),
            KINDS[2]: lambda: probe.chat(True), KINDS[3]: lambda: probe.chatkit(True)}
        for _ in range(20):
            for turn in turns.values():
                turn()
        settle_worker_heap()
        waits: Counter[str] = Counter()
        current = [""]
        counting_waits(waits, current)
        spent: dict[str, list[float]] = {kind: [0.0, 0.0, 0.0] for kind in KINDS}
        for _ in range(args.turns):
            for kind, turn in turns.items():
                current[0] = kind
                before = usage()
                turn()
                after = usage()
                for i in range(3):
                    spent[kind][i] += after[i] - before[i]
        print("| turn | CPU ms (user + system) | voluntary context switches | caller's waits for the loop |")
        print("|---|---:|---:|---:|")
        per = {kind: (spent[kind][0] + spent[kind][1]) / args.turns for kind in KINDS}
        for kind in KINDS:
            print(f"| {kind} | {per[kind] * 1000:.2f} ({spent[kind][0] / args.turns * 1000:.2f} + "
                  f"{spent[kind][1] / args.turns * 1000:.2f}) | {spent[kind][2] / args.turns:.1f} | "
                  f"{waits[kind] / args.turns:.1f} |")
        print(f"\nChatKit / /chat: continued {per[KINDS[1]] / per[KINDS[0]]:.2f}x, "
              f"new {per[KINDS[3]] / per[KINDS[2]]:.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
