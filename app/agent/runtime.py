"""A process-wide asyncio event loop that gevent greenlets (and plain threads) can use.

The web tier is gunicorn + gevent: the process is monkey-patched and every request is a
greenlet. The assistant stack (OpenAI Agents SDK, ``mcp``, httpx) is asyncio. Running
``asyncio.run`` inside request greenlets hangs under concurrency and an event loop inside a
greenlet lets one blocking call freeze every request, so instead each process owns ONE
asyncio loop running in a REAL OS thread (started with gevent's saved, unpatched
``start_new_thread``). Request greenlets hand it coroutines and park on a gevent waiter
that the loop thread wakes through ``hub.loop.run_callback_threadsafe`` (the thread-safe
way to poke a gevent hub), so a waiting greenlet never blocks the hub.

Three things must stay unpatched inside the loop thread, or it silently degrades:

* the selector: patched ``selectors`` would hand asyncio gevent's cooperative selector,
  which runs a second gevent hub instead of blocking the thread in ``epoll``;
* the default executor: under patching ``threading.Thread`` spawns *greenlets*, and a
  greenlet started from the loop thread only runs when that thread happens to enter its
  own gevent hub, so ``asyncio.to_thread`` and ``loop.getaddrinfo`` (DNS for every HTTP
  connection, and the OpenAI client's first request) hang after the first call;
* ``getaddrinfo`` itself, which gevent routes through its resolver thread pool.

Without monkey-patching (pytest, the Flask CLI) the same code runs with ordinary threads
and a ``threading.Event`` replaces the gevent wake-up.
"""

from __future__ import annotations

import _queue
import asyncio
import atexit
import concurrent.futures
import contextlib
import enum
import os
import select
import selectors
import threading
import time
from collections import deque
from collections.abc import AsyncIterable, Awaitable, Callable, Generator
from typing import TYPE_CHECKING, Any, Generic, Literal, Protocol, TypeVar, cast, overload

from gevent import monkey
from gevent.hub import Waiter, get_hub

if TYPE_CHECKING:
    from socket import _GetAddrInfoResult

T = TypeVar("T")


class Idle(enum.Enum):
    """Type of the heartbeat sentinel yielded by :meth:`AsyncRuntime.stream`."""

    IDLE = "idle"


IDLE = Idle.IDLE
"""Yielded by ``stream(..., idle_timeout=s)`` when nothing arrived for ``s`` seconds."""


class RuntimeStoppedError(RuntimeError):
    """The runtime was stopped (or is stopping), so the work was not done or was cancelled."""


# ``get_original`` returns the saved original once gevent has patched a module and the
# current object otherwise, so these are the real stdlib functions whether this module is
# imported before or after gunicorn's worker patches the process.
_start_new_thread, _allocate_lock, _get_ident = monkey.get_original(
    "_thread", ["start_new_thread", "allocate_lock", "get_ident"]
)
_getaddrinfo, _getnameinfo = monkey.get_original("socket", ["getaddrinfo", "getnameinfo"])


def _gevent_active() -> bool:
    return bool(monkey.is_module_patched("threading"))


def _unpatched_selector() -> selectors.BaseSelector:
    """Build a selector that blocks the OS thread, never a gevent hub."""
    if not (monkey.is_module_patched("select") or monkey.is_module_patched("selectors")):
        return selectors.DefaultSelector()
    try:
        epoll_selector = monkey.get_original("selectors", "EpollSelector")
        if epoll_selector._selector_cls is monkey.get_original("select", "epoll"):
            return cast(selectors.BaseSelector, epoll_selector())
    except AttributeError:  # selectors was imported after select was patched, or not Linux
        pass
    return _UnpatchedPollSelector()


class _UnpatchedPollSelector(selectors._PollLikeSelector):
    """Fallback: the stdlib ``PollSelector`` bound to the saved, blocking ``select.poll``."""

    _EVENT_READ = select.POLLIN
    _EVENT_WRITE = select.POLLOUT

    def __init__(self) -> None:
        self._selector_cls = monkey.get_original("select", "poll")
        super().__init__()


class _ThreadPool:
    """Minimal pool of real OS threads behind ``loop.run_in_executor(None, ...)``.

    ``concurrent.futures.ThreadPoolExecutor`` cannot be used: under monkey-patching its
    threads, queue and locks are gevent objects bound to the loop thread's idle hub.
    """

    def __init__(self, max_workers: int) -> None:
        self._max_workers = max_workers
        self._jobs: _queue.SimpleQueue[Callable[[], None] | None] = _queue.SimpleQueue()
        self._lock = _allocate_lock()
        self._threads = 0
        self._idle = 0
        self._closed = False

    def submit(self, job: Callable[[], None]) -> None:
        with self._lock:
            if self._closed:
                raise RuntimeError("executor is shut down")
            spawn = self._idle == 0 and self._threads < self._max_workers
            if spawn:
                self._threads += 1
            elif self._idle:
                self._idle -= 1
        self._jobs.put(job)
        if spawn:
            _start_new_thread(self._work, ())

    def _work(self) -> None:
        while (job := self._jobs.get()) is not None:
            job()
            with self._lock:
                self._idle += 1

    def shutdown(self) -> None:
        """Let idle workers exit; busy ones exit after their job (they are never joined)."""
        with self._lock:
            self._closed = True
            threads = self._threads
        for _ in range(threads):
            self._jobs.put(None)


def _post(loop: asyncio.AbstractEventLoop, callback: Callable[..., object], *args: Any) -> None:
    """``call_soon_threadsafe`` that tolerates a loop closed by a concurrent ``stop()``."""
    with contextlib.suppress(RuntimeError):
        loop.call_soon_threadsafe(callback, *args)


def _settle(future: asyncio.Future[Any], result: Any, error: BaseException | None) -> None:
    if future.done():
        return
    if error is None:
        future.set_result(result)
    else:
        future.set_exception(error)


class _RuntimeLoop(asyncio.SelectorEventLoop):
    """Selector loop whose default executor and DNS resolution use real OS threads."""

    def __init__(self, selector: selectors.BaseSelector, pool: _ThreadPool) -> None:
        super().__init__(selector)
        self._pool = pool

    def run_in_executor(  # type: ignore[override]
        self, executor: concurrent.futures.Executor | None, func: Callable[..., T], *args: Any
    ) -> asyncio.Future[T]:
        if executor is not None:
            return super().run_in_executor(executor, func, *args)
        if self.is_closed():
            raise RuntimeError("Event loop is closed")
        future: asyncio.Future[T] = self.create_future()

        def job() -> None:
            if future.cancelled():
                return
            try:
                result = func(*args)
            except BaseException as exc:
                _post(self, _settle, future, None, exc)
            else:
                _post(self, _settle, future, result, None)

        self._pool.submit(job)
        return future

    async def getaddrinfo(
        self,
        host: bytes | str | None,
        port: bytes | str | int | None,
        *,
        family: int = 0,
        type: int = 0,
        proto: int = 0,
        flags: int = 0,
    ) -> _GetAddrInfoResult:
        return await self.run_in_executor(None, _getaddrinfo, host, port, family, type, proto, flags)

    async def getnameinfo(
        self, sockaddr: tuple[str, int] | tuple[str, int, int, int], flags: int = 0
    ) -> tuple[str, str]:
        return await self.run_in_executor(None, _getnameinfo, sockaddr, flags)


class _Wakeup(Protocol):
    """Lets the loop thread wake one waiter; ``wait`` returns False on timeout."""

    def notify(self) -> None: ...

    def wait(self, timeout: float | None) -> bool: ...

    def close(self) -> None: ...


class _ThreadWakeup:
    """Wake-up for plain threads (no monkey-patching): an ordinary ``threading.Event``."""

    __slots__ = ("_event",)

    def __init__(self) -> None:
        self._event = threading.Event()

    def notify(self) -> None:
        self._event.set()

    def wait(self, timeout: float | None) -> bool:
        fired = self._event.wait(timeout)
        self._event.clear()
        return fired

    def close(self) -> None:
        """Nothing to release."""


class _GreenletWakeup:
    """Wake-up for a greenlet: it parks on its hub, so other greenlets keep running.

    The loop thread calls ``notify``, i.e. ``send()`` on a gevent ``async_`` watcher, the
    thread-safe way to poke a hub; bursts of sends coalesce into one callback. The watcher
    stays started from creation to ``close`` so that a send landing between the caller's
    "anything new?" check and its ``wait`` is never lost (starting a libev async watcher
    discards earlier sends), and, being referenced, it keeps the hub from raising
    ``LoopExit`` when nothing else is pending. A send with nobody waiting is dropped, which
    is fine because callers re-check their shared state before every ``wait``. The lock
    (a real one, held for a few instructions) keeps ``notify`` off a closed watcher.
    """

    __slots__ = ("_hub", "_lock", "_waiter", "_watcher")

    def __init__(self) -> None:
        self._hub = get_hub()
        self._lock = _allocate_lock()
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
        waiter = Waiter(self._hub)
        self._waiter = waiter
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


def _new_wakeup() -> _Wakeup:
    return _GreenletWakeup() if _gevent_active() else _ThreadWakeup()


class _Call(Generic[T]):
    """State shared by a ``run()`` caller and its task; written only by the loop thread."""

    __slots__ = ("awaitable", "cancelled", "done", "error", "result", "task", "wakeup")

    def __init__(self, awaitable: Awaitable[T], wakeup: _Wakeup) -> None:
        self.awaitable = awaitable
        self.wakeup = wakeup
        self.task: asyncio.Future[T] | None = None
        self.done = False
        self.cancelled = False
        self.result: T | None = None
        self.error: BaseException | None = None

    def finish(self, task: asyncio.Future[T]) -> None:
        if task.cancelled():
            self.cancelled = True
        elif (error := task.exception()) is not None:
            self.error = error
        else:
            self.result = task.result()
        self.done = True
        self.wakeup.notify()


class _Stream(Generic[T]):
    """State shared by a ``stream()`` consumer and its producer task.

    ``items`` is appended by the loop thread and popped by the consumer (``deque`` makes
    both atomic). The producer pauses while ``max_buffer`` items are pending and the
    consumer resumes it once the buffer has drained to half.
    """

    __slots__ = (
        "cancelled", "done", "error", "items", "max_buffer", "paused", "resume", "source", "task",
        "wakeup",
    )  # fmt: skip

    def __init__(
        self, source: AsyncIterable[T] | Callable[[], AsyncIterable[T]], max_buffer: int, wakeup: _Wakeup
    ) -> None:
        self.source = source
        self.max_buffer = max_buffer
        self.wakeup = wakeup
        self.items: deque[T] = deque()
        self.task: asyncio.Task[None] | None = None
        self.resume: asyncio.Event | None = None
        self.paused = False
        self.done = False
        self.cancelled = False
        self.error: BaseException | None = None

    async def produce(self) -> None:
        iterator = None
        try:
            source = self.source
            iterable = source if isinstance(source, AsyncIterable) else source()
            iterator = aiter(iterable)
            while True:
                try:
                    item = await anext(iterator)
                except StopAsyncIteration:
                    return
                self.items.append(item)
                self.wakeup.notify()
                while len(self.items) >= self.max_buffer:
                    self.resume = self.resume or asyncio.Event()
                    self.resume.clear()
                    self.paused = True
                    if len(self.items) >= self.max_buffer:
                        await self.resume.wait()
        finally:
            aclose = getattr(iterator, "aclose", None)
            if aclose is not None:
                await aclose()

    def finish(self, task: asyncio.Task[None]) -> None:
        if task.cancelled():
            self.cancelled = True
        else:
            self.error = task.exception()
        self.done = True
        self.wakeup.notify()


def _cancel(future: asyncio.Future[Any] | None) -> None:
    if future is not None:
        future.cancel()


def _discard(awaitable: object) -> None:
    """Close a coroutine that will never run, avoiding 'never awaited' warnings."""
    close = getattr(awaitable, "close", None)
    if asyncio.iscoroutine(awaitable) and close is not None:
        close()


class AsyncRuntime:
    """One asyncio loop in a dedicated OS thread, usable from greenlets and threads.

    Lazily started by the first ``run``/``stream``. Fork-aware: an instance used in a
    forked child drops the parent's (non-existent there) thread and starts a fresh one.
    """

    def __init__(self, *, max_executor_workers: int | None = None) -> None:
        self._max_workers = max_executor_workers or min(32, (os.cpu_count() or 1) + 4)
        self._atexit_registered = False
        self._reset()

    def _reset(self) -> None:
        self._pid = os.getpid()
        self._lock = _allocate_lock()
        self._loop: _RuntimeLoop | None = None
        self._thread_id: int | None = None
        self._stopping = False
        self._exited = False
        self._stop_grace = 5.0
        self._exit_wakeups: list[_Wakeup] = []

    @property
    def running(self) -> bool:
        """True while the loop thread is up in this process and not stopping."""
        return self._loop is not None and self._pid == os.getpid() and not self._stopping

    def start(self) -> None:
        """Start the loop thread (idempotent; ``run``/``stream`` call it implicitly)."""
        self._ensure_loop()

    def _ensure_loop(self) -> _RuntimeLoop:
        loop = self._loop
        if loop is not None and self._pid == os.getpid() and not self._stopping:
            if self._thread_id == _get_ident():
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

    def _spawn_loop_thread(self) -> _RuntimeLoop:
        # Blocking the OS thread here (once, well under a millisecond) is deliberate: a
        # gevent wait could let another greenlet reach the real, held ``self._lock``.
        ready = _allocate_lock()
        ready.acquire()
        box: list[_RuntimeLoop | BaseException] = []
        _start_new_thread(self._thread_main, (ready, box))
        ready.acquire()
        if isinstance(box[0], BaseException):
            raise RuntimeError("could not start the asyncio loop thread") from box[0]
        return box[0]

    def _thread_main(self, ready: Any, box: list[_RuntimeLoop | BaseException]) -> None:
        try:
            self._thread_id = _get_ident()
            pool = _ThreadPool(self._max_workers)
            loop = _RuntimeLoop(_unpatched_selector(), pool)
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

        Safe to call repeatedly, from atexit or gunicorn's ``worker_exit``. Waiting callers
        get :class:`RuntimeStoppedError`. Returns False if the thread did not finish within
        ``timeout`` (e.g. it is stuck in a blocking call); the runtime cannot be restarted.
        """
        if self._pid != os.getpid():
            self._reset()
        with self._lock:
            self._stopping = True
            loop = self._loop
            if loop is None or self._exited:
                return True
            if self._thread_id == _get_ident():
                raise RuntimeError("AsyncRuntime.stop() cannot be called from its own loop thread")
            self._stop_grace = max(timeout, 0.0)
            wakeup = _new_wakeup()
            self._exit_wakeups.append(wakeup)
        try:
            _post(loop, loop.stop)
            deadline = time.monotonic() + timeout
            while not self._exited and (remaining := deadline - time.monotonic()) > 0:
                wakeup.wait(remaining)
        finally:
            wakeup.close()
        return self._exited

    def run(self, awaitable: Awaitable[T], timeout: float | None = None) -> T:
        """Run ``awaitable`` on the loop and return its result, blocking only the caller.

        A greenlet parks on the gevent hub, so other greenlets keep running. Exceptions are
        re-raised here. On ``timeout`` (``TimeoutError``) or if the caller is interrupted
        (``GreenletExit``, ``KeyboardInterrupt``), the task is cancelled on the loop without
        waiting for it. The coroutine runs in a copy of the caller's contextvars.
        """
        try:
            loop = self._ensure_loop()
        except BaseException:
            _discard(awaitable)
            raise
        call = _Call(awaitable, _new_wakeup())
        try:
            try:
                loop.call_soon_threadsafe(self._start_call, call)
            except RuntimeError as exc:  # the loop closed under us: stop() won the race
                _discard(awaitable)
                raise RuntimeStoppedError("AsyncRuntime has been stopped") from exc
            deadline = None if timeout is None else time.monotonic() + timeout
            try:
                while not call.done:
                    remaining = None if deadline is None else deadline - time.monotonic()
                    if remaining is not None and remaining <= 0:
                        raise TimeoutError(f"coroutine did not finish within {timeout} s")
                    call.wakeup.wait(remaining)
            except BaseException:
                if not call.done:
                    _post(loop, lambda: _cancel(call.task))
                raise
        finally:
            call.wakeup.close()
        if call.cancelled:
            raise self._cancelled_error()
        if call.error is not None:
            raise call.error
        return cast(T, call.result)

    def _start_call(self, call: _Call[Any]) -> None:
        """Loop side of ``run``; refuses work that slipped in while ``stop()`` drains."""
        try:
            if self._stopping:
                _discard(call.awaitable)
                raise RuntimeStoppedError("AsyncRuntime has been stopped")
            task = asyncio.ensure_future(call.awaitable)
        except BaseException as exc:
            failed: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
            failed.set_exception(exc)
            call.finish(failed)
            return
        call.task = task
        task.add_done_callback(call.finish)

    def _cancelled_error(self) -> BaseException:
        if self._stopping:
            return RuntimeStoppedError("AsyncRuntime stopped while the work was pending")
        return concurrent.futures.CancelledError()

    @overload
    def stream(
        self,
        source: AsyncIterable[T] | Callable[[], AsyncIterable[T]],
        *,
        idle_timeout: None = None,
        max_buffer: int = 128,
    ) -> Generator[T, None, None]: ...

    @overload
    def stream(
        self,
        source: AsyncIterable[T] | Callable[[], AsyncIterable[T]],
        *,
        idle_timeout: float,
        max_buffer: int = 128,
    ) -> Generator[T | Literal[Idle.IDLE], None, None]: ...

    def stream(
        self,
        source: AsyncIterable[T] | Callable[[], AsyncIterable[T]],
        *,
        idle_timeout: float | None = None,
        max_buffer: int = 128,
    ) -> Generator[T | Literal[Idle.IDLE], None, None]:
        """Iterate an async iterable on the loop, yielding its items in the caller.

        ``source`` is an async iterable or a zero-argument factory called ON the loop
        (needed for APIs that require a running loop, e.g. ``Runner.run_streamed``).
        Nothing starts until the first ``next()``. Items cross threads in batches: each
        wake-up drains everything buffered. At most ``max_buffer`` items are pending
        before the producer is paused. With ``idle_timeout``, :data:`IDLE` is yielded
        whenever nothing arrived for that many seconds (for SSE keep-alives). Closing the
        iterator early (client disconnect, ``GreenletExit``) cancels the producer task on
        the loop, which then runs the async generator's ``aclose()``. Errors raised by the
        source are re-raised here.
        """
        if max_buffer < 1:
            raise ValueError("max_buffer must be at least 1")
        return self._consume(source, idle_timeout, max_buffer)

    def _consume(
        self,
        source: AsyncIterable[T] | Callable[[], AsyncIterable[T]],
        idle_timeout: float | None,
        max_buffer: int,
    ) -> Generator[T | Literal[Idle.IDLE], None, None]:
        loop = self._ensure_loop()
        state = _Stream(source, max_buffer, _new_wakeup())
        low_water = max_buffer // 2
        items = state.items
        finished = False
        try:
            try:
                loop.call_soon_threadsafe(self._start_stream, state)
            except RuntimeError as exc:
                raise RuntimeStoppedError("AsyncRuntime has been stopped") from exc
            while True:
                done = state.done  # read before ``items``: once done, nothing more is appended
                if items:
                    item = items.popleft()
                    if state.paused and len(items) <= low_water and state.resume is not None:
                        state.paused = False
                        _post(loop, state.resume.set)
                    yield item
                elif done:
                    finished = True
                    break
                elif not state.wakeup.wait(idle_timeout):
                    yield IDLE
        finally:
            if not finished:
                _post(loop, lambda: _cancel(state.task))
            state.wakeup.close()
        if state.cancelled:
            raise self._cancelled_error()
        if state.error is not None:
            raise state.error

    def _start_stream(self, state: _Stream[Any]) -> None:
        if self._stopping:
            state.cancelled = True
            state.done = True
            state.wakeup.notify()
            return
        task = asyncio.get_running_loop().create_task(state.produce())
        state.task = task
        task.add_done_callback(state.finish)


_runtime: AsyncRuntime | None = None
_runtime_lock = _allocate_lock()


def _reinit_lock_in_child() -> None:
    global _runtime_lock
    _runtime_lock = _allocate_lock()


os.register_at_fork(after_in_child=_reinit_lock_in_child)


def get_runtime() -> AsyncRuntime:
    """Return this process's shared runtime, creating it (not starting it) on first use.

    The same object is returned in a forked child (e.g. a gunicorn worker forked from a
    master that imported the app); it notices the pid change and starts its own thread.
    """
    global _runtime
    runtime = _runtime
    if runtime is None:
        with _runtime_lock:
            if _runtime is None:
                _runtime = AsyncRuntime()
            runtime = _runtime
    return runtime
