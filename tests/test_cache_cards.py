"""The cache and CDN theory cards: each row a formula beside the same quantity measured over the
same span, shown only while it is true; the numbers behind them (theory_cache, the model's meter)."""

import dataclasses
from pathlib import Path

import numpy as np
import pytest
from conftest import make_scenario

from visualizer import theory_cache as tc
from visualizer.i18n import t
from visualizer.lesson import LessonPlayer
from visualizer.scenario import load
from visualizer.sim import commands as C
from visualizer.sim.model import Simulation
from visualizer.sim.snapshot import Caching, StoreFigures
from visualizer.ui.cache_cards import cache_lines, cdn_lines

SCENARIO = Path(__file__).parent / "data" / "cache-tier.toml"
MOMENTS = {"warm": 19.5, "down_2s": 32.0, "down_7s": 37.0, "back_2s": 42.0, "warm_again": 59.0}


@pytest.fixture(scope="module")
def snaps() -> dict:
    """Snapshots of the test design (users -> lb -> web1, web2 -> cache1 -> db2, writes to db1) at
    moments of its timeline: warm at 20 s, cache1 fails at 30 s and comes back empty at 40 s."""
    player = LessonPlayer(load(str(SCENARIO)), auto=True)
    out = {}
    for name, when in MOMENTS.items():
        player.step(when - player.time)
        out[name] = player.snapshot()
    return out


def text(rows) -> str:
    return "\n".join(r for r, _ in rows)


@pytest.mark.parametrize("lang", ["en", "ko"])
@pytest.mark.parametrize("moment", list(MOMENTS))
def test_every_row_is_a_real_string(snaps, moment, lang):
    rows = cache_lines(snaps[moment], lang)
    assert rows[0] == (t("theory.cache", lang), True)
    assert not any(r.startswith("theory.") or "{" in r for r, _ in rows), rows


def test_warm_card_puts_che_beside_the_measured_hit_ratio_and_the_db_reads(snaps):
    snap = snaps["warm"]
    rows = text(cache_lines(snap, "en"))
    est = tc.che_estimate(10_000, 1.0, 1_000)
    assert f"h ≈ {100 * est:.0f}%" in rows and "of 1000 of 10000 keys" in rows
    c = snap.caching
    h = tc.measured_hit_ratio(tc.caches(c))
    assert f"measured h, last 5 s: {100 * h:.0f}%" in rows
    assert abs(h - est) < 0.06                     # Che's estimate holds for this warm LRU cache
    lam = tc.reads_sent(c)
    assert f"(1 - {h:.2f}) × {lam:.0f}/s = {(1 - h) * lam:.0f}/s" in rows
    assert f"measured, sent to the DBs: {c.db_reads:.0f}/s" in rows
    assert abs(c.db_reads - (1 - h) * lam) / ((1 - h) * lam) < 0.1
    assert "down" not in rows and "filling" not in rows


def test_down_cache_shows_the_miss_factor_and_says_when_the_span_mixes(snaps):
    early, later = (text(cache_lines(snaps[k], "en")) for k in ("down_2s", "down_7s"))
    for rows in (early, later):
        assert "cache1 down" in rows and "Che" not in rows and "measured h" not in rows
        assert "DB reads × 1/(1 - h) = ×" in rows and "h before:" in rows
    assert "(it failed 2 s ago: these 5 s still hold time it was up)" in early
    assert "it failed" not in later
    c = snaps["down_7s"].caching
    lam = tc.reads_sent(c)
    assert f"to λ = {lam:.0f}/s" in later
    assert abs(c.db_reads - lam) / lam < 0.1           # every read reaches the databases now


def test_the_factor_uses_the_hit_ratio_of_the_seconds_before_the_failure(snaps):
    snap = snaps["down_7s"]
    before = snap.series[(snap.series[:, 0] >= 25) & (snap.series[:, 0] < 30), -1].mean()
    assert f"×{1 / (1 - before):.1f}" in text(cache_lines(snap, "en"))


def test_a_cache_back_but_empty_says_it_is_filling_and_skips_the_mixed_prediction(snaps):
    rows = text(cache_lines(snaps["back_2s"], "en"))
    assert "cache1 holds" in rows and "still filling" in rows
    assert "(the cache came back 2 s ago: these 5 s mix down and up)" in rows
    assert "(1 - h)·λ =" not in rows
    again = text(cache_lines(snaps["warm_again"], "en"))
    assert "filling" not in again and "(1 - h)·λ =" in again


def test_staleness_rows_only_for_a_cache_that_keeps_old_values(snaps):
    snap = snaps["warm"]
    rows = text(cache_lines(snap, "en"))
    store = snap.caching.stores[0]
    assert store.on_write == "none" and "≤ TTL 30 s" in rows
    assert f"stored {store.oldest_stale_s:.1f} s before" in rows and 0 < store.oldest_stale_s <= 30
    invalidating = dataclasses.replace(store, on_write="invalidate")
    other = dataclasses.replace(snap, caching=dataclasses.replace(snap.caching, stores=(invalidating,)))
    assert "TTL" not in text(cache_lines(other, "en"))
    forever = dataclasses.replace(store, ttl_s=0.0)
    other = dataclasses.replace(snap, caching=dataclasses.replace(snap.caching, stores=(forever,)))
    assert "no TTL: for ever" in text(cache_lines(other, "en"))


def with_stores(snap, *stores: StoreFigures, **changes):
    return dataclasses.replace(snap, caching=dataclasses.replace(snap.caching, stores=stores, **changes))


def test_several_caches_sum_their_capacity_and_say_so(snaps):
    snap = snaps["warm"]
    one = snap.caching.stores[0]
    two = dataclasses.replace(one, id="cache2")
    rows = text(cache_lines(with_stores(snap, one, two), "en"))
    assert "of 2000 of 10000 keys" in rows and "C: cache1 + cache2 together" in rows
    assert f"h ≈ {100 * tc.che_estimate(10_000, 1.0, 2_000):.0f}%" in rows


def test_caveats_another_policy_a_short_ttl_and_invalidating_writes(snaps):
    snap = snaps["warm"]
    one = snap.caching.stores[0]
    rows = text(cache_lines(with_stores(snap, dataclasses.replace(one, eviction="lfu")), "en"))
    assert "cache1 evicts by LFU: the estimate is for LRU" in rows
    rows = text(cache_lines(with_stores(snap, dataclasses.replace(one, ttl_s=5.0)), "en"))
    assert "TTL 5 s < the" in rows                   # LRU keeps a key about 13 s at 180 reads/s
    assert "TTL 30 s <" not in text(cache_lines(snap, "en"))
    rows = text(cache_lines(with_stores(snap, dataclasses.replace(one, on_write="invalidate")), "en"))
    q = snap.caching.read_ratio
    assert f"writes ({100 * (1 - q):.0f}%) dropping keys" in rows
    assert f"h ≈ {100 * tc.che_estimate(10_000, 1.0, 1_000, q):.0f}%" in rows


def test_no_cache_no_cdn(snaps):
    snap = dataclasses.replace(snaps["warm"], caching=None)
    assert text(cache_lines(snap, "ko")).endswith(t("theory.no_cache", "ko"))
    assert text(cdn_lines(snaps["warm"], "en")).endswith(t("theory.no_cdn", "en"))


def test_cdn_card_compares_the_expected_mean_with_the_measured_one(snaps):
    """Coded against the CDN kind's names (hits, misses, store, origin, lat, service_s) and
    Stats.static_summary; here its figures are made by hand."""
    snap = snaps["warm"]
    edge = dataclasses.replace(snap.caching.stores[0], id="edge1", edge=True, on_write="",
                               edge_rt_ms=20.0, origin_rt_ms=120.0)
    rows = text(cdn_lines(with_stores(snap, edge, static=(90, 21.0, 10, 125.0)), "en"))
    assert "a hit at edge1 20 ms · a miss via the origin 120 ms" in rows
    assert "h = 90% of 100 static requests" in rows
    # 0.9 × 20 + 0.1 × 120 beside (90 × 21 + 10 × 125) / 100
    assert "h·edge + (1 - h)·origin = 30 ms · measured 31 ms" in rows
    bare = text(cdn_lines(with_stores(snap, dataclasses.replace(edge, edge_rt_ms=None, origin_rt_ms=None),
                                      static=(90, 21.0, 10, 125.0)), "en"))
    assert "a hit at" not in bare and "h·edge" not in bare
    assert "measured mean latency of those requests: 31 ms" in bare


def test_cdn_figures_are_read_only_where_the_model_has_them():
    from visualizer.sim.caching_view import _round_trips

    class Edge:
        id, service_s, lat = "edge1", 0.004, {"origin": 0.05}
        origin = type("Origin", (), {"id": "origin", "service_s": 0.01})()

    class Users:
        id, lat = "users", {"edge1": 0.008}
        edge = None

    users = Users()
    users.edge = Edge
    sim = type("Sim", (), {"clients": [users]})()
    edge_ms, origin_ms = _round_trips(sim, Edge)
    assert edge_ms == pytest.approx(20.0) and origin_ms == pytest.approx(130.0)
    assert _round_trips(sim, type("Bare", (), {"id": "edge1"})) == (None, None)


def test_meter_counts_hits_misses_and_reads_over_the_recent_span():
    sim = Simulation(load(str(SCENARIO)))
    sim.run_until(12.5)
    t0, _, counts, g0 = sim.meter[0]
    span = sim.time - t0
    cache, db = sim.by_id["cache1"], sim.by_id["db2"]
    assert sim.recent_counts("cache1")[:2] == pytest.approx(((cache.hits - counts["cache1"][0]) / span,
                                                             (cache.misses - counts["cache1"][1]) / span))
    assert sim.recent_counts("db2")[2] == pytest.approx((db.reads - counts["db2"][2]) / span)
    assert sim.recent_counts("web1") is None and sim.recent_counts("nope") is None
    assert sim.recent_generated()[0] == pytest.approx((sim.stats.generated - g0) / span)
    sim.apply(C.AddCache("cache1"))
    sim.run_until(13.0)
    assert sim.recent_counts("cache2") is not None          # counted from zero at its start


@pytest.mark.parametrize("read_ratio", [1.0, 0.7])
def test_che_estimate_matches_the_model_with_and_without_invalidating_writes(read_ratio):
    nodes = [{"id": "users", "kind": "client"},
             {"id": "web1", "kind": "web_server", "workers": 64, "service_ms": 2.0, "queue_limit": 1000},
             {"id": "cache1", "kind": "cache", "capacity": 500},
             {"id": "db1", "kind": "db_primary", "workers": 64, "service_ms": 1.0, "queue_limit": 1000}]
    links = [("users", "web1", 1.0), ("web1", "db1", 1.0), ("web1", "cache1", 1.0), ("cache1", "db1", 1.0)]
    sc = make_scenario(nodes, links, {"rate": 400.0, "read_ratio": read_ratio, "keys": 5000, "key_skew": 0.9})
    sim = Simulation(sc, plans=False)
    sim.run_until(30.0)
    cache = sim.by_id["cache1"]
    h0, m0 = cache.hits, cache.misses
    sim.run_until(80.0)
    measured = (cache.hits - h0) / (cache.hits - h0 + cache.misses - m0)
    assert measured == pytest.approx(tc.che_estimate(5000, 0.9, 500, read_ratio), abs=0.015)


def test_che_time_and_the_hit_ratio_of_nothing():
    assert tc.che_time_s(100, 1.0, 100, 1.0, 50.0) == np.inf
    assert tc.measured_hit_ratio([]) is None
    assert tc.predicted_db_reads(Caching(span_s=None, keys=10, key_skew=0.0, read_ratio=1.0, read_share=1.0,
                                         generated=None, db_reads=None, stores=())) is None
