"""The last few seconds of outcomes: what the live metrics and the animations read.

The live metrics (last WINDOW_S seconds) come from the per-second counters Stats keeps anyway:
the latencies and failures of the last closed seconds (`seconds`, filled as rows close) and of the
second still open, so a finished request costs the window nothing but its animation tuple. The
outcomes of the last second, which the picture animates, are kept as tuples, at most MAX_RECENT.
"""

from __future__ import annotations

from collections import deque
from typing import Any

WINDOW_S = 5.0            # span of the live metrics (to the whole second)
RECENT_S = 1.0            # span of the outcomes the picture animates
MAX_RECENT = 2_000

Recent = tuple[int, float, str, bool, str, int]   # id, t, node, ok, reason, kind


class SlidingWindow:
    """The last closed seconds' latencies and failures, and the last RECENT_S of outcomes."""

    def __init__(self) -> None:
        self.seconds: deque[tuple[list[float], int]] = deque(maxlen=int(WINDOW_S))
        self.recent: deque[Recent] = deque(maxlen=MAX_RECENT)
        self.added = 0                    # outcomes ever added (the view's cache counts on it)

    def add(self, t: float, rid: int, node: str, ok: bool, reason: str, kind: int) -> None:
        """One finished request, for the animations."""
        self.added += 1
        recent = self.recent
        recent.append((rid, t, node, ok, reason, kind))
        if recent[0][1] < t - RECENT_S:
            cut = t - RECENT_S
            while recent[0][1] < cut:
                recent.popleft()

    def close(self, lats: Any, failed: int) -> None:
        """A whole second closed with these latencies and this many failures."""
        self.seconds.append((lats, failed))

    def summary(self, now: float, open_lats: Any, open_failed: int) -> tuple[list[float], int, float]:
        """(latencies of the answered, number failed, seconds covered) over the last closed
        seconds (up to WINDOW_S of them) and the second still open."""
        lats: list[float] = []
        failed = 0
        for ms, f in self.seconds:
            lats.extend(ms)
            failed += f
        lats.extend(open_lats)
        return lats, failed + open_failed, len(self.seconds) + (now - int(now))
