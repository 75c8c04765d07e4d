"""A server (web or database): workers, a bounded FIFO queue, service times, utilization.

Workers are bookkept by *when they become free* (a heap of times), not by events: a request that
finds a worker free learns at once when its service ends, so a server visit costs one event (the
arrival). A web server's worker waiting on the database is `held` until the database answers and
its free time becomes known. Events are needed only when requests queue (see model._release).
"""

from __future__ import annotations

import math
from collections import deque
from heapq import heappush
from typing import Any

from visualizer.sim.draws import Draws
from visualizer.sim.nodes import DOWN, BOOTING, REMOVED, Node
from visualizer.sim.tiers import BY_NAME, workers_at

LOGNORMAL_SIGMA = 0.5


class Server(Node):
    """web_server, db_primary or db_replica: the part that does work and can be overloaded."""

    def __init__(self, node_id: str, kind: str, idx: int, cfg: Any) -> None:
        super().__init__(node_id, kind, idx)
        self.cfg = cfg                    # the scenario node it was built from (read only)
        self.base_workers: int | None = cfg.workers
        self.base_tier: str = cfg.tier
        self.tier: str = cfg.tier
        self.workers = workers_at(self.base_workers, self.base_tier, self.tier)
        self.speed = BY_NAME[self.tier].speed
        self.service_s = cfg.service_ms / 1000.0
        self.dist: str = cfg.service_dist
        self.queue_limit: int = cfg.queue_limit
        self.boot_s: float = cfg.boot_s
        self.weight = getattr(cfg, "weight", 1)
        self.queue: deque[Any] = deque()  # requests waiting for a worker, in arrival order
        self.free: list[float] = [0.0] * self.workers   # heap: when each unheld worker is free
        self.held = 0                     # workers waiting on a database answer (free time unknown)
        # request -> [arrived, started, leaves (None while held), web it answers to, when it gets
        # there, counted in completed/sojourn]
        self.active: dict[Any, list[Any]] = {}
        self.release_at = math.inf        # time of the pending queue-release event
        self.release_token = 0
        self.epoch = 0                    # bumped when the node fails: its held workers are gone
        self.uses_db = False              # a web server that links to a database
        self.db_lat = 0.0                 # latency to a database it has no direct link to
        self.busy_area = 0.0              # worker-seconds of service whose end is known
        self.cap_area = 0.0               # integral of workers over time while running
        self.t_last = 0.0
        # replication (databases only)
        self.promoted = False
        self.lag_s: float = getattr(cfg, "lag_ms", 0.0) / 1000.0
        self.replace_s: float | None = getattr(cfg, "replace_s", None)
        self.failover_s: float | None = None
        if getattr(cfg, "failover_ms", None) is not None:
            self.failover_s = cfg.failover_ms / 1000.0
        self.mode = ""                    # replica: stream | frozen | catchup
        self.base_lsn = 0                 # replica: writes it has applied for sure
        self.catch_t0 = self.catch_t1 = 0.0
        self.catch_from = self.catch_to = 0

    @property
    def running(self) -> bool:
        return self.status != DOWN and self.status != BOOTING and self.status != REMOVED

    def touch(self, now: float) -> None:
        """Accumulate capacity time up to `now` (call before status or workers change)."""
        dt = now - self.t_last
        if dt > 0.0:
            if self.running:
                self.cap_area += self.workers * dt
            self.t_last = now

    def set_status(self, status: str, now: float) -> None:
        self.touch(now)
        super().set_status(status, now)

    def busy_at(self, now: float) -> int:
        """Workers busy at `now` (in service, or waiting on the database)."""
        return self.held + sum(1 for f in self.free if f > now)

    def reset_workers(self, now: float) -> None:
        """Every worker idle from `now` (the node came back up)."""
        self.free = [now] * self.workers
        self.held = 0

    def purge(self, now: float) -> None:
        """Forget requests that have left (kept only to find who is inside when the node fails)."""
        self.active = {r: a for r, a in self.active.items() if a[2] is None or a[2] > now}

    def service_time(self, draws: Draws) -> float:
        """One service time in seconds: mean service_ms / tier speed, shaped by service_dist."""
        mean = self.service_s / self.speed
        if self.dist == "exp":
            return draws.exponential() * mean
        if self.dist == "const":
            return mean
        mu = math.log(mean) - LOGNORMAL_SIGMA * LOGNORMAL_SIGMA / 2.0
        return math.exp(mu + LOGNORMAL_SIGMA * draws.normal())

    def set_tier(self, tier: str, now: float = 0.0) -> None:
        """Move to another tier: more workers (idle from `now`), faster service."""
        self.touch(now)
        before = self.workers
        self.tier = tier
        self.workers = workers_at(self.base_workers, self.base_tier, tier)
        self.speed = BY_NAME[tier].speed
        if self.status != DOWN and self.status != BOOTING:
            for _ in range(self.workers - before):
                heappush(self.free, now)

    def utilization(self, now: float) -> float:
        """Busy worker-time over available worker-time up to `now`, 0..1 (changes nothing)."""
        dt = max(0.0, now - self.t_last)
        busy = self.busy_area - sum(f - now for f in self.free if f > now)
        busy += sum(now - a[1] for a in self.active.values() if a[2] is None)
        cap = self.cap_area
        if self.running:
            cap += self.workers * dt
        return min(1.0, busy / cap) if cap > 0 else 0.0
