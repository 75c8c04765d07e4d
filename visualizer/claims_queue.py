"""The message queue's lesson claims: backlog growth, drain time, job conservation and per-queue counts."""

from __future__ import annotations

from typing import Any, Protocol

from visualizer import theory_queue as tq
from visualizer.schema import Expect
from visualizer.sim.jobs_view import QueueFigures


class Moment(Protocol):
    """What a claim reads (claims.Moment): the player, the report at the beat's start and when."""

    player: Any
    start: dict[str, Any]
    start_t: float

JOB_COUNTS = ("depth", "oldest_s", "published", "processed", "redelivered", "refused")
SINCE_BEAT = ("published", "processed", "redelivered", "refused")    # counted since the beat began


def _queues(e: Expect, m: Moment) -> list[QueueFigures]:
    """The named queue, or every queue (of the snapshot now)."""
    jobs = m.player.sim.snapshot().jobs
    if jobs is None:
        return []
    return [q for q in jobs.queues if e.node is None or q.id == e.node]


def _one(e: Expect, m: Moment) -> QueueFigures | None:
    qs = _queues(e, m)
    return qs[0] if len(qs) == 1 else None


def backlog_gap(e: Expect, m: Moment) -> float:
    """The queue card's first comparison: the depth's change per second over the last span_s
    seconds (default: since the beat began) against λ - c·μ, λ measured over the same seconds."""
    q = _one(e, m)
    if q is None:
        return float("nan")
    now = m.player.sim.time
    lo = now - e.span_s if e.span_s is not None else m.start_t
    return tq.backlog_gap(q, tq.span(q, lo, now))


def drain_gap(e: Expect, m: Moment) -> float:
    """Its second: the backlog at the beat's start ran dry after Q / (c'·μ - λ) seconds, c'·μ of
    the workers up now and λ measured from the beat's start until it ran dry (NaN if it has not)."""
    q = _one(e, m)
    if q is None:
        return float("nan")
    start = m.start["nodes"].get(q.id, {})
    d = tq.drain(q, m.start_t, int(start.get("depth", 0)), int(start.get("published", 0)), m.player.sim.time)
    return tq.drain_gap(d)


def jobs_gap(e: Expect, m: Moment) -> float:
    """Jobs unaccounted for: published - (processed + waiting + in progress + refused), every queue."""
    qs = _queues(e, m)
    return float(sum(abs(tq.unaccounted(q)) for q in qs)) if qs else float("nan")


def count(e: Expect, m: Moment) -> float:
    """A queue's depth or oldest job's age now, or its published, processed, redelivered or refused
    jobs since the beat began (the named queue, else every queue summed; the oldest: the max)."""
    qs = _queues(e, m)
    if not qs:
        return float("nan")
    if e.of == "oldest_s":
        return max(q.oldest_s for q in qs)
    now = sum(float(getattr(q, e.of or "depth")) for q in qs)
    if e.of not in SINCE_BEAT:
        return now
    return now - sum(float(_start(m.start, q.id, e.of)) for q in qs)


def _start(report: dict[str, Any], qid: str, key: str) -> float:
    return float(report["nodes"].get(qid, {}).get(key, 0))
