"""The web server: runs the application; calls its database cluster and waits for the answer."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

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

    def wire(self) -> None:
        """The clusters of the databases it links to (a key picks one when there are several)."""
        dbs = [n for n in self.successors() if getattr(n, "cluster", None) is not None]
        self.clusters = []
        for db in dbs:
            if db.cluster not in self.clusters:
                self.clusters.append(db.cluster)
        self.calls_out = bool(dbs)
        self.call_lat = self.lat[dbs[0].id] if dbs else 0.0

    def callee(self, req: "Request") -> tuple["Node | None", str]:
        clusters = self.clusters
        cluster = clusters[0] if len(clusters) == 1 else clusters[req.key % len(clusters)]
        return cluster.route(req, self)
