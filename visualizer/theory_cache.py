"""Textbook formulas of caching the cache and CDN cards show beside the measured numbers."""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np

from visualizer.sim.popularity import che_characteristic_time, che_hit_ratio, zipf_probabilities
from visualizer.sim.report import METER_S
from visualizer.sim.snapshot import Caching, StoreFigures


@lru_cache(maxsize=64)
def che_estimate(keys: int, skew: float, capacity: int, reads: float = 1.0) -> float:
    """Che's approximation of an LRU cache's hit ratio: `capacity` of `keys` keys asked with Zipf
    exponent `skew` (cached: the card asks every frame).

    With writes that invalidate, `reads` is the reads' share of the key's requests (writes drawn
    from the same law). Looking back from a read, the key is held if its previous request was a
    read (probability q = reads) within the characteristic time T: h_i = q (1 - e^(-p_i T)), and
    the same sum over keys fills the cache, so h = q * Che(capacity / q). Writes that update or
    leave the cached value change nothing (q = 1).

    >>> round(che_estimate(10_000, 1.0, 1_000), 2), che_estimate(100, 1.0, 100)
    (0.68, 1.0)
    >>> round(che_estimate(10_000, 1.0, 1_000, reads=0.8), 2)   # a write drops the key
    0.56
    """
    if reads <= 0:
        return 0.0
    return reads * che_hit_ratio(keys, skew, capacity / reads)


@lru_cache(maxsize=64)
def _che_time(keys: int, skew: float, capacity: float) -> float:
    return 0.0 if capacity <= 0 else che_characteristic_time(zipf_probabilities(keys, skew), capacity)


def che_time_s(keys: int, skew: float, capacity: int, reads: float, lookups_per_s: float) -> float:
    """How long (s) a key stays in the LRU cache after its last use, Che's T_C, at this lookup
    rate (inf when every key fits): a TTL shorter than this expires keys before LRU would evict
    them, and the hit ratio falls below Che's estimate. `reads` as in che_estimate.

    >>> round(che_time_s(100, 0.0, 10, 1.0, 10.0), 2)        # uniform: -100 ln(0.9) lookups
    1.05
    """
    if reads <= 0 or lookups_per_s <= 0:
        return math.inf
    return _che_time(keys, skew, capacity / reads) / (lookups_per_s / reads)


def hit_ratio(hits: float | None, misses: float | None) -> float | None:
    """h = hits / (hits + misses); None with no lookup.

    >>> hit_ratio(3, 1), hit_ratio(0, 0)
    (0.75, None)
    """
    if hits is None or misses is None or hits + misses <= 0:
        return None
    return hits / (hits + misses)


def db_reads(h: float, read_rate: float) -> float:
    """Reads per second that reach the database behind a cache of hit ratio h: (1 - h) * lambda.

    >>> round(db_reads(0.75, 200), 6)
    50.0
    """
    return (1.0 - h) * read_rate


def miss_factor(h: float) -> float:
    """How many times the database's reads grow when the cache goes away: 1 / (1 - h).

    >>> miss_factor(0.75), miss_factor(1.0)
    (4.0, inf)
    """
    return math.inf if h >= 1.0 else 1.0 / (1.0 - h)


def expected_latency_ms(h: float, hit_ms: float, miss_ms: float) -> float:
    """Mean latency when a share h is answered in hit_ms and the rest in miss_ms.

    >>> round(expected_latency_ms(0.9, 20, 120), 9)
    30.0
    """
    return h * hit_ms + (1.0 - h) * miss_ms


def pooled_mean(n_a: int, mean_a: float, n_b: int, mean_b: float) -> float | None:
    """The mean of two groups together, from their sizes and means (None when both are empty).

    >>> pooled_mean(3, 10.0, 1, 50.0), pooled_mean(0, float("nan"), 0, float("nan"))
    (20.0, None)
    """
    n = n_a + n_b
    if n <= 0:
        return None
    total = (n_a * mean_a if n_a else 0.0) + (n_b * mean_b if n_b else 0.0)
    return total / n


def nan_mean(values: np.ndarray) -> float | None:
    """The mean of the values that are numbers (None if none is).

    >>> nan_mean(np.array([0.5, float("nan"), 0.7])), nan_mean(np.array([float("nan")]))
    (0.6, None)
    """
    finite = values[np.isfinite(values)]
    return float(finite.mean()) if len(finite) else None


# ---- the same figures read off a snapshot's Caching (the card and the lesson claims share them) ----

def caches(c: Caching, serving: bool = False) -> list[StoreFigures]:
    """The caches (not CDN edges); `serving`: only those up now (a down or booting one is passed by)."""
    return [s for s in c.stores if not s.edge and (s.status == "up" or not serving)]


def reads_share(c: Caching) -> float:
    """q of che_estimate for the caches serving now: the reads' share of data requests when every
    one of them drops a written key, else 1."""
    up = caches(c, serving=True)
    return c.read_ratio if up and all(s.on_write == "invalidate" for s in up) else 1.0


def che_for(c: Caching) -> float | None:
    """Che's estimate for the caches serving now, their capacities summed (None: none serving)."""
    up = caches(c, serving=True)
    if not up:
        return None
    return che_estimate(c.keys, round(c.key_skew, 6), sum(s.capacity for s in up), round(reads_share(c), 6))


def measured_hit_ratio(stores: list[StoreFigures]) -> float | None:
    """h over the recent span of these caches or edges together (None: no lookup)."""
    return hit_ratio(sum(s.hits or 0.0 for s in stores), sum(s.misses or 0.0 for s in stores))


def reads_sent(c: Caching) -> float | None:
    """λ of the reads: requests generated per second over the span times the reads' share."""
    return None if c.generated is None else c.generated * c.read_share


def predicted_db_reads(c: Caching) -> float | None:
    """(1 - h)·λ over the recent span: h of the caches serving (0 with none serving), λ the reads sent."""
    lam = reads_sent(c)
    up = caches(c, serving=True)
    h = measured_hit_ratio(up) if up else 0.0
    return None if lam is None or h is None else db_reads(h, lam)


STATIC_SPAN_S = float(METER_S)   # Stats.static_summary covers the last METER_S closed seconds


# ---- a CDN edge: the mean latency of static requests, and the origin's load ----------------------

def edges(c: Caching) -> list[StoreFigures]:
    return [s for s in c.stores if s.edge]


def expected_static_ms(s: StoreFigures, h: float) -> float | None:
    """Mean latency of static requests: h·edge + (1 - h)·origin while the edge is up; with it down,
    every one waits fallback_ms and then makes the direct round trip to the origin."""
    if s.status != "up":
        if s.fallback_ms is None or s.direct_rt_ms is None:
            return None
        return s.fallback_ms + s.direct_rt_ms
    if s.edge_rt_ms is None or s.origin_rt_ms is None:
        return None
    return expected_latency_ms(h, s.edge_rt_ms, s.origin_rt_ms)


def static_figures(c: Caching) -> tuple[float, float, float] | None:
    """(h, mean ms, static requests per second) of the static requests answered over the last
    closed seconds (Stats.static_summary), or None before any."""
    if c.static is None:
        return None
    n_hit, hit_ms, n_origin, origin_ms = c.static
    h = hit_ratio(n_hit, n_origin)
    mean = pooled_mean(n_hit, hit_ms, n_origin, origin_ms)
    if h is None or mean is None:
        return None
    return h, mean, (n_hit + n_origin) / c.static_span_s


def predicted_origin_load(c: Caching) -> float | None:
    """(1 - h)·λ_static: static requests the origin must answer per second."""
    f = static_figures(c)
    return None if f is None else (1.0 - f[0]) * f[2]


def static_latency_gap(c: Caching) -> tuple[float | None, float | None]:
    """(measured mean, expected mean) of static requests, for the one edge of the design."""
    f = static_figures(c)
    es = edges(c)
    if f is None or len(es) != 1:
        return None, None
    return f[1], expected_static_ms(es[0], f[0])
