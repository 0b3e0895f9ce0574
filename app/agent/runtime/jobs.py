"""What a waiting caller shares with the work it handed to the loop thread.

The caller (a greenlet, or a plain thread without patching) and the loop thread (a real OS
thread running the asyncio Agents SDK) share no gevent-patched lock: nothing on the loop
thread may take one. The loop thread alone writes a job's fields and then pokes the
caller's wake-up; the caller reads them after waking. A stream's items go through a
``SmallFifo``, whose appends and pops are atomic across threads.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterable, AsyncIterator, Callable
from typing import Any, Generic, TypeAlias, TypeVar

from app.agent.runtime.fifo import SmallFifo
from app.agent.runtime.loop import post_to
from app.agent.runtime.wakeups import new_wakeup

T = TypeVar("T")

StreamSource: TypeAlias = "AsyncIterable[T] | Callable[[], AsyncIterable[T]]"
"""What ``stream()`` consumes: an async iterable, or a factory called on the loop."""


class Job(Generic[T]):
    """What a waiting caller shares with its task on the loop, which alone writes it."""

    def __init__(self) -> None:
        self.wakeup = new_wakeup()
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
        post_to(loop, lambda: self.task is not None and self.task.cancel())


class Stream(Job[None], Generic[T]):
    """A ``stream()`` consumer's state: ``items`` is appended on the loop, popped by it.

    The producer pauses once ``max_buffer`` items are pending; the consumer resumes it when
    the buffer has drained to half. ``SmallFifo`` appends and pops are atomic across threads.
    """

    def __init__(self, source: StreamSource[T], max_buffer: int) -> None:
        super().__init__()
        self.source = source
        self.max_buffer = max_buffer
        self.items: SmallFifo[T] = SmallFifo()
        self.resume: asyncio.Event | None = None
        """Set by the consumer to resume a paused producer; made on the loop at the first pause (most streams
        never pause, and an idle Event holds a 760-byte deque of its own)."""
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
                    if self.resume is None:
                        self.resume = asyncio.Event()
                    self.resume.clear()
                    self.paused = True
                    if len(self.items) >= self.max_buffer:  # re-check: see AsyncRuntime._consume
                        await self.resume.wait()
        finally:
            if (aclose := getattr(iterator, "aclose", None)) is not None:
                await aclose()


def discard(awaitable: object) -> None:
    """Close a coroutine that will never run, avoiding 'never awaited' warnings."""
    if asyncio.iscoroutine(awaitable):
        awaitable.close()
