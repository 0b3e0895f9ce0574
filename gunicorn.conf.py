"""gunicorn settings: gevent workers, one per core plus one, bound from PORT."""

from __future__ import annotations

import multiprocessing
import os

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
worker_class = "gevent"
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() + 1))
worker_connections = int(os.environ.get("WORKER_CONNECTIONS", "4000"))
timeout = 60
graceful_timeout = 30
keepalive = 5
accesslog = os.environ.get("ACCESS_LOG", "-") or None
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info")
wsgi_app = "wsgi:app"


def post_worker_init(worker: object) -> None:
    """Recycle this worker when its asyncio loop thread is found stuck (see AsyncRuntime.stalled)."""
    try:
        from app.agent.runtime import get_runtime
    except ImportError:
        return

    def recycle() -> None:
        worker.log.error("asyncio loop thread stuck: recycling worker %s", os.getpid())  # type: ignore[attr-defined]
        worker.alive = False  # type: ignore[attr-defined]

    get_runtime().on_stall = recycle


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

    path = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if path:
        os.makedirs(path, exist_ok=True)
        for stale in glob.glob(os.path.join(path, "*.db")):  # figures of an earlier run would be merged in
            os.remove(stale)
    else:
        _metrics_dir_created = os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="todo-metrics-")


def child_exit(server: object, worker: object) -> None:
    """Drop a dead worker's live gauges (active streams, pool use); its counters stay in the totals."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(getattr(worker, "pid", 0))


def on_exit(server: object) -> None:
    """Remove the metrics directory this master created."""
    if _metrics_dir_created:
        import shutil

        shutil.rmtree(_metrics_dir_created, ignore_errors=True)
