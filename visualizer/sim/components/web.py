"""The web server: runs the application; calls its database cluster and waits for the answer.

With caches linked, it reads through the cache that owns the key (consistent hashing) and goes
straight to the database when that cache is down. Static files it serves by itself.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from visualizer.sim import registry
from visualizer.sim.requests import READ, STATIC
from visualizer.sim.ring import HashRing
from visualizer.sim.servers import Server

if TYPE_CHECKING:
    from visualizer.sim.cluster import Cluster
    from visualizer.sim.nodes import Node
    from visualizer.sim.requests import Request



class WebServer(Server):
    """Serves a request; if it links to databases, calls their cluster while holding a worker."""

    def __init__(self, node_id: str, idx: int, cfg: Any) -> None:
        super().__init__(node_id, "web_server", idx, cfg)
        self.clusters: list[Cluster] = []
        self.caches: dict[str, Node] = {}     # linked caches by id
        self.ring: HashRing | None = None     # which of them owns a key

    def wire(self) -> None:
        """The clusters of the databases it links to (a key picks one when there are several),
        and the caches it reads through."""
        succ = self.successors()
        dbs = [n for n in succ if getattr(n, "cluster", None) is not None]
        self.clusters = []
        for db in dbs:
            if db.cluster not in self.clusters:
                self.clusters.append(db.cluster)
        caches = [n for n in succ if registry.has_role(n.kind, registry.CACHE)]
        self.caches = {c.id: c for c in caches}
        self.ring = HashRing(sorted(self.caches)) if caches else None
        self.calls_out = bool(dbs or caches)
        self.call_lat = self.lat[dbs[0].id] if dbs else 0.0

    def cache_for(self, key: int) -> "Node":
        """The cache that owns `key` (there is at least one)."""
        caches = self.caches
        if len(caches) == 1:
            return next(iter(caches.values()))
        return caches[self.ring.owner(key)]  # type: ignore[union-attr]

    def callee(self, req: "Request") -> tuple["Node | None", str]:
        kind = req.kind
        if kind == STATIC:
            return None, ""                   # a file it has itself
        if kind == READ and self.caches:
            cache = self.cache_for(req.key)
            if cache.accepting:
                return cache, ""
        clusters = self.clusters
        if not clusters:
            return None, "no_database"
        cluster = clusters[0] if len(clusters) == 1 else clusters[req.key % len(clusters)]
        return cluster.route(req, self)
