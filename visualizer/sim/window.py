"""The last few seconds of outcomes, kept compact: what the live metrics and the animations read.

Finished requests land in quarter-second buckets (their latencies and a count of failures), so
the window costs a time-travel checkpoint about 9 bytes a request rather than a tuple; the
outcomes of the last second, which the picture animates, are kept as tuples, at most MAX_RECENT.
"""

from __future__ import annotations

from collections import deque

WINDOW_S = 5.0            # span of the live metrics
BUCKET_S = 0.25
RECENT_S = 1.0            # span of the outcomes the picture animates
MAX_RECENT = 2_000

Recent = tuple[int, float, str, bool, str, int]   # id, t, node, ok, reason, kind


class Bucket:
    """Outcomes of one quarter second starting at t0: latencies of the answered, count of the failed."""

    __slots__ = ("t0", "ok_ms", "failed")

    def __init__(self, t0: float) -> None:
        self.t0 = t0
        self.ok_ms: list[float] = []
        self.failed = 0


class SlidingWindow:
    """Outcomes of the last WINDOW_S seconds (to the quarter second), and those of the last
    RECENT_S as tuples."""

    def __init__(self) -> None:
        self.buckets: deque[Bucket] = deque()
        self.last: Bucket | None = None   # the newest bucket
        self.recent: deque[Recent] = deque(maxlen=MAX_RECENT)
        self.added = 0                    # outcomes ever added (the view's cache counts on it)

    def add(self, t: float, rid: int, node: str, ok: bool, reason: str, kind: int, ms: float) -> None:
        b = self.last
        if b is None or t >= b.t0 + BUCKET_S:
            b = self._new_bucket(t)
        if ok:
            b.ok_ms.append(ms)
        else:
            b.failed += 1
        self.added += 1
        recent = self.recent
        recent.append((rid, t, node, ok, reason, kind))
        if recent[0][1] < t - RECENT_S:
            cut = t - RECENT_S
            while recent[0][1] < cut:
                recent.popleft()

    def _new_bucket(self, t: float) -> Bucket:
        buckets = self.buckets
        b = self.last = Bucket(t - t % BUCKET_S)
        buckets.append(b)
        while buckets[0].t0 + BUCKET_S <= t - WINDOW_S:
            buckets.popleft()
        return b

    def summary(self, now: float) -> tuple[list[float], int, float]:
        """(latencies of the answered, number failed, seconds covered) over the quarter seconds
        that end after now - WINDOW_S: the last WINDOW_S seconds, to the quarter second."""
        lo = now - WINDOW_S
        lats: list[float] = []
        failed = 0
        since = max(0.0, lo)
        for b in self.buckets:
            if b.t0 + BUCKET_S > lo:
                since = min(since, b.t0)
                lats.extend(b.ok_ms)
                failed += b.failed
        return lats, failed, now - since
