"""The report's percentiles: a second's few latencies are sorted in Python, many go to numpy, and
both give numpy's default (linear) answer to the last bit, so no report changes with the path."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from visualizer.sim.report import SMALL, LatencyHistogram, percentiles

latency = st.floats(min_value=1e-3, max_value=1e6, allow_nan=False)


@settings(max_examples=300, deadline=None)
@given(st.lists(latency, min_size=1, max_size=SMALL + 40))
def test_percentiles_are_numpys_to_the_last_bit(values):
    want = tuple(float(x) for x in np.percentile(np.asarray(values), [50, 95, 99]))
    assert percentiles(values) == want


def test_ties_and_one_value():
    assert percentiles([7.0]) == (7.0, 7.0, 7.0)
    assert percentiles([5.0] * 10 + [9.0]) == tuple(float(x) for x in np.percentile([5.0] * 10 + [9.0], [50, 95, 99]))
    assert all(np.isnan(percentiles([])))


def test_histogram_counts_add_up_and_subtract():
    a, b = LatencyHistogram(), LatencyHistogram()
    a.add_many([1.0, 10.0, 100.0])
    b.add_many([10.0])
    merged = a.merged([1000.0])
    assert merged.count == 4 and a.count == 3          # merged is a copy
    rest = merged.without(b)
    assert rest.count == 3 and abs(rest.percentile(100) / 1000 - 1) < 0.012   # within a bin (1.2%)
    assert abs(a.percentile(50) / 10 - 1) < 0.012


def test_a_histogram_pickles_as_the_bins_it_uses():
    import pickle
    h = LatencyHistogram()
    h.add_many([1.0, 2.0, 2.0, 50.0, 3e6])
    data = pickle.dumps(h)
    back = pickle.loads(data)
    assert (back.counts == h.counts).all() and (back.count, back.total) == (h.count, h.total)
    assert len(data) < 400                      # not the 16 KB array of every bin
