"""A seek lands on exactly the state the seek-free run had then, in every bundled lesson.

A presenter and a student are scripted (steps, Next, student commands) and played twice: once as
is, once with bursts of seeks (scrubber, PgUp, Home, beat jumps) between the steps, each burst
ending back at the live end. Every seek must land on the model state (report, snapshot, RNG,
event queue) and lesson state the seek-free run had at that moment, and both runs must end alike.
"""

from __future__ import annotations

import hashlib
import json
import random

import numpy as np
import pytest

from visualizer.lesson import LessonPlayer
from visualizer.scenario import bundled, load
from visualizer.sim import commands as C
from visualizer.sim.model import Simulation

LESSONS = [name for name, sc in bundled() if sc.meta.lesson is not None]


def model_print(sim: Simulation) -> str:
    """Everything that decides the model's future, and what the screen shows of it."""
    snap = sim.snapshot()
    d = sim.draws
    heap = sorted((t, seq, getattr(fn, "__qualname__", str(fn))) for t, seq, fn, _ in sim.q.heap)
    parts = [json.dumps(sim.report(), sort_keys=True),
             repr([(n.id, n.status, n.busy, n.queue, n.detected_up, n.role, sorted(n.extra.items()))
                   for n in snap.nodes]),
             repr(sorted(zip(snap.dots.id.tolist(), snap.dots.src.tolist(), snap.dots.dst.tolist(),
                             np.round(snap.dots.frac, 5).tolist()))),
             repr(d.rng.bit_generator.state), repr((len(d._u), len(d._e), len(d._n))),
             repr(heap), repr(sim.q.seq)]
    return hashlib.sha1("\n".join(parts).encode()).hexdigest()


def lesson_print(p: LessonPlayer) -> tuple:
    return (p.index, p.done_at, tuple(p.starts[: p.index + 1]), model_print(p.sim))


def script(sc, seed: int, n: int = 40) -> list[tuple[str, object]]:
    rng = random.Random(seed)
    ids = [node.id for node in sc.nodes if node.kind != "client"]
    ops: list[tuple[str, object]] = []
    for _ in range(n):
        r = rng.random()
        if r < 0.55:
            ops.append(("step", round(rng.uniform(0.05, 3.0), 3)))
        elif r < 0.8:
            ops.append(("next", None))
        elif r < 0.9:
            ops.append(("fail", rng.choice(ids)))
        else:
            ops.append(("recover", rng.choice(ids)))
    return ops


def do(p: LessonPlayer, op: str, arg: object) -> None:
    try:
        if op == "step":
            p.step(arg)
        elif op == "next":
            p.next()
        elif op == "fail":
            p.apply(C.Fail(arg))
        elif op == "recover":
            p.apply(C.Recover(arg))
    except C.CommandError:
        pass


def play(name: str, seed: int, seeks: bool) -> tuple[LessonPlayer, dict[float, tuple], list[str]]:
    sc = load(name)
    p = LessonPlayer(sc)
    seen: dict[float, tuple] = {p.sim.time: lesson_print(p)}
    rng = random.Random(seed * 7 + 1)
    problems: list[str] = []
    for k, (op, arg) in enumerate(script(sc, seed)):
        do(p, op, arg)
        seen[p.sim.time] = lesson_print(p)     # the last state at that instant is where a seek lands
        if seeks and rng.random() < 0.5:
            _burst(p, rng, seen, problems, f"{name} op {k}")
    return p, seen, problems


def _burst(p: LessonPlayer, rng: random.Random, seen: dict, problems: list[str], where: str) -> None:
    """Seek about, checking every landing against the seek-free history, then back to the end."""
    live = p.sim.time
    for _ in range(rng.randint(1, 4)):
        kind = rng.random()
        if kind < 0.4:
            t = rng.choice(sorted(seen))
            p.seek(t)
        elif kind < 0.6:
            p.previous()
        elif kind < 0.7:
            p.home()
        else:
            p.go_to(rng.randrange(len(p.starts)))
        t = p.sim.time
        if t in seen and seen[t][3] != model_print(p.sim):
            problems.append(f"{where}: the model at t={t:.3f} differs from the seek-free run")
    p.seek(live)
    if seen.get(live) and seen[live][3] != model_print(p.sim):
        problems.append(f"{where}: back at the live end t={live:.3f} the model differs")


@pytest.mark.parametrize("name", LESSONS)
@pytest.mark.parametrize("seed", [0, 1])
def test_seeks_land_on_the_seek_free_state(name: str, seed: int) -> None:
    plain, plain_seen, _ = play(name, seed, seeks=False)
    seeking, _, problems = play(name, seed, seeks=True)
    assert not problems, problems[:5]
    assert lesson_print(seeking) == lesson_print(plain), "the two runs ended differently"


def test_long_session_thins_checkpoints_and_seeks_stay_exact() -> None:
    """Past the thinning point: forks far from any kept checkpoint still checkpoint new history,
    every seek (back, and forward to the live end) lands on the state first seen there, and the
    checkpoints held stay few."""
    from visualizer.timeline import Timeline

    sc = load("sandbox")
    tl = Timeline(lambda: Simulation(sc, rate=150.0), every_events=2_000, recent_s=60.0)
    rng = random.Random(4)
    seen: dict[float, str] = {}
    for k in range(60):
        tl.step(rng.uniform(2.0, 8.0))
        if k % 7 == 3:
            try:
                tl.apply(rng.choice([C.Fail("web1"), C.Recover("web1"), C.Fail("db2"),
                                     C.Recover("db2"), C.SetRate(rng.choice([100.0, 200.0]))]))
            except C.CommandError:
                pass
        seen[tl.time] = model_print(tl.sim)
    assert tl.time > 200 and tl.checkpoints[1].t > 0
    old = [c for c in tl.checkpoints if c.t < tl.horizon - 60.0]
    assert len(old) < len([t for t in seen if t < tl.horizon - 60.0])     # thinned
    live = tl.time
    for t in rng.sample(sorted(seen), 12) + [live]:
        tl.seek(t)
        assert model_print(tl.sim) == seen[t], f"seek to {t:.3f}"
    # fork in thinned history, far from any checkpoint: new history is checkpointed again
    t_old = min(t for t in seen if t > tl.checkpoints[1].t + 20.0)
    tl.seek(t_old)
    tl.apply(C.SetRate(120.0))
    n = len(tl.checkpoints)
    tl.step(30.0)
    assert len(tl.checkpoints) > n and tl.checkpoints[-1].t > t_old + 20.0
