"""Real OS threads behind the loop's default executor, hence ``asyncio.to_thread`` and DNS.

The Agents SDK and its HTTP stack are asyncio code that runs on a real OS thread inside a
gevent-patched process, so nothing on that thread may rely on a patched primitive. Under
patching, ``concurrent.futures.ThreadPoolExecutor``'s "threads" would be greenlets of the
loop thread's own dormant hub: blocking work handed to them would stall the loop, or never
run at all (``asyncio.to_thread`` and ``loop.getaddrinfo``, i.e. DNS for every HTTP
connection, hung from their second call on). This pool starts threads with the saved,
unpatched ``start_new_thread`` and coordinates them with native locks and a C queue only.
"""

from __future__ import annotations

import _queue
from collections.abc import Callable

from app.agent.runtime.originals import allocate_lock, start_new_thread


class ThreadPool:
    """Up to ``max_workers`` real OS threads that run submitted jobs, started on demand."""

    def __init__(self, max_workers: int) -> None:
        self._max_workers = max_workers
        self._jobs: _queue.SimpleQueue[Callable[[], None] | None] = _queue.SimpleQueue()
        self._lock = allocate_lock()
        self._threads = self._idle = 0

    def submit(self, job: Callable[[], None]) -> None:
        with self._lock:
            spawn = self._idle == 0 and self._threads < self._max_workers
            if spawn:
                self._threads += 1
            elif self._idle:
                self._idle -= 1
        self._jobs.put(job)
        if spawn:
            start_new_thread(self._work, ())

    def _work(self) -> None:
        while (job := self._jobs.get()) is not None:
            job()
            with self._lock:
                self._idle += 1

    def shutdown(self) -> None:
        """Idle workers exit now, busy ones after their job; none is joined."""
        for _ in range(self._threads):
            self._jobs.put(None)
