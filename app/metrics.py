"""Prometheus metrics at GET /metrics, and the Flask, chat, MCP and pool hooks that feed them.

Under gunicorn every worker is its own process, so a scrape answered by one worker must
still show all of them: gunicorn.conf.py sets PROMETHEUS_MULTIPROC_DIR before the workers
fork, prometheus-client then keeps each process's values in memory-mapped files there, and
the view below merges them (`MultiProcessCollector`). Without that variable (the Flask test
client, the CLI) the default in-process registry is served as it is.

Request latency is labelled by the URL rule (`/api/<user_id>/tasks`), never the raw path, so
the number of series stays bounded whatever the ids. A streamed reply is observed when the
WSGI server closes it, so it counts its whole length; time to first chunk is a metric of its own.
"""

from __future__ import annotations

import hmac
import os
import re
import time
from typing import TYPE_CHECKING, Any

from flask import Flask, Response, g, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)
from sqlalchemy import Engine, event

from app.config import ServerSettings, get_config

if TYPE_CHECKING:
    from mcp.server.context import CallNext, HandlerResult, ServerRequestContext

_MULTIPROC_DIR = ServerSettings.load().prometheus_multiproc_dir
"""Where gunicorn's workers merge their metrics (prometheus-client reads the same variable); empty: one process."""
if _MULTIPROC_DIR:
    # Set but not created yet (a CLI command run before gunicorn's on_starting): the metrics below
    # open their files there as soon as they are defined.
    os.makedirs(_MULTIPROC_DIR, exist_ok=True)

_START = "metrics_started"
"""Key in `flask.g` of the request's start (perf_counter seconds)."""
_TOOL_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")

REQUEST_LATENCY = Histogram(
    "todo_http_request_duration_seconds",
    "Time from the request's arrival to the end of its response body, by URL rule.",
    ["method", "route", "status"],
    buckets=(0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0),
)
FIRST_CHUNK = Histogram(
    "todo_chat_first_chunk_seconds",
    "Time from a chat request's arrival to the first chunk of reply text sent.",
    ["endpoint"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 0.75, 1.0, 2.0, 5.0, 10.0, 30.0),
)
TURNS = Counter("todo_chat_turns", "Chat turns by how they ended.", ["endpoint", "outcome"])
ACTIVE_STREAMS = Gauge(
    "todo_chat_active_streams", "Chat replies streaming right now.", ["endpoint"], multiprocess_mode="livesum"
)
MODEL_ERRORS = Counter("todo_model_errors", "Agent runs that failed, by exception type.", ["endpoint", "error"])
TOOL_ERRORS = Counter("todo_tool_errors", "MCP tool calls that answered with an error, by tool.", ["tool"])
DB_CHECKED_OUT = Gauge(
    "todo_db_pool_checked_out", "Database connections checked out of the SQLAlchemy pool.",
    multiprocess_mode="livesum",
)

_main_hub: Any = None
"""The main thread's gevent hub when gevent is active: metrics touched from the asyncio loop
thread are handed to it, since prometheus-client's locks are (patched) gevent locks there."""


def init_metrics(app: Flask) -> None:
    """Time every request, watch the database pool and serve GET /metrics."""
    global _main_hub
    from gevent import monkey

    if monkey.is_module_patched("threading"):
        import gevent

        _main_hub = gevent.get_hub()
    app.before_request(_start_timer)
    app.after_request(_observe_request)
    app.add_url_rule("/metrics", "metrics", _exempt(metrics_view))
    engine = app.extensions["db"].engine
    if engine is not None:
        watch_pool(engine)


def _exempt(view: Any) -> Any:
    """Scrapes are not rate-limited, like health checks."""
    from app.security import exempt

    return exempt(view)


def _allowed() -> bool:
    """Developer mode: anyone. Production: only with `Authorization: Bearer <METRICS_TOKEN>` (off without one)."""
    cfg = get_config()
    if not cfg.production:
        return True
    token = cfg.metrics_token
    given = request.headers.get("Authorization", "")
    return bool(token) and hmac.compare_digest(given.encode(), f"Bearer {token}".encode())


def metrics_view() -> Response:
    """Every metric in the Prometheus text format, merged over all gunicorn workers."""
    if not _allowed():
        from app.errors import error_response

        resp, status = error_response(404, "not_found", "Not found.")
        resp.status_code = status
        return resp
    registry = REGISTRY
    if _MULTIPROC_DIR:
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    return Response(generate_latest(registry), mimetype=CONTENT_TYPE_LATEST)


def _start_timer() -> None:
    g.setdefault(_START, time.perf_counter())


def _observe_request(response: Response) -> Response:
    started = g.get(_START)
    if started is None:
        return response
    rule = request.url_rule
    labels = (request.method, rule.rule if rule is not None else "<unmatched>", str(response.status_code))

    def observe() -> None:
        REQUEST_LATENCY.labels(*labels).observe(time.perf_counter() - started)

    if response.is_streamed:
        response.call_on_close(observe)  # when the server has sent (or given up on) the whole stream
    else:
        observe()
    return response


def watch_pool(engine: Engine) -> None:
    """Keep the checked-out gauge in step with the engine's pool through its checkout/checkin events."""
    event.listen(engine, "checkout", _checked_out)
    event.listen(engine, "checkin", _checked_in)
    event.listen(engine, "detach", _checked_in)  # e.g. the live events' LISTEN connection: out of the pool for good


def _checked_out(*_args: Any) -> None:
    DB_CHECKED_OUT.inc()


def _checked_in(*_args: Any) -> None:
    DB_CHECKED_OUT.dec()


class TurnWatch:
    """The figures of one chat turn: time to first chunk, the open stream, the outcome and failures.

    Create it in the view (it reads the request's start time); the streaming generator,
    which runs after the view has returned, reports to it.
    """

    def __init__(self, endpoint: str) -> None:
        self.endpoint = endpoint
        """Label telling /chat from other chat surfaces."""
        self.started: float = g.get(_START) or time.perf_counter()
        """When the request arrived (perf_counter seconds)."""
        self._chunk_seen = False
        self._streaming = False
        self._finished = False

    def stream_opened(self) -> None:
        """The reply started streaming: count it among the active streams until `finished`."""
        if not self._streaming and not self._finished:
            self._streaming = True
            ACTIVE_STREAMS.labels(self.endpoint).inc()

    def saw(self, ev: Any) -> None:
        """An event of the turn; the first text chunk fixes the time to first chunk."""
        if not self._chunk_seen and isinstance(ev, dict) and ev.get("type") == "chunk":
            self._chunk_seen = True
            FIRST_CHUNK.labels(self.endpoint).observe(time.perf_counter() - self.started)

    def model_error(self, err: BaseException) -> None:
        """The agent run failed."""
        MODEL_ERRORS.labels(self.endpoint, type(err).__name__).inc()

    def finished(self, outcome: str) -> None:
        """The turn ended (complete, failed or interrupted); later calls are ignored."""
        if self._finished:
            return
        self._finished = True
        if self._streaming:
            ACTIVE_STREAMS.labels(self.endpoint).dec()
        TURNS.labels(self.endpoint, outcome).inc()


def _count_tool_error(name: str) -> None:
    TOOL_ERRORS.labels(name).inc()


class ToolErrorCounter:
    """MCP server middleware counting tool calls that failed, whichever way they failed.

    It sees argument validation, ToolErrors from the tools and unexpected exceptions alike
    (all become `is_error` results inside it). It runs on the asyncio loop thread, so the
    increment is handed to the main hub under gevent.
    """

    async def __call__(self, ctx: ServerRequestContext[Any, Any], call_next: CallNext) -> HandlerResult:
        if ctx.method != "tools/call":
            return await call_next(ctx)
        name = ctx.params.get("name") if ctx.params else None
        label = name if isinstance(name, str) and _TOOL_NAME.match(name) else "unknown"
        try:
            result = await call_next(ctx)
        except Exception:
            _on_main(_count_tool_error, label)
            raise
        failed = getattr(result, "is_error", False) is True or (
            isinstance(result, dict) and result.get("isError") is True
        )
        if failed:
            _on_main(_count_tool_error, label)
        return result


def _on_main(fn: Any, *args: Any) -> None:
    """Run `fn(*args)` in a greenlet of the main hub under gevent, else right here."""
    if _main_hub is None:
        fn(*args)
        return
    import gevent

    _main_hub.loop.run_callback_threadsafe(gevent.spawn, fn, *args)
