"""`make bench` (live events, issue 13): what idle /events streams cost, and how fast one change reaches every
screen.

1. 2,000 idle streams (20 users x 100 screens): the server's RSS (master + workers, from /proc) before and
   after opening them; target: under 100 MB in all.
2. 1,000 users with one open screen each; one task is created for each user through the REST API (at
   200 per second, spread over the workers); latency = arrival of the `task.created` event on that user's
   screen minus the moment the POST's answer arrived (the change was committed); target: p95 under 500 ms.
   The event usually comes from another worker than the one holding the screen (SQLite: the events-table
   poll; PostgreSQL: LISTEN/NOTIFY).

Users and tokens are minted straight into the database (argon2 hashing of 1,000 sign-ups is not what is
measured). Run from the repository root: `.venv/bin/python -m loadtests.bench_events [--quick]`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from loadtests.common import LOAD_ENV, REPORTS, proc_stats, server_pids
from tests.support.env import run_settings
from tests.support.live import LiveServer, start_server

MB = 1024 * 1024


@dataclass
class Screen:
    """One open /events stream."""

    uid: str
    """Whose."""
    writer: asyncio.StreamWriter
    """To close it."""
    task: asyncio.Task[None]
    """The reader."""


def mint_users(url: str, count: int) -> list[tuple[str, str]]:
    """`count` users with an access token each, written straight into the server's database."""
    from app import create_app
    from app.auth.tokens import issue_tokens
    from app.extensions import db
    from app.models import User

    app = create_app({"mode": "developer", "database_url": url, "ratelimit_enabled": False})
    out: list[tuple[str, str]] = []
    with app.app_context():
        for _ in range(count):
            user = User(email=f"ev-{uuid.uuid4().hex[:12]}@example.com", password_hash="-", name="", timezone="UTC")
            db.session.add(user)
            db.session.flush()
            out.append((user.id, issue_tokens(user)["access_token"]))
        db.session.commit()
    return out


async def open_screen(port: int, uid: str, token: str, arrivals: dict[str, list[float]]) -> Screen:
    """Open /events for `uid`; every event's arrival time is appended to arrivals[uid]."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port, limit=1 << 20)
    writer.write((f"GET /api/{uid}/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n"
                  "Accept: text/event-stream\r\n\r\n").encode())
    await writer.drain()
    status = await reader.readline()
    if b" 200 " not in status:
        raise RuntimeError(f"events stream refused: {status!r}")
    while (await reader.readline()) not in (b"\r\n", b"\n", b""):
        pass
    ready = asyncio.get_running_loop().create_future()

    async def read() -> None:
        while True:
            line = await reader.readline()
            if not line:
                return
            if line.startswith(b"retry") and not ready.done():
                ready.set_result(None)
            elif b"data: {" in line:
                arrivals.setdefault(uid, []).append(time.perf_counter())

    task = asyncio.create_task(read())
    await asyncio.wait_for(ready, 60)
    return Screen(uid, writer, task)


async def post_task(port: int, uid: str, token: str) -> float:
    """Create a task; the moment its answer arrived."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    body = json.dumps({"title": "live"}).encode()
    writer.write((f"POST /api/{uid}/tasks HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n"
                  f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\nConnection: close\r\n\r\n"
                  ).encode() + body)
    await writer.drain()
    status = await reader.readline()
    done = time.perf_counter()
    writer.close()
    if b" 201 " not in status:
        raise RuntimeError(f"task not created: {status!r}")
    return done


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))] if ordered else float("nan")


async def idle_cost(server: LiveServer, users: list[tuple[str, str]], streams: int) -> dict[str, float]:
    pids = server_pids(server.process.pid)
    arrivals: dict[str, list[float]] = {}
    warm = [await open_screen(server.port, *users[i % len(users)], arrivals) for i in range(8)]
    await asyncio.sleep(1)
    before = proc_stats(pids).rss_bytes
    screens = list(warm)
    for start in range(0, streams - len(warm), 100):
        batch = min(100, streams - len(warm) - start)
        screens += await asyncio.gather(*(open_screen(server.port, *users[(start + i) % len(users)], arrivals)
                                          for i in range(batch)))
    await asyncio.sleep(3)
    after = proc_stats(pids).rss_bytes
    for screen in screens:
        screen.writer.close()
        screen.task.cancel()
    return {"streams": len(screens), "rss_before_mb": before / MB, "rss_after_mb": after / MB,
            "delta_mb": (after - before) / MB}


async def fan_out(server: LiveServer, users: list[tuple[str, str]], rate: float) -> dict[str, float]:
    arrivals: dict[str, list[float]] = {}
    screens: list[Screen] = []
    for start in range(0, len(users), 100):
        screens += await asyncio.gather(*(open_screen(server.port, uid, token, arrivals)
                                          for uid, token in users[start:start + 100]))
    await asyncio.sleep(1)
    committed: dict[str, float] = {}

    async def one(i: int, uid: str, token: str) -> None:
        await asyncio.sleep(i / rate)
        committed[uid] = await post_task(server.port, uid, token)

    await asyncio.gather(*(one(i, uid, token) for i, (uid, token) in enumerate(users)))
    deadline = time.perf_counter() + 20
    while sum(1 for uid, _ in users if arrivals.get(uid)) < len(users) and time.perf_counter() < deadline:
        await asyncio.sleep(0.1)
    latencies = [max(0.0, arrivals[uid][0] - committed[uid]) * 1000 for uid, _ in users if arrivals.get(uid)]
    for screen in screens:
        screen.writer.close()
        screen.task.cancel()
    return {"screens": len(screens), "reached": len(latencies), "p50_ms": pct(latencies, 50),
            "p95_ms": pct(latencies, 95), "max_ms": max(latencies) if latencies else float("nan")}


def main(argv: list[str] | None = None) -> int:
    """Run both measurements; exit 1 with --strict when a target is missed."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="500 idle streams, 200 screens")
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 1) + 1)
    parser.add_argument("--strict", action="store_true")
    parser.add_argument("--output", type=Path, default=REPORTS / "bench-events.md")
    args = parser.parse_args(argv)
    import resource

    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 16384), hard))
    streams, screens = (500, 200) if args.quick else (2000, 1000)
    with tempfile.TemporaryDirectory(prefix="todo-bench-events-") as tmp:
        url = run_settings().test_database_url or f"sqlite:///{Path(tmp) / 'events.db'}"
        server = start_server(Path(tmp) / "srv", database_url=url, workers=args.workers,
                              **{**LOAD_ENV, "SSE_PING_SECONDS": "15"})
        try:
            users = mint_users(url, max(screens, 20))
            idle = asyncio.run(idle_cost(server, users[:20], streams))
            fan = asyncio.run(fan_out(server, users[:screens], 200.0))
        finally:
            server.stop()
    db_name = "PostgreSQL (LISTEN/NOTIFY)" if run_settings().test_database_url else "SQLite (events-table poll)"
    met_idle = idle["delta_mb"] < 100
    met_fan = fan["reached"] == screens and fan["p95_ms"] < 500
    lines = [
        "# Live events bench", "",
        f"gunicorn with {args.workers} gevent workers, {db_name}; load generator on the same machine.", "",
        "| measurement | figure | target | met |", "|---|---|---|---|",
        f"| {idle['streams']:.0f} idle /events streams: server RSS {idle['rss_before_mb']:.0f} -> "
        f"{idle['rss_after_mb']:.0f} MB | +{idle['delta_mb']:.1f} MB | < 100 MB | {'yes' if met_idle else 'NO'} |",
        f"| one change for each of {fan['screens']:.0f} users, each with one open screen: event reached "
        f"{fan['reached']:.0f} | p50 {fan['p50_ms']:.0f} ms, p95 {fan['p95_ms']:.0f} ms, max {fan['max_ms']:.0f} ms "
        f"| p95 < 500 ms | {'yes' if met_fan else 'NO'} |",
    ]
    text = "\n".join(lines) + "\n"
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text)
    print(text)
    return 1 if args.strict and not (met_idle and met_fan) else 0


if __name__ == "__main__":
    sys.exit(main())
