"""A DNS lookup costs no event of its own: it is answered as the user sets off (Dns.pass_through),
yet a DNS that fails while lookups are on their way fails each of them, once, with reason dns."""

from conftest import make_scenario, run

from visualizer.sim.commands import Fail, Recover
from visualizer.sim.model import Simulation


def asking(rate: float = 200.0, ttl_s: float = 0.001, dns_ms: float = 200.0):
    """Users who ask the DNS before (almost) every request, over a slow link to it."""
    return make_scenario([{"id": "users", "kind": "client"},
                          {"id": "dns", "kind": "dns", "ttl_s": ttl_s},
                          {"id": "web1", "kind": "web_server", "workers": 16, "service_ms": 5.0}],
                         [("users", "dns", dns_ms), ("users", "web1", 10.0)],
                         {"rate": rate, "clients": 100_000})


def test_a_lookup_adds_no_event():
    """The same requests with and without a DNS to ask cost the same number of events."""
    with_dns = run(Simulation(asking()), 10.0)
    direct = make_scenario([{"id": "users", "kind": "client"},
                            {"id": "web1", "kind": "web_server", "workers": 16, "service_ms": 5.0}],
                           [("users", "web1", 10.0)], {"rate": 200.0, "clients": 100_000})
    without = run(Simulation(direct), 10.0)
    asked = with_dns.by_id["dns"].arrivals
    assert asked > 1500                                   # nearly every request asked
    assert abs(with_dns.q.seq - without.q.seq) < 0.05 * without.q.seq


def test_lookups_on_their_way_fail_when_the_dns_fails():
    sim = run(Simulation(asking()), 3.0)
    on_way = [r for r in sim.live.values() if r.asked is sim.by_id["dns"] and r.t_asked > sim.time]
    assert len(on_way) > 10                               # 200 ms to the DNS at 200 req/s
    before = sim.report()["requests"]["failed"].get("dns", 0)
    sim.apply(Fail("dns"))
    assert all(r.done and r.reason == "dns" and r.t_end == 3.0 for r in on_way)
    assert sim.report()["requests"]["failed"]["dns"] - before >= len(on_way)
    run(sim, 6.0)
    sim.check_conservation()
    assert all(r["completed"] == 0 for r in sim.report()["series"] if 4 <= r["t"] < 6)


def test_a_lookup_sent_while_the_dns_is_down_is_decided_when_it_gets_there():
    sim = run(Simulation(asking()), 2.0)
    sim.apply(Fail("dns"))
    run(sim, 2.1)
    waiting = [r for r in sim.live.values() if r.dest is sim.by_id["dns"]]
    assert waiting and all(not r.done for r in waiting)    # still on the link to it
    sim.apply(Recover("dns"))                              # back before they get there
    run(sim, 3.0)
    assert all(r.done and r.ok for r in waiting)
    sim.check_conservation()


def test_a_lookup_that_arrives_at_a_dead_dns_fails_there():
    sim = run(Simulation(asking()), 2.0)
    sim.apply(Fail("dns"))
    run(sim, 2.1)
    waiting = [r for r in sim.live.values() if r.dest is sim.by_id["dns"]]
    run(sim, 2.4)
    assert waiting and all(r.done and r.reason == "dns" and r.t_end > 2.1 for r in waiting)
