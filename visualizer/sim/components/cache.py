"""The cache tier: an in-memory key–value server in front of the database.

A web server that links to caches reads through the one owning the key (consistent hashing,
ring.py). At the cache, a hit answers at once; a miss calls the database (holding a worker, like a
web server) and stores the value when the database reads it, with the version of the copy it read.
Writes go to the primary; as a write commits, every cache of that cluster applies its `on_write`:
`invalidate` drops the key, `update` stores the new version, `none` does nothing (the old value
stays until it expires: a stale read). A cache that goes down forgets everything, and the web
servers send its keys' reads straight to the database until it is back.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from visualizer.sim.holding import Holder

if TYPE_CHECKING:
    from visualizer.sim.cluster import Cluster
    from visualizer.sim.nodes import Node
    from visualizer.sim.requests import Request

ON_WRITE = ("invalidate", "update", "none")


class Cache(Holder):
    """Hits answer here; misses read the database and keep the value."""

    def __init__(self, node_id: str, idx: int, cfg: Any) -> None:
        super().__init__(node_id, "cache", idx, cfg, cfg.eviction)
        self.on_write: str = cfg.on_write
        self.clusters: list[Cluster] = []
        self.stale_hits = 0               # hits that answered a value older than the primary's
        self.oldest_stale_s = 0.0         # the longest a stale value it answered had been held

    def wire(self) -> None:
        """The database clusters it reads on a miss (a key picks one when there are several)."""
        dbs = [n for n in self.successors() if getattr(n, "cluster", None) is not None]
        self.clusters = []
        for db in dbs:
            if db.cluster not in self.clusters:
                self.clusters.append(db.cluster)
                if self not in db.cluster.caches:
                    db.cluster.caches.append(self)
        self.calls_out = bool(dbs)
        self.call_lat = self.lat[dbs[0].id] if dbs else 0.0

    def cluster_of(self, req: "Request") -> "Cluster":
        """The cluster holding the request's key: the owning shard in a sharded design."""
        clusters = self.clusters
        if len(clusters) == 1:
            return clusters[0]
        shards = self.model.shards
        if shards is not None:
            return shards.clusters[shards.owner(req.user if shards.by_user else req.key)]
        return clusters[req.key % len(clusters)]

    # ---- a read ---------------------------------------------------------------------------------

    def callee(self, req: "Request") -> tuple["Node | None", str]:
        """A hit answers here (None, ''); a miss asks the database."""
        model, now = self.model, self.model.time
        entry = self.store.get(req.key, now)
        if entry is not None:
            self.hits += 1
            model.stats.lookup(now, True)
            if self.cluster_of(req).key_last.get(req.key, 0) > entry[0]:
                self.stale_hits += 1
                self.oldest_stale_s = max(self.oldest_stale_s, now - entry[1])
                req.stale = True
                model.stats.stale_read(now)
            return None, ""
        self.misses += 1
        model.stats.lookup(now, False)
        if not self.clusters:
            return None, "no_database"
        shards = self.model.shards
        if shards is not None and len(self.clusters) > 1:
            return shards.route(req, self)          # the shard owning the key (or user)
        return self.cluster_of(req).route(req, self)

    def on_answer(self, req: "Request", t: float) -> bool:
        """The database read the value (as its service began): keep it, then answer the web server."""
        if self.status == "up":
            self.store.put(req.key, req.version, self.model.time)
        return self.release(req, t)

    # ---- writes, and what the operator does -------------------------------------------------------

    def written(self, key: int, lsn: int, now: float) -> None:
        """A write to `key` committed on the primary as write number `lsn`."""
        if self.on_write == "invalidate":
            self.store.drop(key)
        elif self.on_write == "update":
            self.store.update(key, lsn, now)

    def flush(self) -> None:
        """Empty the cache (every key misses until it is read again)."""
        self.store.clear()

    # ---- figures -------------------------------------------------------------------------------

    def report_extra(self) -> dict[str, Any]:
        """Its keys in the JSON report."""
        return {**super().report_extra(), "stale_hits": self.stale_hits,
                "oldest_stale_s": round(self.oldest_stale_s, 6)}
