"""Failure and repair paths beyond the seed's headline claims."""

from conftest import combined, load_balanced, replicated, run

from visualizer.sim.commands import Fail, Recover
from visualizer.sim.model import Simulation


def events(sim, *kinds):
    return [(e.event, e.node) for e in sim.events if not kinds or e.event in kinds]


def test_primary_back_before_failover_means_no_promotion_and_nothing_lost():
    sim = run(Simulation(replicated(primary={"failover_ms": 3000.0})), 5.0)
    sim.apply(Fail("db"))
    run(sim, 6.0)
    sim.apply(Recover("db"))
    run(sim, 12.0)
    assert events(sim, "promote") == [] and sim.report()["lost_writes"] == 0
    assert sim.report()["stale_reads"] > 0                 # the replicas resumed streaming
    assert all(r["failed"] == 0 for r in sim.report()["series"] if r["t"] >= 7)


def test_old_primary_rejoins_as_a_replica_after_a_promotion():
    sim = run(Simulation(replicated(primary={"failover_ms": 500.0})), 3.0)
    sim.apply(Fail("db"))
    run(sim, 5.0)
    new_primary = events(sim, "promote")[0][1]
    snap = sim.snapshot()
    assert snap.nodes[snap.index("db")].extra["role"] == "former_primary"
    assert snap.nodes[snap.index(new_primary)].extra["role"] == "primary"
    sim.apply(Recover("db"))
    snap = sim.snapshot()
    old = snap.nodes[snap.index("db")]
    assert old.role == "replica" and old.status == "catching_up" and not old.promoted
    assert snap.nodes[snap.index(new_primary)].role == "primary"
    run(sim, 10.0)
    assert ("caught_up", "db") in events(sim)
    assert sim.snapshot().nodes[snap.index("db")].status == "up"
    assert sim.graph.has_edge(new_primary, "db")


def test_catching_up_replica_shows_its_backlog_shrinking():
    sim = run(Simulation(replicated(lag_ms=50.0, replica={"replace_s": None}), rate=400.0), 3.0)
    sim.apply(Fail("replica1"))
    run(sim, 13.0)
    sim.apply(Recover("replica1"))
    pending = []
    for t in (13.2, 13.6, 14.0):
        sim.run_until(t)
        view = sim.snapshot().nodes[sim.snapshot().index("replica1")]
        assert view.status == "catching_up"
        pending.append(view.pending_writes)
    assert pending[0] > pending[1] > pending[2] > 0
    run(sim, 20.0)
    assert sim.snapshot().nodes[sim.snapshot().index("replica1")].status == "up"


def test_load_balancer_down_takes_everything_behind_it_offline():
    sim = run(Simulation(combined(rate=200.0)), 3.0)
    sim.apply(Fail("lb"))
    run(sim, 6.0)
    rep = sim.report()
    assert rep["requests"]["failed"]["node_down"] > 300
    assert all(r["completed"] == 0 for r in rep["series"] if r["t"] >= 4)
    sim.apply(Recover("lb"))
    run(sim, 8.0)
    assert all(r["failed"] == 0 and r["completed"] > 100 for r in sim.report()["series"] if r["t"] >= 7)


def test_failed_web_server_loses_its_work_in_progress():
    sim = run(Simulation(load_balanced(web={"service_ms": 200.0, "workers": 30})), 3.0)
    busy = sim.snapshot().nodes[sim.snapshot().index("web1")].busy
    assert busy > 3
    before = sim.report()["requests"]["failed"].get("node_down", 0)
    sim.apply(Fail("web1"))
    assert sim.report()["requests"]["failed"]["node_down"] - before >= busy
    assert sim.snapshot().nodes[sim.snapshot().index("web1")].busy == 0
    sim.check_conservation()


def test_database_failure_frees_the_web_workers_waiting_on_it():
    sim = run(Simulation(replicated(primary={"service_ms": 300.0, "workers": 16, "failover_ms": None})), 3.0)
    web_busy = sim.snapshot().nodes[sim.snapshot().index("web1")].busy
    sim.apply(Fail("db"))
    after = sim.snapshot().nodes[sim.snapshot().index("web1")].busy
    assert after < web_busy
    run(sim, 6.0)
    assert sim.report()["requests"]["failed"]["no_primary"] > 0
