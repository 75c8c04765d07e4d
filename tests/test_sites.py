"""Data centres: a geo DNS sends users to their own site, fails over late, and TTLs hold users back."""

from __future__ import annotations

import hashlib
import json
import math
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import META, run
from hypothesis import given
from hypothesis import strategies as st
from test_sim_properties import SETTINGS, play, report_json, timed

from visualizer.scenario import check_references, load
from visualizer.schema import Scenario, scenario_model
from visualizer.sim.commands import CommandError, Fail, FailSite, Recover, RecoverSite
from visualizer.sim.model import Simulation

ROOT = Path(__file__).resolve().parent.parent
SITES = [{"id": "seoul", "title": {"en": "Seoul", "ko": "서울"}},
         {"id": "busan", "title": {"en": "Busan", "ko": "부산"}}]
LOCAL_MS, CROSS_MS = 10.0, 40.0          # users -> their own site's entry point, -> the other's


def with_sites(nodes: list[dict], links: list[tuple], traffic: dict, **meta: Any) -> Scenario:
    data = {"meta": {**META, **meta}, "traffic": traffic, "sites": SITES, "nodes": nodes,
            "links": [{"from": a, "to": b, "latency_ms": float(lat)} for a, b, lat in links]}
    sc = scenario_model().model_validate(data)
    check_references(sc, "<test>")
    return sc


def two_sites(ttl: float = 10.0, hc_ms: float = 500.0, db: bool = False, lag_ms: float = 500.0,
              **traffic: Any) -> Scenario:
    """Seoul and Busan, each with users, a load balancer and a web server; a geo DNS in neither.
    With `db`: the primary in Seoul, a replica in Busan lag_ms behind; Busan's web server writes
    across to Seoul and reads its own replica."""
    nodes: list[dict] = [{"id": "dns", "kind": "dns", "policy": "geo", "points_to": ["lb_seoul", "lb_busan"],
                          "ttl_s": ttl, "health_check_ms": hc_ms, "unhealthy_after": 2, "healthy_after": 2}]
    links: list[tuple] = []
    for here, there in (("seoul", "busan"), ("busan", "seoul")):
        nodes += [{"id": f"users_{here}", "kind": "client", "site": here},
                  {"id": f"lb_{here}", "kind": "load_balancer", "site": here, "health_check_ms": 500.0},
                  {"id": f"web_{here}", "kind": "web_server", "site": here, "workers": 64,
                   "service_ms": 5.0, "queue_limit": 1000}]
        links += [(f"users_{here}", "dns", 5.0), (f"users_{here}", f"lb_{here}", LOCAL_MS),
                  (f"users_{here}", f"lb_{there}", CROSS_MS), (f"lb_{here}", f"web_{here}", 1.0)]
    if db:
        nodes += [{"id": "db", "kind": "db_primary", "site": "seoul", "workers": 32, "service_ms": 2.0,
                   "queue_limit": 1000, "failover_ms": 3000.0},
                  {"id": "replica_busan", "kind": "db_replica", "site": "busan", "workers": 32,
                   "service_ms": 2.0, "queue_limit": 1000, "lag_ms": lag_ms}]
        links += [("web_seoul", "db", 1.0), ("web_busan", "db", 30.0), ("web_busan", "replica_busan", 1.0),
                  ("db", "replica_busan", 30.0)]
    return with_sites(nodes, links, {"rate": 400.0, "clients": 400, **traffic})


def lb_arrivals(sim: Simulation) -> dict[str, int]:
    return {s: sim.by_id[f"lb_{s}"].arrivals for s in ("seoul", "busan")}


def user_arrivals(sim: Simulation) -> dict[str, int]:
    return {s: sim.by_id[f"users_{s}"].arrivals for s in ("seoul", "busan")}


def delta(after: dict[str, int], before: dict[str, int]) -> dict[str, int]:
    return {k: after[k] - before[k] for k in after}


def event_time(sim: Simulation, event: str, node: str) -> float:
    return next(e.t for e in sim.events if e.event == event and e.node == node)


def median_ms(sim: Simulation, site: str, since: float) -> float:
    """Median latency of the answered requests of `site`'s users sent after `since` (among the
    recent finished requests the model keeps)."""
    done = [r for r in sim.finished.values() if r.ok and r.t0 > since and r.route[0].site == site]
    assert len(done) > 200
    return statistics.median((r.t_end - r.t0) * 1000.0 for r in done)


# ---- the geo DNS ------------------------------------------------------------------------------------

def test_a_geo_dns_sends_each_sites_users_to_their_own_site() -> None:
    sim = run(Simulation(two_sites()), 5.0)
    lb0, u0 = lb_arrivals(sim), user_arrivals(sim)
    run(sim, 15.0)
    lb, users = delta(lb_arrivals(sim), lb0), delta(user_arrivals(sim), u0)
    assert users["seoul"] > 1500 and users["busan"] > 1500
    for site in ("seoul", "busan"):
        assert abs(lb[site] - users[site]) <= 5            # only requests in flight at the edges
    assert median_ms(sim, "seoul", 5.0) == pytest.approx(2 * LOCAL_MS + 7.0, abs=5.0)


def test_fail_site_failures_stop_by_detection_plus_ttl_plus_timeout_and_users_cross_over() -> None:
    ttl, hc, t_fail = 10.0, 500.0, 20.0
    sim = Simulation(two_sites(ttl=ttl, hc_ms=hc))
    run(sim, t_fail)
    sim.apply(FailSite("seoul"))
    run(sim, 50.0)
    detect = 2 * hc / 1000.0 + hc / 1000.0                 # unhealthy_after probes, plus one interval
    timeout = sim.timeout_s
    quiet_from = math.ceil(t_fail + detect + ttl + timeout + 1.0)
    rows = sim.report()["series"]
    failed = {int(r["t"]): r["failed_seoul"] for r in rows}
    assert sum(failed[k] for k in range(int(t_fail), quiet_from)) > 100    # users went to the dead site
    assert all(failed[k] == 0 for k in range(quiet_from, 50))
    assert all(r["failed_busan"] == 0 for r in rows)
    assert t_fail < event_time(sim, "dns_failover", "seoul") <= t_fail + detect
    # Seoul's users are answered in Busan: the cross-site trip, both ways, instead of the local one
    gap = median_ms(sim, "seoul", quiet_from) - median_ms(sim, "busan", quiet_from)
    assert gap == pytest.approx(2 * (CROSS_MS - LOCAL_MS), abs=6.0)


def holders(sim: Simulation, entry: str) -> int:
    """Users of Seoul whose DNS answer is still good and names `entry`: where they go next."""
    client = sim.by_id["users_seoul"]
    now = sim.time
    return sum(1 for user, until in client.dns_cache.items()
               if until > now and client.told[user].id == entry)


def test_the_share_still_sent_to_a_dead_site_falls_like_one_minus_t_over_ttl() -> None:
    # Each user sends a request every 4 s on average, so answers are renewed at scattered times
    # and their expiries are spread evenly over the TTL by the time the site fails.
    ttl = 8.0
    sim = Simulation(two_sites(ttl=ttl, rate=1000.0, clients=4000), plans=False)
    sim.run_until(60.0)
    sim.apply(FailSite("seoul"))
    while not any(e.event == "dns_failover" for e in sim.events):
        sim.run_until(sim.time + 0.5)                      # the probes' times: stops right at it
    t_d = sim.time
    at_detection = holders(sim, "lb_seoul")
    assert at_detection > 1000
    for frac in (0.25, 0.5, 0.75):
        sim.run_until(t_d + frac * ttl)
        share = holders(sim, "lb_seoul") / at_detection
        assert share == pytest.approx(1.0 - frac, abs=0.15 * (1.0 - frac)), frac
    sim.run_until(t_d + ttl + 0.01)
    assert holders(sim, "lb_seoul") == 0


def test_recover_site_brings_its_users_back_after_detection_and_ttl() -> None:
    ttl, hc = 6.0, 500.0
    sim = Simulation(two_sites(ttl=ttl, hc_ms=hc))
    run(sim, 10.0)
    sim.apply(FailSite("seoul"))
    run(sim, 30.0)
    sim.apply(RecoverSite("seoul"))
    lb0 = lb_arrivals(sim)
    run(sim, 30.9)                                         # the DNS has not seen it back yet
    assert delta(lb_arrivals(sim), lb0)["seoul"] == 0
    run(sim, 30.0 + 3 * hc / 1000.0)
    back = event_time(sim, "dns_failback", "seoul")
    assert 30.0 < back <= 30.0 + 3 * hc / 1000.0
    run(sim, back + ttl + 1.0)
    lb0, u0 = lb_arrivals(sim), user_arrivals(sim)
    run(sim, back + ttl + 6.0)
    lb, users = delta(lb_arrivals(sim), lb0), delta(user_arrivals(sim), u0)
    assert abs(lb["seoul"] - users["seoul"]) <= 5 and abs(lb["busan"] - users["busan"]) <= 5
    assert [e.event for e in sim.events if e.node == "seoul"] == \
        ["site_down", "dns_failover", "site_up", "dns_failback"]


def test_a_cross_site_failover_loses_about_write_rate_times_lag() -> None:
    lag_ms, t_fail = 500.0, 20.0
    sim = Simulation(two_sites(db=True, lag_ms=lag_ms, rate=1000.0, read_ratio=0.6), plans=False)
    cluster = sim.by_id["db"].cluster
    sim.run_until(t_fail - 10.0)
    c0 = cluster.committed
    sim.run_until(t_fail)
    write_rate = (cluster.committed - c0) / 10.0
    sim.apply(FailSite("seoul"))
    sim.run_until(45.0)
    rep = sim.report()
    assert ("promote", "replica_busan") in [(e.event, e.node) for e in sim.events]
    assert write_rate > 300
    assert rep["lost_writes_total"] == pytest.approx(write_rate * lag_ms / 1000.0, rel=0.3)
    # once Busan's replica is the primary and every answer has expired, every request succeeds
    assert all(r["failed"] == 0 for r in rep["series"] if r["t"] >= 36.0)
    assert rep["nodes"]["replica_busan"]["role"] == "primary"
    sim.apply(RecoverSite("seoul"))
    sim.run_until(60.0)
    assert sim.by_id["db"].role == "replica"               # the old primary rejoins as a replica


# ---- the report and the snapshot --------------------------------------------------------------------

def test_the_report_gives_each_sites_users_their_own_figures() -> None:
    sim = run(Simulation(two_sites()), 12.0)
    sim.apply(FailSite("busan"))
    run(sim, 20.0)
    rep = sim.report()
    sites = rep["sites"]
    assert list(sites) == ["seoul", "busan"]
    assert sites["seoul"]["title"] == {"en": "Seoul", "ko": "서울"} and sites["busan"]["status"] == "down"
    assert sum(s["arrivals"] for s in sites.values()) == rep["requests"]["generated"]
    for s in sites.values():
        assert s["arrivals"] == s["completed"] + s["failed"] + s["in_flight"]
        assert s["latency_ms"]["p50"] <= s["latency_ms"]["p95"] <= s["latency_ms"]["p99"]
    assert sites["seoul"]["failed"] == 0 and sites["busan"]["failed"] > 0
    assert sites["busan"]["latency_ms"]["p99"] > sites["seoul"]["latency_ms"]["p99"] + 40
    for row in rep["series"]:
        assert row["completed"] == row["completed_seoul"] + row["completed_busan"]
        assert row["failed"] == row["failed_seoul"] + row["failed_busan"]


def test_the_snapshot_shows_sites_and_what_the_dns_believes() -> None:
    sim = run(Simulation(two_sites()), 3.0)
    snap = sim.snapshot()
    assert {n.id: n.site for n in snap.nodes}["web_busan"] == "busan"
    assert [(s.id, s.title_ko, s.status, s.entry, s.dns_healthy) for s in snap.sites] == \
        [("seoul", "서울", "up", "lb_seoul", True), ("busan", "부산", "up", "lb_busan", True)]
    sim.apply(FailSite("seoul"))
    seoul = sim.snapshot().sites[0]
    assert seoul.status == "down" and seoul.dns_healthy is True     # not noticed yet
    run(sim, 5.0)
    assert sim.snapshot().sites[0].dns_healthy is False
    plain = Simulation(load("combined"))
    plain.run_until(1.0)
    snap = plain.snapshot()
    assert snap.sites == () and all(n.site == "" for n in snap.nodes)


def test_site_commands_are_checked_and_offered_in_the_menu() -> None:
    sim = Simulation(two_sites())
    with pytest.raises(CommandError, match="no site 'jeju'"):
        sim.apply(FailSite("jeju"))
    with pytest.raises(CommandError, match="not down"):
        sim.apply(RecoverSite("seoul"))
    assert FailSite("seoul") in sim.actions_for("web_seoul")
    sim.apply(FailSite("seoul"))
    with pytest.raises(CommandError, match="already down"):
        sim.apply(FailSite("seoul"))
    assert RecoverSite("seoul") in sim.actions_for("lb_seoul")
    assert all(sim.by_id[n].status == "down" for n in ("lb_seoul", "web_seoul"))
    assert sim.by_id["users_seoul"].status == "up"          # the users are not in the data centre
    with pytest.raises(CommandError, match="no site"):
        Simulation(load("combined")).apply(FailSite("web1"))


def test_a_timeline_may_fail_and_recover_a_site() -> None:
    sc = two_sites()
    data = sc.model_dump(by_alias=True)
    data["timeline"] = [{"at": 2.0, "action": "fail_site", "node": "busan"},
                        {"at": 4.0, "action": "recover_site", "node": "busan"}]
    sim = run(Simulation(scenario_model().model_validate(data)), 6.0)
    site_events = [(e.t, e.event) for e in sim.events if e.event.startswith("site_")]
    assert site_events == [(2.0, "site_down"), (4.0, "site_up")]


# ---- nothing changes without sites, and the model stays exact with them ------------------------------

# sha256 of each bundled scenario's report after its whole duration, computed at commit 70a6716,
# before sites existed. A deliberate change to the model changes them: recompute then, not before.
DIGESTS = {"combined": "98210e0c2bdeac41af432abd1a766c5b98815d6fbdcdb199f41081805c78137e",
           "cdn": "5efbd1c71c1e21289a8a46c3b41028b510a4ea1f4d4a8c80a4b5c7692c874431",
           "chaos": "bd6f23112565fec459513d7983f2a22a862005b0da804227502f7e4388f00b06"}


@pytest.mark.parametrize("name", sorted(DIGESTS))
def test_without_sites_a_bundled_report_is_unchanged(name: str) -> None:
    sc = load(name)
    sim = Simulation(sc)
    sim.run_until(sc.meta.duration)
    rep = sim.report()
    assert "sites" not in rep and not any("_" in k and k.startswith("completed") for k in rep["series"][0])
    assert hashlib.sha256(json.dumps(rep, sort_keys=True).encode()).hexdigest() == DIGESTS[name]


def flaky_sites() -> Scenario:
    """Two sites with a database across them, nodes that also fail on their own, short TTLs."""
    sc = two_sites(ttl=2.0, hc_ms=300.0, db=True, lag_ms=200.0, rate=150.0, clients=200,
                   timeout_ms=800.0, keys=50)
    data = sc.model_dump(by_alias=True)
    for node in data["nodes"]:
        if node["kind"] in ("web_server", "db_replica"):
            node.update(mtbf_s=6.0, mttr_s=2.0)
    return scenario_model().model_validate(data)


SITE_IDS = ["seoul", "busan", "jeju"]
NODE_IDS = ["lb_seoul", "web_seoul", "web_busan", "db", "replica_busan", "dns", "users_busan"]
site_command = st.one_of(st.builds(FailSite, st.sampled_from(SITE_IDS)),
                         st.builds(RecoverSite, st.sampled_from(SITE_IDS)),
                         st.builds(Fail, st.sampled_from(NODE_IDS)),
                         st.builds(Recover, st.sampled_from(NODE_IDS)))
site_script = st.lists(st.tuples(st.integers(1, 150), site_command), max_size=10)


def site_conservation(sim: Simulation) -> None:
    sim.check_conservation()
    sites = sim.report()["sites"]
    assert sum(s["arrivals"] for s in sites.values()) == sim.stats.generated
    for s in sites.values():
        assert s["arrivals"] == s["completed"] + s["failed"] + s["in_flight"]


@SETTINGS
@given(site_script, st.lists(st.floats(0.0, 8.0), max_size=10))
def test_conservation_with_sites_after_every_step(steps: list, cuts: list) -> None:
    sim = play(Simulation(flaky_sites()), timed(steps), cuts, check=True)
    site_conservation(sim)
    sim.snapshot()


@SETTINGS
@given(site_script, st.integers(0, 2**32 - 1), st.lists(st.floats(0.0, 8.0), max_size=10))
def test_same_seed_same_report_with_sites_however_the_run_is_cut(steps: list, seed: int, cuts: list) -> None:
    a = play(Simulation(flaky_sites(), seed=seed), timed(steps))
    b = play(Simulation(flaky_sites(), seed=seed), timed(steps), cuts)
    assert report_json(a) == report_json(b)
    assert a.events == b.events


def test_time_travel_with_sites_replays_the_same_run() -> None:
    from visualizer.timeline import Timeline

    tl = Timeline(lambda: Simulation(two_sites(ttl=2.0)), every_events=500)
    tl.step(3.0)
    tl.apply(FailSite("seoul"))
    tl.step(4.0)
    end, expected = tl.time, json.dumps(tl.sim.report(), sort_keys=True)
    tl.seek(1.5)
    tl.seek(end)
    assert json.dumps(tl.sim.report(), sort_keys=True) == expected


# ---- bad scenario files: one line naming the file and the key, exit 2 ----------------------------------

GOOD = """[meta]
name = "x"
title = { en = "x", ko = "x" }
[[sites]]
id = "seoul"
title = { en = "Seoul", ko = "서울" }
[[sites]]
id = "busan"
title = { en = "Busan", ko = "부산" }
[[nodes]]
id = "users"
kind = "client"
site = "seoul"
[[nodes]]
id = "dns"
kind = "dns"
policy = "geo"
points_to = ["web1", "web2"]
[[nodes]]
id = "web1"
kind = "web_server"
site = "seoul"
[[nodes]]
id = "web2"
kind = "web_server"
site = "busan"
[[links]]
from = "users"
to = "dns"
[[links]]
from = "users"
to = "web1"
[[links]]
from = "users"
to = "web2"
latency_ms = 40
"""


def check_file(tmp_path: Path, text: str) -> subprocess.CompletedProcess:
    path = tmp_path / "bad.toml"
    path.write_text(text)
    return subprocess.run([sys.executable, str(ROOT / "main.py"), "--check-scenario", str(path)],
                          capture_output=True, text=True, cwd=ROOT)


def test_the_good_file_passes_and_a_claim_may_name_a_site(tmp_path: Path) -> None:
    beat = ('[[timeline]]\nat = 1\naction = "fail_site"\nnode = "busan"\n'
            '[[timeline.expect]]\ncheck = "event"\nevent = "dns_failover"\nnode = "busan"\n')
    out = check_file(tmp_path, GOOD + beat)
    assert out.returncode == 0, out.stderr


@pytest.mark.parametrize("old, new, key, problem", [
    ('kind = "web_server"\nsite = "busan"', 'kind = "web_server"\nsite = "daegu"', "nodes[web2].site",
     "unknown site 'daegu'"),
    ('kind = "client"\nsite = "seoul"', 'kind = "client"', "nodes[users].site", "a client needs a site"),
    ('policy = "geo"', 'policy = "nearest"', "nodes[dns].policy", "'single' or 'geo'"),
    ('points_to = ["web1", "web2"]', 'points_to = ["web1", "web2"]\n[[timeline]]\nat = 1\n'
     'action = "fail_site"\nnode = "web1"', "timeline[0].node", "unknown site 'web1'"),
    ('site = "busan"', 'site = "seoul"', "nodes[dns].points_to", "both in site 'seoul'"),
    ('policy = "geo"', 'policy = "single"', "nodes[dns].points_to", "hands out one entry point"),
    ('id = "busan"', 'id = "busan"\ntitel = "Busan"', "sites[busan].titel", "did you mean 'title'"),
    ('from = "users"\nto = "web2"', 'from = "web2"\nto = "users"', "nodes[users]", "no link to 'web2'"),
    ('kind = "dns"', 'kind = "dns"\nsite = "jeju"', "nodes[dns].site", "unknown site 'jeju'"),
])
def test_a_bad_site_value_is_one_line_naming_the_file_and_the_key(tmp_path: Path, old: str, new: str,
                                                                    key: str, problem: str) -> None:
    assert old in GOOD
    out = check_file(tmp_path, GOOD.replace(old, new, 1))
    assert out.returncode == 2
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and "bad.toml" in lines[0] and key in lines[0] and problem in lines[0], lines
