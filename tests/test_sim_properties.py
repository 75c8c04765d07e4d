"""Properties under random command sequences: conservation, determinism, chunking, checkpoints."""

import copy
import json
import os

from conftest import make_scenario
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from visualizer.sim.components.balancer import ALGORITHMS
from visualizer.sim.commands import (AddServer, CommandError, Fail, Promote, RecoverData, Recover,
                                     RemoveServer, SetAlgorithm, SetRate, Upgrade)
from visualizer.sim.model import Simulation

EXAMPLES = int(os.environ.get("SIM_EXAMPLES", "15"))   # raise for a long hunt
SETTINGS = settings(max_examples=EXAMPLES, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def flaky_design(**node_extra):
    """The combined design, small, with nodes that also fail on their own (mtbf/mttr)."""
    webs, reps = ["web1", "web2"], ["replica1", "replica2"]
    flaky = {"mtbf_s": 6.0, "mttr_s": 2.0}
    return make_scenario(
        [{"id": "users", "kind": "client"},
         {"id": "dns", "kind": "dns", "ttl_s": 2.0},
         {"id": "lb", "kind": "load_balancer", "health_check_ms": 300.0, "retries": 1}]
        + [{"id": w, "kind": "web_server", "workers": 4, "service_ms": 15.0, "boot_s": 1.0,
            "queue_limit": 20, **flaky, **node_extra} for w in webs]
        + [{"id": "db", "kind": "db_primary", "workers": 4, "service_ms": 3.0, "failover_ms": 800.0,
            **flaky}]
        + [{"id": r, "kind": "db_replica", "workers": 4, "service_ms": 3.0, "lag_ms": 150.0,
            "replace_s": 3.0, **flaky} for r in reps],
        [("users", "dns", 10.0), ("users", "lb", 20.0)] + [("lb", w, 1.0) for w in webs]
        + [(w, d, 1.0) for w in webs for d in ["db"] + reps] + [("db", r, 1.0) for r in reps],
        {"rate": 150.0, "timeout_ms": 800.0, "clients": 300, "keys": 50},
        timeline=[{"at": 1.0, "action": "fail", "node": "web1"},
                  {"at": 2.0, "action": "recover", "node": "web1"}])


IDS = ["users", "dns", "lb", "web1", "web2", "web3", "db", "replica1", "replica2", "replica3",
       "replica4", "ghost"]
node = st.sampled_from(IDS)
command = st.one_of(
    st.builds(Fail, node), st.builds(Recover, node), st.builds(Upgrade, node),
    st.builds(RemoveServer, node), st.builds(Promote, node), st.just(RecoverData()),
    st.builds(SetRate, st.floats(0.0, 400.0)),
    st.builds(AddServer, st.sampled_from([None, "lb", "web1"])),
    st.builds(SetAlgorithm, st.sampled_from(["lb", "db"]), st.sampled_from(ALGORITHMS + ("bogus",))),
)
script = st.lists(st.tuples(st.integers(1, 150), command), max_size=10)   # (centiseconds, cmd)


def timed(steps):
    """Absolute command times, exact in binary floating point sums regardless of chunking."""
    t, out = 0, []
    for cs, cmd in steps:
        t += cs
        out.append((t / 100.0, cmd))
    return out


def play(sim, steps, cuts=(), end=8.0, check=False):
    """Apply each command at its time; `cuts` adds extra stopping points in between."""
    stops = sorted({t for t, _ in steps} | {c for c in cuts if c < end} | {end})
    cmds = {}
    for t, cmd in steps:
        cmds.setdefault(t, []).append(cmd)
    for t in stops:
        if t < sim.time:
            continue
        sim.run_until(t)
        if check:
            sim.check_conservation()
        for cmd in cmds.get(t, []):
            try:
                sim.apply(cmd)
            except CommandError as err:
                assert str(err) and "\n" not in str(err)
            if check:
                sim.check_conservation()
    return sim


def report_json(sim):
    return json.dumps(sim.report(), sort_keys=True)


@SETTINGS
@given(script, st.lists(st.floats(0.0, 8.0), max_size=20))
def test_conservation_after_every_step(steps, cuts):
    sim = play(Simulation(flaky_design()), timed(steps), cuts, check=True)
    rep = sim.report()["requests"]
    assert rep["generated"] == rep["completed"] + sum(rep["failed"].values()) + rep["in_flight"]
    sim.snapshot()


@SETTINGS
@given(script, st.integers(0, 2**32 - 1))
def test_same_seed_same_report(steps, seed):
    a = play(Simulation(flaky_design(), seed=seed), timed(steps))
    b = play(Simulation(flaky_design(), seed=seed), timed(steps))
    assert report_json(a) == report_json(b)
    assert a.events == b.events


@SETTINGS
@given(script, st.lists(st.floats(0.0, 8.0), min_size=1, max_size=30))
def test_chunking_does_not_change_anything(steps, cuts):
    whole = play(Simulation(flaky_design()), timed(steps))
    chunked = play(Simulation(flaky_design()), timed(steps), cuts)
    assert report_json(whole) == report_json(chunked)


@SETTINGS
@given(script, st.integers(1, 790))
def test_deepcopy_mid_run_continues_identically(steps, cut_cs):
    steps = timed(steps)
    cut = cut_cs / 100.0
    before = [(t, c) for t, c in steps if t <= cut]
    after = [(t, c) for t, c in steps if t > cut]
    straight = play(Simulation(flaky_design()), steps)
    sim = play(Simulation(flaky_design()), before, end=cut)
    twin = copy.deepcopy(sim)
    play(sim, after)
    play(twin, after)
    assert report_json(sim) == report_json(twin) == report_json(straight)


def test_step_sizes_add_up_the_same():
    a, b = Simulation(flaky_design()), Simulation(flaky_design())
    for _ in range(5):
        a.step(0.3)
        a.step(0.7)
        b.step(1.0)
    assert a.time == b.time == 5.0
    assert report_json(a) == report_json(b)


@settings(max_examples=EXAMPLES + 10, deadline=None)
@given(
    workers=st.integers(1, 6), service_ms=st.floats(0.5, 80.0), queue_limit=st.integers(0, 30),
    dist=st.sampled_from(["exp", "const", "lognormal"]), algorithm=st.sampled_from(ALGORITHMS),
    lag=st.floats(0.0, 500.0), failover=st.one_of(st.none(), st.floats(0.0, 2000.0)),
    replace=st.one_of(st.none(), st.floats(0.0, 5.0)), latency=st.floats(0.0, 50.0),
    rate=st.floats(0.0, 600.0), read_ratio=st.floats(0.0, 1.0), timeout=st.floats(1.0, 3000.0),
    ttl=st.floats(0.0, 5.0), retries=st.integers(0, 2), seed=st.integers(0, 1000),
)
def test_random_valid_scenarios_run_cleanly(workers, service_ms, queue_limit, dist, algorithm, lag,
                                            failover, replace, latency, rate, read_ratio, timeout,
                                            ttl, retries, seed):
    sc = make_scenario(
        [{"id": "users", "kind": "client"}, {"id": "dns", "kind": "dns", "ttl_s": ttl},
         {"id": "lb", "kind": "load_balancer", "algorithm": algorithm, "retries": retries,
          "health_check_ms": 200.0},
         {"id": "web1", "kind": "web_server", "workers": workers, "service_ms": service_ms,
          "queue_limit": queue_limit, "service_dist": dist, "weight": 3},
         {"id": "web2", "kind": "web_server", "service_dist": dist},
         {"id": "db", "kind": "db_primary", "failover_ms": failover, "workers": workers},
         {"id": "r1", "kind": "db_replica", "lag_ms": lag, "replace_s": replace, "queue_limit": queue_limit}],
        [("users", "dns", latency), ("users", "lb", latency), ("lb", "web1", latency),
         ("lb", "web2", 0.0), ("web1", "db", latency), ("web2", "db", 1.0), ("web1", "r1", latency),
         ("db", "r1", 1.0)],
        {"rate": rate, "read_ratio": read_ratio, "timeout_ms": timeout, "clients": 50, "keys": 10},
        seed=seed,
        timeline=[{"at": 0.5, "action": "fail", "node": "db"}, {"at": 1.0, "action": "fail", "node": "r1"},
                  {"at": 1.5, "action": "recover", "node": "r1"}, {"at": 2.0, "action": "recover_data"},
                  {"at": 2.2, "action": "add_server", "node": "lb"},
                  {"at": 2.5, "action": "set_algorithm", "node": "lb", "algorithm": "random"}])
    sim = Simulation(sc)
    for t in (0.7, 1.2, 2.1, 3.0):
        sim.run_until(t)
        sim.check_conservation()
        snap = sim.snapshot()
        assert len(snap.dots) == snap.metrics.in_flight
    json.dumps(sim.report())


def test_pickled_checkpoint_continues_identically():
    import pickle
    sim = play(Simulation(flaky_design()), timed([(150, Fail("db")), (100, RecoverData())]), end=3.0)
    sim.snapshot()
    twin = pickle.loads(pickle.dumps(sim, protocol=pickle.HIGHEST_PROTOCOL))
    for s in (sim, twin):
        s.apply(SetRate(250.0))
        s.run_until(9.0)
    assert report_json(sim) == report_json(twin)
