"""The cache and CDN theory cards: each formula beside the measured number over the same span.

Rows are (text, is_title), as lesson_panels.draw_card draws them. The numbers come from the
snapshot's `caching` figures (the last 5 s) and the pure functions of visualizer.theory_cache;
a row appears only while what it says is true (a down cache has no hit ratio, a filling cache is
said to be filling, a staleness bound only where writes leave cached values alone).
"""

from __future__ import annotations

import math

from visualizer import theory_cache as tc
from visualizer.i18n import t
from visualizer.sim.snapshot import SERIES_COLUMNS, Caching, Snapshot, StoreFigures

Rows = list[tuple[str, bool]]
WARM = 0.95              # a cache holding less than this share of what it can hold is still filling
HIT_COL = SERIES_COLUMNS.index("hit_ratio")
BEFORE_S = 5             # seconds before a failure whose hit ratio the down-cache rows use


def pct(x: float) -> str:
    return f"{100 * x:.0f}%"


def cache_lines(snap: Snapshot, lang: str) -> Rows:
    """Che's estimate beside the measured hit ratio; DB reads (1 - h)·λ beside the measured; a
    down cache's 1 / (1 - h); the staleness bound of a cache that leaves values alone on a write."""
    rows: Rows = [(t("theory.cache", lang), True)]
    c = snap.caching
    caches = tc.caches(c) if c is not None else []
    if c is None or not caches:
        return rows + [(t("theory.no_cache", lang), False)]
    up = tc.caches(c, serving=True)
    h = tc.measured_hit_ratio(up) if up else None
    lam = tc.reads_sent(c)
    rows += _estimate(c, up, h, lam, lang)
    changed = _changed_at(snap, caches)
    since = snap.time - changed if changed is not None else math.inf
    out = [s for s in caches if s.status != "up"]
    if out:
        rows += _down(snap, c, out, len(up), lam, changed, lang)
    elif since < (c.span_s or 0.0) - 0.5 and c.db_reads is not None:      # the span mixes down and up
        rows.append((t("theory.db_measured", lang, m=f"{c.db_reads:.0f}"), False))
        rows.append((t("theory.span_back", lang, s=f"{since:.0f}"), False))
    elif h is not None and lam is not None and c.db_reads is not None:
        p = tc.predicted_db_reads(c) or 0.0
        rows.append((t("theory.db_reads", lang, h=f"{h:.2f}", lam=f"{lam:.0f}", p=f"{p:.0f}"), False))
        rows.append((t("theory.db_reads_m", lang, m=f"{c.db_reads:.0f}"), False))
    return rows + _staleness(caches, lang)


def _changed_at(snap: Snapshot, caches: list[StoreFigures]) -> float | None:
    """When a cache last failed, came back or finished booting (None: never)."""
    ids = {s.id for s in caches}
    return max((e.t for e in snap.events if e.node in ids and e.event in ("fail", "recover", "booted")),
               default=None)


def _estimate(c: Caching, up: list[StoreFigures], h: float | None, lam: float | None, lang: str) -> Rows:
    """Che's estimate for the caches up now (their capacities summed), then the measured h and
    why the two may differ now (still filling, another eviction policy, a short TTL)."""
    if not up:
        return []
    cap = sum(s.capacity for s in up)
    q = tc.reads_share(c)
    rows: Rows = [(t("theory.che", lang, c=cap, n=c.keys, a=f"{c.key_skew:g}", h=pct(tc.che_for(c) or 0.0)), False)]
    if len(up) > 1:
        rows.append((t("theory.che_sum", lang, ids=" + ".join(s.id for s in up)), False))
    if q < 1.0:
        rows.append((t("theory.che_writes", lang, w=pct(1.0 - q)), False))
    if h is not None:
        hits = sum(s.hits or 0.0 for s in up)
        misses = sum(s.misses or 0.0 for s in up)
        rows.append((t("theory.hits_measured", lang, h=pct(h), hits=f"{hits:.0f}", misses=f"{misses:.0f}"), False))
    return rows + _caveats(c, up, q, lam, lang)


def _caveats(c: Caching, up: list[StoreFigures], q: float, lam: float | None, lang: str) -> Rows:
    """Why the measurement may not match the estimate at this moment: another eviction policy, a
    cache still filling, or a TTL shorter than the time LRU keeps a key (at the reads sent now)."""
    rows: Rows = [(t("theory.not_lru", lang, id=s.id, policy=s.eviction.upper()), False)
                  for s in up if s.eviction != "lru"]
    filling = [s for s in up if min(s.capacity, c.keys) and s.held < WARM * min(s.capacity, c.keys)]
    rows += [(t("theory.filling", lang, id=s.id, held=s.held, cap=s.capacity), False) for s in filling]
    ttl = min((s.ttl_s for s in up if s.ttl_s > 0), default=0.0)
    if filling or not ttl or not lam:
        return rows
    stay = tc.che_time_s(c.keys, round(c.key_skew, 6), sum(s.capacity for s in up), round(q, 6), lam)
    if ttl < stay:
        rows.append((t("theory.short_ttl", lang, ttl=f"{ttl:g}", stay=f"{stay:.0f}"), False))
    return rows


def _down(snap: Snapshot, c: Caching, out: list[StoreFigures], n_up: int, lam: float | None,
          changed: float | None, lang: str) -> Rows:
    """A cache down or booting: the reads of its keys go to the database. With none serving,
    reads grow 1 / (1 - h) times, h the hit ratio of the last seconds before the failure."""
    rows: Rows = []
    for status in ("down", "booting"):
        ids = ", ".join(s.id for s in out if s.status == status)
        if ids:
            rows.append((t(f"theory.cache_{status}", lang, ids=ids), False))
    failed_at = max((e.t for e in snap.events if e.event == "fail" and e.node in {s.id for s in out}),
                    default=None)
    h = _hit_ratio_before(snap, failed_at) if failed_at is not None else None
    if n_up == 0 and h is not None and lam is not None:
        rows.append((t("theory.miss_factor", lang, f=f"{tc.miss_factor(h):.1f}", h=pct(h)), False))
        rows.append((t("theory.db_rise", lang, before=f"{tc.db_reads(h, lam):.0f}", lam=f"{lam:.0f}"), False))
    if c.db_reads is not None:
        rows.append((t("theory.db_measured", lang, m=f"{c.db_reads:.0f}"), False))
        since = snap.time - changed if changed is not None else math.inf
        if since < (c.span_s or 0.0) - 0.5:
            rows.append((t("theory.span_mixed", lang, s=f"{since:.0f}"), False))
    return rows


def _hit_ratio_before(snap: Snapshot, t_fail: float) -> float | None:
    """The mean of the per-second hit ratios of the BEFORE_S whole seconds before `t_fail`."""
    s = snap.series
    if s is None or len(s) == 0:
        return None
    rows = s[(s[:, 0] >= math.floor(t_fail) - BEFORE_S) & (s[:, 0] + 1 <= t_fail + 1e-9)]
    return tc.nan_mean(rows[:, HIT_COL]) if len(rows) else None


def _staleness(caches: list[StoreFigures], lang: str) -> Rows:
    """Caches that leave a cached value alone when it is written: how old a stale value can be."""
    rows: Rows = []
    for s in caches:
        if s.on_write != "none":
            continue
        key = "theory.stale_ttl" if s.ttl_s > 0 else "theory.stale_forever"
        rows.append((t(key, lang, id=s.id, ttl=f"{s.ttl_s:g}"), False))
        rows.append((t("theory.stale_oldest", lang, age=f"{s.oldest_stale_s:.1f}"), False))
    return rows


def cdn_lines(snap: Snapshot, lang: str) -> Rows:
    """Edge round trip vs origin round trip; the expected mean static latency h·edge + (1 - h)·origin
    beside the measured, h and the mean over the same static requests of the last 5 s."""
    rows: Rows = [(t("theory.cdn", lang), True)]
    c = snap.caching
    edges = [s for s in c.stores if s.edge] if c is not None else []
    if not edges:
        return rows + [(t("theory.no_cdn", lang), False)]
    for s in edges:
        if s.status != "up" and s.fallback_ms is not None and s.direct_rt_ms is not None:
            rows.append((t("theory.edge_down", lang, id=s.id, wait=f"{s.fallback_ms:.0f}",
                           ms=f"{s.direct_rt_ms:.0f}"), False))
            continue
        if s.edge_rt_ms is not None and s.origin_rt_ms is not None:
            rows.append((t("theory.round_trips", lang, id=s.id, edge=f"{s.edge_rt_ms:.0f}",
                           origin=f"{s.origin_rt_ms:.0f}"), False))
    figures = tc.static_figures(c) if c is not None else None
    if figures is None:
        return rows
    h, measured, _rate = figures
    rows.append((t("theory.cdn_hits", lang, h=pct(h), n=round(_rate * c.static_span_s),
                   s=f"{c.static_span_s:g}"), False))
    _, expect = tc.static_latency_gap(c)
    changed = _changed_at(snap, edges)
    since = snap.time - changed if changed is not None else math.inf
    mixed = since < tc.STATIC_SPAN_S + 1.0          # the closed seconds counted hold both states
    if expect is not None and not mixed:
        key = "theory.cdn_expect" if edges[0].status == "up" else "theory.cdn_expect_down"
        rows.append((t(key, lang, ms=f"{expect:.0f}", m=f"{measured:.0f}"), False))
    else:
        rows.append((t("theory.cdn_measured", lang, ms=f"{measured:.0f}"), False))
    if mixed:
        key = "theory.span_mixed" if edges[0].status != "up" else "theory.span_back_edge"
        rows.append((t(key, lang, s=f"{since:.0f}"), False))
    load = tc.predicted_origin_load(c)
    if len(edges) == 1 and edges[0].origin_rate is not None and load is not None:
        rows.append((t("theory.origin_load", lang, p=f"{load:.0f}", id=edges[0].origin,
                       m=f"{edges[0].origin_rate:.0f}"), False))
    return rows
