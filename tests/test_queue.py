"""The message queue: backlog growth and drain against λ − c·μ, redelivery, durability, job conservation."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import make_scenario

from visualizer.sim.commands import AddWorker, CommandError, Fail, Recover, RemoveWorker, SetRate
from visualizer.sim.model import Simulation

ROOT = Path(__file__).resolve().parent.parent


def queued(n_workers: int = 4, rate: float = 60.0, worker: dict | None = None,
           queue: dict | None = None, ratio: float = 1.0) -> Any:
    """users -> web1 (fast, never the bottleneck) -> queue -> worker1..n (one slot each, 10 jobs/s;
    0 ms links, so a slot is busy only while it works and μ is exactly 1 / service time)."""
    ws = [f"worker{i + 1}" for i in range(n_workers)]
    nodes = ([{"id": "users", "kind": "client"},
              {"id": "web1", "kind": "web_server", "workers": 256, "service_ms": 1.0,
               "queue_limit": 1000, "publish_ratio": ratio},
              {"id": "queue", "kind": "queue", **(queue or {})}]
             + [{"id": w, "kind": "worker", "workers": 1, "service_ms": 100.0, **(worker or {})}
                for w in ws])
    links = [("users", "web1", 10.0), ("web1", "queue", 1.0)] + [("queue", w, 0.0) for w in ws]
    return make_scenario(nodes, links, {"rate": rate})


def stepped(sim: Simulation, t: float, dt: float = 0.5) -> Simulation:
    """Run to `t`, checking both conservations at every step."""
    while sim.time < t - 1e-9:
        sim.run_until(min(t, sim.time + dt))
        sim.check_conservation()
        sim.by_id["queue"].check_jobs()
    return sim


def test_the_backlog_grows_at_lambda_minus_c_mu_and_drains_after_add_worker() -> None:
    sim = Simulation(queued(), plans=False)
    q = sim.by_id["queue"]
    stepped(sim, 20.0, dt=5.0)
    d0 = q.depth
    stepped(sim, 120.0, dt=5.0)
    growth = (q.depth - d0) / 100.0
    assert growth == pytest.approx(60.0 - 4 * 10.0, rel=0.10)
    backlog = q.depth
    assert sim.report()["series"][-1]["queue_depth"] == backlog    # row 119: the depth at t = 120
    for _ in range(4):
        sim.apply(AddWorker("queue"))              # c' = 8: 80 jobs/s against 60
    assert len(q.workers) == 8 and ("add_worker", "worker5") in [(e.event, e.node) for e in sim.events]
    t0 = sim.time
    while q.depth > 0 and sim.time < t0 + 400:
        stepped(sim, sim.time + 1.0, dt=1.0)
    assert q.depth == 0
    assert sim.time - t0 == pytest.approx(backlog / (8 * 10.0 - 60.0), rel=0.15)
    assert q.redelivered == 0 and not q.refused


def test_a_worker_killed_mid_job_sees_its_job_delivered_again_after_the_visibility_timeout() -> None:
    sim = Simulation(queued(n_workers=1, rate=0.2, worker={"service_ms": 2000.0, "service_dist": "const"},
                            queue={"visibility_timeout_s": 5.0}))
    q, w = sim.by_id["queue"], sim.by_id["worker1"]
    while not q.leased:
        sim.run_until(sim.time + 0.01)
    t_lease = sim.time
    job = next(iter(q.leased.values()))
    sim.run_until(t_lease + 1.0)                   # mid-job
    sim.apply(Fail("worker1"))
    sim.apply(Recover("worker1"))                  # back at once, but the job it held is gone
    stepped(sim, t_lease + 4.9, dt=0.1)
    assert not job.done and q.redelivered == 0 and job.attempt == 1
    stepped(sim, t_lease + 5.1, dt=0.1)
    assert q.redelivered == 1 and job.attempt == 2
    stepped(sim, t_lease + 5.1 + 2.0 + 0.1, dt=0.1)
    assert job.done and w.done_jobs >= 1
    assert sim.report()["nodes"]["queue"]["redelivered"] == 1


def test_with_every_worker_down_jobs_wait_and_none_is_lost() -> None:
    sim = stepped(Simulation(queued(n_workers=2, rate=10.0), plans=False), 5.0)
    q = sim.by_id["queue"]
    while not q.leased:
        sim.run_until(sim.time + 0.01)
    held = len(q.leased)
    for w in ("worker1", "worker2"):
        sim.apply(Fail(w))
    done = q.processed
    stepped(sim, 25.0)
    assert q.depth > 150
    waiting = q.depth
    assert q.processed == done                            # nobody took a job meanwhile
    for w in ("worker1", "worker2"):
        sim.apply(Recover(w))
    sim.apply(SetRate(0.0))                               # no more jobs: the backlog must empty
    stepped(sim, 80.0)
    assert waiting > 0 and q.depth == 0 and not q.leased and not q.refused
    assert q.published == q.processed                     # every job published was done
    assert q.redelivered == held                          # the ones held at the failure came again


def test_a_queue_that_restarts_keeps_its_jobs_and_refuses_publishes_while_down() -> None:
    sim = stepped(Simulation(queued(n_workers=1, rate=20.0), plans=False), 10.0)
    q = sim.by_id["queue"]
    sim.apply(Fail("worker1"))
    stepped(sim, 15.0)
    sim.apply(Fail("queue"))
    kept = q.depth
    stepped(sim, 20.0)
    assert q.depth >= kept > 0 and q.refused.get("node_down", 0) > 50
    assert sim.report()["requests"]["failed"] == {}         # the requests never noticed
    sim.apply(Recover("queue"))
    sim.apply(Recover("worker1"))
    assert q.depth + len(q.leased) >= kept


def test_a_full_queue_refuses_jobs_not_requests() -> None:
    sim = stepped(Simulation(queued(n_workers=1, rate=50.0, queue={"capacity": 20}), plans=False), 10.0)
    r = sim.report()
    assert r["nodes"]["queue"]["refused_by"]["queue_full"] > 100
    assert r["jobs"]["refused"] == r["nodes"]["queue"]["refused"]
    assert r["requests"]["failed"] == {} and r["requests"]["completed"] > 400


def test_remove_worker_keeps_one_and_its_jobs_are_finished() -> None:
    sim = stepped(Simulation(queued(n_workers=2, rate=10.0), plans=False), 5.0)
    sim.apply(RemoveWorker("queue"))
    assert sim.by_id["worker2"].status == "removed"
    with pytest.raises(CommandError):
        sim.apply(RemoveWorker("queue"))
    stepped(sim, 10.0)
    assert sim.by_id["queue"].redelivered == 0


def test_report_has_jobs_only_with_a_queue_and_the_same_seed_gives_the_same_run() -> None:
    sc = queued(n_workers=2, rate=30.0, worker={"mtbf_s": 5.0, "mttr_s": 2.0},
                queue={"mtbf_s": 20.0, "mttr_s": 3.0, "visibility_timeout_s": 2.0})
    a = stepped(Simulation(sc), 30.0).report()
    b = stepped(Simulation(sc), 30.0).report()
    assert a == b
    assert set(a["jobs"]) >= {"published", "processed", "refused", "latency_ms"}
    assert a["jobs"]["latency_ms"]["p50"] is not None
    assert all("queue_depth" in row for row in a["series"])
    node = a["nodes"]["queue"]
    for key in ("published", "processed", "redelivered", "refused", "depth", "max_depth", "oldest_age_s"):
        assert key in node
    plain = Simulation(queued(ratio=0.0)).report()
    assert "jobs" in plain                                 # a queue exists, even if idle
    no_queue = make_scenario([{"id": "users", "kind": "client"}, {"id": "web1", "kind": "web_server"}],
                             [("users", "web1")])
    r = Simulation(no_queue).report()
    assert "jobs" not in r and all("queue_depth" not in row for row in r["series"])


BAD_BASE = ('[meta]\nname = "x"\ntitle = { en = "x", ko = "x" }\n'
            '[[nodes]]\nid = "users"\nkind = "client"\n'
            '[[nodes]]\nid = "web1"\nkind = "web_server"\npublish_ratio = 0.5\n'
            '[[links]]\nfrom = "users"\nto = "web1"\n')


@pytest.mark.parametrize("extra, key", [
    ('[[nodes]]\nid = "q"\nkind = "queue"\ncapacity = -5\n[[links]]\nfrom = "web1"\nto = "q"\n', "capacity"),
    ('[[nodes]]\nid = "q"\nkind = "queue"\n[[nodes]]\nid = "w1"\nkind = "worker"\n'
     '[[links]]\nfrom = "web1"\nto = "q"\n', "nodes[w1]"),
    ('', "publish_ratio"),
])
def test_a_bad_queue_value_is_one_line_naming_the_key(tmp_path: Path, extra: str, key: str) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(BAD_BASE + extra)
    out = subprocess.run([sys.executable, str(ROOT / "main.py"), "--check-scenario", str(bad)],
                         capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 2
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and "bad.toml" in lines[0] and key in lines[0], lines


def test_a_timeline_beat_adds_a_worker_and_light_load_jobs_take_about_one_service_time() -> None:
    sc = queued(n_workers=2, rate=5.0, worker={"service_ms": 100.0, "service_dist": "const"})
    data = sc.model_dump(by_alias=True)
    data["timeline"] = [{"at": 5.0, "action": "add_worker", "node": "queue"}]
    from visualizer.schema import scenario_model
    sim = stepped(Simulation(scenario_model().model_validate(data)), 30.0)
    assert ("add_worker", "worker3") in [(e.event, e.node) for e in sim.events]
    lat = sim.report()["jobs"]["latency_ms"]
    assert 100.0 <= lat["p50"] < 110.0                     # 100 ms of work, 1 ms to the queue, 0 ms links
    assert sim.report()["requests"]["completed"] > 100
