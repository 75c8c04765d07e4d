"""A database cluster: one primary's write log, its replicas, promotion, lost writes and recovery.

A scenario may hold several clusters (shards, a second data centre): each is its own object, found
from the primary -> replica links. Write number n (its log sequence number, lsn) was committed on
the primary at `times[n - 1 - base]`; each replica knows how far into this log it has applied.
The log keeps only the writes some serving replica may still need (`trim`), so it stays bounded
however long the run: a replica that is down catches up by counting, not by reading entries.
"""

from __future__ import annotations

from bisect import bisect_right

from typing import TYPE_CHECKING, Any

from visualizer.sim.nodes import UP
from visualizer.sim.requests import WRITE

if TYPE_CHECKING:
    from visualizer.sim.components.database import Database
    from visualizer.sim.requests import Request
    from visualizer.sim.servers import Server

TRIM_MIN = 4096           # log entries kept before trimming is tried


class Cluster:
    """The primary's write log and the members that copy it."""

    def __init__(self, name: str) -> None:
        self.name = name                      # the id of its first primary
        self.times: list[float] = []         # commit times of writes base+1 .. committed
        self.keys: list[int] = []            # their keys
        self.base = 0                        # writes trimmed from the front of the log
        self.trim_at = TRIM_MIN
        self.key_last: dict[int, int] = {}   # key -> lsn of its newest write on the primary
        self.primary: Database | None = None
        self.replicas: list[Database] = []   # every replica ever, in creation order
        self.lost: list[int] = []            # keys of writes lost at the last promotion
        self.lost_total = 0
        self.restored_total = 0
        self.read_rr = 0
        self.promote_have = 0                # writes the last promoted replica had applied
        self.caches: list[Any] = []          # caches holding its keys: told of every write
        # failovers nobody clicked: (when, the promoted replica, the failed primary, when it failed)
        self.auto_promotions: list[tuple[float, str, str, float]] = []
        self.shard: int | None = None        # its shard number in a sharded design (sharding.py)

    @property
    def committed(self) -> int:
        return self.base + len(self.times)

    def applied_by(self, t: float) -> int:
        """Writes committed at or before `t` (what a replica lagging to `t` has applied)."""
        return self.base + bisect_right(self.times, t)

    def keys_after(self, lsn: int) -> list[int]:
        """Keys of the writes after number `lsn` (lsn >= base: serving replicas pin the log)."""
        return self.keys[max(0, lsn - self.base):]

    def add_replica(self, rep: "Database") -> None:
        """A replica joins (a new one, or a former primary back as one)."""
        self.replicas.append(rep)

    def drop_replica(self, rep: "Database") -> None:
        """A replica removed for good (its replacement will join)."""
        if rep in self.replicas:
            self.replicas.remove(rep)
            self.read_rr = 0 if self.read_rr >= len(self.replicas) else self.read_rr

    def commit(self, key: int, now: float) -> int:
        """The primary acknowledges a write; returns its lsn."""
        self.times.append(now)
        self.keys.append(key)
        lsn = self.base + len(self.times)
        self.key_last[key] = lsn
        if len(self.times) >= self.trim_at:
            self.trim(now)
        for cache in self.caches:
            cache.written(key, lsn, now)
        return lsn

    def trim(self, now: float) -> None:
        """Forget the writes every serving replica has applied (none serving: all of them)."""
        serving = [r.applied(now) for r in self.replicas if r.status == UP]
        keep_from = min(serving) if serving else self.committed
        k = keep_from - self.base
        if k > 0:
            del self.times[:k]
            del self.keys[:k]
            self.base = keep_from
        self.trim_at = max(TRIM_MIN, 2 * len(self.times))

    def route(self, req: "Request", caller: "Server") -> tuple["Database | None", str]:
        """Writes to the primary; reads round-robin over the serving replicas `caller` links to,
        else the primary (which counts the read as sent to it)."""
        prim = self.primary
        if req.kind == WRITE:
            return (prim, "") if prim is not None and prim.status == UP else (None, "no_primary")
        reps = self.replicas
        n = len(reps)
        rr = self.read_rr
        linked = caller.lat
        if rr < n and reps[rr].status == UP and reps[rr].id in linked:
            self.read_rr = rr + 1 if rr + 1 < n else 0
            reps[rr].reads += 1
            return reps[rr], ""
        for k in range(n):
            r = reps[(rr + k) % n]
            if r.status == UP and r.id in linked:
                self.read_rr = (rr + k + 1) % n
                r.reads += 1
                return r, ""
        if prim is not None and prim.status == UP:
            prim.reads += 1
            return prim, ""
        return None, "node_down"

    def promote(self, rep: "Database", now: float) -> int:
        """Make `rep` the primary; writes it had not applied are lost. Returns how many."""
        have = rep.applied(now)
        self.promote_have = have
        lost_keys = self.keys_after(have)
        for key in lost_keys:
            if self.key_last.get(key, 0) > have:
                # the new primary holds an older version (or none); we do not track which
                self.key_last[key] = 0
        self.lost.extend(lost_keys)
        self.lost_total += len(lost_keys)
        self.replicas.remove(rep)
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

    def primary_up(self) -> bool:
        return self.primary is not None and self.primary.status == UP
