"""The compact window of recent outcomes says what a plain list of every outcome would (to the
quarter second)."""

import random

import numpy as np
import pytest

from visualizer.sim.window import BUCKET_S, MAX_RECENT, RECENT_S, WINDOW_S, SlidingWindow


@pytest.mark.parametrize("seed", range(5))
def test_summary_and_recent_match_a_plain_list(seed):
    rng = random.Random(seed)
    win, every = SlidingWindow(), []
    t = 0.0
    for rid in range(4_000):
        t += rng.expovariate(rng.choice([50.0, 800.0, 3000.0]))
        ok = rng.random() < 0.9
        ms = rng.uniform(1, 500) if ok else 0.0
        win.add(t, rid, "web1", ok, "" if ok else "timeout", 0, ms)
        every.append((t, rid, ok, ms))
        if rid % 97 == 0:
            now = t + rng.uniform(0, 2)
            lats, failed, covered = win.summary(now)
            assert WINDOW_S - 1e-9 <= covered <= WINDOW_S + BUCKET_S + 1e-9 or covered == now
            # to the quarter second: every outcome of a bucket that ends after now - WINDOW_S
            inside = [e for e in every if e[0] - e[0] % BUCKET_S + BUCKET_S > now - WINDOW_S]
            assert failed == sum(1 for e in inside if not e[2])
            assert np.allclose(sorted(lats), sorted(e[3] for e in inside if e[2]), rtol=1e-6)
    recent = [(r[0], r[1]) for r in win.recent]
    expect = [(e[1], e[0]) for e in every if e[0] >= t - RECENT_S][-MAX_RECENT:]
    assert recent == expect
