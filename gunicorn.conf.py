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


def worker_exit(server: object, worker: object) -> None:
    """Stop the worker's asyncio loop thread cleanly (the agent runtime), if it was started."""
    try:
        from app.agent.runtime import shutdown_runtime
    except ImportError:
        return
    shutdown_runtime()
