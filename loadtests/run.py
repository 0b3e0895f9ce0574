"""`make loadtest`: start gunicorn in slow-model mode (300 ms to the first token, 20 ms per word), run the
Locust scenarios headless for a fixed profile, write Locust's CSV and HTML reports to
loadtests/reports/, and exit non-zero when a target of loadtests/targets.py is missed.

The accounts are created before Locust starts (sign-up hashes a password with argon2, tens of
milliseconds of CPU each, which is not what is measured); each virtual user then signs in.

Run from the repository root: `.venv/bin/python -m loadtests.run [--users 100 --run-time 90s]`.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from loadtests.common import LOAD_ENV, PASSWORD, REPORTS, ROOT, SLOW_MODEL_ENV, chatkit_body, new_email
from tests.support.env import server_env
from tests.support.live import LiveServer, start_server

USER_CLASSES = ("ChatUser", "ChatKitUser", "TaskListUser", "LongConversationUser", "ManySessionsUser")


def create_accounts(server: LiveServer, count: int) -> list[dict[str, str]]:
    """`count` accounts made through the API: [{email, id}]."""

    def one(_index: int) -> dict[str, str]:
        email = new_email("locust")
        status, _headers, body = server.request("POST", "/api/auth/signup", {"email": email, "password": PASSWORD})
        if status != 201:
            raise RuntimeError(f"sign-up answered {status}: {body[:200]!r}")
        return {"email": email, "id": json.loads(body)["user"]["id"]}

    with ThreadPoolExecutor(max_workers=4) as pool:
        return list(pool.map(one, range(count)))


def chatkit_available(server: LiveServer) -> bool:
    """False while POST /api/{uid}/chatkit does not exist yet (404 for an authenticated owner)."""
    uid, token = server.signup()
    status, _, _ = server.request("POST", f"/api/{uid}/chatkit", chatkit_body("hello"), token=token,
                                  accept="text/event-stream")
    return status != 404


def run_locust(server: LiveServer, *, users: int, spawn_rate: float, run_time: str, reports: Path,
               check_targets: bool, extra_env: dict[str, str] | None = None, timeout: float = 900) -> int:
    """Run the scenarios headless against `server`; returns Locust's exit code."""
    reports.mkdir(parents=True, exist_ok=True)
    accounts = reports / "accounts.json"
    accounts.write_text(json.dumps(create_accounts(server, users)))
    classes = list(USER_CLASSES)
    if not chatkit_available(server):
        print("POST /api/{uid}/chatkit answers 404: ChatKitUser skipped", flush=True)
        classes.remove("ChatKitUser")
    env = server_env(LOADTEST_ACCOUNTS=str(accounts), LOADTEST_DATABASE_URL=server.env["DATABASE_URL"],
                     **(extra_env or {}))
    command = [sys.executable, "-m", "locust", "-f", str(ROOT / "loadtests" / "locustfile.py"), "--headless",
               "--host", server.base, "-u", str(users), "-r", str(spawn_rate), "--run-time", run_time,
               "--stop-timeout", "30", "--csv", str(reports / "locust"), "--html", str(reports / "locust.html"),
               "--only-summary", "--loglevel", "WARNING"]
    if check_targets:
        command.append("--check-targets")
    try:
        return subprocess.run([*command, *classes], cwd=ROOT, env=env, timeout=timeout).returncode
    finally:
        accounts.unlink(missing_ok=True)


def main(argv: list[str] | None = None) -> int:
    """The fixed profile: 100 users, 10 a second, 90 s, targets checked."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--spawn-rate", type=float, default=10)
    parser.add_argument("--run-time", default="90s")
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 1) + 1, help="gunicorn workers")
    parser.add_argument("--no-check-targets", action="store_true", help="fail only on failed requests")
    parser.add_argument("--reports", type=Path, default=REPORTS)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="todo-loadtest-") as tmp:
        server = start_server(Path(tmp), workers=args.workers, **{**LOAD_ENV, **SLOW_MODEL_ENV})
        try:
            print(f"gunicorn ({args.workers} workers, model {SLOW_MODEL_ENV}) at {server.base}", flush=True)
            code = run_locust(server, users=args.users, spawn_rate=args.spawn_rate, run_time=args.run_time,
                              reports=args.reports, check_targets=not args.no_check_targets)
            status, _, body = server.request("GET", "/metrics")
            if status == 200:
                (args.reports / "metrics.txt").write_bytes(body)
        finally:
            server.stop()
    print(f"reports in {args.reports}/ (locust.html, locust_stats.csv, metrics.txt); exit {code}")
    return code


if __name__ == "__main__":
    sys.exit(main())
