"""The CDN edge: keeps copies of static files near the users and fetches a missing one from its origin.

Clients linked to a `cdn` send their static requests to it (no DNS, see Journey._generate). A hit
answers from the edge's copy; a miss calls the origin (the one node the edge links to: a load
balancer, a web server or an object store) holding a worker, like a cache calls its database, and
keeps the file for `ttl_s` once the origin serves it. Files never change in this model, so a purge
and "a new version of every file" are the same thing: the edge starts empty and every file misses.

An origin that is a load balancer is *called* like any other callee: the balancer, seeing a request
that a server is waiting on (`req.calls` not empty), joins the call stack instead of the route and
forwards it to a backend of its choosing (Balancer.receive). The answer then comes back
web server -> balancer -> edge over real links, health checks and the algorithm apply to the
edge's fetches as to any request, least-connections counts it open on that backend until it is
over (as every request: until its answer reaches the client), and a refused fetch is retried
elsewhere when the balancer retries. The alternative, the edge calling a backend the balancer
picked, would skip the balancer in the picture and its latency, and need a second way to count.

An edge that is down does not answer: the client waits `fallback_ms` from sending, then fetches the
file from the origin itself, as a plain request (through the balancer if the origin is one). An
edge that goes down forgets its files.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from visualizer.sim.holding import Holder
from visualizer.sim.requests import STATIC
from visualizer.sim.snapshot import WAITING_DB

if TYPE_CHECKING:
    from visualizer.sim.nodes import Node
    from visualizer.sim.requests import Request


class Cdn(Holder):
    """Hits answer here; misses fetch from the origin and keep the file."""

    def __init__(self, node_id: str, idx: int, cfg: Any) -> None:
        super().__init__(node_id, "cdn", idx, cfg, "lru")
        self.fallback_s: float = cfg.fallback_ms / 1000.0
        self.origin: Node | None = None
        self.fallbacks = 0                # static requests the clients took to the origin themselves

    def wire(self) -> None:
        """The origin is the node it links to (scenario_checks: exactly one)."""
        succ = self.successors()
        self.origin = succ[0] if succ else None
        self.calls_out = True             # every request is looked up, even with no origin
        self.call_lat = self.lat[self.origin.id] if self.origin is not None else 0.0

    # ---- a request for a file ----------------------------------------------------------------------

    def callee(self, req: "Request") -> tuple["Node | None", str]:
        """A hit answers here (None, ''); a miss, or anything not a file, asks the origin."""
        if req.kind != STATIC:
            return self.origin, ""
        model, now = self.model, self.model.time
        hit = self.store.get(req.key, now) is not None
        model.stats.lookup(now, hit)
        if hit:
            self.hits += 1
            req.edge_hit = True
            return None, ""
        self.misses += 1
        return self.origin, ""

    def on_answer(self, req: "Request", t: float) -> bool:
        """The origin serves the file: keep it (an edge that went down meanwhile keeps nothing)."""
        if self.status == "up" and req.kind == STATIC:
            self.store.put(req.key, 0, self.model.time)
        return self.release(req, t)

    def receive(self, req: "Request") -> None:
        """A request reaches the edge; at a dead edge a client's request falls back to the origin."""
        if not self.accepting and not req.dead and not req.done and not req.calls \
                and self.origin is not None:
            self._fall_back(req)
            return
        super().receive(req)

    # ---- a dead edge: the client goes to the origin -----------------------------------------------

    def _fall_back(self, req: "Request") -> None:
        """Nothing comes back from a dead edge: the client gives up on it `fallback_ms` after
        sending (the dot waits at the edge meanwhile), then asks the origin."""
        now = self.model.time
        t = max(now, req.t0 + self.fallback_s)
        self.fallbacks += 1
        if req.plan is not None:
            req.plan.append((now, t, self.idx, self.idx, WAITING_DB, True))
        self.model.push(t, self._refetch, req)

    def _refetch(self, req: "Request") -> None:
        """The client sends the request to the origin (Client.wire knows the latency)."""
        if req.done or self.origin is None:
            return                        # it timed out while waiting
        model, now = self.model, self.model.time
        client = req.route[0]
        model.send(req, client, now, self.origin, now + client.lat[self.origin.id])

    # ---- what the operator does --------------------------------------------------------------------

    def purge_files(self) -> None:
        """Drop every file (a purge, or a new version of everything: each file misses once).
        Not `purge`: Server.purge(now) forgets visits that have ended."""
        self.store.clear()

    # ---- figures -----------------------------------------------------------------------------------

    def report_extra(self) -> dict[str, Any]:
        """Its keys in the JSON report."""
        return {**super().report_extra(), "fallbacks": self.fallbacks}
