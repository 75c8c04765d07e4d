"""The message queue: a durable buffer of background jobs that web servers publish and workers take.

Jobs are not requests: nobody waits for them, and they never count in the requests' conservation.
A job is published (web.py), reaches the queue after the link's latency, and waits there
(`ready`, oldest first) until a worker it links to has a free slot. Delivery leases it to that
worker for `visibility_timeout_s`: if no acknowledgement comes back in time (the worker died, or
is slower than the timeout), the job becomes visible again and is delivered again (`redelivered`:
at least once, never lost). The first acknowledgement that reaches the queue finishes the job;
later ones of the same job are duplicates and change nothing.

The queue is durable. While it is down it refuses publishes (reason `node_down`), delivers
nothing and drops the acknowledgements that reach it; the jobs it stores stay, and leases keep
running out, so a job whose acknowledgement was dropped is delivered again after the restart.
A full queue (`capacity` jobs waiting or leased) refuses a publish with reason `queue_full`.
Job conservation, at every moment: published = processed + depth + in progress + refused.
"""

from __future__ import annotations

from collections import deque
from typing import TYPE_CHECKING, Any

from visualizer.sim import registry
from visualizer.sim.nodes import UP, Node
from visualizer.sim.report import LatencyHistogram

if TYPE_CHECKING:
    from visualizer.sim.components.worker import Worker

DEEP = 10      # a backlog this deep that runs dry is noted in `drained` (the drain-time claim)
MOVES_S = 2.0  # how long a publish or a delivery is kept for the picture


class Job:
    """One background job: when it was published, its delivery count, where it is."""

    __slots__ = ("id", "t_pub", "attempt", "done", "visible")

    def __init__(self, t_pub: float) -> None:
        self.id = 0
        self.t_pub = t_pub
        self.attempt = 0          # deliveries so far; a lease names the attempt it is for
        self.done = False
        self.visible = False      # waiting in the queue's `ready`


class JobQueue(Node):
    """Stores jobs, leases them to its workers, takes them back when a lease runs out."""

    def __init__(self, node_id: str, idx: int, cfg: Any) -> None:
        super().__init__(node_id, "queue", idx)
        self.cfg = cfg
        self.capacity: int = cfg.capacity
        self.visibility_s: float = cfg.visibility_timeout_s
        self.workers: list[Worker] = []
        self.ready: deque[Job] = deque()   # visible jobs (finished ones are skipped lazily)
        self.depth = 0                     # visible jobs not finished
        self.leased: dict[int, Job] = {}   # in progress: delivered, not yet acknowledged
        self.published = self.processed = self.redelivered = self.duplicates = 0
        self.refused: dict[str, int] = {}
        self.max_depth = 0
        self.next_job = 0
        self.rr = 0                        # where the next delivery starts looking for a slot
        self.latencies = LatencyHistogram()   # ms from publish to acknowledgement
        self.depth_series: list[int] = []  # depth at the end of each whole second
        # more per-second samples (the picture, the queue card and the lesson claims read them):
        self.pub_series: list[int] = []    # published so far
        self.age_series: list[float] = []  # the oldest waiting job's age, s
        self.busy_series: list[float] = []  # its workers' busy slot-seconds so far
        self.slots_series: list[int] = []  # slots of its workers up
        self.deep = False                  # a backlog of DEEP jobs or more since it last ran dry
        self.drained: list[tuple[float, int]] = []   # (when, published then) each such backlog ran dry
        self.moves: deque[tuple[float, int, int]] = deque()   # the last MOVES_S s of publishes and
        # deliveries, (when, from idx, to idx): the picture flies them along the link in viewing time

    def wire(self) -> None:
        """The workers it links to, in link order."""
        self.workers = [n for n in self.successors() if registry.has_role(n.kind, registry.WORKER)]
        for w in self.workers:
            w.queue = self

    def start(self) -> None:
        self.model.push(self.model.time + 1.0, self._sample, None)

    def _sample(self, _: Any) -> None:
        self.depth_series.append(self.depth)
        self.pub_series.append(self.published)
        self.age_series.append(self.oldest_age_s())
        self.busy_series.append(sum(w.busy_seconds() for w in self.workers))
        self.slots_series.append(sum(w.slots for w in self.workers if w.status == UP))
        self.model.push(self.model.time + 1.0, self._sample, None)

    # ---- jobs in --------------------------------------------------------------------------------

    def moved(self, src: int, dst: int) -> None:
        """A job set off now from node index src to dst (only drawn, never counted)."""
        now = self.model.time
        moves = self.moves
        while moves and moves[0][0] < now - MOVES_S:
            moves.popleft()
        moves.append((now, src, dst))

    def publish(self, job: Job) -> None:
        """A job reaches the queue (an event): stored, or refused."""
        self.published += 1
        self.next_job += 1
        job.id = self.next_job
        if self.status != UP:
            self._refuse("node_down")
        elif self.depth + len(self.leased) >= self.capacity:
            self._refuse("queue_full")
        else:
            self._show(job, front=False)
            self.dispatch()

    def _refuse(self, reason: str) -> None:
        self.refused[reason] = self.refused.get(reason, 0) + 1

    def _show(self, job: Job, front: bool) -> None:
        job.visible = True
        (self.ready.appendleft if front else self.ready.append)(job)
        self.depth += 1
        if self.depth > self.max_depth:
            self.max_depth = self.depth
        if self.depth >= DEEP:
            self.deep = True

    def _less(self) -> None:
        """One visible job fewer; a backlog that runs dry is noted (when, published then)."""
        self.depth -= 1
        if not self.depth and self.deep:
            self.deep = False
            self.drained.append((self.model.time, self.published))

    # ---- jobs out -------------------------------------------------------------------------------

    def dispatch(self) -> None:
        """Lease visible jobs to free worker slots, the oldest job first."""
        if self.status != UP or not self.depth:
            return
        ws = self.workers
        n = len(ws)
        while self.depth:
            w = None
            for k in range(n):
                cand = ws[(self.rr + k) % n]
                if cand.status == UP and cand.busy < cand.slots:
                    w = cand
                    self.rr = (self.rr + k + 1) % n
                    break
            if w is None:
                return
            self._lease(self._pop(), w)

    def _pop(self) -> Job:
        while True:
            job = self.ready.popleft()
            if not job.done:
                job.visible = False
                self._less()
                return job

    def _lease(self, job: Job, w: "Worker") -> None:
        now = self.model.time
        job.attempt += 1
        self.leased[job.id] = job
        self.model.push(now + self.visibility_s, self._expire, (job, job.attempt))
        self.moved(self.idx, w.idx)
        w.take(job, now + self.lat[w.id])

    def _expire(self, arg: tuple[Job, int]) -> None:
        """A lease ran out without an acknowledgement: the job is visible again, first in line."""
        job, attempt = arg
        if job.done or job.attempt != attempt or self.leased.get(job.id) is not job:
            return
        del self.leased[job.id]
        self.redelivered += 1
        self._show(job, front=True)
        self.dispatch()

    def ack(self, job: Job) -> None:
        """A worker's acknowledgement reaches the queue (an event): the job is finished."""
        if self.status != UP:
            return                        # dropped: the lease will run out, the job comes again
        if job.done:
            self.duplicates += 1
            return
        job.done = True
        self.processed += 1
        self.latencies.add((self.model.time - job.t_pub) * 1000.0)
        if self.leased.get(job.id) is job:
            del self.leased[job.id]
        if job.visible:
            job.visible = False
            self._less()

    def restart(self, now: float) -> None:
        super().restart(now)
        self.dispatch()

    # ---- figures --------------------------------------------------------------------------------

    def oldest_age_s(self) -> float:
        """How long the oldest visible job has been waiting since it was published."""
        for job in self.ready:
            if not job.done:
                return self.model.time - job.t_pub
        return 0.0

    def check_jobs(self) -> None:
        """AssertionError unless published = processed + depth + in progress + refused."""
        refused = sum(self.refused.values())
        assert self.published == self.processed + self.depth + len(self.leased) + refused, (
            f"{self.id}: published {self.published} != processed {self.processed} + depth "
            f"{self.depth} + in progress {len(self.leased)} + refused {refused}")

    def report_extra(self) -> dict[str, Any]:
        return {"published": self.published, "processed": self.processed,
                "redelivered": self.redelivered, "refused": sum(self.refused.values()),
                "refused_by": {k: self.refused[k] for k in sorted(self.refused)},
                "in_progress": len(self.leased), "depth": self.depth, "max_depth": self.max_depth,
                "oldest_age_s": round(self.oldest_age_s(), 6)}
