"""The Simulation's public API as the window, lessons and CLI use it."""

import copy
import subprocess
import sys

import numpy as np
import pytest
from conftest import ROOT_DIR, load_balanced, make_scenario, replicated, run, single_server

from visualizer.sim.commands import (AddServer, CommandError, Fail, Promote, RecoverData, Recover,
                                     RemoveServer, SetAlgorithm, SetRate, Upgrade)
from visualizer.sim.model import Simulation
from visualizer.sim.snapshot import IN_SERVICE, ON_LINK, SERIES_COLUMNS


def test_snapshot_shows_every_request_in_flight(design):
    sim = run(Simulation(design), 3.2)
    snap = sim.snapshot()
    d = snap.dots
    assert snap.time == 3.2 and len(d) == snap.metrics.in_flight == len(sim.live) > 0
    assert d.frac.dtype == np.float32 and ((d.frac >= 0) & (d.frac <= 1)).all()
    assert ((d.src >= 0) & (d.src < len(snap.nodes)) & (d.dst < len(snap.nodes))).all()
    assert (d.src[d.phase != ON_LINK] == d.dst[d.phase != ON_LINK]).all()
    assert {ON_LINK, IN_SERVICE} <= set(d.phase.tolist())
    assert d.forward.any() and not d.forward.all()      # some on the way back
    assert snap.series.shape == (3, len(SERIES_COLUMNS))
    assert 0 < snap.series[:, 1].sum() <= snap.metrics.generated
    assert snap.metrics.throughput > 0 and snap.metrics.availability == 1.0
    assert all(o.t >= 2.2 for o in snap.recent)
    sim.run_until(3.5)
    later = sim.snapshot().recent
    brute = [w for w in sim.stats.window.recent if w[1] >= 2.5]
    assert [(o.id, o.t, o.ok, o.reason) for o in later] == [(w[0], w[1], w[3], w[4]) for w in brute]
    assert [n.id for n in snap.nodes] == sim.node_ids()
    assert snap.index("lb") == 2


def test_snapshot_carries_every_one_of_5000_requests_in_flight():
    """(How fast that is, is measured by benchmarks/sim_speed.py, not asserted here.)"""
    sc = make_scenario([{"id": "users", "kind": "client"},
                        {"id": "web1", "kind": "web_server", "workers": 64, "service_ms": 5.0}],
                       [("users", "web1", 1000.0)], {"rate": 2600.0, "timeout_ms": 5000.0})
    sim = Simulation(sc)
    sim.run_until(2.0)
    assert len(sim.live) >= 5000
    dots = sim.snapshot().dots
    assert len(dots) == len(sim.live)
    assert sorted(dots.id.tolist()) == sorted(sim.live)
    assert all(len(getattr(dots, k)) == len(dots) for k in ("src", "dst", "frac", "kind", "phase", "forward"))
    assert ((dots.frac >= 0) & (dots.frac <= 1)).all()


def test_request_info_tells_a_requests_story(design):
    sim = run(Simulation(design), 3.0)
    done = next(i for i in range(1, 500) if (sim.request_info(i) or {}).get("status") == "completed")
    info = sim.request_info(done)
    nodes = [h["node"] for h in info["path"]]
    assert nodes[0] == "users" and nodes[-1] == "users" and "lb" in nodes
    assert any(n.startswith("web") for n in nodes)
    times = [h["t"] for h in info["path"]]
    assert times == sorted(times) and info["latency_ms"] > 0
    assert info["kind"] in ("read", "write") and info["client_ip"].startswith("100.")
    live = next(iter(sim.live))
    linfo = sim.request_info(live)
    assert linfo["status"] == "in_flight" and linfo["where"] and linfo["direction"] in ("forward", "back")
    assert sim.request_info(10**9) is None


def test_failed_request_info_has_reason():
    sim = run(Simulation(single_server()), 1.0)
    sim.apply(Fail("web1"))
    run(sim, 2.0)
    info = sim.request_info(sim.next_id - 5)
    assert info["status"] == "failed" and info["reason"] == "node_down" and info["ended_at"] == "web1"


def test_actions_for_offers_only_what_fits(lb2):
    sim = Simulation(lb2)
    acts = sim.actions_for("web1")
    assert Fail("web1") in acts and Upgrade("web1") in acts and RemoveServer("web1") in acts
    assert Recover("web1") not in acts
    sim.apply(Fail("web1"))
    assert Recover("web1") in sim.actions_for("web1") and Fail("web1") not in sim.actions_for("web1")
    lb_acts = sim.actions_for("lb")
    assert AddServer("lb") in lb_acts and SetAlgorithm("lb", "random") in lb_acts
    assert SetAlgorithm("lb", "round_robin") not in lb_acts      # already that
    assert all(isinstance(a, SetRate) for a in sim.actions_for("users"))
    assert sim.actions_for("nobody") == []
    for a in sim.actions_for("lb") + sim.actions_for("web2"):
        copy.deepcopy(sim).apply(a)                               # every offer is accepted


@pytest.mark.parametrize("cmd, words", [
    (Fail("nobody"), "no node"), (Fail("users"), "cannot fail"), (Recover("web1"), "not down"),
    (SetRate(-1.0), "rate"), (SetRate(float("nan")), "rate"), (Upgrade("lb"), "only servers"),
    (RemoveServer("db"), "not a web server"), (Promote("web1"), "only a replica"),
    (Promote("replica1"), "is up"), (RecoverData(), "no lost writes"),
    (SetAlgorithm("lb", "fastest"), "unknown algorithm"), (SetAlgorithm("web1", "random"), "not a load_balancer"),
    (AddServer("web1"), "not a load_balancer"),
])
def test_commands_that_make_no_sense_raise_one_line(design, cmd, words):
    sim = Simulation(design)
    with pytest.raises(CommandError, match=words) as err:
        sim.apply(cmd)
    assert "\n" not in str(err.value)
    sim.check_conservation()


def test_cannot_remove_the_last_server_or_fail_twice():
    sim = Simulation(load_balanced(n_web=2))
    sim.apply(RemoveServer("web1"))
    with pytest.raises(CommandError, match="last server"):
        sim.apply(RemoveServer("web2"))
    with pytest.raises(CommandError, match="removed"):
        sim.apply(Fail("web1"))
    sim.apply(Fail("web2"))
    with pytest.raises(CommandError, match="already down"):
        sim.apply(Fail("web2"))


def test_timeline_actions_happen_at_their_time_and_notes_are_ignored():
    sc = make_scenario(
        [{"id": "users", "kind": "client"}, {"id": "lb", "kind": "load_balancer"},
         {"id": "web1", "kind": "web_server", "workers": 4}, {"id": "web2", "kind": "web_server", "workers": 4}],
        [("users", "lb"), ("lb", "web1"), ("lb", "web2")], {"rate": 50.0},
        timeline=[{"at": 0.5, "action": "note", "caption": {"en": "hi", "ko": "안녕"}},
                  {"at": 1.0, "action": "fail", "node": "web1"},
                  {"at": 2.0, "action": "set_rate", "rate": 80.0},
                  {"at": 2.5, "action": "upgrade", "node": "web2"},
                  {"at": 3.0, "action": "add_server", "node": "lb"},
                  {"at": 3.5, "action": "set_algorithm", "node": "lb", "algorithm": "random"},
                  {"at": 4.0, "action": "recover", "node": "web1"},
                  {"at": 4.5, "action": "recover", "node": "web1"}])
    sim = run(Simulation(sc), 5.0)
    got = [(e.t, e.event, e.node) for e in sim.events if not e.event.startswith("detected")]
    assert got == [(1.0, "fail", "web1"), (2.0, "set_rate", "users"), (2.5, "upgrade", "web2"),
                   (3.0, "add_server", "web3"), (3.5, "set_algorithm", "lb"),
                   (4.0, "recover", "web1"), (4.5, "refused_recover", "web1")]
    assert sim.snapshot().nodes[-1].status == "booting"     # boot_s defaults to 5 s
    assert sim.rate == 80.0


@pytest.mark.parametrize("algorithm", ["round_robin", "weighted_round_robin", "least_connections",
                                       "random", "power_of_two", "ip_hash"])
def test_every_algorithm_uses_every_backend(algorithm):
    sim = run(Simulation(load_balanced(n_web=3, lb={"algorithm": algorithm})), 5.0)
    arrivals = [sim.report()["nodes"][w]["arrivals"] for w in ("web1", "web2", "web3")]
    assert min(arrivals) > 0.15 * sum(arrivals)


def test_weighted_round_robin_follows_weights():
    sc = make_scenario(
        [{"id": "users", "kind": "client"},
         {"id": "lb", "kind": "load_balancer", "algorithm": "weighted_round_robin"},
         {"id": "big", "kind": "web_server", "workers": 8, "weight": 3},
         {"id": "small", "kind": "web_server", "workers": 8, "weight": 1}],
        [("users", "lb"), ("lb", "big"), ("lb", "small")], {"rate": 200.0})
    nodes = run(Simulation(sc), 5.0).report()["nodes"]
    assert nodes["big"]["arrivals"] / nodes["small"]["arrivals"] == pytest.approx(3.0, rel=0.05)


def test_ip_hash_keeps_each_user_on_one_server():
    sim = run(Simulation(load_balanced(n_web=3, lb={"algorithm": "ip_hash"}, clients=40)), 5.0)
    seen: dict[int, set] = {}
    for i in range(1, sim.next_id):
        info = sim.request_info(i)
        if info and info["status"] == "completed":
            webs = {h["node"] for h in info["path"] if h["node"].startswith("web")}
            seen.setdefault(info["user"], set()).update(webs)
    assert len(seen) > 30 and all(len(w) == 1 for w in seen.values())


def test_retries_hide_an_undetected_dead_server():
    slow_checks = {"health_check_ms": 60_000.0}
    plain = run(Simulation(load_balanced(lb=slow_checks)), 1.0)
    plain.apply(Fail("web1"))
    run(plain, 4.0)
    assert plain.report()["requests"]["failed"]["node_down"] > 100
    retried = run(Simulation(load_balanced(lb={**slow_checks, "retries": 1})), 1.0)
    retried.apply(Fail("web1"))
    caught = retried.report()["requests"]["failed"]     # those inside web1 as it died: no retry saves them
    run(retried, 4.0)
    assert retried.report()["requests"]["failed"] == caught and sum(caught.values()) < 10
    info = next(retried.request_info(i) for i in range(retried.next_id - 50, retried.next_id)
                if retried.request_info(i)["retries"] == 1)
    assert [h["node"] for h in info["path"]][:4] == ["users", "lb", "web1", "lb"]


def test_random_failures_from_mtbf_and_mttr():
    sc = make_scenario([{"id": "users", "kind": "client"},
                        {"id": "web1", "kind": "web_server", "workers": 4, "mtbf_s": 5.0, "mttr_s": 1.0}],
                       [("users", "web1")], {"rate": 20.0})
    sim = run(Simulation(sc), 60.0, dt=5.0)
    kinds = [e.event for e in sim.events]
    assert kinds.count("fail") >= 5 and kinds.count("recover") >= kinds.count("fail") - 1
    assert kinds[0] == "fail" and all(a != b for a, b in zip(kinds, kinds[1:]))
    assert sim.report()["requests"]["failed"]["node_down"] > 0


def test_removed_server_gets_no_new_traffic():
    sim = run(Simulation(load_balanced(n_web=3)), 2.0)
    sim.apply(RemoveServer("web3"))
    run(sim, 2.5)
    before = sim.report()["nodes"]["web3"]["arrivals"]
    run(sim, 5.0)
    assert sim.report()["nodes"]["web3"]["arrivals"] == before
    assert sim.snapshot().nodes[sim.snapshot().index("web3")].status == "removed"


def test_upgrade_adds_workers_and_cost():
    sim = Simulation(single_server())
    cost = sim.snapshot().metrics.cost_per_hour
    sim.apply(Upgrade("web1"))
    view = sim.snapshot().nodes[1]
    assert view.tier == "medium" and view.workers == 8
    assert sim.snapshot().metrics.cost_per_hour > cost


def test_seed_and_rate_overrides():
    a = run(Simulation(single_server(), seed=1), 3.0).report()
    b = run(Simulation(single_server(), seed=2), 3.0).report()
    assert a["requests"] != b["requests"] and a["seed"] == 1
    assert run(Simulation(single_server(), rate=0.0), 3.0).report()["requests"]["generated"] == 0
    sim = run(Simulation(single_server(), rate=0.0), 1.0)
    sim.apply(SetRate(100.0))
    run(sim, 2.0)
    assert 50 < sim.report()["requests"]["generated"] < 150


def test_deepcopy_gives_identical_snapshots(repl):
    sim = run(Simulation(repl), 2.0)
    twin = copy.deepcopy(sim)
    for s in (sim, twin):
        s.apply(Fail("replica1"))
        s.run_until(3.3)
    a, b = sim.snapshot(), twin.snapshot()
    assert a.nodes == b.nodes and a.events == b.events and a.metrics == b.metrics
    assert np.array_equal(a.dots.frac, b.dots.frac) and np.array_equal(a.dots.id, b.dots.id)
    assert twin.scenario is sim.scenario


def test_conservation_check_catches_a_leak():
    sim = run(Simulation(single_server()), 1.0)
    sim.stats.generated += 1
    with pytest.raises(AssertionError, match="generated"):
        sim.check_conservation()


def test_running_backwards_is_refused():
    sim = run(Simulation(single_server()), 1.0)
    with pytest.raises(ValueError):
        sim.run_until(0.5)
    with pytest.raises(ValueError):
        sim.step(-0.1)


def test_core_imports_neither_pygame_nor_pydantic():
    code = ("import sys; import visualizer.sim.model, visualizer.sim.view; "
            "print(sorted(m for m in ('pygame', 'pydantic') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT_DIR, capture_output=True, text=True)
    assert out.stdout.strip() == "[]", out.stderr


def test_replica_views_show_lag_and_pending_writes():
    sim = run(Simulation(replicated(lag_ms=300.0)), 3.0)
    view = sim.snapshot().nodes[sim.snapshot().index("replica1")]
    assert view.lag_ms == 300.0 and view.pending_writes > 0 and view.kind == "db_replica"
    assert sim.snapshot().nodes[sim.snapshot().index("db")].lag_ms is None
