"""A worker node: `workers` slots, each processing one job from its queue at a time, then acknowledging.

A job leased to it reaches it after the link's latency, is processed for a service time
(`service_ms`, shaped by `service_dist`) and acknowledged back over the same link. A worker that
goes down forgets the jobs it holds; it sends no acknowledgement, so the queue delivers them again
once their leases run out. A removed worker takes no new jobs but finishes those it holds.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from visualizer.sim.nodes import Node

if TYPE_CHECKING:
    from visualizer.sim.components.queue import Job, JobQueue

LOGNORMAL_SIGMA = 0.5


class Worker(Node):
    """Takes jobs while a slot is free; acknowledges each when done."""

    def __init__(self, node_id: str, idx: int, cfg: Any) -> None:
        super().__init__(node_id, "worker", idx)
        self.cfg = cfg
        self.slots: int = cfg.workers
        self.service_s: float = cfg.service_ms / 1000.0
        self.dist: str = cfg.service_dist
        self.busy = 0
        self.queue: JobQueue | None = None   # set by the queue that links to it
        self.done_jobs = 0
        self.busy_area = 0.0                 # busy slot-seconds up to busy_t
        self.busy_t = 0.0

    def _touch(self) -> None:
        """Bring busy_area up to now (before `busy` changes)."""
        now = self.model.time
        self.busy_area += self.busy * (now - self.busy_t)
        self.busy_t = now

    def busy_seconds(self) -> float:
        """Busy slot-seconds since the start: the utilisation's numerator over any span."""
        return self.busy_area + self.busy * (self.model.time - self.busy_t)

    def service_time(self) -> float:
        d = self.model.draws
        if self.dist == "exp":
            return d.exponential() * self.service_s
        if self.dist == "const":
            return self.service_s
        mu = math.log(self.service_s) - LOGNORMAL_SIGMA * LOGNORMAL_SIGMA / 2.0
        return math.exp(mu + LOGNORMAL_SIGMA * d.normal())

    def take(self, job: "Job", arrives: float) -> None:
        """A slot is reserved now for `job`, which gets here at `arrives`."""
        self._touch()
        self.busy += 1
        self.model.push(arrives + self.service_time(), self._finish, (job, self.token))

    def _finish(self, arg: tuple["Job", int]) -> None:
        job, token = arg
        if token != self.token:
            return                          # it went down meanwhile: the job is forgotten
        q = self.queue
        self._touch()
        self.busy -= 1
        self.done_jobs += 1
        if q is not None:
            self.model.push(self.model.time + q.lat[self.id], q.ack, job)
            q.dispatch()

    def crash(self, now: float) -> list[Any]:
        self._touch()
        self.busy = 0
        return []

    def restart(self, now: float) -> None:
        super().restart(now)
        self._touch()
        self.busy = 0
        if self.queue is not None:
            self.queue.dispatch()

    def report_extra(self) -> dict[str, Any]:
        return {"busy": self.busy, "slots": self.slots, "jobs_done": self.done_jobs}
