"""Build it yourself, in the model: random edits keep conservation and determinism; undo restores
the moment before exactly; a design saved after edits loads back to the same design."""

import json
import os
import tomllib

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from visualizer import design_files
from visualizer.lesson import LessonPlayer
from visualizer.scenario import load, validate
from visualizer.sim.commands import (AddLink, AddNode, AddReplica, AddServer, BalancerInFront, CacheBetween,
                                     CdnInFront, CommandError, Fail, Recover, RemoveLink, RemoveNode,
                                     SplitDatabase)
from visualizer.sim.design import design_of
from visualizer.sim.model import Simulation
from visualizer.edits import EditHistory

EXAMPLES = int(os.environ.get("SIM_EXAMPLES", "12"))
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, phases=[Phase.explicit, Phase.reuse, Phase.generate],
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def candidates(sim):
    """Every edit (and fail/recover) worth trying now, in a fixed order."""
    out = list(sim.build_offers())
    for n in sim.node_ids():
        out += sim.actions_for(n)
    live = [n.id for n in sim.nodes if n.status != "removed"]
    out += [AddLink(a, b) for a in live for b in live if a != b and not sim.graph.has_edge(a, b)][:40]
    out += [RemoveLink(a, b) for a, b in sim.graph.edges]
    out += [RemoveNode(n) for n in live]
    return out


def random_edits(data, sim, n_steps):
    """Apply random accepted commands between short runs; returns [(time, command)]."""
    done = []
    for _ in range(n_steps):
        sim.run_until(sim.time + data.draw(st.sampled_from([0.0, 0.3, 1.0])))
        cands = candidates(sim)
        cmd = cands[data.draw(st.integers(0, len(cands) - 1))]
        try:
            sim.apply(cmd)
        except CommandError:
            continue
        done.append((sim.time, cmd))
        sim.check_conservation()
    return done


def replay(scenario, done, until):
    sim = Simulation(scenario)
    for t, cmd in done:
        sim.run_until(t)
        sim.apply(cmd)
    sim.run_until(until)
    return sim


@SETTINGS
@given(st.data(), st.sampled_from(["sandbox", "single-server"]))
def test_random_edits_keep_conservation_and_determinism(data, name):
    sc = load(name).model_copy(update={"timeline": []})
    sim = Simulation(sc)
    done = random_edits(data, sim, 6)
    sim.run_until(sim.time + 3.0)
    sim.check_conservation()
    again = replay(sc, done, sim.time)
    assert again.events == sim.events
    assert json.dumps(again.report(), sort_keys=True) == json.dumps(sim.report(), sort_keys=True)


@SETTINGS
@given(st.data())
def test_a_design_saved_after_edits_loads_back_the_same(tmp_path_factory, data):
    sc = load("sandbox")
    sim = Simulation(sc)
    random_edits(data, sim, 5)
    path = design_files.save(sim, tmp_path_factory.mktemp("designs") / "mine.toml")
    again = Simulation(design_files.open_design(path))
    assert design_of(again, name="mine") == design_of(sim, name="mine") | {"meta": design_of(again)["meta"]}
    twice = Simulation(load(path))
    for s in (again, twice):
        s.run_until(5.0)
    assert again.report() == twice.report()


@SETTINGS
@given(st.data())
def test_undo_after_any_edit_restores_the_moment_before(data):
    player = LessonPlayer(load("sandbox"))
    history = EditHistory()
    player.step(1.0)
    for _ in range(3):
        cands = candidates(player.sim)
        cmd = cands[data.draw(st.integers(0, len(cands) - 1))]
        before = json.dumps(player.sim.report(), sort_keys=True)
        t = player.time
        try:
            player.apply(cmd)
        except CommandError:
            continue
        history.record(player, cmd)
        player.step(data.draw(st.sampled_from([0.0, 0.5, 2.0])))
        assert history.undo(player) == cmd
        assert player.time == t
        assert json.dumps(player.sim.report(), sort_keys=True) == before
        history.redo(player, player.apply)
        history.record(player, cmd)
        player.step(0.5)


def test_the_chapter_path_by_hand():
    """single server -> database off it -> load balancer -> a second web server -> replica ->
    cache -> CDN, with traffic flowing; every request accounted for."""
    sim = Simulation(load("single-server").model_copy(update={"timeline": []}))
    steps = [SplitDatabase("web1"), BalancerInFront("web1"), AddServer(), AddReplica("db1"),
             CacheBetween("db1"), CdnInFront("lb1")]
    for cmd in steps:
        sim.run_until(sim.time + 3.0)
        sim.apply(cmd)
        sim.check_conservation()
    sim.run_until(sim.time + 10.0)
    kinds = {n.kind for n in sim.nodes}
    assert {"db_primary", "load_balancer", "db_replica", "cache", "cdn"} <= kinds
    assert sim.by_id["users"].entry.id == "lb1"
    rep = sim.report()
    assert rep["requests"]["completed"] > 0 and sim.by_id["db2"].status == "up"


def test_sandbox_offers_a_replica_and_refuses_links_kinds_cannot_use():
    sim = Simulation(load("sandbox"))
    assert AddReplica("db1") in sim.actions_for("db1")
    assert any(isinstance(c, AddNode) and c.kind == "cache" for c in sim.build_offers())
    try:
        sim.apply(AddLink("db1", "web1"))
        raise AssertionError("a database cannot call a web server")
    except CommandError as err:
        assert "cannot use a link" in str(err)
    try:
        sim.apply(RemoveNode("lb"))
        raise AssertionError("DNS hands out lb")
    except CommandError as err:
        assert "dns" in str(err)


def test_a_removed_node_fails_what_was_inside_with_a_reason():
    sim = Simulation(load("sandbox"))
    sim.run_until(3.0)
    sim.apply(RemoveNode("web1"))
    sim.run_until(6.0)
    sim.check_conservation()
    failed = sim.report()["requests"]["failed"]
    assert failed.get("removed", 0) + failed.get("node_down", 0) > 0
    assert "web1" not in {n["id"] for n in design_of(sim)["nodes"]}


def test_saved_file_passes_check_and_never_overwrites(tmp_path, monkeypatch):
    monkeypatch.setenv("SDV_DESIGNS", str(tmp_path))
    sim = Simulation(load("sandbox"))
    sim.apply(AddReplica("db1"))
    first, second = design_files.save(sim), design_files.save(sim)
    assert first.name == "my-design-1.toml" and second.name == "my-design-2.toml"
    validate(tomllib.loads(first.read_text()), first)
    (tmp_path / "notes.toml").write_text("mine\n")
    try:
        design_files.save(sim, tmp_path / "notes.toml")
        raise AssertionError("overwrote a file not ours")
    except Exception as err:
        assert "notes.toml" in str(err)
    assert (tmp_path / "notes.toml").read_text() == "mine\n"
    assert design_files.recent(tmp_path)[0].name in ("my-design-2.toml", "notes.toml", "my-design-1.toml")


def test_a_design_saved_after_a_failover_loads_back_the_same(tmp_path):
    """Found by the property above: db1 links to db3 itself, then fails and db2 takes over; the
    save named two primaries of db3 (a file the loader refuses). The primary that stepped down is
    saved as the replica it becomes on its return, linked from the new primary."""
    sim = Simulation(load("sandbox"))
    sim.run_until(1.0)
    sim.apply(Fail("db1"))
    sim.apply(AddLink("db1", "db3"))
    sim.run_until(4.0)                  # failover_ms = 2000: db2 is the primary now
    assert sim.by_id["db2"].role == "primary"
    path = design_files.save(sim, tmp_path / "mine.toml")
    again = Simulation(design_files.open_design(path))
    assert design_of(again, name="mine") == design_of(sim, name="mine") | {"meta": design_of(again)["meta"]}
    kinds = {n["id"]: n["kind"] for n in design_of(again)["nodes"]}
    assert (kinds["db1"], kinds["db2"]) == ("db_replica", "db_primary")
    assert again.graph.has_edge("db2", "db1")
