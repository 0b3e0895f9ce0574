"""GET /bench/sse: the trivial Server-Sent Events stream that `make bench` measures /chat against;
POST /bench/block-loop: blocks the worker's asyncio loop thread (the watchdog's test).

It goes through the same gunicorn worker, WSGI stack and Flask hooks as /chat but does no
authentication, database or agent work, so the ratio of a chat turn to it is what the
assistant itself costs. They exist only when TODO_BENCH=1: they are unauthenticated.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator

from flask import Blueprint, Flask, Response, request
from gevent import monkey

from app import sse
from app.agent.runtime import get_runtime
from app.config import get_config

bp = Blueprint("bench", __name__)
MAX_EVENTS = 1000
MAX_DELAY_MS = 60_000
_real_sleep = monkey.get_original("time", "sleep")


def init_bench(app: Flask) -> None:
    """Register the baseline route when TODO_BENCH=1 (load tests only)."""
    if get_config(app).bench:
        app.register_blueprint(bp)


def _bounded(name: str, default: int, top: int) -> int:
    try:
        value = int(request.args.get(name, default))
    except ValueError:
        value = default
    return max(0, min(value, top))


@bp.get("/bench/sse")
def sse_baseline() -> Response:
    """`events` chunk events (default 10), `delay_ms` apart (default 0), framed like a /chat reply."""
    count = _bounded("events", 10, MAX_EVENTS)
    delay = _bounded("delay_ms", 0, MAX_DELAY_MS) / 1000

    def body() -> Iterator[bytes]:
        yield sse.event({"type": "conversation", "conversation_id": 0})
        for _ in range(count):
            if delay:
                time.sleep(delay)  # cooperative: gevent patches time.sleep in the workers
            yield sse.event({"type": "chunk", "content": "word "})
        yield sse.event({"type": "done", "conversation_id": 0, "message_id": 0})

    return sse.stream(body())


@bp.post("/bench/block-loop")
def block_loop() -> dict[str, int]:
    """Block this worker's asyncio loop thread for `seconds` (default 30): proves the stall watchdog."""
    seconds = _bounded("seconds", 30, 600)
    get_runtime().post(_real_sleep, seconds)
    return {"pid": os.getpid(), "seconds": seconds}
