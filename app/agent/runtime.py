"""One asyncio event loop per process, in a real OS thread, for gevent greenlets to use.

gunicorn's gevent worker monkey-patches the process and runs each request in a greenlet,
while the assistant stack (Agents SDK, ``mcp``, httpx) is asyncio. ``asyncio.run`` per
request hangs under concurrency and a loop inside a greenlet lets one blocking call freeze
every request, so each process owns ONE loop in a thread started with gevent's saved,
unpatched ``start_new_thread``. Callers park on their own gevent hub (other greenlets keep
running) until the loop thread pokes it through an ``async_`` watcher, the thread-safe way
to wake a hub. Without monkey-patching (pytest, the Flask CLI) a ``threading.Event`` does.

Inside the loop thread, patched stdlib pieces would silently break things, so the loop
uses originals instead: the selector (gevent's would run a second hub instead of blocking
in ``epoll``), the default executor (patched ``threading.Thread`` spawns greenlets that do
not run in the loop thread, so ``asyncio.to_thread`` and ``loop.getaddrinfo`` - DNS for
every HTTP connection, and the OpenAI client's first request - hang from their second
call on), ``getaddrinfo``, and ``subprocess`` (stdio MCP servers). What code on the loop
still hands to gevent (``os.close``, ``threading.Thread``) is run by a periodic, brief,
non-blocking turn of the loop thread's own dormant hub.
"""

from __future__ import annotations

import _queue
import asyncio
import atexit
import concurrent.futures
import contextlib
import enum
import functools
import importlib.util
import os
import select
import selectors
import threading
import time
import types
from asyncio.unix_events import _UnixSubprocessTransport  # type: ignore[attr-defined]  # private: not in typeshed
from collections import deque
from collections.abc import AsyncIterable, AsyncIterator, Awaitable, Callable, Generator
from typing import TYPE_CHECKING, Any, Generic, Literal, TypeAlias, TypeVar, TypeVarTuple, cast, overload

import gevent
from gevent import monkey
from gevent.hub import Waiter, get_hub

from app.agent import native_locks

if TYPE_CHECKING:
    from socket import _GetAddrInfoResult

T = TypeVar("T")
Ts = TypeVarTuple("Ts")

StreamSource: TypeAlias = "AsyncIterable[T] | Callable[[], AsyncIterable[T]]"
"""What ``stream()`` consumes: an async iterable, or a factory called on the loop."""


class Idle(enum.Enum):
    """Type of the heartbeat sentinel yielded by :meth:`AsyncRuntime.stream`."""

    IDLE = "idle"


IDLE = Idle.IDLE
"""Yielded by ``stream(..., idle_timeout=s)`` when nothing arrived for ``s`` seconds."""


class RuntimeStoppedError(RuntimeError):
    """The runtime was stopped (or is stopping), so the work was refused or cancelled."""


class LoopStalledError(RuntimeError):
    """The loop thread has not run for longer than the stall limit: the waiting work was abandoned."""


# ``get_original`` gives the saved original once gevent has patched a module and the
# current object otherwise, so these are the real stdlib functions whether this module is
# imported before or after gunicorn's worker patches the process.
# One name per call: types-gevent declares `get_original(str, str)` only (gevent also takes a list).
_start_new_thread = monkey.get_original("_thread", "start_new_thread")
_allocate_lock = monkey.get_original("_thread", "allocate_lock")
_get_ident = monkey.get_original("_thread", "get_ident")
_getaddrinfo = monkey.get_original("socket", "getaddrinfo")
_waitpid = monkey.get_original("os", "waitpid")
_close = monkey.get_original("os", "close")
_HUB_PUMP_INTERVAL = 0.05
_BEAT_INTERVAL = 0.25
"""How often the loop thread records that it runs (the watchdog's heartbeat)."""
_WATCH_INTERVAL = 1.0
"""How often a waiting caller checks the heartbeat."""
DEFAULT_STALL_LIMIT = 10.0
"""Seconds without a heartbeat after which the loop thread counts as stuck (LOOP_STALL_SECONDS)."""


def _unpatched_selector() -> selectors.BaseSelector:
    """Build a selector that blocks the OS thread, never a gevent hub."""
    if not (monkey.is_module_patched("select") or monkey.is_module_patched("selectors")):
        return selectors.DefaultSelector()
    try:
        epoll_selector = monkey.get_original("selectors", "EpollSelector")
        if epoll_selector._selector_cls is monkey.get_original("select", "epoll"):
            return cast(selectors.BaseSelector, epoll_selector())
    except AttributeError:  # ``selectors`` was first imported after ``select`` was patched
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
    """Real OS threads behind ``run_in_executor(None, ...)``, hence ``asyncio.to_thread``.

    Under patching, ``ThreadPoolExecutor``'s "threads" would be greenlets of the loop
    thread's own hub: blocking work there would stall the loop, or never run at all.
    """

    def __init__(self, max_workers: int) -> None:
        self._max_workers = max_workers
        self._jobs: _queue.SimpleQueue[Callable[[], None] | None] = _queue.SimpleQueue()
        self._lock = _allocate_lock()
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
            _start_new_thread(self._work, ())

    def _work(self) -> None:
        while (job := self._jobs.get()) is not None:
            job()
            with self._lock:
                self._idle += 1

    def shutdown(self) -> None:
        """Idle workers exit now, busy ones after their job; none is joined."""
        for _ in range(self._threads):
            self._jobs.put(None)


def _post(loop: asyncio.AbstractEventLoop, callback: Callable[[*Ts], object], *args: *Ts) -> None:
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

    def run_in_executor(
        self, executor: concurrent.futures.Executor | None, func: Callable[[*Ts], T], *args: *Ts
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
                _post(self, _settle, future, func(*args), None)
            except BaseException as exc:
                _post(self, _settle, future, None, exc)

        self._pool.submit(job)
        return future

    def pump_gevent_hub(self) -> None:
        """Give the loop thread's own gevent hub a brief, non-blocking turn, periodically.

        Under patching that dormant hub exists (gevent sockets create it) and some code
        needs it to run: gevent's ``os.close`` defers the real close to it, and
        ``threading.Thread`` started from loop code (the Agents SDK trace exporter, for
        one) becomes a greenlet there. Without this they leak or never run at all.
        """
        gevent.sleep(0)
        self.call_later(_HUB_PUMP_INTERVAL, self.pump_gevent_hub)

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

    async def _make_subprocess_transport(
        self,
        protocol: Any,
        args: Any,
        shell: bool,
        stdin: Any,
        stdout: Any,
        stderr: Any,
        bufsize: int,
        extra: Any = None,
        **kwargs: Any,
    ) -> Any:
        """asyncio's hook behind every subprocess (e.g. stdio MCP servers), made gevent-proof.

        Under patching the stock path spawns with gevent's ``Popen``, whose child watchers
        work only in the main hub, and waits through a child-watcher "thread" that would be a
        greenlet of this thread. Here: the stdlib ``Popen``, and a pidfd readable on exit
        (Linux 5.3+). Unpatched, the stock path works and stays portable.
        """
        if not (monkey.is_module_patched("subprocess") or monkey.is_module_patched("os")):
            return await super()._make_subprocess_transport(  # type: ignore[misc]  # private: not in typeshed
                protocol, args, shell, stdin, stdout, stderr, bufsize, extra=extra, **kwargs
            )
        waiter = self.create_future()
        transport = _SubprocessTransport(
            self, protocol, args, shell, stdin, stdout, stderr, bufsize, waiter=waiter, extra=extra, **kwargs
        )
        try:
            pidfd = os.pidfd_open(transport.get_pid())
        except OSError:
            transport.close()  # kills the child rather than leaving it unreaped
            raise
        self.add_reader(pidfd, self._reap_child, pidfd, transport)
        try:
            await waiter
        except (SystemExit, KeyboardInterrupt):
            raise
        except BaseException:
            transport.close()
            await transport._wait()
            raise
        return transport

    def _reap_child(self, pidfd: int, transport: Any) -> None:
        self.remove_reader(pidfd)
        _close(pidfd)
        try:
            returncode = os.waitstatus_to_exitcode(_waitpid(transport.get_pid(), 0)[1])
        except ChildProcessError:  # reaped elsewhere (e.g. a gevent SIGCHLD handler)
            returncode = 255
        self.call_soon(transport._process_exited, returncode)


@functools.cache
def _unpatched_popen() -> Any:
    """The stdlib ``Popen``, from a private copy of the ``subprocess`` module gevent patched.

    gevent patches ``subprocess`` in place (new ``Popen``, blanked ``_fork_exec``), and its
    ``os.close`` only closes on the calling thread's hub's next turn: the stdlib class would
    wait forever for its exec-status pipe to close. So the copy gets the original ``os``.
    """
    spec = importlib.util.find_spec("subprocess")
    if spec is None or spec.loader is None:
        raise RuntimeError("cannot locate the stdlib subprocess module")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    original_os = types.ModuleType("os")
    vars(original_os).update(vars(os))
    saved: dict[str, dict[str, Any]] = monkey.saved  # type: ignore[attr-defined]  # not in types-gevent
    vars(original_os).update({name: monkey.get_original("os", name) for name in saved.get("os", ())})
    vars(module)["os"] = original_os
    return module.Popen


class _SubprocessTransport(_UnixSubprocessTransport):  # type: ignore[misc]  # private: not in typeshed, so Any
    """asyncio's Unix subprocess transport, spawning with the unpatched ``Popen``."""

    def _start(self, args: Any, shell: bool, stdin: Any, stdout: Any, stderr: Any, bufsize: int, **kwargs: Any) -> None:
        self._proc = _unpatched_popen()(
            args, shell=shell, stdin=stdin, stdout=stdout, stderr=stderr,
            universal_newlines=False, bufsize=bufsize, **kwargs,
        )  # fmt: skip


class _ThreadWakeup:
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


class _GreenletWakeup:
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


_Wakeup: TypeAlias = "_ThreadWakeup | _GreenletWakeup"


def _new_wakeup() -> _Wakeup:
    return _GreenletWakeup() if monkey.is_module_patched("threading") else _ThreadWakeup()


class _Job(Generic[T]):
    """What a waiting caller shares with its task on the loop, which alone writes it."""

    def __init__(self) -> None:
        self.wakeup = _new_wakeup()
        self.task: asyncio.Future[Any] | None = None
        self.done = self.cancelled = False
        self.result: T | None = None
        self.error: BaseException | None = None

    def finish(self, task: asyncio.Future[Any]) -> None:
        if task.cancelled():
            self.cancelled = True
        elif (error := task.exception()) is not None:
            self.error = error
        else:
            self.result = task.result()
        self.done = True
        self.wakeup.notify()

    def cancel_soon(self, loop: asyncio.AbstractEventLoop) -> None:
        """Cancel the task from any thread, without waiting for it to unwind."""
        _post(loop, lambda: self.task is not None and self.task.cancel())


class _Stream(_Job[None], Generic[T]):
    """A ``stream()`` consumer's state: ``items`` is appended on the loop, popped by it.

    The producer pauses once ``max_buffer`` items are pending; the consumer resumes it when
    the buffer has drained to half. ``deque`` appends and pops are atomic across threads.
    """

    def __init__(self, source: StreamSource[T], max_buffer: int) -> None:
        super().__init__()
        self.source = source
        self.max_buffer = max_buffer
        self.items: deque[T] = deque()
        self.resume = asyncio.Event()
        self.paused = False

    async def produce(self) -> None:
        iterator: AsyncIterator[T] | None = None
        try:
            source = self.source
            iterator = aiter(source if isinstance(source, AsyncIterable) else source())
            async for item in iterator:
                self.items.append(item)
                self.wakeup.notify()
                while len(self.items) >= self.max_buffer:
                    self.resume.clear()
                    self.paused = True
                    if len(self.items) >= self.max_buffer:  # re-check: see _consume
                        await self.resume.wait()
        finally:
            if (aclose := getattr(iterator, "aclose", None)) is not None:
                await aclose()


def _discard(awaitable: object) -> None:
    """Close a coroutine that will never run, avoiding 'never awaited' warnings."""
    if asyncio.iscoroutine(awaitable):
        awaitable.close()


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
        _post(self._ensure_loop(), callback, *args)

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
        self._lock = _allocate_lock()
        self._loop: _RuntimeLoop | None = None
        self._thread_id: int | None = None
        self._stopping = self._exited = False
        self._stop_grace = 5.0
        self._exit_wakeups: list[_Wakeup] = []
        self._last_beat = time.monotonic()
        self._stall_reported = False

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
        # Blocking the OS thread until the loop exists (once, ~0.1 ms) is deliberate: a
        # gevent wait could let another greenlet block on the real, held ``self._lock``.
        native_locks.install()
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
        if self._thread_id == _get_ident():
            raise RuntimeError("AsyncRuntime.stop() cannot be called from its own loop thread")
        with self._lock:
            self._stopping = True
            loop = self._loop
            if loop is None or self._exited:
                return True
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

    def _submit(self, job: _Job[Any], awaitable: Awaitable[Any]) -> _RuntimeLoop:
        try:
            loop = self._ensure_loop()
            loop.call_soon_threadsafe(self._launch, job, awaitable)
        except BaseException as exc:
            _discard(awaitable)
            job.wakeup.close()
            if isinstance(exc, RuntimeError) and self._stopping:
                raise RuntimeStoppedError("AsyncRuntime has been stopped") from exc
            raise
        return loop

    def _launch(self, job: _Job[Any], awaitable: Awaitable[Any]) -> None:
        """Loop side of ``run``/``stream``; refuses work that slipped in while stopping."""
        try:
            if self._stopping:
                raise RuntimeStoppedError("AsyncRuntime has been stopped")
            job.task = asyncio.ensure_future(awaitable)
        except BaseException as exc:
            _discard(awaitable)
            failed = asyncio.get_running_loop().create_future()
            failed.set_exception(exc)
            job.finish(failed)
            return
        job.task.add_done_callback(job.finish)

    def _outcome(self, job: _Job[T]) -> T:
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
        job: _Job[T] = _Job()
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

    def _consume(
        self, source: StreamSource[T], max_buffer: int, idle_timeout: float | None
    ) -> Generator[T | Literal[Idle.IDLE], None, None]:
        state = _Stream(source, max_buffer)  # here, so an iterator never started holds nothing
        loop = self._submit(state, state.produce())
        items, low_water = state.items, state.max_buffer // 2
        try:
            while True:
                done = state.done  # read before ``items``: once done, nothing more is appended
                if items:
                    item = items.popleft()
                    # The producer sets ``paused`` before re-checking the length, and we pop
                    # before checking ``paused``: one side always sees the other's move.
                    if state.paused and len(items) <= low_water:
                        state.paused = False
                        _post(loop, state.resume.set)
                    yield item
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
_runtime_lock = _allocate_lock()


def _reinit_lock_in_child() -> None:
    global _runtime_lock
    _runtime_lock = _allocate_lock()


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
