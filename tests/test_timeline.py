"""The time-travel store: seeking back and forth is exact, editing the past forks the future."""

import json

import pytest

from visualizer.scenario import load
from visualizer.sim import commands as C
from visualizer.sim.model import Simulation
from visualizer.timeline import Timeline

SC = load("load-balancer")


def fresh() -> Timeline:
    return Timeline(lambda: Simulation(SC, seed=5), every_events=500)


def report(tl: Timeline) -> str:
    return json.dumps(tl.sim.report(), sort_keys=True)


def run_with_commands(tl: Timeline) -> None:
    tl.step(2.3)
    tl.apply(C.Fail("web1"))
    tl.step(1.9)
    tl.apply(C.SetRate(150))
    tl.step(2.05)


def test_seek_back_then_forward_gives_the_same_run() -> None:
    tl = fresh()
    run_with_commands(tl)
    end, expected = tl.time, report(tl)
    for t in (0.0, 0.5, 2.3, 3.99, 5.0):
        tl.seek(t)
        assert tl.time == pytest.approx(t)
        tl.seek(end)
        assert report(tl) == expected, f"after visiting {t}"


def test_same_as_one_straight_run() -> None:
    tl = fresh()
    run_with_commands(tl)
    sim = Simulation(SC, seed=5)
    sim.run_until(2.3)
    sim.apply(C.Fail("web1"))
    sim.run_until(2.3 + 1.9)
    sim.apply(C.SetRate(150))
    sim.run_until(tl.time)
    assert json.dumps(sim.report(), sort_keys=True) == report(tl)


def test_seek_into_the_past_shows_the_past_state() -> None:
    tl = fresh()
    run_with_commands(tl)
    tl.seek(1.0)
    web1 = tl.sim.snapshot().nodes[tl.sim.snapshot().index("web1")]
    assert web1.status == "up"
    tl.seek(3.0)
    web1 = tl.sim.snapshot().nodes[tl.sim.snapshot().index("web1")]
    assert web1.status == "down"


def test_editing_the_past_drops_the_logged_future() -> None:
    tl = fresh()
    run_with_commands(tl)
    tl.seek(1.0)
    tl.apply(C.Fail("web2"))
    assert [type(e.cmd) for e in tl.log] == [C.Fail]
    assert tl.horizon == pytest.approx(1.0)
    tl.step(5.0)
    snap = tl.sim.snapshot()
    assert snap.nodes[snap.index("web1")].status == "up", "web1's failure was in the discarded future"


def test_a_refused_command_leaves_no_trace() -> None:
    tl = fresh()
    tl.step(1.0)
    with pytest.raises(C.CommandError):
        tl.apply(C.Promote("web1"))
    assert tl.log == []


def test_a_seek_forward_restores_a_checkpoint_ahead_instead_of_replaying(monkeypatch):
    tl = Timeline(lambda: Simulation(SC, seed=5), every_events=500)
    tl.step(60.0)
    end = report(tl)
    tl.seek(5.0)
    restored = []
    real = Timeline._restore
    monkeypatch.setattr(Timeline, "_restore", lambda self, i: (restored.append(self.checkpoints[i].t), real(self, i)))
    tl.seek(60.0)
    assert restored and restored[0] > 50.0, "jumped to a checkpoint near the target"
    assert report(tl) == end


def test_a_design_with_ten_thousand_links_checkpoints_and_seeks():
    """Pickling a big design's checkpoint once hit RecursionError (server -> request -> server)."""
    from conftest import make_scenario

    webs, dbs = [f"w{i}" for i in range(100)], ["p"] + [f"r{i}" for i in range(99)]
    sc = make_scenario([{"id": "users", "kind": "client"}, {"id": "lb", "kind": "load_balancer"}]
                       + [{"id": w, "kind": "web_server", "workers": 4} for w in webs]
                       + [{"id": "p", "kind": "db_primary", "workers": 8}]
                       + [{"id": r, "kind": "db_replica", "workers": 8} for r in dbs[1:]],
                       [("users", "lb")] + [("lb", w) for w in webs] + [(w, d) for w in webs for d in dbs],
                       {"rate": 2000.0})
    tl = Timeline(lambda: Simulation(sc), every_events=20_000)
    tl.step(6.0)
    assert len(tl.checkpoints) > 2
    end = report(tl)
    tl.seek(2.0)
    tl.seek(6.0)
    assert report(tl) == end
