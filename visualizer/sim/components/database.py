"""Databases: a primary takes the writes, replicas copy its log with a lag and serve reads.

Each database belongs to a Cluster (cluster.py). A replica's place in the log is its own state:
streaming (it has applied every write at least lag_s old), frozen (it or its primary is down) or
catching up (replaying a backlog, serving nothing until done). Promotion, replacement and the
former primary's return as a replica happen here, through the cluster.
"""

from __future__ import annotations

from bisect import bisect_right
from typing import TYPE_CHECKING, Any

from visualizer.sim.nodes import CATCHING_UP, DOWN, REMOVED, UP
from visualizer.sim.requests import WRITE
from visualizer.sim.servers import Server

if TYPE_CHECKING:
    from visualizer.sim.cluster import Cluster
    from visualizer.sim.requests import Request

STREAM, FROZEN, CATCHUP = "stream", "frozen", "catchup"
PRIMARY, REPLICA, FORMER_PRIMARY = "primary", "replica", "former_primary"
CATCHUP_BASE_S = 1.0      # a replica needs at least this long to (re)attach before serving
CATCHUP_RATE = 2_000.0    # writes per second a catching-up replica replays




class Database(Server):
    """A database server: primary or replica of its cluster (its `role`, which promotion changes)."""

    __slots__ = ("cluster", "promoted", "reads", "lag_s", "replace_s", "failover_s", "mode",
                 "base_lsn", "catch_t0", "catch_t1", "catch_from", "catch_to")

    def __init__(self, node_id: str, kind: str, idx: int, cfg: Any) -> None:
        super().__init__(node_id, kind, idx, cfg)
        self.serves_data = True
        self.role = PRIMARY if kind == "db_primary" else REPLICA
        self.cluster: Cluster = None  # type: ignore[assignment]   # set by topology
        self.promoted = False
        self.reads = 0                    # reads sent to it (its read load: a full queue refuses some)
        self.lag_s: float = getattr(cfg, "lag_ms", 0.0) / 1000.0
        self.replace_s: float | None = getattr(cfg, "replace_s", None)
        self.failover_s: float | None = None
        if getattr(cfg, "failover_ms", None) is not None:
            self.failover_s = cfg.failover_ms / 1000.0
        self.mode = STREAM if self.role == REPLICA else ""
        self.base_lsn = 0                 # writes it has applied for sure
        self.catch_t0 = self.catch_t1 = 0.0
        self.catch_from = self.catch_to = 0

    # ---- reads and writes ----------------------------------------------------------------------

    def serve(self, req: "Request", now: float) -> None:
        """A write commits on the primary; a read on a replica may find an old copy (stale)."""
        c = self.cluster
        if req.kind == WRITE:
            if self is c.primary:
                c.commit(req.key, now)
            return
        last = c.key_last.get(req.key, 0)
        if self.mode and self is not c.primary:
            if self.mode == STREAM:
                applied = c.base + bisect_right(c.times, now - self.lag_s)
                if applied < self.base_lsn:
                    applied = self.base_lsn
            else:
                applied = self.applied(now)
            if last > applied:
                req.stale = True
                self.model.stats.stale_read(now)
                last = applied             # the newest write to the key it has is older
        req.version = last

    # ---- its place in the log ------------------------------------------------------------------

    def applied(self, now: float) -> int:
        """How many writes of the cluster's log this copy has applied at `now`."""
        if self.mode == STREAM:
            return max(self.base_lsn, self.cluster.applied_by(now - self.lag_s))
        if self.mode == CATCHUP:
            span = self.catch_t1 - self.catch_t0
            f = 1.0 if span <= 0 else min(1.0, max(0.0, (now - self.catch_t0) / span))
            return self.catch_from + int(f * (self.catch_to - self.catch_from))
        return self.base_lsn

    def pending(self, now: float) -> int:
        """Writes the primary acknowledged that this replica has not applied yet."""
        return max(0, self.cluster.committed - self.applied(now))

    def freeze(self, now: float) -> None:
        """Stop applying (it or its primary went down); keep what it has."""
        self.base_lsn = self.applied(now)
        self.mode = FROZEN

    def resume(self, now: float) -> None:
        """Stream from the primary again (or stay frozen while no primary is up)."""
        self.base_lsn = self.applied(now)
        self.mode = STREAM if self.cluster.primary_up() else FROZEN

    def _start_catchup(self) -> None:
        """Replay the backlog, then serve (CATCHING_UP until then)."""
        now = self.model.time
        self.set_status(CATCHING_UP, now)
        start = self.applied(now) if self.mode else 0
        c = self.cluster
        backlog = max(0, c.committed - start)
        self.mode = CATCHUP
        self.catch_from, self.catch_to = start, c.committed
        self.catch_t0 = now
        self.catch_t1 = now + CATCHUP_BASE_S + self.lag_s + backlog / CATCHUP_RATE
        self.model.push(self.catch_t1, self._caught_up, self.token)

    def _caught_up(self, token: int) -> None:
        if self.token != token or self.status != CATCHING_UP:
            return
        now = self.model.time
        self.resume(now)
        self.set_status(UP, now)
        self.model.log("caught_up", self.id)

    # ---- failure and return ----------------------------------------------------------------------

    def crashed(self, now: float) -> None:
        """Its work is gone: a primary's replicas freeze and failover is timed; a replica freezes
        and its replacement is timed."""
        c = self.cluster
        if self is c.primary:
            for rep in c.replicas:
                if rep.mode == STREAM:
                    rep.freeze(now)
            if self.failover_s is not None:
                self.model.push(now + self.failover_s, self._auto_promote, self.token)
        elif self.mode:
            self.freeze(now)
            if self.replace_s is not None:
                self.model.push(now + self.replace_s, self._replace, self.token)

    def restart(self, now: float) -> None:
        """Back up: the primary resumes its replicas; a replica (or a former primary, now one)
        catches up before it serves."""
        c = self.cluster
        if self is c.primary:
            self.set_status(UP, now)
            for rep in c.replicas:
                if rep.mode == FROZEN and rep.status == UP:
                    rep.resume(now)
        elif self.role == FORMER_PRIMARY:
            prim = c.primary
            self.join(c, prim.lag_s if prim is not None else 0.1, c.promote_have)
            if prim is not None and not self.model.graph.has_edge(prim.id, self.id):
                self.model.add_link(prim, self, self.lat.get(prim.id, 0.001))
            self._start_catchup()
        elif self.mode:
            self._start_catchup()
        else:
            self.set_status(UP, now)

    def _auto_promote(self, token: int) -> None:
        c = self.cluster
        if self.token != token or self.status != DOWN or c.primary is not self:
            return
        now = self.model.time
        cands = [r for r in c.replicas if r.status == UP]
        if not cands:
            self.model.log("no_failover_candidate", self.id)
            return
        best = cands[0]
        for r in cands[1:]:
            if r.applied(now) > best.applied(now):
                best = r
        c.auto_promotions.append((now, best.id, self.id, now - (self.failover_s or 0.0)))
        promote(best)

    def _replace(self, token: int) -> None:
        if self.token != token or self.status != DOWN:
            return
        self.set_status(REMOVED, self.model.time)
        self.cancel_timers()
        self.model.log("replaced", self.id)
        add_replica(self, in_place=True)

    def join(self, cluster: "Cluster", lag_s: float, have: int) -> None:
        """Become a replica of `cluster` holding its first `have` writes (frozen until it catches up)."""
        self.cluster = cluster
        self.role = REPLICA
        self.lag_s = lag_s
        self.mode, self.base_lsn = FROZEN, have
        cluster.add_replica(self)

    def become_primary(self, committed: int, failover_s: float | None) -> None:
        """Promoted: it takes the writes now, with the old primary's failover timer setting."""
        self.role, self.mode, self.base_lsn, self.promoted = PRIMARY, "", committed, True
        self.failover_s = failover_s

    def step_down(self, replace_s: float | None) -> None:
        """A replica took over while it was down: it is a former primary, its timers void. When
        it comes back it is a replica, replaced like the one that took over (after `replace_s`)."""
        self.role = FORMER_PRIMARY
        self.replace_s = replace_s
        self.cancel_timers()

    def copy_size_from(self, tpl: "Server", now: float) -> None:
        super().copy_size_from(tpl, now)
        self.lag_s = getattr(tpl, "lag_s", self.lag_s)
        self.replace_s = getattr(tpl, "replace_s", self.replace_s)


def promote(rep: Database) -> None:
    """Make a replica its cluster's primary; what it had not applied is lost until recover_data."""
    model = rep.model
    now = model.time
    c = rep.cluster
    old = c.primary
    c.promote(rep, now)
    rep.become_primary(c.committed, old.failover_s if old is not None else rep.failover_s)
    if old is not None:
        old.step_down(rep.replace_s)    # its pending automatic failover is void
    for r in c.replicas:
        if r.status == UP and r.mode == FROZEN:
            r.resume(now)
        if not model.graph.has_edge(rep.id, r.id):
            model.add_link(rep, r, old.lat.get(r.id, 0.001) if old is not None else 0.001)
    for n in model.nodes:
        if c in getattr(n, "clusters", ()) and rep.id not in n.lat:
            model.add_link(n, rep, n.call_lat)
    model.log("promote", rep.id)
    if rep.replace_s is not None:
        model.push(now + rep.replace_s, _add_replica_event, rep)


def _add_replica_event(tpl: Database) -> None:
    add_replica(tpl)


def add_replica(tpl: Database, in_place: bool = False) -> Database:
    """Provision a new replica like `tpl` (in its place, when `tpl` was lost for good): linked from
    the primary and its callers; catches up before it serves."""
    from visualizer.sim.failures import clone

    model = tpl.model
    c = tpl.cluster
    links = {n.id: n.lat[tpl.id] for n in model.nodes if tpl.id in n.lat}
    if in_place:
        c.drop_replica(tpl)
    new = clone(model, tpl, "db_replica", in_place_of=tpl if in_place else None)
    lag = new.lag_s or (c.replicas[0].lag_s if c.replicas else 0.0)
    prim = c.primary
    if prim is not None:
        model.add_link(prim, new, links.get(prim.id, 0.001))
    for n in list(model.nodes):
        if c in getattr(n, "clusters", ()):
            model.add_link(n, new, links.get(n.id, n.call_lat))
    new.join(c, lag, c.committed)             # starts from a fresh copy of the data
    model.log("add_server", new.id)
    new._start_catchup()
    return new
