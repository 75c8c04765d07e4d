"""The CDN edge and the object store: hits near the users, misses at the origin, a dead edge's
fallback, purge, a load balancer as origin, the report, bad files, and random designs."""

from __future__ import annotations

import copy
import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import make_scenario, run
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from visualizer.i18n import lookup
from visualizer.scenario import ScenarioError, load
from visualizer.sim.commands import (CommandError, Fail, Flush, Purge, Recover, SetRate, SetTtl)
from visualizer.sim.model import Simulation
from visualizer.sim.popularity import che_hit_ratio
from visualizer.sim.report import METER_S
from visualizer.sim.requests import STATIC
from visualizer.sim.snapshot import ON_LINK

ROOT = Path(__file__).resolve().parents[1]
EDGE_MS, ORIGIN_MS, ENTRY_MS = 5.0, 30.0, 40.0


def edge_design(origin: str = "store", cdn: dict | None = None, lb: dict | None = None,
                **traffic) -> object:
    """users -> cdn -> origin (an object store, a web server or a load balancer over two web
    servers), and users -> lb for the dynamic requests."""
    nodes = [{"id": "users", "kind": "client"},
             {"id": "cdn", "kind": "cdn", "service_dist": "const", **(cdn or {})},
             {"id": "lb", "kind": "load_balancer", "health_check_ms": 200.0, **(lb or {})},
             {"id": "web1", "kind": "web_server", "workers": 16, "service_ms": 10.0},
             {"id": "web2", "kind": "web_server", "workers": 16, "service_ms": 10.0}]
    links = [("users", "cdn", EDGE_MS), ("users", "lb", ENTRY_MS), ("lb", "web1", 1.0),
             ("lb", "web2", 1.0), ("cdn", origin, ORIGIN_MS)]
    if origin == "store":
        nodes.append({"id": "store", "kind": "object_store", "workers": 64, "service_ms": 10.0})
    return make_scenario(nodes, links, {"rate": 200.0, "static_ratio": 0.5, "objects": 200,
                                        "object_skew": 1.0, **traffic})


def static_done(sim: Simulation, after: float) -> list:
    """The static requests born after `after` that have finished (of those the model keeps)."""
    return [r for r in sim.finished.values() if r.kind == STATIC and r.t0 > after]


# ---- hits and misses ---------------------------------------------------------------------------

def test_a_hit_costs_the_client_edge_round_trip_and_a_miss_the_trip_to_the_origin():
    sim = run(Simulation(edge_design(cdn={"service_ms": 1.0})), 20.0)
    n_hit, hit_ms, n_origin, origin_ms = sim.stats.static_summary(sim.time)
    assert n_hit > 300 and n_origin > 0
    assert hit_ms == pytest.approx(2 * EDGE_MS + 1.0)        # round trip + service (const 1 ms)
    # a miss also crosses cdn <-> store both ways and waits for the store's service
    assert origin_ms > 2 * EDGE_MS + 2 * ORIGIN_MS + 1.0
    done = [r for r in static_done(sim, 10.0) if r.ok]
    hits = [r for r in done if getattr(r, "edge_hit", False)]
    assert hits and all((r.t_end - r.t0) * 1000 == pytest.approx(2 * EDGE_MS + 1.0) for r in hits)


def test_static_summary_counts_exactly_the_last_closed_seconds():
    sim = run(Simulation(edge_design()), 12.5)
    n_hit, hit_ms, n_origin, origin_ms = sim.stats.static_summary(sim.time)
    k0 = int(sim.time) - METER_S
    span = [r for r in sim.finished.values()
            if r.kind == STATIC and r.ok and k0 <= int(r.t_end) < int(sim.time)]
    hits = [(r.t_end - r.t0) * 1000 for r in span if getattr(r, "edge_hit", False)]
    others = [(r.t_end - r.t0) * 1000 for r in span if not getattr(r, "edge_hit", False)]
    assert (n_hit, n_origin) == (len(hits), len(others))
    assert hit_ms == pytest.approx(sum(hits) / len(hits))
    assert origin_ms == pytest.approx(sum(others) / len(others))


def test_origin_arrivals_are_the_miss_share_of_the_static_rate():
    """Over the same span: the store gets (1 - h)·λ_static, h the edge's hit ratio then, and an
    LRU edge's h is Che's estimate."""
    objects, skew, capacity, rate, share = 2_000, 0.8, 300, 400.0, 0.5
    sc = edge_design(cdn={"capacity": capacity, "ttl_s": 0.0}, rate=rate, static_ratio=share,
                     objects=objects, object_skew=skew)
    sim = Simulation(sc, plans=False)
    sim.run_until(20.0)                                   # warm up: the edge fills
    cdn, store = sim.by_id["cdn"], sim.by_id["store"]
    h0, m0, a0 = cdn.hits, cdn.misses, store.arrivals
    span = 40.0
    sim.run_until(20.0 + span)
    hits, misses = cdn.hits - h0, cdn.misses - m0
    h = hits / (hits + misses)
    origin_rate = (store.arrivals - a0) / span
    assert 0.3 < h < 0.8
    assert origin_rate == pytest.approx((1 - h) * rate * share, rel=0.08)
    assert h == pytest.approx(che_hit_ratio(objects, skew, capacity), abs=0.04)
    sim.check_conservation()


def test_every_lookup_is_counted_once_in_the_report_and_the_series():
    sim = run(Simulation(edge_design()), 10.0)
    rep = sim.report()
    node = rep["nodes"]["cdn"]
    assert rep["cdn"] == {"hits": node["hits"], "misses": node["misses"], "hit_ratio": node["hit_ratio"]}
    assert node["held"] <= node["capacity"] and node["held"] <= node["misses"]
    assert rep["nodes"]["store"]["arrivals"] == node["misses"]
    assert 0.0 < rep["series"][-1]["hit_ratio"] <= 1.0
    assert rep["nodes"]["cdn"]["ip"].startswith("203.0.113.") and rep["nodes"]["store"]["ip"].startswith("203.0.113.")


def test_latency_by_class_has_static_and_dynamic_and_the_edge_is_faster():
    rep = run(Simulation(edge_design()), 10.0).report()
    by_class = rep["latency_ms_by_class"]
    assert set(by_class) == {"static", "dynamic"}
    assert by_class["static"]["p50"] < by_class["dynamic"]["p50"]
    assert by_class["dynamic"]["p50"] > 2 * ENTRY_MS


# ---- a dead edge, purge, TTL -----------------------------------------------------------------------

def test_a_dead_edge_costs_fallback_ms_then_the_origin_answers():
    fallback = 700.0
    sim = run(Simulation(edge_design("lb", cdn={"fallback_ms": fallback})), 5.0)
    assert len(sim.by_id["cdn"].store) > 0
    sim.apply(Fail("cdn"))
    assert len(sim.by_id["cdn"].store) == 0                   # an edge that goes down forgets
    run(sim, 10.0)
    late = [r for r in static_done(sim, 5.0 + 0.01)]
    assert len(late) > 300 and all(r.ok for r in late)
    assert min((r.t_end - r.t0) * 1000 for r in late) >= fallback + 2 * ENTRY_MS
    assert sim.report()["nodes"]["cdn"]["fallbacks"] >= len(late)
    sim.apply(Recover("cdn"))
    run(sim, 14.0)
    assert all((r.t_end - r.t0) * 1000 < fallback for r in static_done(sim, 10.1))


def test_a_fallback_given_up_by_the_client_times_out_once():
    sim = run(Simulation(edge_design(cdn={"fallback_ms": 5_000.0}, timeout_ms=1_000.0)), 2.0)
    sim.apply(Fail("cdn"))
    run(sim, 9.0)
    assert sim.report()["requests"]["failed"]["timeout"] > 200


def test_purge_brings_a_burst_of_misses():
    sim = run(Simulation(edge_design(objects=100)), 10.0)
    cdn = sim.by_id["cdn"]
    m0 = cdn.misses
    run(sim, 11.0)
    before = cdn.misses - m0
    sim.apply(Purge("cdn"))
    assert len(cdn.store) == 0 and sim.events[-1].event == "purge"
    m1 = cdn.misses
    run(sim, 12.0)
    assert cdn.misses - m1 > 10 * max(1, before)
    rows = sim.report()["series"]
    assert rows[11]["hit_ratio"] < rows[10]["hit_ratio"] - 0.2


def test_set_ttl_expires_files_and_the_menu_offers_purge_and_ttl():
    sim = run(Simulation(edge_design(objects=50)), 5.0)
    menu = sim.actions_for("cdn")
    assert Purge("cdn") in menu and SetTtl("cdn", 7200.0) in menu and SetTtl("cdn", 1800.0) in menu
    sim.apply(SetTtl("cdn", 1.0))
    run(sim, 12.0)
    assert sim.by_id["cdn"].store.expired > 50
    for cmd in (Purge("web1"), Flush("cdn"), SetTtl("cdn", -1.0)):
        with pytest.raises(CommandError):
            sim.apply(cmd)
    sim.apply(Fail("cdn"))
    assert sim.actions_for("cdn") == [Recover("cdn")]


# ---- a load balancer as origin --------------------------------------------------------------------

def test_a_load_balancer_origin_keeps_conservation_and_its_counts_return_to_zero():
    sc = edge_design("lb", lb={"algorithm": "least_connections", "retries": 1},
                     cdn={"capacity": 20}, rate=300.0, objects=500)
    sim = Simulation(sc)
    lb = sim.by_id["lb"]
    for t in (3.0, 6.0, 9.0):
        sim.run_until(t)
        sim.check_conservation()
        assert sum(b.active for b in lb.backends) <= len(sim.live)
    sim.apply(Fail("web1"))                                   # refused fetches are retried on web2
    sim.run_until(12.0)
    sim.apply(Recover("web1"))
    sim.run_until(15.0)
    sim.apply(SetRate(0.0))
    sim.run_until(20.0)
    sim.check_conservation()
    assert not sim.live and [b.active for b in lb.backends] == [0, 0]
    rep = sim.report()
    assert rep["nodes"]["lb"]["arrivals"] > rep["nodes"]["cdn"]["misses"] > 1000
    assert set(rep["requests"]["failed"]) <= {"node_down"}


def test_a_fetch_through_the_balancer_comes_back_through_it():
    sim = run(Simulation(edge_design("lb", cdn={"capacity": 0})), 3.0)
    idx = {n.id: n.idx for n in sim.nodes}
    miss = next(r for r in static_done(sim, 0.0) if r.ok)
    back = [(a, b) for _t0, _t1, a, b, phase, fwd in miss.plan if phase == ON_LINK and not fwd]
    web = back[0][0]
    assert back == [(web, idx["lb"]), (idx["lb"], idx["cdn"]), (idx["cdn"], idx["users"])]
    assert sim.by_id["lb"].backend(sim.nodes[web]) is not None


# ---- what the window shows -------------------------------------------------------------------------

def test_the_card_and_facts_of_an_edge():
    sim = run(Simulation(edge_design()), 5.0)
    view = next(n for n in sim.snapshot().nodes if n.id == "cdn")
    assert set(view.extra) == {"hit_ratio", "hit_ratio_total", "fill", "ttl_s", "origin"}
    assert view.extra["origin"] == "store" and view.extra["ttl_s"] == "3600"
    assert view.extra["hit_ratio"].endswith("%") and view.extra["fill"].endswith("/1000")
    assert all(lookup(f"extra.{k}") is not None for k in view.extra)
    assert (ROOT / "assets" / "icons" / "cdn.png").exists() and (ROOT / "assets" / "icons" / "object_store.png").exists()


# ---- bad files ---------------------------------------------------------------------------------------

BASE = (ROOT / "scenarios" / "load-balancer.toml").read_text()
CDN = '\n[[nodes]]\nid = "cdn"\nkind = "cdn"\n{extra}\n'
STORE = '\n[[nodes]]\nid = "{id}"\nkind = "object_store"\n'


def link(a: str, b: str) -> str:
    return f'\n[[links]]\nfrom = "{a}"\nto = "{b}"\n'


@pytest.mark.parametrize("text, key, problem", [
    (CDN.format(extra="") + STORE.format(id="s1") + STORE.format(id="s2")
     + link("users", "cdn") + link("cdn", "s1") + link("cdn", "s2"),
     "nodes[cdn]", "fetches from exactly one origin"),
    (CDN.format(extra="") + link("users", "cdn"), "nodes[cdn]", "it has none"),
    (CDN.format(extra="capacity = -1") + link("users", "cdn") + link("cdn", "lb"),
     "nodes[cdn].capacity", "greater than or equal to 0"),
    (CDN.format(extra="fallback_ms = -5") + link("users", "cdn") + link("cdn", "lb"),
     "nodes[cdn].fallback_ms", "greater than or equal to 0"),
    (CDN.format(extra="") + link("users", "cdn") + link("cdn", "web1"),
     "links[cdn -> web1]", "behind a load balancer"),
    (CDN.format(extra="") + link("users", "cdn") + link("cdn", "users"),
     "links[cdn -> users]", "'users' is a client"),
    (CDN.format(extra="") + link("lb", "cdn") + link("cdn", "lb"),
     "links[lb -> cdn]", "only clients link to a CDN edge"),
    (CDN.format(extra="") + CDN.replace('"cdn"\nkind', '"cdn2"\nkind').format(extra="")
     + link("users", "cdn") + link("users", "cdn2") + link("cdn", "lb") + link("cdn2", "lb"),
     "nodes[users]", "links to 2 CDN edges"),
    (STORE.format(id="s1") + link("lb", "s1"), "links[lb -> s1]", "only CDN edges fetch from"),
])
def test_bad_designs_name_the_key(tmp_path: Path, text: str, key: str, problem: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(BASE + text)
    with pytest.raises(ScenarioError) as info:
        load(path)
    assert info.value.key == key and problem in info.value.problem
    assert str(path) in str(info.value) and "\n" not in str(info.value)


@pytest.mark.parametrize("text, key", [
    (CDN.format(extra="") + STORE.format(id="s1") + STORE.format(id="s2")
     + link("users", "cdn") + link("cdn", "s1") + link("cdn", "s2"), "nodes[cdn]"),
    (CDN.format(extra="capacity = -1") + link("users", "cdn") + link("cdn", "lb"), "nodes[cdn].capacity"),
], ids=["two-origins", "negative-capacity"])
def test_the_cli_says_one_line_naming_file_and_key_and_exits_2(tmp_path: Path, text: str, key: str) -> None:
    path = tmp_path / "mine.toml"
    path.write_text(BASE + text)
    env = {**os.environ, "SDL_VIDEODRIVER": "dummy", "SDL_AUDIODRIVER": "dummy"}
    out = subprocess.run([sys.executable, str(ROOT / "main.py"), "--check-scenario", str(path)],
                         cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 2 and out.stdout == "" and "Traceback" not in out.stderr
    lines = [ln for ln in out.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and f"{path}: {key}: " in lines[0]


def test_a_good_design_with_an_edge_checks_clean(tmp_path: Path) -> None:
    path = tmp_path / "good.toml"
    path.write_text(BASE + CDN.format(extra="ttl_s = 0") + link("users", "cdn") + link("cdn", "lb"))
    assert load(path).node("cdn").ttl_s == 0


# ---- random designs: conservation and determinism -------------------------------------------------

EXAMPLES = int(os.environ.get("SIM_EXAMPLES", "15"))


def random_design(origin: str, with_cache: bool, capacity: int, ttl: float, fallback: float,
                  static: float, seed: int) -> object:
    nodes = [{"id": "users", "kind": "client"},
             {"id": "cdn", "kind": "cdn", "capacity": capacity, "ttl_s": ttl, "fallback_ms": fallback,
              "workers": 4, "queue_limit": 10},
             {"id": "lb", "kind": "load_balancer", "health_check_ms": 200.0, "retries": 1,
              "algorithm": "least_connections"},
             {"id": "web1", "kind": "web_server", "workers": 4, "service_ms": 5.0},
             {"id": "web2", "kind": "web_server", "workers": 4, "service_ms": 5.0},
             {"id": "db", "kind": "db_primary", "workers": 4, "service_ms": 2.0},
             {"id": "store", "kind": "object_store", "workers": 4, "service_ms": 5.0}]
    links = [("users", "cdn", 2.0), ("users", "lb", 10.0), ("lb", "web1", 1.0), ("lb", "web2", 1.0),
             ("web1", "db", 1.0), ("web2", "db", 1.0), ("cdn", origin, 8.0)]
    if origin != "store":
        nodes.pop()
    if origin == "web3":                  # a web server of its own, on the internet side
        nodes.append({"id": "web3", "kind": "web_server", "workers": 4, "service_ms": 5.0})
    if with_cache:
        nodes.append({"id": "cache", "kind": "cache", "capacity": capacity, "ttl_s": ttl, "workers": 4})
        links += [("web1", "cache", 1.0), ("web2", "cache", 1.0), ("cache", "db", 1.0)]
    return make_scenario(nodes, links, {"rate": 150.0, "static_ratio": static, "objects": 60,
                                        "object_skew": 1.0, "keys": 60, "key_skew": 1.0,
                                        "timeout_ms": 800.0}, seed=seed)


TARGETS = ["cdn", "cache", "web1", "store", "lb"]
commands = st.lists(st.tuples(
    st.integers(1, 100),
    st.one_of(st.builds(Fail, st.sampled_from(TARGETS)), st.builds(Recover, st.sampled_from(TARGETS)),
              st.builds(Purge, st.sampled_from(["cdn", "cache"])),
              st.builds(Flush, st.sampled_from(["cdn", "cache"])),
              st.builds(SetTtl, st.sampled_from(["cdn", "cache"]), st.sampled_from([0.0, 0.5, 3.0])))),
    max_size=8)


def play(sim: Simulation, steps: list) -> Simulation:
    t = 0.0
    for cs, cmd in steps:
        t += cs / 100.0
        sim.run_until(t)
        sim.check_conservation()
        try:
            sim.apply(cmd)
        except CommandError as err:
            assert "\n" not in str(err)
        sim.check_conservation()
    sim.run_until(max(t, 4.0) + 1.0)
    sim.check_conservation()
    return sim


@settings(max_examples=EXAMPLES, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.sampled_from(["lb", "web3", "store"]), st.booleans(), st.integers(0, 40),
       st.sampled_from([0.0, 0.5, 5.0]), st.floats(0.0, 1500.0), st.floats(0.0, 1.0),
       st.integers(0, 2**32 - 1), commands)
def test_random_designs_with_edges_and_caches_conserve_and_repeat(origin, with_cache, capacity, ttl,
                                                                   fallback, static, seed, steps):
    sc = random_design(origin, with_cache, capacity, ttl, fallback, static, seed)
    a = play(Simulation(sc), steps)
    b = play(Simulation(sc), steps)
    assert json.dumps(a.report(), sort_keys=True) == json.dumps(b.report(), sort_keys=True)
    twin = copy.deepcopy(a)
    for s in (a, twin):
        s.apply(SetRate(0.0))
        s.run_until(s.time + 2.0)          # past every deadline: nothing is left in flight
        s.check_conservation()
        assert not s.live
        assert all(bk.active == 0 for bk in s.by_id["lb"].backends)
    assert json.dumps(a.report(), sort_keys=True) == json.dumps(twin.report(), sort_keys=True)
    n_hit, hit_ms, n_origin, origin_ms = a.stats.static_summary(a.time)
    assert n_hit >= 0 and n_origin >= 0 and (n_hit == 0) == math.isnan(hit_ms)


def test_the_cdn_card_rates_count_only_the_seconds_that_closed():
    """Two seconds in, the static rate is over 2 s, not 5: the card says so."""
    from visualizer.sim.caching_view import caching
    from visualizer.theory_cache import static_figures

    sim = run(Simulation(edge_design()), 2.5)
    c = caching(sim)
    assert c.static_span_s == 2.0
    h, _mean, rate = static_figures(c)
    n_hit, _, n_origin, _ = c.static
    assert rate == pytest.approx((n_hit + n_origin) / 2.0)
