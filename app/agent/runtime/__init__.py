"""One asyncio event loop per process, in a real OS thread, for gevent greenlets to use.

gunicorn's gevent worker monkey-patches the process and runs each request in a greenlet,
while the assistant stack (Agents SDK, ``mcp``, httpx) is asyncio. ``asyncio.run`` per
request hangs under concurrency and a loop inside a greenlet lets one blocking call freeze
every request, so each process owns ONE loop in a thread started with gevent's saved,
unpatched ``start_new_thread``. That thread is a real OS thread under gevent: nothing it runs
may take a gevent-patched lock or block in a patched call, or it parks in its own dormant hub
and may never wake (workers frozen right after boot). Callers park on their own gevent hub
(other greenlets keep running) until the loop thread pokes it through an ``async_`` watcher,
the thread-safe way to wake a hub. Without monkey-patching (pytest, the Flask CLI) a
``threading.Event`` does.

The package, one job a module:

* ``async_runtime``: ``AsyncRuntime`` (``run``, ``stream``, ``post``, stop, the stall
  watchdog) and the process's shared instance (``get_runtime``, ``shutdown_runtime``);
* ``loop``: the event loop built from unpatched stdlib pieces (selector, DNS, subprocesses);
* ``threadpool``: real OS threads behind ``run_in_executor(None, ...)``/``asyncio.to_thread``;
* ``wakeups``: how a waiting greenlet (or plain thread) is woken from the loop thread;
* ``jobs``: the state a waiting caller shares with its task on the loop;
* ``originals``: the stdlib functions as they were before gevent patched them.

Everything else imports the public names from here.
"""

from __future__ import annotations

from app.agent.runtime.async_runtime import (
    DEFAULT_STALL_LIMIT,
    IDLE,
    AsyncRuntime,
    Idle,
    LoopStalledError,
    RuntimeStoppedError,
    get_runtime,
    shutdown_runtime,
)
from app.agent.runtime.jobs import StreamSource

__all__ = [
    "DEFAULT_STALL_LIMIT",
    "IDLE",
    "AsyncRuntime",
    "Idle",
    "LoopStalledError",
    "RuntimeStoppedError",
    "StreamSource",
    "get_runtime",
    "shutdown_runtime",
]
