"""The cache tier: hit ratios against Che's approximation, policies, failure, writes and TTL."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import make_scenario, run

from visualizer.sim.commands import AddCache, Fail, Flush, Recover, SetTtl
from visualizer.sim.keystore import KeyStore
from visualizer.sim.model import Simulation
from visualizer.sim.popularity import Zipf, che_hit_ratio
from visualizer.sim.ring import HashRing

ROOT = Path(__file__).resolve().parent.parent


def cached(n_caches: int = 1, cache: dict | None = None, replicas: int = 0, **traffic: Any):
    """users -> web1 -> cache(s) -> db (+ replicas); web1 also links to the databases."""
    caches = ["cache"] if n_caches == 1 else [f"cache{i + 1}" for i in range(n_caches)]
    reps = [f"replica{i + 1}" for i in range(replicas)]
    dbs = ["db"] + reps
    nodes = ([{"id": "users", "kind": "client"},
              {"id": "web1", "kind": "web_server", "workers": 128, "service_ms": 1.0,
               "queue_limit": 1000},
              {"id": "db", "kind": "db_primary", "workers": 64, "service_ms": 1.0, "queue_limit": 1000}]
             + [{"id": r, "kind": "db_replica", "workers": 64, "service_ms": 1.0, "lag_ms": 100.0}
                for r in reps]
             + [{"id": c, "kind": "cache", **(cache or {})} for c in caches])
    links = ([("users", "web1", 10.0)] + [("web1", d, 1.0) for d in dbs]
             + [("web1", c, 1.0) for c in caches] + [(c, d, 1.0) for c in caches for d in dbs]
             + [("db", r, 1.0) for r in reps])
    tr = {"rate": 1000.0, "read_ratio": 1.0, "keys": 10_000, "key_skew": 1.0, **traffic}
    return make_scenario(nodes, links, tr)


def lookups(sim: Simulation) -> tuple[int, int]:
    caches = [n for n in sim.nodes if n.kind == "cache"]
    return sum(c.hits for c in caches), sum(c.misses for c in caches)


def measured_hit_ratio(sim: Simulation, warm_s: float, span_s: float) -> float:
    """The hit ratio over [warm_s, warm_s + span_s]: after warm-up, not since the start."""
    sim.run_until(warm_s)
    h0, m0 = lookups(sim)
    sim.run_until(warm_s + span_s)
    h1, m1 = lookups(sim)
    return (h1 - h0) / ((h1 - h0) + (m1 - m0))


@pytest.mark.parametrize("alpha", [0.8, 1.0, 1.2])
@pytest.mark.parametrize("capacity", [100, 1000])
def test_lru_hit_ratio_after_warm_up_matches_ches_approximation(alpha: float, capacity: int) -> None:
    sim = Simulation(cached(cache={"capacity": capacity}, key_skew=alpha), plans=False)
    h = measured_hit_ratio(sim, 40.0, 60.0)
    assert h == pytest.approx(che_hit_ratio(10_000, alpha, capacity), abs=0.03)


def test_lfu_holds_at_least_as_much_as_lru_and_fifo_at_most() -> None:
    ratio = {}
    for policy in ("lru", "lfu", "fifo"):
        sim = Simulation(cached(cache={"capacity": 200, "eviction": policy}), plans=False)
        ratio[policy] = measured_hit_ratio(sim, 40.0, 40.0)
    assert ratio["lfu"] >= ratio["lru"] - 0.005
    assert ratio["fifo"] <= ratio["lru"] + 0.005
    assert ratio["lfu"] > ratio["fifo"] + 0.02           # the policies really differ here


def db_reads_per_s(sim: Simulation, t0: float, t1: float) -> float:
    sim.run_until(t0)
    r0 = sim.by_id["db"].reads
    sim.run_until(t1)
    return (sim.by_id["db"].reads - r0) / (t1 - t0)


def test_failing_the_cache_multiplies_database_reads_by_one_over_one_minus_h() -> None:
    sim = Simulation(cached(cache={"capacity": 1000}, rate=400.0), plans=False)
    sim.run_until(30.0)
    h0, m0 = lookups(sim)
    before = db_reads_per_s(sim, 30.0, 60.0)
    h1, m1 = lookups(sim)
    h = (h1 - h0) / ((h1 - h0) + (m1 - m0))
    sim.apply(Fail("cache"))
    after = db_reads_per_s(sim, 61.0, 91.0)
    assert after / before == pytest.approx(1.0 / (1.0 - h), rel=0.08)
    assert after == pytest.approx(400.0, rel=0.06)        # every read reaches the database
    sim.check_conservation()


def stale_run(on_write: str, ttl_s: float = 0.0) -> Simulation:
    sc = cached(cache={"capacity": 500, "on_write": on_write, "ttl_s": ttl_s},
                rate=500.0, read_ratio=0.8, keys=1000)
    return run(Simulation(sc), 40.0, dt=2.0)


@pytest.mark.parametrize("on_write", ["invalidate", "update"])
def test_a_cache_that_hears_of_every_write_never_serves_an_old_value(on_write: str) -> None:
    sim = stale_run(on_write)
    cache = sim.by_id["cache"]
    assert cache.hits > 5_000 and cache.stale_hits == 0
    assert sim.report()["stale_reads"] == 0


def test_a_cache_that_ignores_writes_serves_stale_values_no_older_than_its_ttl() -> None:
    sim = stale_run("none", ttl_s=2.0)
    cache = sim.by_id["cache"]
    assert cache.stale_hits > 100
    assert 0.5 < cache.oldest_stale_s <= 2.0
    assert sim.report()["nodes"]["cache"]["expired"] > 0
    assert sim.report()["stale_reads"] == cache.stale_hits     # no replicas: all from the cache


def test_a_longer_ttl_trades_more_hits_for_more_stale_reads() -> None:
    short, long = stale_run("none", ttl_s=0.5), stale_run("none", ttl_s=5.0)
    assert long.by_id["cache"].hits > short.by_id["cache"].hits
    assert long.by_id["cache"].stale_hits > 2 * short.by_id["cache"].stale_hits


def test_losing_one_of_four_caches_loses_only_its_share_of_the_keys() -> None:
    sim = Simulation(cached(n_caches=4, cache={"capacity": 250}, rate=400.0), plans=False)
    before = db_reads_per_s(sim, 30.0, 60.0)
    owned = {c: 0 for c in ("cache1", "cache2", "cache3", "cache4")}
    web = sim.by_id["web1"]
    for key in range(10_000):
        owned[web.cache_for(key).id] += 1
    sim.apply(Fail("cache2"))
    after = db_reads_per_s(sim, 61.0, 91.0)
    others = [sim.by_id[c] for c in ("cache1", "cache3", "cache4")]
    assert all(c.status == "up" and len(c.store) == 250 for c in others)
    assert before < after < 400.0 * 0.9                  # more reach the database, far from all
    assert 0.1 < owned["cache2"] / 10_000 < 0.4


def test_consistent_hashing_moves_only_the_new_caches_share_of_keys() -> None:
    four, five = HashRing(["c1", "c2", "c3", "c4"]), HashRing(["c1", "c2", "c3", "c4", "c5"])
    moved = [k for k in range(10_000) if four.owner(k) != five.owner(k)]
    assert all(five.owner(k) == "c5" for k in moved)
    assert 0.12 < len(moved) / 10_000 < 0.3


def test_add_cache_joins_the_ring_empty_and_warms_up() -> None:
    sim = run(Simulation(cached(cache={"capacity": 500}, rate=400.0)), 10.0, dt=2.0)
    sim.apply(AddCache())
    assert ("add_cache", "cache1") in [(e.event, e.node) for e in sim.events]
    new = sim.by_id["cache1"]
    assert len(new.store) == 0 and "cache1" in sim.by_id["web1"].caches
    run(sim, 20.0, dt=2.0)
    assert new.hits > 0 and len(new.store) > 0


def test_flush_empties_the_cache_and_a_burst_of_misses_follows() -> None:
    sim = run(Simulation(cached(cache={"capacity": 1000}, rate=400.0)), 20.0, dt=2.0)
    sim.apply(Flush("cache"))
    assert len(sim.by_id["cache"].store) == 0
    run(sim, 22.0)
    series = {r["t"]: r["hit_ratio"] for r in sim.report()["series"]}
    assert series[20.0] < series[18.0] - 0.2
    assert ("flush", "cache") in [(e.event, e.node) for e in sim.events]


def test_set_ttl_makes_entries_expire() -> None:
    sim = run(Simulation(cached(cache={"capacity": 1000}, rate=400.0)), 10.0, dt=2.0)
    assert sim.by_id["cache"].store.expired == 0
    sim.apply(SetTtl("cache", 1.0))
    run(sim, 15.0, dt=2.0)
    assert sim.by_id["cache"].store.expired > 100


def test_a_cache_back_from_a_failure_is_empty_and_the_web_tier_uses_it_again() -> None:
    sim = run(Simulation(cached(rate=400.0)), 10.0, dt=2.0)
    sim.apply(Fail("cache"))
    assert len(sim.by_id["cache"].store) == 0
    run(sim, 12.0)
    sim.apply(Recover("cache"))
    hits = sim.by_id["cache"].hits
    run(sim, 20.0, dt=2.0)
    assert sim.by_id["cache"].hits > hits
    assert sum(sim.report()["requests"]["failed"].values()) < 50   # only those caught inside


def test_report_has_cache_keys_and_a_hit_ratio_series() -> None:
    r = run(Simulation(cached(rate=200.0)), 5.0).report()
    node = r["nodes"]["cache"]
    for key in ("hits", "misses", "hit_ratio", "evictions", "expired"):
        assert key in node
    assert r["cache"]["hits"] == node["hits"] and 0 < r["cache"]["hit_ratio"] < 1
    assert all(0 <= row["hit_ratio"] <= 1 for row in r["series"] if row["hit_ratio"] is not None)


def test_same_seed_same_run_with_a_cache() -> None:
    a = run(Simulation(cached(n_caches=2, rate=300.0, read_ratio=0.8)), 10.0).report()
    b = run(Simulation(cached(n_caches=2, rate=300.0, read_ratio=0.8)), 10.0).report()
    assert a == b


def test_zipf_draws_follow_the_law() -> None:
    z = Zipf(100, 1.0)
    n = 100_000
    counts = [0] * 100
    for i in range(n):
        counts[z.item((i + 0.5) / n)] += 1
    assert counts[0] / n == pytest.approx(1 / sum(1 / k for k in range(1, 101)), rel=0.01)
    assert counts[0] > counts[1] > counts[9] > counts[99]


@pytest.mark.parametrize("policy, evicted", [("lru", 2), ("lfu", 3), ("fifo", 1)])
def test_each_policy_evicts_its_own_victim(policy: str, evicted: int) -> None:
    s = KeyStore(3, policy, 0.0)
    for k in (1, 2, 3):
        s.put(k, 0, 0.0)
    for k in (1, 1, 2, 2, 2, 3, 1):      # last used: 2, 3, 1; uses: 1 x4, 2 x4, 3 x2; stored 1 first
        s.get(k, 0.0)
    s.put(4, 0, 0.0)
    assert set(s.keys()) == {1, 2, 3, 4} - {evicted} and s.evictions == 1


def test_a_bad_cache_value_is_one_line_naming_the_key(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[meta]\nname = "x"\ntitle = { en = "x", ko = "x" }\n'
                   '[[nodes]]\nid = "users"\nkind = "client"\n'
                   '[[nodes]]\nid = "web1"\nkind = "web_server"\n'
                   '[[nodes]]\nid = "cache"\nkind = "cache"\neviction = "random"\n'
                   '[[links]]\nfrom = "users"\nto = "web1"\n')
    out = subprocess.run([sys.executable, str(ROOT / "main.py"), "--check-scenario", str(bad)],
                         capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 2
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and "bad.toml" in lines[0] and "eviction" in lines[0]


def test_switching_off_invalidation_lets_stale_values_through() -> None:
    from visualizer.sim.commands import SetOnWrite

    sim = stale_run("invalidate")
    assert sim.by_id["cache"].stale_hits == 0
    sim.apply(SetOnWrite("cache", "none"))
    assert ("set_on_write", "cache") in [(e.event, e.node) for e in sim.events]
    run(sim, 50.0, dt=2.0)
    assert sim.by_id["cache"].stale_hits > 100
