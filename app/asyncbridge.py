"""Run blocking work (the database) from the asyncio loop thread without blocking that loop.

Under gevent, the loop lives in a real OS thread (see agent/runtime/) while the database
driver is made cooperative for greenlets of the main thread (psycogreen). Blocking work is
therefore handed back to a new greenlet on the main gevent hub, and its result returned to
the loop through `call_soon_threadsafe`. Without gevent (CLI, tests), a worker thread does it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TYPE_CHECKING, ParamSpec, TypeVar

if TYPE_CHECKING:
    from gevent.hub import Hub

P = ParamSpec("P")
T = TypeVar("T")

_main_hub: Hub | None = None


def _gevent_active() -> bool:
    try:
        from gevent import monkey
    except ImportError:
        return False
    return bool(monkey.is_module_patched("threading"))


def capture_main_hub() -> None:
    """Remember the main thread's gevent hub; call from the main thread before the loop thread starts."""
    global _main_hub
    if _gevent_active():
        import gevent

        _main_hub = gevent.get_hub()


async def run_blocking(fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """Await `fn(*args, **kwargs)` run outside the event loop: in a main-hub greenlet under gevent, else a thread."""
    if _main_hub is None:
        return await asyncio.to_thread(fn, *args, **kwargs)
    import gevent

    loop = asyncio.get_running_loop()
    future: asyncio.Future[T] = loop.create_future()

    def deliver(result: T) -> None:
        if not future.done():
            future.set_result(result)

    def fail(err: BaseException) -> None:
        if not future.done():
            future.set_exception(err)

    def job() -> None:
        try:
            result = fn(*args, **kwargs)
        except BaseException as err:  # handed to the awaiting coroutine, which re-raises it
            loop.call_soon_threadsafe(fail, err)
        else:
            loop.call_soon_threadsafe(deliver, result)

    _main_hub.loop.run_callback_threadsafe(gevent.spawn, job)
    return await future
