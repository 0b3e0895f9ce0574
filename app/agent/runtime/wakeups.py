"""How a caller waiting for the loop thread is woken: parked on its own hub, or on an event.

The loop thread is a real OS thread running asyncio code (the Agents SDK) inside a
gevent-patched process, and nothing on it may take a gevent-patched lock: a patched lock
blocks by switching to the *calling thread's* hub, and the loop thread's hub is dormant, so
it could park there forever. So the loop thread never waits on the caller's side; it only
``notify()``-s. A greenlet caller parks on its own hub (other greenlets keep running) and is
poked through a gevent ``async_`` watcher, the one thread-safe way to wake a hub. Without
monkey-patching (pytest, the Flask CLI) a plain ``threading.Event`` does.
"""

from __future__ import annotations

import threading
from typing import Any, TypeAlias

from gevent import monkey
from gevent.hub import Waiter, get_hub

from app.agent.runtime.originals import allocate_lock


class ThreadWakeup:
    """Wake-up for plain threads (no monkey-patching): an ordinary ``threading.Event``."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def notify(self) -> None:
        self._event.set()

    def wait(self, timeout: float | None) -> bool:
        """Return False on timeout. Clearing after waking is safe: callers re-check state."""
        fired = self._event.wait(timeout)
        self._event.clear()
        return fired

    def close(self) -> None:
        """Nothing to release."""


class GreenletWakeup:
    """Wake-up for a greenlet: it parks on its hub, so other greenlets keep running.

    The loop thread's ``notify`` is ``send()`` on a gevent ``async_`` watcher; bursts of
    sends coalesce into one callback. The watcher stays started from creation to ``close``
    so that a send landing between the caller's "anything new?" check and its ``wait`` is
    not lost (starting a libev async watcher discards earlier sends), and, being
    referenced, it keeps the hub from raising ``LoopExit`` when nothing else is pending. A
    send with nobody waiting is dropped: callers re-check their shared state before every
    ``wait``. The real lock, held for one call, keeps ``notify`` off a closed watcher.
    """

    def __init__(self) -> None:
        self._hub = get_hub()
        self._lock = allocate_lock()
        self._waiter: Any = None
        self._watcher: Any = self._hub.loop.async_()
        self._watcher.start(self._fire)

    def notify(self) -> None:
        with self._lock:
            if self._watcher is not None:
                self._watcher.send()

    def _fire(self) -> None:
        waiter, self._waiter = self._waiter, None
        if waiter is not None:
            waiter.switch(True)

    def wait(self, timeout: float | None) -> bool:
        """Return False on timeout."""
        waiter = self._waiter = Waiter(self._hub)
        timer = None
        if timeout is not None:
            timer = self._hub.loop.timer(max(timeout, 0.0))
            timer.start(waiter.switch, False)
        try:
            return bool(waiter.get())
        finally:
            self._waiter = None
            if timer is not None:
                timer.close()

    def close(self) -> None:
        with self._lock:
            watcher, self._watcher = self._watcher, None
        if watcher is not None:
            watcher.close()


Wakeup: TypeAlias = "ThreadWakeup | GreenletWakeup"


def new_wakeup() -> Wakeup:
    """The wake-up that suits the calling thread: a greenlet's under patching, a plain thread's otherwise."""
    return GreenletWakeup() if monkey.is_module_patched("threading") else ThreadWakeup()
