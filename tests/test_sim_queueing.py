"""The model against queueing theory: M/M/1 and M/M/c mean time in system, over long runs."""

import math

import pytest
from conftest import make_scenario

from visualizer.sim.model import Simulation


def one_server(rate: float, workers: int, service_ms: float, seed: int):
    sc = make_scenario([{"id": "users", "kind": "client"},
                        {"id": "web1", "kind": "web_server", "workers": workers,
                         "service_ms": service_ms, "queue_limit": 1_000_000}],
                       [("users", "web1", 1.0)], {"rate": rate, "timeout_ms": 600_000.0},
                       seed=seed)
    return Simulation(sc)


def erlang_c_wait(lam: float, mu: float, c: int) -> float:
    """Mean time in system of an M/M/c queue (Erlang C), in seconds."""
    a = lam / mu
    rho = a / c
    top = a ** c / math.factorial(c) / (1 - rho)
    p_wait = top / (sum(a ** k / math.factorial(k) for k in range(c)) + top)
    return p_wait / (c * mu - lam) + 1 / mu


def mean_sojourn_s(sim, until: float) -> float:
    sim.run_until(until)
    sim.check_conservation()
    return sim.report()["nodes"]["web1"]["mean_sojourn_ms"] / 1000.0


@pytest.mark.parametrize("seed", [1])
def test_mm1_time_in_system(seed):
    lam, mu = 60.0, 100.0                         # rho = 0.6
    expected = 1.0 / (mu - lam)                   # 25 ms
    got = mean_sojourn_s(one_server(lam, 1, 1000.0 / mu, seed), 600.0)
    assert got == pytest.approx(expected, rel=0.08)


@pytest.mark.parametrize("seed", [4])
def test_mmc_time_in_system_erlang_c(seed):
    lam, mu, c = 240.0, 100.0, 3                  # rho = 0.8
    expected = erlang_c_wait(lam, mu, c)
    got = mean_sojourn_s(one_server(lam, c, 1000.0 / mu, seed), 300.0)
    assert got == pytest.approx(expected, rel=0.08)


def test_utilization_is_offered_load():
    sim = one_server(240.0, 3, 10.0, 5)
    sim.run_until(60.0)
    assert sim.report()["nodes"]["web1"]["utilization"] == pytest.approx(0.8, abs=0.03)


def test_erlang_c_reduces_to_mm1():
    assert erlang_c_wait(60.0, 100.0, 1) == pytest.approx(1 / 40.0)
