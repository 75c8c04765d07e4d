"""The discrete-event core: a heap of (time, seq, handler, arg); the sequence number breaks ties."""

from __future__ import annotations

from heapq import heappop, heappush
from typing import Any, Callable

Handler = Callable[[Any], None]


class EventQueue:
    """Pending events in time order; equal times run in the order they were scheduled.

    >>> q = EventQueue()
    >>> q.push(2.0, print, "b"); q.push(1.0, print, "a")
    >>> q.pop()[0]
    1.0
    """

    __slots__ = ("heap", "seq")

    def __init__(self) -> None:
        self.heap: list[tuple[float, int, Handler, Any]] = []
        self.seq = 0

    def push(self, t: float, handler: Handler, arg: Any = None) -> None:
        """Schedule `handler(arg)` at simulated time `t`."""
        self.seq = seq = self.seq + 1
        heappush(self.heap, (t, seq, handler, arg))

    def pop(self) -> tuple[float, int, Handler, Any]:
        """Remove and return the earliest event."""
        return heappop(self.heap)

    def next_time(self) -> float | None:
        """Time of the earliest pending event, or None when there is none."""
        return self.heap[0][0] if self.heap else None

    def __len__(self) -> int:
        return len(self.heap)
