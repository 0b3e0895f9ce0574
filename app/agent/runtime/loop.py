"""The loop thread's asyncio event loop, built from unpatched stdlib pieces only.

The Agents SDK, ``mcp`` and httpx are asyncio code, and here they run on a real OS thread
inside a gevent-patched process: nothing on that thread may take a gevent-patched lock or
block in a patched call, since it would switch to the thread's own dormant hub and may never
wake. Patched stdlib pieces would also silently break the loop, so it uses the originals:

* the selector: gevent's would run a second hub instead of blocking in ``epoll``;
* the default executor (``threadpool.ThreadPool``): patched ``threading.Thread`` spawns
  greenlets that do not run in the loop thread, so ``asyncio.to_thread`` and
  ``loop.getaddrinfo`` (DNS for every HTTP connection, and the OpenAI client's first
  request) hang from their second call on;
* ``getaddrinfo``, and ``subprocess`` (stdio MCP servers): the stdlib ``Popen`` and a pidfd.

What code on the loop still hands to gevent (``os.close``, ``threading.Thread``) is run by a
periodic, brief, non-blocking turn of the loop thread's own dormant hub (``pump_gevent_hub``).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import functools
import importlib.util
import os
import select
import selectors
import types
from asyncio.unix_events import _UnixSubprocessTransport  # type: ignore[attr-defined]  # private: not in typeshed
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar, TypeVarTuple, cast

import gevent
from gevent import monkey

from app.agent.runtime import originals
from app.agent.runtime.threadpool import ThreadPool

if TYPE_CHECKING:
    from socket import _GetAddrInfoResult

T = TypeVar("T")
Ts = TypeVarTuple("Ts")

HUB_PUMP_INTERVAL = 0.05
"""Seconds between two brief turns of the loop thread's own gevent hub (under patching)."""


def unpatched_selector() -> selectors.BaseSelector:
    """Build a selector that blocks the OS thread, never a gevent hub."""
    if not (monkey.is_module_patched("select") or monkey.is_module_patched("selectors")):
        return selectors.DefaultSelector()
    try:
        epoll_selector = monkey.get_original("selectors", "EpollSelector")
        if epoll_selector._selector_cls is monkey.get_original("select", "epoll"):
            return cast(selectors.BaseSelector, epoll_selector())
    except AttributeError:  # ``selectors`` was first imported after ``select`` was patched
        pass
    return UnpatchedPollSelector()


class UnpatchedPollSelector(selectors._PollLikeSelector):
    """Fallback: the stdlib ``PollSelector`` bound to the saved, blocking ``select.poll``."""

    _EVENT_READ = select.POLLIN
    _EVENT_WRITE = select.POLLOUT

    def __init__(self) -> None:
        self._selector_cls = monkey.get_original("select", "poll")
        super().__init__()


def post_to(loop: asyncio.AbstractEventLoop, callback: Callable[[*Ts], object], *args: *Ts) -> None:
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


class RuntimeLoop(asyncio.SelectorEventLoop):
    """Selector loop whose default executor and DNS resolution use real OS threads."""

    def __init__(self, selector: selectors.BaseSelector, pool: ThreadPool) -> None:
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
                post_to(self, _settle, future, func(*args), None)
            except BaseException as exc:
                post_to(self, _settle, future, None, exc)

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
        self.call_later(HUB_PUMP_INTERVAL, self.pump_gevent_hub)

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
        return await self.run_in_executor(None, originals.getaddrinfo, host, port, family, type, proto, flags)

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
        originals.close(pidfd)
        try:
            returncode = os.waitstatus_to_exitcode(originals.waitpid(transport.get_pid(), 0)[1])
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
