"""Formulas of a message queue (backlog growth, drain time, the workers' ρ) and the measured figures beside them."""

from __future__ import annotations

import math
from dataclasses import dataclass

from visualizer.sim.jobs_view import QUEUE_COLUMNS, QueueFigures
from visualizer.sim.snapshot import Snapshot

COL = {name: i for i, name in enumerate(QUEUE_COLUMNS)}
SPAN_S = 10            # the card measures over the last 10 whole seconds (fewer after a change)
MIN_SPAN_S = 2         # a shorter span says nothing yet
WORKER_EVENTS = ("fail", "recover", "add_worker", "remove_worker", "booted")


def backlog_rate(lam: float, c_mu: float) -> float:
    """How fast the queue grows (jobs per second) when jobs arrive at λ and c slots finish μ each:
    λ - c·μ while every slot is busy; negative: it shrinks.

    >>> backlog_rate(50, 40), backlog_rate(50, 60)
    (10, -10)
    """
    return lam - c_mu


def drain_s(backlog: float, c_mu: float, lam: float) -> float:
    """Seconds to empty a backlog of Q jobs once c'·μ > λ: Q / (c'·μ - λ) (inf if it never empties).

    >>> drain_s(200, 60, 50), drain_s(200, 40, 50)
    (20.0, inf)
    """
    return backlog / (c_mu - lam) if c_mu > lam else math.inf


def utilization(lam: float, c_mu: float) -> float:
    """ρ = λ / (c·μ); at 1 or more the workers are always busy and the backlog grows.

    >>> utilization(30, 40)
    0.75
    """
    return lam / c_mu if c_mu > 0 else math.inf


@dataclass(frozen=True)
class Span:
    """What one queue did over whole seconds t0..t1: jobs published per second, the depth's
    change per second, and the share of its workers' slots busy."""

    t0: int
    t1: int
    lam: float
    growth: float
    busy: float | None

    @property
    def seconds(self) -> int:
        return self.t1 - self.t0


def at(q: QueueFigures, k: int, col: str) -> float:
    """A per-second sample at whole second k (0 at the start)."""
    if k <= 0:
        return 0.0
    return float(q.series[min(k, len(q.series)) - 1, COL[col]])


def span(q: QueueFigures, lo: float, now: float) -> Span | None:
    """The whole seconds from `lo` (rounded up) to `now` (rounded down), None if under MIN_SPAN_S."""
    k1 = min(int(math.floor(now + 1e-6)), len(q.series))
    k0 = max(0, int(math.ceil(lo - 1e-6)))
    if k1 - k0 < MIN_SPAN_S:
        return None
    n = k1 - k0
    lam = (at(q, k1, "published") - at(q, k0, "published")) / n
    growth = (at(q, k1, "depth") - at(q, k0, "depth")) / n
    slot_s = sum(at(q, k, "slots") for k in range(k0 + 1, k1 + 1))
    busy = (at(q, k1, "busy_s") - at(q, k0, "busy_s")) / slot_s if slot_s > 0 else None
    return Span(k0, k1, lam, growth, busy)


def changed_at(snap: Snapshot, q: QueueFigures) -> float | None:
    """When the queue or one of its workers last failed, came back, was added or removed."""
    ids = {q.id} | {w.id for w in q.workers}
    return max((e.t for e in snap.events if e.event in WORKER_EVENTS and e.node in ids), default=None)


def recent(snap: Snapshot, q: QueueFigures) -> Span | None:
    """The card's span: the last SPAN_S whole seconds, or since the workers last changed."""
    lo = snap.time - SPAN_S
    changed = changed_at(snap, q)
    return span(q, max(lo, changed) if changed is not None else lo, snap.time)


def backlog_gap(q: QueueFigures, s: Span | None) -> float:
    """|measured growth - (λ - c·μ)| / |λ - c·μ| over the span, λ measured there, c·μ of the
    workers up now (NaN without a span or when λ = c·μ)."""
    if s is None:
        return float("nan")
    predicted = backlog_rate(s.lam, q.capacity_up())
    return abs(s.growth - predicted) / abs(predicted) if abs(predicted) > 1e-9 else float("nan")


@dataclass(frozen=True)
class Drain:
    """A backlog of `backlog` jobs at t0 with the workers up now: predicted Q / (c'·μ - λ) and,
    once it ran dry, the measured seconds (λ measured from t0 to then, else to now)."""

    t0: float
    backlog: int
    lam: float
    predicted: float
    measured: float | None


def drain(q: QueueFigures, t0: float, backlog: int, published0: int, now: float) -> Drain | None:
    """The drain since t0 of the backlog then (None before a second has passed)."""
    dry = next(((t, p) for t, p in q.drained if t > t0), None)
    t_end, pub_end = dry if dry is not None else (now, q.published)
    if t_end - t0 < 1.0:
        return None
    lam = (pub_end - published0) / (t_end - t0)
    measured = dry[0] - t0 if dry is not None else None
    return Drain(t0, backlog, lam, drain_s(backlog, q.capacity_up(), lam), measured)


def drain_gap(d: Drain | None) -> float:
    """|measured - predicted| / predicted drain time (NaN until the backlog ran dry)."""
    if d is None or d.measured is None or not math.isfinite(d.predicted) or d.predicted <= 0:
        return float("nan")
    return abs(d.measured - d.predicted) / d.predicted


def card_drain(snap: Snapshot, q: QueueFigures) -> Drain | None:
    """The drain since the workers last changed, from the first whole second after the change."""
    changed = changed_at(snap, q)
    if changed is None:
        return None
    k0 = int(math.ceil(changed - 1e-6))
    if k0 > len(q.series):
        return None
    return drain(q, float(k0), int(at(q, k0, "depth")), int(at(q, k0, "published")), snap.time)


def unaccounted(q: QueueFigures) -> int:
    """published - (processed + waiting + in progress + refused): 0 when no job is lost."""
    return q.published - (q.processed + q.depth + q.in_progress + q.refused)
