"""Primary/replica data: a write log, per-replica applied position, stale reads and lost writes."""

from __future__ import annotations

from bisect import bisect_right
from typing import Any

STREAM, FROZEN, CATCHUP = "stream", "frozen", "catchup"
CATCHUP_BASE_S = 1.0      # a replica needs at least this long to (re)attach before serving
CATCHUP_RATE = 2_000.0    # writes per second a catching-up replica replays


class Replication:
    """The primary's write log and where each replica stands in it.

    Write number n (its log sequence number, lsn) is `times[n-1]`, committed on the primary at that
    time. A streaming replica has applied every write committed at least `lag_s` ago; a frozen one
    (down, or its primary down) stays where it stopped; a catching-up one replays its backlog and
    serves nothing until done.
    """

    def __init__(self) -> None:
        self.times: list[float] = []
        self.keys: list[int] = []
        self.key_last: dict[int, int] = {}   # key -> lsn of its newest write on the primary
        self.primary: Any = None
        self.replicas: list[Any] = []        # every replica ever, in creation order
        self.lost: list[int] = []            # keys of writes lost at the last promotion
        self.lost_total = 0
        self.restored_total = 0
        self.read_rr = 0
        self.promote_have = 0                # writes the last promoted replica had applied

    @property
    def committed(self) -> int:
        return len(self.times)

    def commit(self, key: int, now: float) -> int:
        """The primary acknowledges a write; returns its lsn."""
        self.times.append(now)
        self.keys.append(key)
        lsn = len(self.times)
        self.key_last[key] = lsn
        return lsn

    def applied(self, rep: Any, now: float) -> int:
        """How many writes of the log the replica has applied at `now`."""
        if rep.mode == STREAM:
            return max(rep.base_lsn, bisect_right(self.times, now - rep.lag_s))
        if rep.mode == CATCHUP:
            span = rep.catch_t1 - rep.catch_t0
            f = 1.0 if span <= 0 else min(1.0, max(0.0, (now - rep.catch_t0) / span))
            return rep.catch_from + int(f * (rep.catch_to - rep.catch_from))
        return rep.base_lsn

    def pending(self, rep: Any, now: float) -> int:
        """Writes the primary acknowledged that this replica has not applied yet."""
        return max(0, self.committed - self.applied(rep, now))

    def is_stale(self, rep: Any, key: int, now: float) -> bool:
        """True when the replica's copy of `key` is older than the primary's."""
        return self.key_last.get(key, 0) > self.applied(rep, now)

    def freeze(self, rep: Any, now: float) -> None:
        """Stop applying (the replica or its primary went down); keep what it has."""
        rep.base_lsn = self.applied(rep, now)
        rep.mode = FROZEN

    def start_catchup(self, rep: Any, now: float) -> float:
        """Begin replaying the backlog; returns when the replica will be caught up."""
        start = self.applied(rep, now) if rep.mode else 0
        backlog = max(0, self.committed - start)
        rep.mode = CATCHUP
        rep.catch_from, rep.catch_to = start, self.committed
        rep.catch_t0 = now
        rep.catch_t1 = now + CATCHUP_BASE_S + rep.lag_s + backlog / CATCHUP_RATE
        return rep.catch_t1

    def resume(self, rep: Any, now: float) -> None:
        """Stream from the primary again (or stay frozen while there is no primary up)."""
        rep.base_lsn = self.applied(rep, now)
        rep.mode = STREAM if self.primary is not None and self.primary.status == "up" else FROZEN

    def promote(self, rep: Any, now: float) -> int:
        """Make `rep` the primary; writes it had not applied are lost. Returns how many."""
        have = self.applied(rep, now)
        lost_keys = self.keys[have:]
        for key in lost_keys:
            if self.key_last.get(key, 0) > have:
                # the new primary holds an older version (or none); we do not track which
                self.key_last[key] = 0
        self.lost.extend(lost_keys)
        self.lost_total += len(lost_keys)
        rep.mode = ""
        rep.base_lsn = self.committed
        self.primary = rep
        return len(lost_keys)

    def restore(self, now: float) -> int:
        """The recovery script: write the lost writes again on the current primary."""
        n = len(self.lost)
        for key in self.lost:
            self.commit(key, now)
        self.restored_total += n
        self.lost = []
        return n
