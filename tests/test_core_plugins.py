"""The core as plug-ins: a kind registered from outside the package runs, conserves and draws;
requests are hops over a call stack; clusters instead of one global replication; regressions."""

import os

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

from typing import Literal  # noqa: E402

import numpy as np  # noqa: E402
import pygame  # noqa: E402
import pytest  # noqa: E402
from conftest import make_scenario, run  # noqa: E402

from visualizer import scenario as scenario_mod  # noqa: E402
from visualizer import schema  # noqa: E402
from visualizer.render.scene import ViewState, draw_frame  # noqa: E402
from visualizer.render.style import DARK  # noqa: E402
from visualizer.sim import registry  # noqa: E402
from visualizer.sim.commands import Fail, RecoverData, Upgrade  # noqa: E402
from visualizer.sim.model import Simulation  # noqa: E402
from visualizer.sim.nodes import UP, Node  # noqa: E402
from visualizer.sim.requests import WRITE  # noqa: E402
from visualizer.sim.snapshot import IN_SERVICE, ON_LINK  # noqa: E402

# ---- a toy kind, entirely from this file: a proxy that holds each request for hold_ms ----------


class DelayNode(schema.NodeBase):
    kind: Literal["delay"]
    hold_ms: schema.between(0, 10_000) = 50.0


class Delay(Node):
    """Holds a request for hold_s, then passes it to the node it links to; answers pass back."""

    def __init__(self, node_id: str, idx: int, hold_s: float) -> None:
        super().__init__(node_id, "delay", idx)
        self.hold_s = hold_s
        self.next: Node | None = None

    def wire(self) -> None:
        self.next = self.successors()[0]

    def receive(self, req) -> None:
        model = self.model
        if self.status != UP:
            model.fail(req, "node_down", self)
            return
        now = model.time
        self.arrivals += 1
        self.completed += 1
        req.route.append(self)
        t = now + self.hold_s
        arrive = t + self.lat[self.next.id]
        req.plan.append((now, t, self.idx, self.idx, IN_SERVICE, True))
        req.plan.append((t, arrive, self.idx, self.next.idx, ON_LINK, True))
        req.dest = self.next
        model.push(arrive, self.next.receive, req)


@pytest.fixture
def delay_kind():
    registry.register(registry.KindSpec(
        kind="delay", model=DelayNode, build=lambda cfg, idx: Delay(cfg.id, idx, cfg.hold_ms / 1000.0),
        roles=frozenset({registry.ENTRY}), column=2, icon="",
        card=lambda view, lang: f"holds {view.extra.get('hold_ms', '')} ms",
        facts=lambda model, node, now: {"hold_ms": f"{node.hold_s * 1000:g}"},
        strings={"kind.delay": {"en": "Delay", "ko": "지연"},
                 "about.delay": {"en": "Holds each request a while.", "ko": "요청을 잠시 붙잡습니다."}}))
    yield
    registry.unregister("delay")


def delay_scenario():
    data = {
        "meta": {"name": "toy", "title": {"en": "toy", "ko": "장난감"}, "seed": 3, "duration": 60.0},
        "traffic": {"rate": 80.0},
        "nodes": [{"id": "users", "kind": "client"}, {"id": "hold", "kind": "delay", "hold_ms": 200.0},
                  {"id": "web1", "kind": "web_server", "workers": 8, "service_ms": 10.0}],
        "links": [{"from": "users", "to": "hold", "latency_ms": 10.0},
                  {"from": "hold", "to": "web1", "latency_ms": 5.0}],
    }
    return scenario_mod.validate(data, "<toy>")


def test_a_kind_registered_from_a_test_file_loads_runs_conserves_and_draws(delay_kind):
    sc = delay_scenario()
    sim = run(Simulation(sc), 20.0)
    report = sim.report()
    assert report["nodes"]["hold"]["arrivals"] > 1000
    assert report["requests"]["completed"] > 1000 and not report["requests"]["failed"]
    # every answer went through the proxy both ways: at least 2 x (10 + 5) ms + 200 ms + service
    assert report["latency_ms"]["p50"] > 230.0
    pygame.display.init()
    surf = pygame.Surface((1280, 720))
    snap = sim.snapshot()
    lay = draw_frame(surf, snap, ViewState(lang="en"))
    rect = lay.rect(snap.index("hold"))
    pixels = pygame.surfarray.array3d(surf.subsurface(rect))
    assert (np.abs(pixels.astype(int) - np.array(DARK.background)).sum(axis=2) > 30).mean() > 0.2


def test_a_failed_toy_node_fails_its_requests_with_a_reason(delay_kind):
    sim = run(Simulation(delay_scenario()), 5.0)
    sim.apply(Fail("hold"))
    run(sim, 10.0)
    assert sim.report()["requests"]["failed"].get("node_down", 0) > 100


def test_the_toy_kind_is_unknown_once_unregistered(delay_kind):
    delay_scenario()
    registry.unregister("delay")
    with pytest.raises(scenario_mod.ScenarioError, match="unknown kind 'delay'"):
        delay_scenario()


# ---- regressions from the outside fuzz ---------------------------------------------------------

def test_requests_queued_at_a_database_whose_web_server_died_are_dropped_not_answered():
    """Sandbox at 600/s: upgrade both web servers to the top, lose two databases, then web1: the
    requests web1 had queued at the primary must not be answered along a link that does not exist
    (this was a KeyError in the window)."""
    sc = scenario_mod.load("sandbox")
    sim = run(Simulation(sc, rate=600.0), 5.0)
    for _ in range(3):
        sim.apply(Upgrade("web1"))
        sim.apply(Upgrade("web2"))
    sim.apply(Fail("db2"))
    sim.apply(Fail("db3"))
    run(sim, 9.0)
    sim.apply(Fail("web1"))
    run(sim, 25.0)
    assert sim.report()["requests"]["failed"]["node_down"] > 0


@pytest.mark.parametrize("rate", [500.0, 1000.0])
def test_chaos_at_high_rates_runs_without_crashing(rate):
    sim = run(Simulation(scenario_mod.load("chaos"), seed=0, rate=rate), 30.0, dt=1.0)
    assert sim.report()["requests"]["completed"] > 0


# ---- links mean what they draw; several clusters -------------------------------------------------

def test_a_replica_no_web_server_links_to_gets_no_reads():
    sc = make_scenario(
        [{"id": "users", "kind": "client"},
         {"id": "web1", "kind": "web_server", "workers": 32, "service_ms": 5.0},
         {"id": "db", "kind": "db_primary", "workers": 8, "service_ms": 2.0},
         {"id": "linked", "kind": "db_replica", "workers": 8, "service_ms": 2.0},
         {"id": "unlinked", "kind": "db_replica", "workers": 8, "service_ms": 2.0}],
        [("users", "web1"), ("web1", "db"), ("web1", "linked"), ("db", "linked"), ("db", "unlinked")],
        {"rate": 200.0, "read_ratio": 0.9})
    sim = run(Simulation(sc), 10.0)
    nodes = sim.report()["nodes"]
    assert nodes["linked"]["arrivals"] > 1000
    assert nodes["unlinked"]["arrivals"] == 0


def two_shards(**traffic):
    return make_scenario(
        [{"id": "users", "kind": "client"},
         {"id": "web1", "kind": "web_server", "workers": 64, "service_ms": 5.0},
         {"id": "a", "kind": "db_primary", "workers": 8, "service_ms": 2.0, "failover_ms": 500.0},
         {"id": "a2", "kind": "db_replica", "workers": 8, "service_ms": 2.0, "lag_ms": 300.0},
         {"id": "b", "kind": "db_primary", "workers": 8, "service_ms": 2.0, "failover_ms": 500.0},
         {"id": "b2", "kind": "db_replica", "workers": 8, "service_ms": 2.0, "lag_ms": 300.0}],
        [("users", "web1"), ("web1", "a"), ("web1", "a2"), ("web1", "b"), ("web1", "b2"),
         ("a", "a2"), ("b", "b2")],
        {"rate": 300.0, "read_ratio": 0.5, "keys": 1000, **traffic})


def test_two_primaries_are_two_clusters_each_taking_its_share_of_the_writes():
    sim = run(Simulation(two_shards()), 10.0)
    assert [c.name for c in sim.clusters] == ["a", "b"]
    a, b = sim.clusters
    assert a.committed > 300 and b.committed > 300
    assert set(a.keys_after(0)).isdisjoint(b.keys_after(0))      # a key lives in one cluster only
    assert a.replicas == [sim.by_id["a2"]] and b.replicas == [sim.by_id["b2"]]


def test_losing_one_clusters_primary_promotes_only_its_own_replica():
    sim = run(Simulation(two_shards()), 10.0)
    sim.apply(Fail("a"))
    run(sim, 12.0)
    promoted = [e.node for e in sim.events if e.event == "promote"]
    assert promoted == ["a2"]
    a, b = sim.clusters
    assert a.primary.id == "a2" and b.primary.id == "b"
    assert a.lost_total > 0 and b.lost_total == 0
    assert sim.report()["lost_writes"] == a.lost_total
    with pytest.raises(Exception, match="say which database"):
        sim.apply(RecoverData())
    sim.apply(RecoverData("a2"))
    assert sim.report()["lost_writes"] == 0 and a.restored_total == a.lost_total


def test_writes_for_a_dead_shard_fail_while_the_other_shard_keeps_answering():
    sc = two_shards()
    sim = run(Simulation(sc), 5.0)
    sim.apply(Fail("b"))
    sim.apply(Fail("b2"))
    run(sim, 8.0)
    done = [r for r in sim.finished.values() if r.t0 > 6.0]
    ok_keys = {r.key % 2 for r in done if r.ok}
    failed_keys = {r.key % 2 for r in done if not r.ok and r.kind == WRITE}
    assert ok_keys == {0} and failed_keys == {1}


# ---- the action table --------------------------------------------------------------------------

def test_every_action_is_derived_from_the_command_table():
    from visualizer.sim import commands as C
    assert set(schema.Beat.model_fields["action"].annotation.__args__) == set(C.ACTION_NAMES)
    assert C.WAITABLE == tuple(a for a, c in C.ACTIONS.items() if c.waitable)
    for action, cmd in C.ACTIONS.items():
        kinds = [s.kind for s in registry.kinds() if action in s.actions]
        assert kinds or action == "set_rate" or not cmd.needs_node or cmd.on_site, action


@pytest.mark.parametrize("name", ["combined", "chaos"])
def test_a_headless_run_without_plans_reports_exactly_what_the_window_model_does(name):
    sc = scenario_mod.load(name)
    drawn, bare = Simulation(sc, seed=2), Simulation(sc, seed=2, plans=False)
    drawn.run_until(40.0)
    bare.run_until(40.0)
    assert bare.report() == drawn.report()
    assert not bare.finished and drawn.finished and all(r.plan is None for r in bare.live.values())
