"""Counting outcomes: totals, per-second series, a sliding window (window.py), and the JSON report."""

from __future__ import annotations

import math
from collections import deque
from typing import TYPE_CHECKING, Any

import numpy as np

from visualizer.sim import registry
from visualizer.sim.snapshot import SERIES_COLUMNS
from visualizer.sim.window import SlidingWindow

if TYPE_CHECKING:
    from visualizer.sim.model import Simulation

METER_S = 5           # the span of "recent" figures (theory cards): the metrics panel's 5 s


SMALL = 2048         # up to this many values, percentiles sorts in Python (numpy's set-up costs more)


def percentiles(values: Any) -> tuple[float, float, float]:
    """(p50, p95, p99) of a sequence, NaN for an empty one: numpy's default (linear) method, to
    the last bit, whichever way it is computed (a second's latencies are usually few)."""
    n = len(values)
    if n == 0:
        return (float("nan"),) * 3
    if n > SMALL:
        p = np.percentile(np.asarray(values, dtype=np.float64), [50, 95, 99])
        return float(p[0]), float(p[1]), float(p[2])
    s = sorted(values)
    return _linear(s, n, 0.5), _linear(s, n, 0.95), _linear(s, n, 0.99)


def _linear(s: list[float], n: int, q: float) -> float:
    """The q-quantile of sorted `s` as numpy computes it: index (n - 1)·q, and between the two
    neighbours a + (b - a)·g, or b - (b - a)·(1 - g) when g >= 0.5."""
    v = (n - 1) * q
    if v >= n - 1:
        return float(s[-1])
    i = math.floor(v)
    g = v - i
    a, b = float(s[i]), float(s[i + 1])
    d = b - a
    return b - d * (1 - g) if g >= 0.5 else a + d * g


class LatencyHistogram:
    """Every completed request's latency in log-spaced bins 1.2% wide: a fixed 16 KB however long
    the run (a list of every latency grew by megabytes an hour, copied into every checkpoint).
    Percentiles are read within a bin by log interpolation: off by at most half a bin (0.6%).

    >>> h = LatencyHistogram(); [h.add(float(x)) for x in range(1, 101)] and None
    >>> round(h.percentile(50)), h.count, h.mean()
    (50, 100, 50.5)
    """

    PER_DECADE = 200
    LOW = -3                  # 10**-3 ms: the first bin's lower edge
    BINS = PER_DECADE * 10    # up to 10**7 ms

    def __init__(self) -> None:
        self.counts = np.zeros(self.BINS, dtype=np.int64)
        self.count = 0
        self.total = 0.0

    def __getstate__(self) -> dict[str, Any]:
        """Pickled (a checkpoint) as its bins in use: a few hundred of the 2,000."""
        used = np.flatnonzero(self.counts)
        return {"bins": used.tolist(), "n": self.counts[used].tolist(), "count": self.count,
                "total": self.total}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.counts = np.zeros(self.BINS, dtype=np.int64)
        self.counts[state["bins"]] = state["n"]
        self.count, self.total = state["count"], state["total"]

    def add(self, ms: float) -> None:
        """Count one latency: the same bin add_many would pick, without its pass over every bin."""
        v = np.asarray([ms], dtype=np.float64)
        k = int(((np.log10(np.maximum(v, 1e-300)) - self.LOW) * self.PER_DECADE).astype(np.int64)[0])
        self.counts[min(max(k, 0), self.BINS - 1)] += 1
        self.count += 1
        self.total += float(v.sum())

    def add_many(self, values: Any) -> None:
        """Count a batch of latencies (a closed second's, at once: cheaper than one by one)."""
        if not len(values):
            return
        v = np.asarray(values, dtype=np.float64)
        k = ((np.log10(np.maximum(v, 1e-300)) - self.LOW) * self.PER_DECADE).astype(np.int64)
        self.counts += np.bincount(np.clip(k, 0, self.BINS - 1), minlength=self.BINS)
        self.count += len(v)
        self.total += float(v.sum())

    def merged(self, values: Any) -> "LatencyHistogram":
        """A copy with `values` counted too (the report adds the open second's latencies)."""
        h = LatencyHistogram()
        h.counts, h.count, h.total = self.counts.copy(), self.count, self.total
        h.add_many(values)
        return h

    def without(self, part: "LatencyHistogram") -> "LatencyHistogram":
        """The latencies counted here but not in `part` (a subset of them, in the same bins)."""
        h = LatencyHistogram()
        h.counts = self.counts - part.counts
        h.count, h.total = self.count - part.count, self.total - part.total
        return h

    def mean(self) -> float:
        return self.total / self.count if self.count else float("nan")

    def percentile(self, q: float) -> float:
        """The q-th percentile (0..100), NaN when empty."""
        if not self.count:
            return float("nan")
        rank = q / 100.0 * (self.count - 1)
        cum = np.cumsum(self.counts)
        k = int(np.searchsorted(cum, rank, side="right"))
        before = cum[k - 1] if k else 0
        within = (rank - before + 0.5) / int(self.counts[k])
        return 10 ** (self.LOW + (k + min(1.0, within)) / self.PER_DECADE)


class Stats:
    """Every finished request lands here once; rows close as simulated seconds pass."""

    def __init__(self, window: bool = True) -> None:
        self.keep_window = window                   # False (headless): no sliding window
        self.generated = 0
        self.completed = 0
        self.failed: dict[str, int] = {}
        self.stale_reads = 0
        self.latencies = LatencyHistogram()         # ms, every completed request of closed seconds
        self.cur_k = 0                              # the open second (all earlier ones are rows)
        self.cur: list[Any] = [0, 0, 0, 0, [], 0, 0, [], []]   # its [generated, done, failed, stale,
                                                    # lat_ms, hits, misses, static lat_ms, edge hits' ms]
        self.static_latencies = LatencyHistogram()  # the static requests' among them
        # the last METER_S closed seconds' static requests: (second, edge hits, their ms summed,
        # answered by the origin, their ms summed)
        self.static_seconds: deque[tuple[int, int, float, int, float]] = deque(maxlen=METER_S)
        self.rows: list[tuple[float, ...]] = []     # closed seconds, SERIES_COLUMNS
        self.window = SlidingWindow()               # the last seconds, for the live metrics

    def bin(self, t: float) -> list[Any]:
        """The counters of the simulated second containing `t` (time only moves on: closing the
        seconds before it)."""
        k = int(t)
        if k != self.cur_k:
            self.close_rows(k)
        return self.cur

    def close_rows(self, upto: int) -> None:
        """Turn seconds [len(rows), upto) into series rows; the open second moves to `upto`."""
        rows = self.rows
        for k in range(len(rows), upto):
            b = self.cur if k == self.cur_k else (0, 0, 0, 0, (), 0, 0, (), ())
            self.latencies.add_many(b[4])
            self.static_latencies.add_many(b[7])
            self._close_static(k, b[7], b[8])
            if self.keep_window:
                self.window.close(b[4], b[2])
            p50, p95, p99 = percentiles(b[4])
            looked = b[5] + b[6]
            rows.append((float(k), b[0], b[1], b[2], p50, p95, p99, b[3],
                         b[5] / looked if looked else float("nan")))
        if self.cur_k < upto:
            self.cur_k = upto
            self.cur = [0, 0, 0, 0, [], 0, 0, [], []]

    def generated_one(self, t: float) -> None:
        """Count one new request."""
        self.generated += 1
        (self.cur if int(t) == self.cur_k else self.bin(t))[0] += 1

    def lookup(self, t: float, hit: bool) -> None:
        """Count one lookup in a cache or CDN edge, a hit or a miss."""
        self.bin(t)[5 if hit else 6] += 1

    def stale_read(self, t: float) -> None:
        """Count one read answered from an out-of-date copy."""
        self.stale_reads += 1
        self.bin(t)[3] += 1

    def finish(self, t: float, rid: int, node: str, ok: bool, reason: str, kind: int,
               lat_ms: float) -> None:
        """Count one finished request."""
        b = self.cur if int(t) == self.cur_k else self.bin(t)
        if ok:
            self.completed += 1
            b[1] += 1
            b[4].append(lat_ms)
        else:
            self.failed[reason] = self.failed.get(reason, 0) + 1
            b[2] += 1
        if self.keep_window:
            self.window.add(t, rid, node, ok, reason, kind)

    def static_done(self, t: float, lat_ms: float, edge_hit: bool) -> None:
        """One static request answered (counted by `finish` too): by an edge's copy or not."""
        b = self.cur if int(t) == self.cur_k else self.bin(t)
        b[7].append(lat_ms)
        if edge_hit:
            b[8].append(lat_ms)

    def _close_static(self, k: int, static: Any, hits: Any) -> None:
        n, total = len(static), float(sum(static))
        n_hit, hit_total = len(hits), float(sum(hits))
        self.static_seconds.append((k, n_hit, hit_total, n - n_hit, total - hit_total))

    def static_summary(self, now: float) -> tuple[int, float, int, float]:
        """(count, mean ms) of the static requests an edge answered from its copy, then of those
        the origin answered (misses, fallbacks, no edge), over the last METER_S closed seconds;
        a mean is NaN when its count is 0."""
        self.close_rows(int(now))
        n_hit = n_origin = 0
        hit_ms = origin_ms = 0.0
        for _k, nh, hms, no, oms in self.static_seconds:
            n_hit += nh
            hit_ms += hms
            n_origin += no
            origin_ms += oms
        nan = float("nan")
        return (n_hit, hit_ms / n_hit if n_hit else nan, n_origin,
                origin_ms / n_origin if n_origin else nan)

    def window_summary(self, now: float) -> tuple[list[float], int, float]:
        """(latencies, failures, seconds covered) of the live window: the last closed seconds and
        the one still open (see window.py)."""
        self.close_rows(int(now))
        is_open = self.cur_k == int(now)
        return self.window.summary(now, self.cur[4] if is_open else (), self.cur[2] if is_open else 0)

    def series_array(self, upto: int) -> np.ndarray:
        """Closed rows as a float array of shape (n, len(SERIES_COLUMNS))."""
        self.close_rows(upto)
        if not self.rows:
            return np.zeros((0, len(SERIES_COLUMNS)))
        return np.array(self.rows, dtype=np.float64)


def _num(x: float, nd: int = 3) -> float | None:
    return None if x != x else round(float(x), nd)


def build_report(sim: "Simulation") -> dict[str, Any]:
    """The JSON report of a run so far (see docs/scenarios.md)."""
    st: Stats = sim.stats
    now = sim.time
    st.close_rows(int(now))
    lat = st.latencies.merged(st.cur[4])         # and those of the second still open
    p50, p95, p99 = (lat.percentile(q) for q in (50, 95, 99))
    n_failed = sum(st.failed.values())
    finished = st.completed + n_failed
    nodes = {}
    for n in sim.nodes:
        served = n.completed
        entry: dict[str, Any] = {"kind": n.kind, **({"role": n.role} if n.role else {}),
                                 "ip": n.ip, "status": n.status,
                                 "arrivals": n.arrivals, "completed": n.completed,
                                 "dropped": n.dropped,
                                 "mean_sojourn_ms": _num(n.sojourn / served * 1000.0) if served else None,
                                 "utilization": None}
        if hasattr(n, "utilization"):
            entry["utilization"] = _num(n.utilization(now), 4)
            entry["tier"] = n.tier
            entry["workers"] = n.workers
        entry.update(n.report_extra())
        nodes[n.id] = entry
    out = {
        "scenario": sim.name,
        "seed": sim.seed,
        "time": _num(now, 6),
        "requests": {"generated": st.generated, "completed": st.completed,
                     "failed": {k: st.failed[k] for k in sorted(st.failed)},
                     "in_flight": len(sim.live)},
        "latency_ms": {"p50": _num(p50), "p95": _num(p95), "p99": _num(p99),
                       "mean": _num(lat.mean()) if lat.count else None},
        "availability": round(st.completed / finished, 6) if finished else None,
        "lost_writes": sum(len(c.lost) for c in sim.clusters),
        "lost_writes_total": sum(c.lost_total for c in sim.clusters),
        "writes_restored": sum(c.restored_total for c in sim.clusters),
        "stale_reads": st.stale_reads,
        "cost_per_hour": round(sim.cost_per_hour(), 4),
        "nodes": nodes,
        "series": [{"t": r[0], "generated": r[1], "completed": r[2], "failed": r[3],
                    "p50_ms": _num(r[4]), "p95_ms": _num(r[5]), "p99_ms": _num(r[6]),
                    "stale_reads": r[7], "hit_ratio": _num(r[8], 6)} for r in st.rows],
        "events": [{"t": round(e.t, 6), "event": e.event, "node": e.node} for e in sim.events],
    }
    out.update(_lookups(sim))
    if sim.sessions is not None:          # only when users log in: other reports stay as they were
        out["sessions"] = sim.sessions.report()
    if st.static_latencies.count or st.cur[7]:
        out["latency_ms_by_class"] = _by_class(st)
    queues = [n for n in sim.nodes if registry.has_role(n.kind, registry.QUEUE)]
    if queues:                            # only with a queue: other reports stay as they were
        _add_jobs(out, queues)
    return out


def _add_jobs(out: dict[str, Any], queues: list[Any]) -> None:
    """Top-level `jobs` (every queue's counts, latency publish -> acknowledged) and each series
    row's `queue_depth` (jobs waiting at the end of that second, over every queue)."""
    lat = LatencyHistogram()
    for q in queues:
        lat.counts = lat.counts + q.latencies.counts
        lat.count += q.latencies.count
        lat.total += q.latencies.total
    keys = ("published", "processed", "redelivered", "in_progress", "depth")
    jobs: dict[str, Any] = {k: sum(out["nodes"][q.id][k] for q in queues) for k in keys}
    jobs["refused"] = sum(out["nodes"][q.id]["refused"] for q in queues)
    jobs["latency_ms"] = {"p50": _num(lat.percentile(50)), "p95": _num(lat.percentile(95)),
                          "p99": _num(lat.percentile(99)), "mean": _num(lat.mean()) if lat.count else None}
    out["jobs"] = jobs
    for row in out["series"]:
        k = int(row["t"])
        row["queue_depth"] = sum(q.depth_series[k] for q in queues if k < len(q.depth_series))


def _lookups(sim: "Simulation") -> dict[str, Any]:
    """Top-level `cache` and `cdn`: hits, misses and hit ratio over every such node (when any)."""
    out: dict[str, Any] = {}
    for name, role in (("cache", registry.CACHE), ("cdn", registry.EDGE)):
        members = [n for n in sim.nodes if registry.has_role(n.kind, role)]
        if members:
            hits = sum(n.hits for n in members)
            misses = sum(n.misses for n in members)
            out[name] = {"hits": hits, "misses": misses,
                         "hit_ratio": round(hits / (hits + misses), 6) if hits + misses else None}
    return out


def _by_class(st: Stats) -> dict[str, Any]:
    """Latency percentiles of static and of dynamic (read and write) requests, apart."""
    every = st.latencies.merged(st.cur[4])
    static = st.static_latencies.merged(st.cur[7])
    dynamic = every.without(static)
    return {name: {"p50": _num(h.percentile(50)), "p95": _num(h.percentile(95)),
                   "p99": _num(h.percentile(99)), "mean": _num(h.mean()) if h.count else None}
            for name, h in (("static", static), ("dynamic", dynamic))}
