"""Database sharding: routing by mod N and by a ring, a shard down, resharding, the hot shard,
conservation and determinism, and bad values as one clean line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from visualizer.scenario import check_references
from visualizer.schema import scenario_model
from visualizer.sim.commands import AddShard, CommandError, Fail, Recover, SetSharding
from visualizer.sim.model import Simulation
from visualizer.sim.requests import READ, WRITE, Request
from visualizer.sim.sharding import predicted_fraction

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = int(os.environ.get("SIM_EXAMPLES", "10"))


def design(n: int = 3, replicas: int = 1, database: dict | None = None, traffic: dict | None = None,
           timeline: list[dict] | None = None) -> dict[str, Any]:
    """users -> web1 -> n shards (db_primary s<i>, each with `replicas` replicas), as plain data."""
    nodes: list[dict] = [{"id": "users", "kind": "client"},
                         {"id": "web1", "kind": "web_server", "workers": 64, "service_ms": 2.0}]
    links = [{"from": "users", "to": "web1"}]
    for i in range(n):
        p = f"p{i}"
        nodes.append({"id": p, "kind": "db_primary", "shard": i, "workers": 16, "service_ms": 2.0})
        links.append({"from": "web1", "to": p})
        for j in range(replicas):
            r = f"r{i}x{j}"
            nodes.append({"id": r, "kind": "db_replica", "workers": 16, "service_ms": 2.0, "lag_ms": 10.0})
            links += [{"from": p, "to": r}, {"from": "web1", "to": r}]
    return {"meta": {"name": "shards", "title": {"en": "s", "ko": "s"}, "seed": 5, "duration": 30.0},
            "traffic": {"rate": 200.0, "clients": 1000, "keys": 1200, **(traffic or {})},
            "database": database or {}, "nodes": nodes, "links": links, "timeline": timeline or []}


def build(data: dict[str, Any], plans: bool = False) -> Simulation:
    sc = scenario_model().model_validate(data)
    check_references(sc, "<test>")
    return Simulation(sc, plans=plans)


def request(sim: Simulation, key: int, user: int = 0, kind: int = READ) -> Request:
    return Request(1, kind, user, key, sim.time, sim.time + 1.0, sim.clients[0], False)


# ---- routing ---------------------------------------------------------------------------------------

def test_modulo_routes_key_mod_n_writes_to_the_primary_reads_to_replicas() -> None:
    sim = build(design(3))
    web = sim.by_id["web1"]
    for key in range(12):
        node, reason = web.callee(request(sim, key, kind=WRITE))
        assert reason == "" and node.id == f"p{key % 3}"
        node, _ = web.callee(request(sim, key))
        assert node.id == f"r{key % 3}x0"


def test_user_shard_key_routes_by_user() -> None:
    sim = build(design(3, database={"shard_key": "user"}))
    web = sim.by_id["web1"]
    for user in range(9):
        node, _ = web.callee(request(sim, key=1, user=user, kind=WRITE))
        assert node.id == f"p{user % 3}"


def test_consistent_routes_by_the_ring_and_spreads_keys() -> None:
    sim = build(design(3, database={"sharding": "consistent", "vnodes": 64}))
    web, shards = sim.by_id["web1"], sim.shards
    for key in range(50):
        node, _ = web.callee(request(sim, key, kind=WRITE))
        assert node.id == f"p{shards.owner(key)}"
    held = shards.keys_held()
    assert sum(held) == 1200 and min(held) > 1200 / 3 * 0.6


def test_a_shard_down_fails_only_its_keys() -> None:
    sim = build(design(3, replicas=0))
    sim.run_until(2.0)
    sim.apply(Fail("p1"))
    sim.run_until(6.0)
    web = sim.by_id["web1"]
    for key in range(9):
        node, reason = web.callee(request(sim, key, kind=WRITE))
        assert (node is None and reason == "no_primary") if key % 3 == 1 else node.id == f"p{key % 3}"
    rep = sim.report()
    sim.check_conservation()
    assert set(rep["requests"]["failed"]) <= {"no_primary", "node_down", "timeout"}
    per = rep["shards"]["per_shard"]
    assert per[0]["requests"] > 0 and per[2]["requests"] > 0


def test_unsharded_designs_have_no_shard_keys_in_their_report() -> None:
    data = design(1)
    for n in data["nodes"]:
        n.pop("shard", None)
    sim = build(data)
    sim.run_until(2.0)
    rep = sim.report()
    assert sim.shards is None and "shards" not in rep and "resharding" not in rep
    assert "shard" not in rep["nodes"]["p0"]


# ---- resharding ----------------------------------------------------------------------------------

@pytest.mark.parametrize("method, expected", [("modulo", 0.75), ("consistent", 0.25)])
def test_adding_a_fourth_shard_moves_the_textbook_share(method: str, expected: float) -> None:
    sim = build(design(3, database={"sharding": method}))
    sim.run_until(3.0)
    sim.apply(AddShard())
    r = sim.report()["resharding"]
    assert (r["from"], r["to"], r["method"]) == (3, 4, method)
    assert abs(r["fraction_moved"] - expected) <= 0.05
    assert abs(predicted_fraction(method, 3) - expected) < 1e-12
    assert sim.shards.n == 4 and sum(sim.shards.keys_held()) == 1200


def test_the_new_shard_copies_its_template_with_its_replicas() -> None:
    sim = build(design(3, replicas=2))
    sim.run_until(1.0)
    sim.apply(AddShard("p0"))
    new = sim.shards.clusters[-1]
    assert new.shard == 3 and len(new.replicas) == 2
    assert all(r.id in sim.by_id["web1"].lat for r in new.replicas)
    assert new.primary.workers == sim.by_id["p0"].workers
    sim.run_until(8.0)
    rep = sim.report()
    assert rep["nodes"][new.primary.id]["shard"] == 3
    assert rep["nodes"][new.primary.id]["shard_requests"] > 0
    assert [e["event"] for e in rep["events"]].count("add_shard") == 1


def test_moving_keys_are_refused_for_move_s_then_served() -> None:
    sim = build(design(3, database={"move_s": 2.0}))
    sim.run_until(3.0)
    sim.apply(AddShard())
    sim.run_until(4.9)
    refused = sim.report()["requests"]["failed"].get("resharding", 0)
    assert refused > 0
    sim.run_until(9.0)
    rep = sim.report()
    assert rep["requests"]["failed"]["resharding"] == refused or \
        rep["requests"]["failed"]["resharding"] - refused < 60      # the last moment of the move only
    assert any(e["event"] == "resharded" and abs(e["t"] - 5.0) < 1e-9 for e in rep["events"])
    sim.check_conservation()


def test_set_sharding_switches_and_is_itself_a_resharding() -> None:
    sim = build(design(3))
    sim.run_until(1.0)
    with pytest.raises(CommandError):
        sim.apply(SetSharding("modulo"))
    sim.apply(SetSharding("consistent"))
    r = sim.report()["resharding"]
    assert r["method"] == "modulo->consistent" and r["fraction_moved"] > 0.4
    sim.apply(AddShard())
    assert abs(sim.report()["resharding"]["fraction_moved"] - 0.25) <= 0.05


def test_a_shard_number_twice_is_refused() -> None:
    data = design(2)
    data["nodes"][4]["shard"] = 0
    with pytest.raises(Exception, match=r"nodes\[p1\]\.shard: 0 is already p0's shard"):
        build(data)


def test_add_shard_needs_shards() -> None:
    data = design(1)
    for n in data["nodes"]:
        n.pop("shard", None)
    sim = build(data)
    with pytest.raises(CommandError, match="no shards"):
        sim.apply(AddShard())


# ---- the hot shard -------------------------------------------------------------------------------

@pytest.mark.parametrize("n", [2, 3, 4])
def test_the_hot_shard_carries_at_least_the_celebrity_share(n: int) -> None:
    sim = build(design(n, traffic={"hot_key_share": 0.3}))
    sim.run_until(20.0)
    sh = sim.report()["shards"]
    total = sum(s["requests"] for s in sh["per_shard"])
    hot = sh["per_shard"][sh["hot_shard"]]["requests"]
    assert hot / total >= 0.3
    assert hot / total == pytest.approx(0.3 + 0.7 / n, abs=0.05)


def test_without_hot_key_share_the_draws_are_unchanged() -> None:
    a = build(design(3, traffic={"hot_key_share": 0.0}))
    data = design(3)
    b = build(data)
    for sim in (a, b):
        sim.run_until(5.0)
    assert json.dumps(a.report()) == json.dumps(b.report())


# ---- properties ------------------------------------------------------------------------------------

command = st.one_of(st.just(AddShard()), st.builds(AddShard, st.sampled_from(["p0", "p1", "web1", "ghost"])),
                    st.builds(SetSharding, st.sampled_from(["modulo", "consistent", "bogus"])),
                    st.builds(Fail, st.sampled_from(["p0", "p1", "r0x0", "web1"])),
                    st.builds(Recover, st.sampled_from(["p0", "p1", "r0x0", "web1"])))
script = st.lists(st.tuples(st.integers(1, 200), command), max_size=6)


def play(data: dict[str, Any], steps: list[tuple[int, Any]]) -> Simulation:
    sim = build(data)
    t = 0
    for cs, cmd in steps:
        t += cs
        sim.run_until(t / 100.0)
        try:
            sim.apply(cmd)
        except CommandError:
            pass
        sim.check_conservation()
    sim.run_until(t / 100.0 + 3.0)
    sim.check_conservation()
    return sim


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(script, st.sampled_from(["modulo", "consistent"]), st.sampled_from(["key", "user"]),
       st.sampled_from([0.0, 0.3]))
def test_conservation_and_determinism_with_shards(steps, method, key, hot) -> None:
    data = design(2, database={"sharding": method, "shard_key": key, "move_s": 0.5},
                  traffic={"hot_key_share": hot, "timeout_ms": 300.0})
    a, b = play(data, steps), play(data, steps)
    ra, rb = a.report(), b.report()
    assert json.dumps(ra, sort_keys=True) == json.dumps(rb, sort_keys=True)
    failed = ra["requests"]["failed"]
    assert set(failed) <= {"resharding", "no_primary", "node_down", "timeout", "queue_full"}


# ---- bad values ------------------------------------------------------------------------------------

def main(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "SDL_VIDEODRIVER": "dummy", "SDL_AUDIODRIVER": "dummy"}
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


SHARDING = (ROOT / "scenarios" / "sharding.toml")


@pytest.mark.parametrize("old, new, key, needle", [
    ('sharding = "modulo"', 'sharding = "bogus"', "database.sharding", "modulo"),
    ("shard = 0", "shard = -1", "shard", "greater than or equal to 0"),
    ("hot_key_share = 0.3", "hot_key_share = 2", "traffic.hot_key_share", "less than or equal to 1"),
    ("shard = 0", "shard = 1", "nodes[db1].shard", "numbered 0 .. 0"),
])
def test_bad_values_are_one_line_naming_file_and_key(tmp_path: Path, old: str, new: str, key: str,
                                                     needle: str) -> None:
    text = SHARDING.read_text()
    assert old in text
    bad = tmp_path / "bad.toml"
    bad.write_text(text.replace(old, new, 1))
    out = main("--check-scenario", str(bad))
    assert out.returncode == 2 and out.stdout == "" and "Traceback" not in out.stderr
    assert out.stderr.count("\n") == 1
    assert str(bad) in out.stderr and key in out.stderr and needle in out.stderr


# ---- the window ------------------------------------------------------------------------------------

def test_a_frame_with_shards_draws_bars_halo_and_moving_keys() -> None:
    os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
    import pygame

    from visualizer.render.scene import ViewState, draw_frame
    from visualizer.render.shards import is_hot
    from visualizer.scenario import load
    from visualizer.ui.shard_cards import shard_lines

    pygame.font.init()
    sim = Simulation(load("sharding"))
    sim.run_until(42.5)                      # just after the 3 -> 4 resharding
    snap = sim.snapshot()
    sh = snap.sharding
    assert sh is not None and len(sh.shards) == 4 and sh.last.t == 42.0
    assert any(is_hot(sh, i) for i in range(4)) or sh.hot is not None
    surface = pygame.Surface((1280, 720))
    draw_frame(surface, snap, ViewState(lang="ko"))
    rows = [r for lang in ("en", "ko") for r, _ in shard_lines(snap, lang)]
    assert any("75%" in r for r in rows) and any("p_hot" in r for r in rows)


def test_a_cache_in_front_of_shards_judges_staleness_against_the_shard_that_owns_the_key() -> None:
    data = design(2, replicas=0, database={"shard_key": "user"}, traffic={"read_ratio": 0.5})
    data["nodes"].append({"id": "cache", "kind": "cache", "capacity": 2000, "on_write": "none"})
    data["links"] += [{"from": "web1", "to": "cache"}, {"from": "cache", "to": "p0"}, {"from": "cache", "to": "p1"}]
    sim = build(data)
    cache = sim.by_id["cache"]
    for user, key in ((1, 0), (0, 1), (3, 2), (2, 3)):          # user's shard != key % 2
        owner = sim.shards.clusters[sim.shards.owner(user)]
        assert cache.cluster_of(request(sim, key, user)) is owner
    sim.run_until(20.0)
    sim.check_conservation()
    assert cache.stale_hits > 0                      # no invalidation: hits do serve old values
