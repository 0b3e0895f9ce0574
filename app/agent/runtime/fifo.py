"""A first-in-first-out list, for the few items a waiting turn's queues hold at a time."""

from __future__ import annotations

from typing import TypeVar

T = TypeVar("T")


class SmallFifo(list[T]):
    """A list with the `popleft` of a `collections.deque`, for queues that hold a handful of items.

    A deque allocates a 64-slot block (760 bytes) when it is made, even empty, and a turn waiting for its model
    held six: its stream buffer, and in openai-agents' streamed run the event queue's buffer, its getters, its
    putters and two events' waiters. An empty list is 56 bytes. `popleft` moves the remaining items along, which
    costs nothing at these sizes (a stream pauses its producer at a few hundred). `append` and `popleft` are each
    one call under the GIL, so they are as atomic across threads as a deque's.
    """

    __slots__ = ()

    def popleft(self) -> T:
        return self.pop(0)
