"""Process-wide locks that the asyncio loop thread takes, made native (unpatched) again.

gevent's monkey-patching turns every lock created afterwards (and logging's, on purpose) into
a gevent lock, which blocks by switching to the *calling thread's* hub. The loop thread
(``app/agent/runtime/``) is a real OS thread whose hub is dormant: when it meets such a lock held by a
request greenlet of the main thread, it parks in that hub and may never wake (seen as workers
frozen right after boot, in ``logging.isEnabledFor`` -> ``_acquireLock``). The locks below are
shared by both threads and are only ever held for a few instructions, never across a greenlet
switch, so a native lock is both correct for the loop thread and harmless to greenlets:

* logging's module lock, every handler's lock, and the lock of handlers created later;
* the import system's per-module locks (lazy imports happen in both threads at first use);
* module-level locks of libraries the loop runs: pydantic's rebuild lock, asyncio's
  primitives' and policy locks, the Agents SDK's tool-resolution and tracing-setup locks
  (its trace provider, built lazily on the first run, is built here instead).

``install()`` is idempotent and does nothing in an unpatched process (CLI, unit tests).
"""

from __future__ import annotations

import importlib
import logging
import sys
import types
from collections.abc import Callable
from typing import Any

from gevent import monkey

# One name per call: types-gevent declares `get_original(str, str)` only (gevent also takes a list).
_allocate_lock = monkey.get_original("_thread", "allocate_lock")
_get_ident = monkey.get_original("_thread", "get_ident")
_RLock: Callable[[], Any] = sys.modules["_thread"].RLock  # gevent never patches the C RLock

MODULE_LOCKS: tuple[tuple[str, str, Callable[[], Any]], ...] = (
    ("pydantic.main", "_rebuild_lock", _RLock),
    ("asyncio.mixins", "_global_lock", _allocate_lock),
    ("asyncio.events", "_lock", _allocate_lock),
    ("agents.run_internal.agent_tool_configuration", "_resolution_lock", _allocate_lock),
    ("agents.tracing.setup", "_GLOBAL_TRACE_PROVIDER_LOCK", _allocate_lock),
    ("agents.tracing.processors", "_global_lock", _allocate_lock),
)
"""(module, attribute, native factory) of module-level locks the loop thread takes."""

_installed = False


def is_native(lock: Any) -> bool:
    """True for an unpatched lock (the C ``_thread`` types)."""
    return type(lock).__module__ in ("_thread", "builtins") and type(lock).__name__ in ("lock", "RLock")


def _native_create_lock(self: logging.Handler) -> None:
    self.lock = _RLock()
    logging._register_at_fork_reinit_lock(self)  # type: ignore[attr-defined]  # private: not in typeshed


def install() -> None:
    """Replace the shared locks listed above by native ones (once, and only under gevent patching)."""
    global _installed
    if _installed or not monkey.is_module_patched("threading"):
        return
    _installed = True
    logging._lock = _RLock()  # type: ignore[attr-defined]  # private: not in typeshed
    for ref in list(logging._handlerList):  # type: ignore[attr-defined]  # private: not in typeshed
        handler = ref()
        if handler is not None and handler.lock is not None and not is_native(handler.lock):
            handler.lock = _RLock()
    logging.Handler.createLock = _native_create_lock  # type: ignore[method-assign]  # the point: native locks
    bootstrap = importlib.import_module("importlib._bootstrap")
    bootstrap._thread = types.SimpleNamespace(  # type: ignore[attr-defined]  # a module: attributes unknown
        allocate_lock=_allocate_lock, get_ident=_get_ident)
    for module_name, attribute, factory in MODULE_LOCKS:
        module = sys.modules.get(module_name) or _import(module_name)
        if module is not None and not is_native(getattr(module, attribute, None)):
            setattr(module, attribute, factory())
    _build_trace_provider()


def _build_trace_provider() -> None:
    """Build the Agents SDK's lazily made trace provider here, so the loop thread never creates its locks."""
    try:
        from agents.tracing.setup import get_trace_provider
    except ImportError:
        return
    get_trace_provider()


def _import(name: str) -> types.ModuleType | None:
    try:
        return importlib.import_module(name)
    except ImportError:
        return None
