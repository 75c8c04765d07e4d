"""Each claim of the seed chapter, made to happen in the model."""

import pytest
from conftest import combined, load_balanced, make_scenario, replicated, run, single_server

from visualizer.sim.commands import (AddServer, CommandError, Fail, Promote, RecoverData, SetRate,
                                     Upgrade)
from visualizer.sim.model import Simulation


def rows(sim, lo, hi):
    """Series rows (dicts) for whole seconds lo <= t < hi."""
    return [r for r in sim.report()["series"] if lo <= r["t"] < hi]


def mean_p95(sim, lo, hi):
    vals = [r["p95_ms"] for r in rows(sim, lo, hi) if r["p95_ms"] is not None]
    return sum(vals) / len(vals)


def paths(sim, ids):
    """Node ids each finished request visited, with its kind."""
    out = []
    for i in ids:
        info = sim.request_info(i)
        if info is not None and info["status"] == "completed":
            out.append((info["kind"], [h["node"] for h in info["path"]]))
    return out


def test_single_server_down_every_request_fails():
    sim = run(Simulation(single_server()), 5.0)
    sim.apply(Fail("web1"))
    run(sim, 15.0)
    after = rows(sim, 6, 15)
    assert all(r["completed"] == 0 and r["failed"] > 0 for r in after)
    assert abs(sum(r["failed"] for r in after) - sum(r["generated"] for r in after)) <= 3
    assert sim.report()["requests"]["failed"]["node_down"] >= sum(r["generated"] for r in after)


def test_overload_latency_grows_without_bound():
    sc = make_scenario([{"id": "users", "kind": "client"},
                        {"id": "web1", "kind": "web_server", "workers": 1, "service_ms": 20.0,
                         "queue_limit": 1_000_000}],
                       [("users", "web1", 5.0)], {"rate": 65.0, "timeout_ms": 600_000.0})
    sim = run(Simulation(sc), 60.0, dt=5.0)
    early, middle, late = mean_p95(sim, 5, 20), mean_p95(sim, 25, 40), mean_p95(sim, 45, 60)
    assert early < middle < late
    assert late > 3 * early


def test_vertical_upgrade_lowers_latency_but_keeps_single_point_of_failure():
    sc = make_scenario([{"id": "users", "kind": "client"},
                        {"id": "web1", "kind": "web_server", "service_ms": 20.0}],
                       [("users", "web1", 5.0)], {"rate": 40.0})
    sim = run(Simulation(sc), 30.0, dt=5.0)
    assert sim.snapshot().nodes[1].workers == 1
    sim.apply(Upgrade("web1"))
    run(sim, 60.0, dt=5.0)
    assert mean_p95(sim, 40, 60) < 0.5 * mean_p95(sim, 5, 30)
    assert sim.report()["nodes"]["web1"]["tier"] == "medium"
    sim.apply(Fail("web1"))
    run(sim, 70.0)
    assert all(r["completed"] == 0 and r["failed"] > 0 for r in rows(sim, 61, 70))
    sim.apply(Upgrade("web1"))
    sim.apply(Upgrade("web1"))
    with pytest.raises(CommandError, match="xlarge"):
        sim.apply(Upgrade("web1"))


def test_lb_routes_around_dead_server_after_detection():
    sim = run(Simulation(load_balanced()), 5.0)
    sim.apply(Fail("web1"))
    run(sim, 12.0)
    ev = [(e.t, e.event) for e in sim.events if e.node == "web1"]
    t_detect = next(t for t, e in ev if e == "detected_down")
    assert 5.0 < t_detect <= 5.0 + 3 * 0.5          # unhealthy_after=2 checks of 500 ms: a visible delay
    rep = sim.report()
    assert rep["requests"]["failed"]["node_down"] > 0  # sent to web1 before detection
    assert all(r["failed"] == 0 for r in rows(sim, int(t_detect) + 1, 12))
    arrivals_web1 = sim.report()["nodes"]["web1"]["arrivals"]
    web2_before = sim.report()["nodes"]["web2"]["arrivals"]
    run(sim, 16.0)
    assert sim.report()["nodes"]["web1"]["arrivals"] == arrivals_web1
    assert sim.report()["nodes"]["web2"]["arrivals"] - web2_before > 300   # all 100/s go to web2


def test_adding_servers_under_a_spike_brings_p95_down():
    sim = run(Simulation(load_balanced()), 10.0)
    sim.apply(SetRate(480.0))                     # two servers carry 400/s
    run(sim, 20.0)
    sim.apply(AddServer())
    assert sim.snapshot().nodes[-1].status == "booting"
    run(sim, 35.0)
    assert any(e.event == "detected_up" and e.node == "web3" for e in sim.events)
    spike, after = mean_p95(sim, 14, 20), mean_p95(sim, 27, 35)
    assert after < 0.5 * spike
    assert sim.report()["nodes"]["web3"]["arrivals"] > 1000


def test_writes_only_on_primary_reads_on_replicas():
    sim = run(Simulation(replicated()), 5.0)
    seen = paths(sim, range(1, sim.stats.generated))
    writes = [p for k, p in seen if k == "write"]
    reads = [p for k, p in seen if k == "read"]
    assert len(writes) > 50 and len(reads) > 200
    assert all("db" in p and not any(n.startswith("replica") for n in p) for p in writes)
    assert all("db" not in p and any(n.startswith("replica") for n in p) for p in reads)
    nodes = sim.report()["nodes"]
    assert nodes["replica1"]["arrivals"] > 100 and nodes["replica2"]["arrivals"] > 100


def test_replica_down_reads_move_then_replacement_catches_up_and_serves():
    sim = run(Simulation(replicated(replica={"replace_s": 5.0})), 5.0)
    sim.apply(Fail("replica1"))
    first = sim.next_id + 1
    run(sim, 8.0)
    reads = [p for k, p in paths(sim, range(first, sim.next_id)) if k == "read"]
    assert reads and all("replica2" in p and "replica1" not in p for p in reads)
    sim.apply(Fail("replica2"))
    first = sim.next_id + 1
    run(sim, 9.5)
    reads = [p for k, p in paths(sim, range(first, sim.next_id)) if k == "read"]
    assert reads and all("db" in p for p in reads)             # no replica left: the primary reads
    run(sim, 14.0)
    events = [(e.event, e.node) for e in sim.events]
    assert ("replaced", "replica1") in events and ("add_server", "replica3") in events
    t_add = next(e.t for e in sim.events if e.event == "add_server" and e.node == "replica3")
    t_caught = next(e.t for e in sim.events if e.event == "caught_up" and e.node == "replica3")
    assert t_caught > t_add
    first = sim.next_id + 1
    run(sim, 16.0)
    reads = [p for k, p in paths(sim, range(first, sim.next_id)) if k == "read"]
    assert reads and all("replica3" in p or "replica4" in p for p in reads)


def test_primary_down_promotion_lost_writes_and_recovery_script():
    sim = run(Simulation(replicated(lag_ms=200.0, primary={"failover_ms": 2000.0})), 10.0)
    with pytest.raises(CommandError):
        sim.apply(RecoverData())                  # nothing lost yet
    sim.apply(Fail("db"))
    run(sim, 11.9)
    assert sim.report()["requests"]["failed"]["no_primary"] > 0
    assert not any(e.event == "promote" for e in sim.events)
    run(sim, 12.5)
    promoted = next(e for e in sim.events if e.event == "promote")
    assert promoted.t == pytest.approx(12.0) and promoted.node.startswith("replica")
    view = sim.snapshot().nodes[sim.snapshot().index(promoted.node)]
    assert view.promoted and view.role == "primary"
    lost = sim.report()["lost_writes"]
    assert lost > 0
    failed_before = sim.report()["requests"]["failed"]["no_primary"]
    run(sim, 15.0)
    assert sim.report()["requests"]["failed"]["no_primary"] == failed_before   # writes work again
    sim.apply(RecoverData())
    rep = sim.report()
    assert rep["lost_writes"] == 0 and rep["writes_restored"] == lost
    assert any(e["event"] == "data_recovered" for e in rep["events"])
    run(sim, 25.0)
    assert any(e.event == "add_server" and e.node.startswith("replica") for e in sim.events)


def test_promote_command_before_automatic_failover():
    sim = run(Simulation(replicated(primary={"failover_ms": None})), 5.0)
    with pytest.raises(CommandError, match="is up"):
        sim.apply(Promote("replica1"))
    sim.apply(Fail("db"))
    run(sim, 8.0)
    assert not any(e.event == "promote" for e in sim.events)
    sim.apply(Promote("replica2"))
    assert sim.clusters[0].primary.id == "replica2"


@pytest.mark.parametrize("lag, stale", [(200.0, True), (0.0, False)])
def test_stale_reads_only_with_replication_lag(lag, stale):
    sim = run(Simulation(replicated(lag_ms=lag)), 10.0)
    assert (sim.report()["stale_reads"] > 0) is stale


def test_entry_point_public_ip_and_private_addresses_behind_it():
    snap = Simulation(combined(rate=10.0)).snapshot()
    by = {n.id: n for n in snap.nodes}
    assert by["lb"].public and by["lb"].ip.startswith("203.0.113.")
    assert by["dns"].public
    for n in snap.nodes:
        if n.kind in ("web_server", "db_primary", "db_replica"):
            assert not n.public and n.ip.startswith("10.0.0."), n
    single = Simulation(single_server()).snapshot()
    assert single.nodes[1].public                 # a lone server is itself the entry point


def test_dns_down_fails_lookups_once_caches_expire():
    sc = combined(rate=100.0, clients=20)
    sim = run(Simulation(sc), 3.0)
    sim.apply(Fail("dns"))
    run(sim, 6.0)
    failed = sim.report()["requests"]["failed"]
    assert failed.get("dns", 0) == 0              # every user's answer is cached for 30 s
    assert sim.report()["requests"]["completed"] > 400
    sc = make_scenario([{"id": "users", "kind": "client"},
                        {"id": "dns", "kind": "dns", "ttl_s": 1.0},
                        {"id": "web1", "kind": "web_server", "workers": 8}],
                       [("users", "dns", 10.0), ("users", "web1", 20.0)], {"rate": 50.0, "clients": 10})
    sim = run(Simulation(sc), 3.0)
    sim.apply(Fail("dns"))
    run(sim, 8.0)
    assert sim.report()["requests"]["failed"]["dns"] > 0
    assert all(r["completed"] == 0 for r in rows(sim, 5, 8))


def test_clients_give_up_after_timeout():
    sc = make_scenario([{"id": "users", "kind": "client"},
                        {"id": "web1", "kind": "web_server", "workers": 1, "service_ms": 50.0,
                         "queue_limit": 10_000}],
                       [("users", "web1", 5.0)], {"rate": 40.0, "timeout_ms": 500.0})
    sim = run(Simulation(sc), 20.0)
    rep = sim.report()
    assert rep["requests"]["failed"]["timeout"] > 100
    assert rep["latency_ms"]["p99"] <= 500.0


def test_with_one_replica_the_promoted_one_does_everything_until_a_new_replica_arrives():
    sim = run(Simulation(replicated(n_replicas=1, replica={"replace_s": 6.0},
                                    primary={"failover_ms": 1000.0})), 5.0)
    sim.apply(Fail("db"))
    run(sim, 6.5)                                  # promoted at 6.0
    assert sim.clusters[0].primary.id == "replica1"
    first = sim.next_id + 1
    run(sim, 9.0)
    seen = paths(sim, range(first, sim.next_id))
    assert {k for k, _ in seen} == {"read", "write"}
    assert all("replica1" in p and "db" not in p for _, p in seen), "every operation on the new primary"
    run(sim, 16.0)
    newcomer = next(e.node for e in sim.events if e.event == "add_server")
    first = sim.next_id + 1
    run(sim, 19.0)
    reads = [p for k, p in paths(sim, range(first, sim.next_id)) if k == "read"]
    assert reads and all(newcomer in p for p in reads), "then reads move to the new replica"


def test_replicas_add_read_capacity():
    """More replicas, more queries in parallel: the same read-heavy load is served faster."""
    slow = {"workers": 2, "service_ms": 8.0}
    loads = {"rate": 420.0, "read_ratio": 0.9}
    one = run(Simulation(replicated(n_replicas=1, replica=slow, **loads)), 20.0)
    three = run(Simulation(replicated(n_replicas=3, replica=slow, **loads)), 20.0)
    assert mean_p95(three, 5, 20) < 0.5 * mean_p95(one, 5, 20)
    assert three.report()["requests"]["completed"] > one.report()["requests"]["completed"]
