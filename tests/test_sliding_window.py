"""The live window of recent outcomes says what a plain list of every outcome would (to the
whole second): the last closed seconds and the one still open."""

import random

import numpy as np
import pytest

from visualizer.sim.report import Stats
from visualizer.sim.window import MAX_RECENT, RECENT_S, WINDOW_S


@pytest.mark.parametrize("seed", range(5))
def test_summary_and_recent_match_a_plain_list(seed):
    rng = random.Random(seed)
    st, every = Stats(), []
    t = 0.0
    for rid in range(4_000):
        t += rng.expovariate(rng.choice([50.0, 800.0, 3000.0]))
        ok = rng.random() < 0.9
        ms = rng.uniform(1, 500) if ok else 0.0
        st.finish(t, rid, "web1", ok, "" if ok else "timeout", 0, ms)
        every.append((t, rid, ok, ms))
        if rid % 97 == 0:
            now = t                                              # the model never looks ahead
            lats, failed, covered = st.window_summary(now)
            first = max(0, int(now) - int(WINDOW_S))          # the closed seconds kept, then the open one
            inside = [e for e in every if int(e[0]) >= first]
            assert failed == sum(1 for e in inside if not e[2])
            assert np.allclose(sorted(lats), sorted(e[3] for e in inside if e[2]))
            assert covered == pytest.approx(int(now) - first + (now - int(now)))
    recent = [(r[0], r[1]) for r in st.window.recent]
    expect = [(e[1], e[0]) for e in every if e[0] >= t - RECENT_S][-MAX_RECENT:]
    assert recent == expect
