"""Lesson 10's queue theory and picture: λ - c·μ and Q/(c'·μ - λ) in the model, claims that fail when
false, the tube, the busy slots and the depth charts drawn, job conservation and determinism under hypothesis."""

from __future__ import annotations

import re

import os

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")

from typing import Any  # noqa: E402

import numpy as np  # noqa: E402
import pygame  # noqa: E402
import pytest  # noqa: E402
from conftest import make_scenario  # noqa: E402
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from visualizer import theory_queue as tq  # noqa: E402
from visualizer.claims import check_lesson  # noqa: E402
from visualizer.render import charts  # noqa: E402
from visualizer.render.queue_view import TUBE_CELLS, filled_cells, tube_rect  # noqa: E402
from visualizer.render.scene import LAST, ViewState, draw_frame  # noqa: E402
from visualizer.render.style import palette  # noqa: E402
from visualizer.scenario import ScenarioError, load, validate  # noqa: E402
from visualizer.schema import Expect  # noqa: E402
from visualizer.sim.jobs_view import jobs  # noqa: E402
from visualizer.sim.commands import AddWorker, CommandError, Fail, Recover, RemoveWorker, SetRate  # noqa: E402
from visualizer.sim.model import Simulation  # noqa: E402
from visualizer.ui.queue_cards import queue_lines  # noqa: E402

SETTINGS = settings(max_examples=int(os.environ.get("SIM_EXAMPLES", "15")), deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def design(rate: float = 60.0, workers: int = 2, slots: int = 2, service_ms: float = 100.0,
           queue: dict | None = None, dist: str = "const") -> Any:
    """users -> web1 (never the bottleneck) -> queue -> worker1..n, every request publishing a job:
    λ = rate, μ = 1 / (service + 0 ms link), c = workers x slots."""
    ws = [f"worker{i + 1}" for i in range(workers)]
    nodes = ([{"id": "users", "kind": "client"},
              {"id": "web1", "kind": "web_server", "workers": 256, "service_ms": 1.0, "queue_limit": 1000,
               "publish_ratio": 1.0},
              {"id": "queue", "kind": "queue", **(queue or {})}]
             + [{"id": w, "kind": "worker", "workers": slots, "service_ms": service_ms, "service_dist": dist}
                for w in ws])
    links = [("users", "web1", 10.0), ("web1", "queue", 1.0)] + [("queue", w, 0.0) for w in ws]
    return make_scenario(nodes, links, {"rate": rate})


def figures(sim: Simulation) -> Any:
    """The first queue's figures as the snapshot would carry them (works without plans too)."""
    found = jobs(sim)
    assert found is not None
    return found.queues[0]


# ---- the formulas hold in the model ---------------------------------------------------------------

def test_backlog_grows_at_lambda_minus_c_mu_then_drains_in_q_over_c_prime_mu_minus_lambda() -> None:
    sim = Simulation(design(), plans=False)      # λ = 60, c·μ = 4 x 10 = 40: +20 jobs/s
    sim.run_until(30.0)
    q = figures(sim)
    assert q.capacity_up() == pytest.approx(40.0)
    s = tq.span(q, 10.0, 30.0)
    assert s is not None and s.seconds == 20
    assert s.growth == pytest.approx(s.lam - 40.0, rel=0.10)
    assert tq.backlog_gap(q, s) < 0.10
    assert s.busy == pytest.approx(1.0, abs=0.01)          # ρ > 1: every slot busy
    t0, backlog, published = sim.time, q.depth, q.published
    for _ in range(2):
        sim.apply(AddWorker("queue"))                      # c' = 8 slots: 80 against 60
    sim.run_until(t0 + 60.0)
    d = tq.drain(figures(sim), t0, backlog, published, sim.time)
    assert d is not None and d.measured is not None
    assert d.predicted == pytest.approx(backlog / (80.0 - d.lam))
    assert tq.drain_gap(d) < 0.15


def test_the_card_names_its_span_and_sets_each_formula_beside_the_measurement() -> None:
    sim = Simulation(design())
    sim.run_until(25.0)
    text = "\n".join(line for line, _ in queue_lines(sim.snapshot(), "en"))
    assert "t = 15-25 s" in text and "λ - c·μ = +" in text and "measured +" in text
    rho = float(re.search(r"ρ = λ/\(c·μ\) = ([0-9.]+)", text).group(1))
    assert 1.3 <= rho <= 1.7                     # λ ≈ 60 against c·μ = 40 (measured over 10 s)
    sim.apply(AddWorker("queue"))
    sim.apply(AddWorker("queue"))
    sim.run_until(60.0)
    text = "\n".join(line for line, _ in queue_lines(sim.snapshot(), "en"))
    assert "Q/(c'·μ - λ)" in text and "(Q at 25 s)" in text and "empty after" in text
    ko = "\n".join(line for line, _ in queue_lines(sim.snapshot(), "ko"))
    assert "비워짐" in ko


def test_the_formulas() -> None:
    assert tq.backlog_rate(50, 40) == 10 and tq.drain_s(100, 60, 50) == 10.0
    assert tq.drain_s(100, 50, 50) == float("inf") and tq.utilization(30, 40) == 0.75
    assert tq.drain_gap(None) != tq.drain_gap(None)                 # NaN: nothing measured yet


# ---- the claims fail when they are false ---------------------------------------------------------

def lesson_with(beat: int, claim: dict, until: int | None = None, **queue: Any) -> Any:
    """Lesson 10 with one more claim on one beat (its beats after `until` dropped, to run quicker)."""
    data = load("queue").model_dump(by_alias=True, exclude_none=True)
    data["timeline"][beat].setdefault("expect", []).append(claim)
    if until is not None:                     # it ends when the first dropped beat would begin
        data["meta"]["duration"] = float(data["timeline"][until + 1]["at"])
        data["timeline"] = data["timeline"][: until + 1]
    for node in data["nodes"]:
        if node["id"] == "queue":
            node.update(queue)
    return validate(data, "<queue>")


def added(claims: list, beat: int, claim: dict) -> Any:
    found = [c for c in claims if c.beat == beat and c.expect == Expect.model_validate(claim)]
    assert found
    return found[0]


@pytest.mark.parametrize("beat, claim", [
    (3, {"check": "theory", "node": "queue", "of": "backlog", "max": 0.1, "span_s": 8}),   # drained: no growth
    (1, {"check": "theory", "node": "queue", "of": "drain", "max": 0.15}),   # never drains while c·μ < λ
    (1, {"check": "count", "node": "queue", "of": "redelivered", "min": 1}),  # no worker died yet
    (2, {"check": "count", "node": "queue", "of": "depth", "max": 10}),       # the backlog is there
])
def test_a_false_queue_claim_fails(beat: int, claim: dict) -> None:
    claims = check_lesson(lesson_with(beat, claim, until=3), "auto")
    assert not added(claims, beat, claim).ok


def test_a_queue_too_small_refuses_jobs_and_the_refused_claim_says_so() -> None:
    claim = {"check": "count", "node": "queue", "of": "refused", "max": 0}
    claims = check_lesson(lesson_with(1, claim, until=2, capacity=50), "auto")
    assert not added(claims, 1, claim).ok


def test_the_jobs_claim_counts_what_is_unaccounted_for() -> None:
    sim = Simulation(design(), plans=False)
    sim.run_until(5.0)
    q = figures(sim)
    assert tq.unaccounted(q) == 0
    from dataclasses import replace
    assert tq.unaccounted(replace(q, processed=q.processed - 3)) == 3


# ---- the window draws the queue --------------------------------------------------------------------

@pytest.fixture(scope="module")
def surface() -> pygame.Surface:
    pygame.display.init()
    pygame.font.init()
    return pygame.Surface((1280, 720))


def test_a_frame_draws_the_tube_filled_with_the_depth_and_busy_worker_slots(surface: pygame.Surface) -> None:
    sim = Simulation(design(queue={"capacity": 200}))
    sim.run_until(6.0)
    snap = sim.snapshot()
    q = figures(sim)
    view = ViewState()
    lay = draw_frame(surface, snap, view)
    assert LAST.extra["tube_cells"] == filled_cells(q.depth, 200) > 0
    assert LAST.extra["busy_cells"] == 4                       # both workers' two slots, all busy
    box = tube_rect(lay.rect(snap.index("queue")), lay)
    pixels = pygame.surfarray.pixels3d(surface)[box.left:box.right, box.top:box.bottom]
    yellow = np.all(np.abs(pixels.astype(int) - np.array(palette(False).queue)) < 8, axis=2)
    assert yellow.sum() > 20
    assert filled_cells(200, 200) == TUBE_CELLS


def test_the_depth_and_age_charts_exist_with_a_queue_and_not_without(surface: pygame.Surface) -> None:
    sim = Simulation(design())
    sim.run_until(12.0)
    rows = charts.job_window(sim.snapshot())
    assert rows is not None and rows.shape == (12, 2) and rows[-1, 0] == figures(sim).series[-1, 1]
    assert rows[-1, 1] > 0                                   # the oldest job has waited a while
    plain = Simulation(load("single-server"))
    plain.run_until(3.0)
    assert plain.snapshot().jobs is None and charts.job_window(plain.snapshot()) is None


# ---- conservation and determinism under random commands ------------------------------------------

IDS = ["queue", "worker1", "worker2", "worker3", "web1"]
command = st.one_of(st.builds(Fail, st.sampled_from(IDS)), st.builds(Recover, st.sampled_from(IDS)),
                    st.builds(AddWorker, st.just("queue")), st.builds(RemoveWorker, st.just("queue")),
                    st.builds(SetRate, st.floats(0.0, 150.0)))
script = st.lists(st.tuples(st.integers(1, 200), command), max_size=8)


def run(steps: list, capacity: int, visibility: float) -> Simulation:
    sim = Simulation(design(rate=80.0, queue={"capacity": capacity, "visibility_timeout_s": visibility},
                            dist="lognormal"))
    t = 0
    for cs, cmd in steps:
        t += cs
        while sim.time < t / 100.0 - 1e-9:
            sim.run_until(min(t / 100.0, sim.time + 0.5))
            sim.by_id["queue"].check_jobs()
            assert tq.unaccounted(figures(sim)) == 0
        try:
            sim.apply(cmd)
        except CommandError:
            pass
    sim.run_until(t / 100.0 + 3.0)
    sim.by_id["queue"].check_jobs()
    return sim


@SETTINGS
@given(script, st.integers(5, 400), st.sampled_from([0.3, 1.0, 5.0]))
def test_jobs_are_conserved_and_the_same_commands_give_the_same_run(steps: list, capacity: int,
                                                                    visibility: float) -> None:
    a, b = run(steps, capacity, visibility), run(steps, capacity, visibility)
    ra, rb = a.report(), b.report()
    assert ra == rb
    j = ra["jobs"]
    assert j["published"] == j["processed"] + j["depth"] + j["in_progress"] + j["refused"]
    fa, fb = figures(a), figures(b)
    assert np.array_equal(fa.series, fb.series) and fa.drained == fb.drained


@pytest.mark.parametrize("claim, words", [
    ({"check": "theory", "of": "backlog", "max": 0.1}, "needs a queue"),
    ({"check": "theory", "of": "jobs", "max": 0}, "needs a queue"),
    ({"check": "count", "of": "redelivered", "min": 1}, "needs a queue"),
])
def test_a_queue_claim_in_a_design_without_a_queue_is_refused(claim: dict, words: str) -> None:
    data = load("single-server").model_dump(by_alias=True, exclude_none=True)
    data["timeline"][0].setdefault("expect", []).append(claim)
    with pytest.raises(ScenarioError, match=words):
        validate(data, "<single-server>")


def test_a_beat_may_name_the_worker_an_earlier_add_worker_made_but_not_before() -> None:
    data = load("queue").model_dump(by_alias=True, exclude_none=True)
    data["timeline"][1]["highlight"] = ["worker3"]             # before the add_worker beat
    with pytest.raises(ScenarioError, match="unknown node id 'worker3'"):
        validate(data, "<queue>")
