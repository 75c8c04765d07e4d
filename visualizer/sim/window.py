"""The last few seconds of outcomes, kept compact: what the live metrics and the animations read.

Finished requests land in quarter-second buckets of float32 offsets and latencies (8 bytes a
request), so the window costs a time-travel checkpoint tens of kilobytes at 1,000 requests/s
rather than a tuple per request; the outcomes of the last second, which the picture animates,
are kept as tuples, at most MAX_RECENT of them.
"""

from __future__ import annotations

from array import array
from collections import deque

WINDOW_S = 5.0            # span of the live metrics
BUCKET_S = 0.25
RECENT_S = 1.0            # span of the outcomes the picture animates
MAX_RECENT = 2_000

Recent = tuple[int, float, str, bool, str, int]   # id, t, node, ok, reason, kind


class Bucket:
    """Outcomes of one quarter second starting at t0: offsets and latencies of the answered, and
    offsets of the failed."""

    __slots__ = ("t0", "ok_dt", "ok_ms", "fail_dt")

    def __init__(self, t0: float) -> None:
        self.t0 = t0
        self.ok_dt = array("f")
        self.ok_ms = array("f")
        self.fail_dt = array("f")


class SlidingWindow:
    """Outcomes of the last WINDOW_S seconds, and those of the last RECENT_S as tuples."""

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
            b.ok_dt.append(t - b.t0)
            b.ok_ms.append(ms)
        else:
            b.fail_dt.append(t - b.t0)
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
        while buckets[0].t0 + BUCKET_S < t - WINDOW_S:
            buckets.popleft()
        return b

    def summary(self, now: float) -> tuple[list[float], int]:
        """(latencies of the answered, number failed) over [now - WINDOW_S, now]."""
        lo = now - WINDOW_S
        lats: list[float] = []
        failed = 0
        for b in self.buckets:
            if b.t0 >= lo:
                lats.extend(b.ok_ms)
                failed += len(b.fail_dt)
            elif b.t0 + BUCKET_S > lo:
                cut = lo - b.t0
                lats.extend(ms for dt, ms in zip(b.ok_dt, b.ok_ms) if dt >= cut)
                failed += sum(1 for dt in b.fail_dt if dt >= cut)
        return lats, failed
