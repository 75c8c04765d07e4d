"""A database cluster: one primary's write log, its replicas, promotion, lost writes and recovery.

A scenario may hold several clusters (shards, a second data centre): each is its own object, found
from the primary -> replica links. Write number n (its log sequence number, lsn) is `times[n-1]`,
committed on the primary at that time; each replica knows how far into this log it has applied.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from visualizer.sim.nodes import UP
from visualizer.sim.requests import WRITE

if TYPE_CHECKING:
    from visualizer.sim.components.database import Database
    from visualizer.sim.requests import Request
    from visualizer.sim.servers import Server


class Cluster:
    """The primary's write log and the members that copy it."""

    def __init__(self, name: str) -> None:
        self.name = name                      # the id of its first primary
        self.times: list[float] = []
        self.keys: list[int] = []
        self.key_last: dict[int, int] = {}   # key -> lsn of its newest write on the primary
        self.primary: Database | None = None
        self.replicas: list[Database] = []   # every replica ever, in creation order
        self.lost: list[int] = []            # keys of writes lost at the last promotion
        self.lost_total = 0
        self.restored_total = 0
        self.read_rr = 0
        self.promote_have = 0                # writes the last promoted replica had applied

    @property
    def committed(self) -> int:
        return len(self.times)

    def members(self) -> list["Database"]:
        return ([self.primary] if self.primary is not None else []) + list(self.replicas)

    def add_replica(self, rep: "Database") -> None:
        """A replica joins (a new one, or a former primary back as one)."""
        self.replicas.append(rep)

    def commit(self, key: int, now: float) -> int:
        """The primary acknowledges a write; returns its lsn."""
        self.times.append(now)
        self.keys.append(key)
        lsn = len(self.times)
        self.key_last[key] = lsn
        return lsn

    def route(self, req: "Request", caller: "Server") -> tuple["Database | None", str]:
        """Writes to the primary; reads round-robin over the serving replicas `caller` links to,
        else the primary."""
        prim = self.primary
        if req.kind == WRITE:
            return (prim, "") if prim is not None and prim.status == UP else (None, "no_primary")
        reps = self.replicas
        n = len(reps)
        rr = self.read_rr
        linked = caller.lat
        if rr < n and reps[rr].status == UP and reps[rr].id in linked:
            self.read_rr = rr + 1 if rr + 1 < n else 0
            return reps[rr], ""
        for k in range(n):
            r = reps[(rr + k) % n]
            if r.status == UP and r.id in linked:
                self.read_rr = (rr + k + 1) % n
                return r, ""
        if prim is not None and prim.status == UP:
            return prim, ""
        return None, "node_down"

    def is_stale(self, key: int, applied: int) -> bool:
        """True when a copy that has applied `applied` writes holds an older `key` than the primary."""
        return self.key_last.get(key, 0) > applied

    def promote(self, rep: "Database", now: float) -> int:
        """Make `rep` the primary; writes it had not applied are lost. Returns how many."""
        have = rep.applied(now)
        self.promote_have = have
        lost_keys = self.keys[have:]
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
