"""The load balancer: six ways to pick a backend, and health checks that notice failures late."""

from __future__ import annotations

from typing import Any

from visualizer.sim.draws import Draws
from visualizer.sim.nodes import UP, Node
from visualizer.sim.requests import ip_hash

ALGORITHMS = ("round_robin", "weighted_round_robin", "least_connections", "random",
              "power_of_two", "ip_hash")


class Balancer(Node):
    """A load balancer with its backends (the web servers it links to), in link order."""

    def __init__(self, node_id: str, idx: int, cfg: Any) -> None:
        super().__init__(node_id, "load_balancer", idx)
        self.algorithm: str = cfg.algorithm
        self.hc_s: float = cfg.health_check_ms / 1000.0
        self.unhealthy_after: int = cfg.unhealthy_after
        self.healthy_after: int = cfg.healthy_after
        self.retries: int = cfg.retries
        self.backends: list[Node] = []
        self.template: Node | None = None   # what add_server copies
        self.pool: list[Node] = []          # backends in rotation (detected up)
        self.rr = 0

    def rebuild_pool(self) -> None:
        """Recompute the rotation after a detection, an add or a remove."""
        self.pool = [b for b in self.backends if b.detected_up]

    def choose(self, user: int, tried: list[Node] | None, draws: Draws) -> Node | None:
        """The backend for one request, or None when no healthy backend is left to try."""
        pool = self.pool if not tried else [b for b in self.pool if b not in tried]
        n = len(pool)
        if n == 0:
            return None
        alg = self.algorithm
        if alg == "round_robin":
            self.rr += 1
            return pool[(self.rr - 1) % n]
        if alg == "weighted_round_robin":
            return _smooth_weighted(pool)
        if alg == "least_connections":
            start = self.rr % n
            self.rr += 1
            best = pool[start]
            for i in range(1, n):
                b = pool[(start + i) % n]
                if b.lb_active < best.lb_active:
                    best = b
            return best
        if alg == "random":
            return pool[draws.index(n)]
        if alg == "power_of_two":
            if n == 1:
                return pool[0]
            i = draws.index(n)
            j = draws.index(n - 1)
            j += j >= i
            a, b = pool[i], pool[j]
            return b if b.lb_active < a.lb_active else a
        return pool[ip_hash(user) % n]  # ip_hash

    def health_check(self) -> list[tuple[str, Node]]:
        """Probe every backend once; returns the (detected_down | detected_up, node) transitions."""
        changes: list[tuple[str, Node]] = []
        for b in self.backends:
            if b.status == UP:
                b.hc_ok += 1
                b.hc_fail = 0
                if not b.detected_up and b.hc_ok >= self.healthy_after:
                    b.detected_up = True
                    changes.append(("detected_up", b))
            else:
                b.hc_fail += 1
                b.hc_ok = 0
                if b.detected_up and b.hc_fail >= self.unhealthy_after:
                    b.detected_up = False
                    changes.append(("detected_down", b))
        if changes:
            self.rebuild_pool()
        return changes


def _smooth_weighted(pool: list[Node]) -> Node:
    """nginx's smooth weighted round robin: weights 5,1,1 give a a b a c a a, not a a a a a b c."""
    total = 0
    best = pool[0]
    for b in pool:
        b.wrr_current += b.weight
        total += b.weight
        if b.wrr_current > best.wrr_current:
            best = b
    best.wrr_current -= total
    return best
