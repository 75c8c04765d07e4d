"""A frozen picture of a design's message queues and workers: what the window and the queue card read."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from visualizer.sim import registry
from visualizer.sim.nodes import UP

if TYPE_CHECKING:
    from visualizer.sim.components.queue import JobQueue
    from visualizer.sim.components.worker import Worker
    from visualizer.sim.model import Simulation

# Columns of QueueFigures.series: one row per whole second k = 1, 2, ..., sampled at time k
QUEUE_COLUMNS = ("t", "depth", "published", "oldest_s", "busy_s", "slots")


@dataclass(frozen=True)
class WorkerFigures:
    """One worker of a queue: its slots, how many are busy, and how many jobs a slot does per second."""

    id: str
    status: str
    busy: int
    slots: int
    mu: float          # jobs per second per slot: 1 / (service time + the queue's link latency to it)


@dataclass(frozen=True)
class QueueFigures:
    """One queue now, and per second since the start (`series`, QUEUE_COLUMNS)."""

    id: str
    status: str
    depth: int
    capacity: int
    in_progress: int
    oldest_s: float
    published: int
    processed: int
    redelivered: int
    refused: int
    visibility_s: float
    workers: tuple[WorkerFigures, ...]
    series: np.ndarray                       # shape (n, len(QUEUE_COLUMNS))
    drained: tuple[tuple[float, int], ...]   # (when, published then) each backlog ran dry

    def capacity_up(self) -> float:
        """c·μ: jobs per second the workers up now can finish (every slot busy)."""
        return sum(w.slots * w.mu for w in self.workers if w.status == "up")

    def slots_up(self) -> int:
        return sum(w.slots for w in self.workers if w.status == "up")


@dataclass(frozen=True)
class JobDots:
    """Jobs that set off lately (published to a queue, delivered to a worker) as parallel arrays:
    from and to (node indices) and how long ago (simulated s); the picture flies them in viewing time."""

    src: np.ndarray     # int32
    dst: np.ndarray     # int32
    age: np.ndarray     # float32

    def __len__(self) -> int:
        return int(self.src.shape[0])


@dataclass(frozen=True)
class Jobs:
    """Every queue of the design, and the jobs that set off lately: web server -> queue, queue -> worker."""

    queues: tuple[QueueFigures, ...]
    dots: JobDots


def _worker(q: "JobQueue", w: "Worker") -> WorkerFigures:
    return WorkerFigures(id=w.id, status=w.status, busy=w.busy if w.status == UP else 0, slots=w.slots,
                         mu=1.0 / (w.service_s + q.lat.get(w.id, 0.0)))


def _series(sim: "Simulation", q: "JobQueue") -> np.ndarray:
    """The queue's per-second samples as an array, rebuilt only when a second has been added."""
    cache = sim.view_cache
    n = len(q.depth_series)
    key = f"jobs_series_{q.id}"
    hit = cache.get(key)
    if hit is not None and hit.shape[0] == n:
        return hit
    arr = np.column_stack([np.arange(1, n + 1, dtype=np.float64), q.depth_series, q.pub_series,
                           q.age_series, q.busy_series, q.slots_series]) if n else \
        np.zeros((0, len(QUEUE_COLUMNS)))
    arr.flags.writeable = False
    cache[key] = arr
    return arr


def _figures(sim: "Simulation", q: "JobQueue") -> QueueFigures:
    return QueueFigures(
        id=q.id, status=q.status, depth=q.depth, capacity=q.capacity, in_progress=len(q.leased),
        oldest_s=q.oldest_age_s(), published=q.published, processed=q.processed,
        redelivered=q.redelivered, refused=sum(q.refused.values()), visibility_s=q.visibility_s,
        workers=tuple(_worker(q, w) for w in q.workers if w.status != "removed"),
        series=_series(sim, q), drained=tuple(q.drained))


def _dots(sim: "Simulation", queues: list["JobQueue"]) -> JobDots:
    """Publishes and deliveries of the last seconds, newest last."""
    now = sim.time
    moves = [m for q in queues for m in q.moves if m[0] <= now]
    return JobDots(np.array([m[1] for m in moves], dtype=np.int32), np.array([m[2] for m in moves], dtype=np.int32),
                   np.array([now - m[0] for m in moves], dtype=np.float32))


def jobs(sim: "Simulation") -> Jobs | None:
    """The design's queues and jobs in flight now (None without a queue)."""
    queues = [n for n in sim.nodes if registry.has_role(n.kind, registry.QUEUE)]
    if not queues:
        return None
    return Jobs(queues=tuple(_figures(sim, q) for q in queues), dots=_dots(sim, queues))  # type: ignore[arg-type]
