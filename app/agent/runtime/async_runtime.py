"""``AsyncRuntime``: one asyncio event loop per process, in a real OS thread, for gevent greenlets to use.

gunicorn's gevent worker monkey-patches the process and runs each request in a greenlet,
while the assistant stack (Agents SDK, ``mcp``, httpx) is asyncio. ``asyncio.run`` per
request hangs under concurrency and a loop inside a greenlet lets one blocking call freeze
every request, so each process owns ONE loop in a thread started with gevent's saved,
unpatched ``start_new_thread``. Nothing on that thread may take a gevent-patched lock: it
would park in the thread's own dormant hub and may never wake (``native_locks`` makes the
shared ones native; ``loop`` builds the loop from unpatched pieces). Callers park on their
own gevent hub (``wakeups``) until the loop thread pokes it, and share with their task only
what the loop thread alone writes (``jobs``). A heartbeat on the loop lets a waiting caller
notice a loop thread that stopped running (the watchdog: ``LoopStalledError``, ``on_stall``).
"""

from __future__ import annotations

import asyncio
import atexit
import concurrent.futures
import enum
import os
import time
from collections.abc import Awaitable, Callable, Generator
from typing import Any, Literal, TypeVar, TypeVarTuple, cast, overload

from gevent import monkey

from app.agent import native_locks
from app.agent.runtime.jobs import Job, Stream, StreamSource, discard
from app.agent.runtime.loop import RuntimeLoop, post_to, unpatched_selector
from app.agent.runtime.originals import allocate_lock, get_ident, start_new_thread
from app.agent.runtime.threadpool import ThreadPool
from app.agent.runtime.wakeups import Wakeup, new_wakeup

T = TypeVar("T")
Ts = TypeVarTuple("Ts")


class Idle(enum.Enum):
    """Type of the heartbeat sentinel yielded by :meth:`AsyncRuntime.stream`."""

    IDLE = "idle"


IDLE = Idle.IDLE
"""Yielded by ``stream(..., idle_timeout=s)`` when nothing arrived for ``s`` seconds."""


class RuntimeStoppedError(RuntimeError):
    """The runtime was stopped (or is stopping), so the work was refused or cancelled."""


class LoopStalledError(RuntimeError):
    """The loop thread has not run for longer than the stall limit: the waiting work was abandoned."""


_BEAT_INTERVAL = 0.25
"""How often the loop thread records that it runs (the watchdog's heartbeat)."""
_WATCH_INTERVAL = 1.0
"""How often a waiting caller checks the heartbeat."""
DEFAULT_STALL_LIMIT = 10.0
"""Seconds without a heartbeat after which the loop thread counts as stuck (LOOP_STALL_SECONDS)."""


class AsyncRuntime:
    """One asyncio loop in a dedicated OS thread, usable from greenlets and plain threads.

    Started lazily by the first ``run``/``stream``. Fork-aware: used in a forked child
    (where the parent's thread does not exist), an instance starts a fresh thread and loop.
    """

    _last_beat: float
    _stall_reported: bool

    def __init__(self, *, max_executor_workers: int | None = None, stall_limit: float = DEFAULT_STALL_LIMIT) -> None:
        self._max_workers = max_executor_workers or min(32, (os.cpu_count() or 1) + 4)
        self._atexit_registered = False
        self.stall_limit = stall_limit
        """Seconds without a heartbeat after which waiting callers give up with LoopStalledError."""
        self.on_stall: Callable[[], None] | None = None
        """Called once (in the caller's thread) when a stall is first noticed, e.g. to recycle the worker."""
        self._reset()

    def stalled_for(self) -> float:
        """Seconds since the loop thread last ran its heartbeat (0 when it is not started here)."""
        if self._loop is None or self._pid != os.getpid() or self._exited:
            return 0.0
        return max(0.0, time.monotonic() - self._last_beat)

    @property
    def stalled(self) -> bool:
        """True when the loop thread is stuck (blocked in a call) past the stall limit."""
        stalled = self.stalled_for() > self.stall_limit
        if stalled and not self._stall_reported:
            self._stall_reported = True
            if self.on_stall is not None:
                self.on_stall()
        return stalled

    def post(self, callback: Callable[[*Ts], object], *args: *Ts) -> None:
        """Schedule a plain callback on the loop thread (starting it if needed); returns at once."""
        post_to(self._ensure_loop(), callback, *args)

    def _beat(self, loop: asyncio.AbstractEventLoop) -> None:
        """The heartbeat, on the loop thread (given its loop: ``self._loop`` may not be set yet)."""
        self._last_beat = time.monotonic()
        if not loop.is_closed():
            loop.call_later(_BEAT_INTERVAL, self._beat, loop)

    def _check_stall(self) -> None:
        if self.stalled:
            raise LoopStalledError(f"the asyncio loop thread has not run for {self.stalled_for():.0f} s")

    def _reset(self) -> None:
        self._pid = os.getpid()
        self._lock = allocate_lock()
        self._loop: RuntimeLoop | None = None
        self._thread_id: int | None = None
        self._stopping = self._exited = False
        self._stop_grace = 5.0
        self._exit_wakeups: list[Wakeup] = []
        self._last_beat = time.monotonic()
        self._stall_reported = False

    @property
    def running(self) -> bool:
        """True while the loop thread is up in this process and not stopping."""
        return self._loop is not None and self._pid == os.getpid() and not self._stopping

    def start(self) -> None:
        """Start the loop thread (idempotent; ``run``/``stream`` call it implicitly)."""
        self._ensure_loop()

    def _ensure_loop(self) -> RuntimeLoop:
        loop = self._loop
        if loop is not None and self._pid == os.getpid() and not self._stopping:
            if self._thread_id == get_ident():
                raise RuntimeError("AsyncRuntime cannot wait on itself from its own loop thread")
            return loop
        if self._pid != os.getpid():
            self._reset()
        with self._lock:
            if self._stopping:
                raise RuntimeStoppedError("AsyncRuntime has been stopped")
            if self._loop is None:
                self._loop = self._spawn_loop_thread()
                if not self._atexit_registered:
                    atexit.register(self.stop)
                    self._atexit_registered = True
            return self._loop

    def _spawn_loop_thread(self) -> RuntimeLoop:
        # Blocking the OS thread until the loop exists (once, ~0.1 ms) is deliberate: a
        # gevent wait could let another greenlet block on the real, held ``self._lock``.
        native_locks.install()
        ready = allocate_lock()
        ready.acquire()
        box: list[RuntimeLoop | BaseException] = []
        start_new_thread(self._thread_main, (ready, box))
        ready.acquire()
        if isinstance(box[0], BaseException):
            raise RuntimeError("could not start the asyncio loop thread") from box[0]
        return box[0]

    def _thread_main(self, ready: Any, box: list[RuntimeLoop | BaseException]) -> None:
        try:
            self._thread_id = get_ident()
            pool = ThreadPool(self._max_workers)
            loop = RuntimeLoop(unpatched_selector(), pool)
            if monkey.is_module_patched("threading"):
                loop.call_soon(loop.pump_gevent_hub)
            self._last_beat = time.monotonic()
            loop.call_soon(self._beat, loop)
        except BaseException as exc:
            box.append(exc)
            ready.release()
            return
        box.append(loop)
        ready.release()
        try:
            loop.run_forever()
            tasks = asyncio.all_tasks(loop)
            for task in tasks:
                task.cancel()
            if tasks:
                loop.run_until_complete(asyncio.wait(tasks, timeout=self._stop_grace))
            loop.run_until_complete(loop.shutdown_asyncgens())
        finally:
            pool.shutdown()
            loop.close()
            self._exited = True
            for wakeup in self._exit_wakeups:
                wakeup.notify()

    def stop(self, timeout: float = 5.0) -> bool:
        """Cancel all pending work, close the loop and wait for its thread to finish.

        Idempotent; meant for atexit (registered automatically) and gunicorn's
        ``worker_exit``. Waiting callers get :class:`RuntimeStoppedError`, as does any later
        use: a stopped runtime stays stopped. Returns False if the thread did not finish
        within ``timeout`` (e.g. it is stuck in a blocking call).
        """
        if self._pid != os.getpid():
            self._reset()
        if self._thread_id == get_ident():
            raise RuntimeError("AsyncRuntime.stop() cannot be called from its own loop thread")
        with self._lock:
            self._stopping = True
            loop = self._loop
            if loop is None or self._exited:
                return True
            self._stop_grace = max(timeout, 0.0)
            wakeup = new_wakeup()
            self._exit_wakeups.append(wakeup)
        try:
            post_to(loop, loop.stop)
            deadline = time.monotonic() + timeout
            while not self._exited and (remaining := deadline - time.monotonic()) > 0:
                wakeup.wait(remaining)
        finally:
            wakeup.close()
        return self._exited

    def _submit(self, job: Job[Any], awaitable: Awaitable[Any]) -> RuntimeLoop:
        try:
            loop = self._ensure_loop()
            loop.call_soon_threadsafe(self._launch, job, awaitable)
        except BaseException as exc:
            discard(awaitable)
            job.wakeup.close()
            if isinstance(exc, RuntimeError) and self._stopping:
                raise RuntimeStoppedError("AsyncRuntime has been stopped") from exc
            raise
        return loop

    def _launch(self, job: Job[Any], awaitable: Awaitable[Any]) -> None:
        """Loop side of ``run``/``stream``; refuses work that slipped in while stopping."""
        try:
            if self._stopping:
                raise RuntimeStoppedError("AsyncRuntime has been stopped")
            job.task = asyncio.ensure_future(awaitable)
        except BaseException as exc:
            discard(awaitable)
            failed = asyncio.get_running_loop().create_future()
            failed.set_exception(exc)
            job.finish(failed)
            return
        job.task.add_done_callback(job.finish)

    def _outcome(self, job: Job[T]) -> T:
        if job.cancelled:
            if self._stopping:
                raise RuntimeStoppedError("AsyncRuntime stopped while the work was pending")
            raise concurrent.futures.CancelledError()
        if job.error is not None:
            raise job.error
        return cast(T, job.result)

    def run(self, awaitable: Awaitable[T], timeout: float | None = None) -> T:
        """Run ``awaitable`` on the loop and return its result, blocking only the caller.

        A greenlet parks on its hub, so other greenlets keep running. Exceptions propagate.
        On ``timeout`` (``TimeoutError``) or if the caller is interrupted (``GreenletExit``,
        ``KeyboardInterrupt``) the task is cancelled on the loop, without waiting for it to
        unwind. A loop thread stuck past ``stall_limit`` raises :class:`LoopStalledError`.
        The coroutine runs in a copy of the caller's ``contextvars`` context.
        """
        job: Job[T] = Job()
        loop = self._submit(job, awaitable)
        deadline = None if timeout is None else time.monotonic() + timeout
        try:
            while not job.done:
                remaining = _WATCH_INTERVAL if deadline is None else deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(f"coroutine did not finish within {timeout} s")
                if not job.wakeup.wait(min(remaining, _WATCH_INTERVAL)):
                    self._check_stall()
        except BaseException:
            job.cancel_soon(loop)
            raise
        finally:
            job.wakeup.close()
        return self._outcome(job)

    @overload
    def stream(
        self, source: StreamSource[T], *, idle_timeout: None = None, max_buffer: int = 128
    ) -> Generator[T, None, None]: ...

    @overload
    def stream(
        self, source: StreamSource[T], *, idle_timeout: float, max_buffer: int = 128
    ) -> Generator[T | Literal[Idle.IDLE], None, None]: ...

    def stream(
        self, source: StreamSource[T], *, idle_timeout: float | None = None, max_buffer: int = 128
    ) -> Generator[T | Literal[Idle.IDLE], None, None]:
        """Iterate ``source`` on the loop and yield its items here, in the caller.

        ``source`` is an async iterable or a zero-argument factory called ON the loop (for
        APIs that need a running loop, e.g. ``Runner.run_streamed``). Nothing starts before
        the first ``next()``. Each wake-up drains every buffered item, and the producer
        pauses while ``max_buffer`` items are pending. With ``idle_timeout``, :data:`IDLE`
        is yielded whenever nothing arrived for that many seconds (SSE keep-alives); at each
        one, a loop thread stuck past ``stall_limit`` ends the stream with :class:`LoopStalledError`. Closing
        the generator early (client gone, ``GreenletExit``) cancels the producer task, which
        then ``aclose()``-s the source. Errors raised by the source are re-raised here.
        """
        if max_buffer < 1:
            raise ValueError("max_buffer must be at least 1")
        return self._consume(source, max_buffer, idle_timeout)

    def stream_batches(
        self, source: StreamSource[T], *, idle_timeout: float | None, max_buffer: int = 128
    ) -> Generator[list[T] | Literal[Idle.IDLE], None, None]:
        """``stream``, handing over at each wake-up every item buffered by then as one list.

        A consumer that writes what it gets (an SSE response) then writes once for what arrived at
        once: words the model produced together go out in one socket write instead of one each.
        """
        if max_buffer < 1:
            raise ValueError("max_buffer must be at least 1")
        return self._batches(source, max_buffer, idle_timeout, max_buffer)

    def _consume(
        self, source: StreamSource[T], max_buffer: int, idle_timeout: float | None
    ) -> Generator[T | Literal[Idle.IDLE], None, None]:
        batches = self._batches(source, max_buffer, idle_timeout, 1)
        try:
            for batch in batches:
                if batch is IDLE:
                    yield IDLE
                else:
                    yield from batch
        finally:
            batches.close()

    def _batches(
        self, source: StreamSource[T], max_buffer: int, idle_timeout: float | None, most: int
    ) -> Generator[list[T] | Literal[Idle.IDLE], None, None]:
        """The buffered items, at most ``most`` at a time (the consumer holds a batch while the producer
        refills the buffer: one at a time, nothing is held beyond ``max_buffer``)."""
        state = Stream(source, max_buffer)  # here, so an iterator never started holds nothing
        loop = self._submit(state, state.produce())
        items, low_water = state.items, state.max_buffer // 2
        try:
            while True:
                done = state.done  # read before ``items``: once done, nothing more is appended
                if items:
                    batch = [items.popleft() for _ in range(min(len(items), most))]
                    # The producer sets ``paused`` before re-checking the length, and we pop
                    # before checking ``paused``: one side always sees the other's move.
                    # ``resume`` exists before ``paused`` is first set.
                    if state.paused and len(items) <= low_water and (resume := state.resume) is not None:
                        state.paused = False
                        post_to(loop, resume.set)
                    yield batch
                elif done:
                    break
                elif not state.wakeup.wait(idle_timeout):
                    self._check_stall()
                    yield IDLE
        finally:
            if not state.done:
                state.cancel_soon(loop)
            state.wakeup.close()
        self._outcome(state)


_runtime: AsyncRuntime | None = None
_runtime_lock = allocate_lock()


def _reinit_lock_in_child() -> None:
    global _runtime_lock
    _runtime_lock = allocate_lock()


os.register_at_fork(after_in_child=_reinit_lock_in_child)


def get_runtime() -> AsyncRuntime:
    """Return this process's shared runtime, creating it (not starting it) on first use.

    A forked child (a gunicorn worker forked from a master that imported, or even used,
    the app) gets the same object back; it notices the new pid and starts its own thread.
    """
    global _runtime
    if _runtime is None:
        with _runtime_lock:
            if _runtime is None:
                _runtime = AsyncRuntime()
    return _runtime


def shutdown_runtime(timeout: float = 5.0) -> bool:
    """Stop this process's shared runtime if it was ever created (gunicorn ``worker_exit``).

    Returns :meth:`AsyncRuntime.stop`'s verdict, or True when there was nothing to stop.
    """
    runtime = _runtime
    return True if runtime is None else runtime.stop(timeout)
