"""Draws: batches read from their end give the very numbers numpy's Generator gives, in order, and a
pickled Draws goes on exactly where it was (checkpoints of the time-travel store)."""

import pickle

import numpy as np

from visualizer.sim.draws import BATCH, Draws


def test_draws_are_the_generators_numbers_in_order():
    d = Draws(7)
    got = [d.uniform() for _ in range(BATCH + 10)]
    rng = np.random.default_rng(7)
    want = rng.random(BATCH).tolist() + rng.random(BATCH).tolist()[:10]
    assert got == want
    e = Draws(7)
    assert [e.exponential() for _ in range(5)] == np.random.default_rng(7).standard_exponential(BATCH).tolist()[:5]


def test_a_triple_is_the_next_three_uniforms_and_never_spans_two_batches():
    d, ref = Draws(3), np.random.default_rng(3).random(BATCH).tolist()
    seen = [x for _ in range(BATCH // 3) for x in d.triple()]
    assert seen == ref[:len(seen)]
    assert d.triple()[0] != ref[len(seen)]          # the 2 left over are skipped: a new batch


def test_a_pickled_draws_goes_on_where_it_was():
    d = Draws(11)
    for _ in range(1000):
        d.uniform(), d.exponential()
    d.normal()
    copy = pickle.loads(pickle.dumps(d))
    assert [copy.uniform() for _ in range(3000)] == [d.uniform() for _ in range(3000)]
    assert [copy.exponential() for _ in range(50)] == [d.exponential() for _ in range(50)]
    assert copy.normal() == d.normal()
