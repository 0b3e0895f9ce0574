"""gunicorn settings: gevent workers, one per core plus one, bound from PORT (read by `ServerSettings`)."""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path
from typing import Any

wsgi_app = "wsgi:app"
# The path without the query string: searches (q=) and cursors (base64 of titles) stay out of the logs.
access_log_format = '%(h)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms %({x-request-id}o)s'


def _load_config_module() -> Any:
    """app/config.py alone (stdlib and pydantic only): the master checks settings without importing Flask
    before the workers patch the standard library with gevent."""
    spec = importlib.util.spec_from_file_location("todo_config", Path(__file__).parent / "app" / "config.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # pydantic resolves the fields' annotations there
    spec.loader.exec_module(module)
    return module


def _refuse(message: str) -> None:
    print(f"Todo Assistant cannot start: {message}", file=sys.stderr)
    sys.exit(3)


def _check_settings() -> tuple[Any, Any, Any]:
    """Refuse to start, with one line and exit status 3, on settings that cannot serve."""
    config = _load_config_module()
    try:
        cfg = config.Config.load()
        cfg.validate_for_serving()
        server = config.ServerSettings.load()
    except config.ConfigError as err:
        _refuse(str(err))
    workers = server.web_concurrency
    if cfg.production and workers > 1 and config.per_process_storage(cfg.ratelimit_storage_uri):
        _refuse(f"RATELIMIT_STORAGE_URI={cfg.ratelimit_storage_uri} keeps a separate count in each of the "
                f"{workers} workers; unset it (a file shared by all workers) or use redis://.")
    return config, cfg, server


_config, _cfg, _server = _check_settings()
bind = f"{_server.host}:{_server.port}"
worker_class = "gevent"
workers = _server.web_concurrency
worker_connections = _server.worker_connections
timeout = 60
graceful_timeout = 30
keepalive = 5
accesslog = _server.access_log or None
errorlog = "-"
loglevel = _cfg.log_level.lower()
if _cfg.log_format == "json":
    _json = {"()": "pythonjsonlogger.json.JsonFormatter", "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
             "rename_fields": {"levelname": "level", "asctime": "time"}}
    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": _json},
        "handlers": {
            "error": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"},
            "access": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stdout"},
        },
        "root": {"level": "INFO", "handlers": ["error"]},
        "loggers": {
            "gunicorn.error": {"level": loglevel.upper(), "handlers": ["error"], "propagate": False},
            "gunicorn.access": {"level": "INFO", "handlers": ["access"], "propagate": False},
        },
    }


def post_worker_init(worker: object) -> None:
    """Per worker, once it is ready: its reminder scheduler, its live streams tied to its life, its
    recycling when the asyncio loop thread is stuck, and the work its first chat turn would do
    (app/agent/warmup.py); last, its start-up objects frozen out of the garbage collector's way
    (app/heap.py)."""
    from app.heap import settle_worker_heap
    from wsgi import app

    _start_reminders(app)
    _end_live_streams_with(worker)
    _recycle_when_the_loop_stalls(worker)
    _warm_up(app)
    settle_worker_heap()


def _start_reminders(app: Any) -> None:
    """The reminder scheduler in this worker (SCHEDULER=embedded, the default; claims keep it exactly-once)."""
    from app.reminders.scheduler import start_embedded

    start_embedded(app)


def _end_live_streams_with(worker: object) -> None:
    """Live event streams end when the worker is asked to stop, so a graceful stop does not wait on them."""
    from app.events.hub import get_hub

    get_hub().watch_worker(lambda: getattr(worker, "alive", False))


def _recycle_when_the_loop_stalls(worker: object) -> None:
    """A worker whose asyncio loop thread is found stuck (AsyncRuntime.stalled) exits; the master replaces it."""
    try:
        from app.agent.runtime import get_runtime
    except ImportError:
        return

    def recycle() -> None:
        worker.log.error("asyncio loop thread stuck: recycling worker %s", os.getpid())  # type: ignore[attr-defined]
        worker.alive = False  # type: ignore[attr-defined]

    get_runtime().on_stall = recycle


def _warm_up(app: Any) -> None:
    """The model, its agent, the MCP tools and ChatKit's stream types, ready before the first request
    (app/agent/warmup.py, app/chatkit/warmup.py)."""
    from app.agent.warmup import warm_up_worker
    from app.chatkit import warmup as chatkit_warmup
    from app.config import get_config

    warm_up_worker(get_config(app))
    chatkit_warmup.warm_up()


def worker_exit(server: object, worker: object) -> None:
    """Stop the worker's asyncio loop thread cleanly (the agent runtime), if it was started."""
    try:
        from app.agent.runtime import shutdown_runtime
    except ImportError:
        return
    shutdown_runtime()


_metrics_dir_created = ""


def on_starting(server: object) -> None:
    """Give prometheus-client a fresh multiprocess directory before the workers fork (see app/metrics.py)."""
    global _metrics_dir_created
    import glob
    import tempfile

    path = _server.prometheus_multiproc_dir
    if path:
        os.makedirs(path, exist_ok=True)
        for stale in glob.glob(os.path.join(path, "*.db")):  # figures of an earlier run would be merged in
            os.remove(stale)
    else:
        _metrics_dir_created = tempfile.mkdtemp(prefix="todo-metrics-")
        _config.export_metrics_dir(_metrics_dir_created)


def child_exit(server: object, worker: object) -> None:
    """Drop a dead worker's live gauges (active streams, pool use); its counters stay in the totals."""
    if _server.prometheus_multiproc_dir or _metrics_dir_created:
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(getattr(worker, "pid", 0))


def on_exit(server: object) -> None:
    """Remove the metrics directory this master created."""
    if _metrics_dir_created:
        import shutil

        shutil.rmtree(_metrics_dir_created, ignore_errors=True)
