"""Textbook formulas the lessons show beside the measured numbers (availability, queueing, lag)."""

from __future__ import annotations

import math


def parallel_availability(a: float, n: int) -> float:
    """Availability of `n` redundant servers each up a fraction `a` of the time: 1 - (1 - a)^n.

    >>> round(parallel_availability(0.99, 1), 6), round(parallel_availability(0.99, 2), 6)
    (0.99, 0.9999)
    """
    if n <= 0:
        return 0.0
    return 1.0 - (1.0 - a) ** n


def utilization(rate: float, workers: int, service_ms: float) -> float:
    """Offered load per worker, rho = lambda / (c * mu); at or above 1 the queue grows without bound.

    >>> utilization(80, 4, 40)
    0.8
    """
    mu = 1000.0 / service_ms
    return rate / (workers * mu)


def erlang_c(rate: float, workers: int, service_ms: float) -> float:
    """Probability that an arriving request must wait in an M/M/c queue (1.0 when overloaded).

    >>> round(erlang_c(50, 1, 10), 3)
    0.5
    """
    c = workers
    a = rate * service_ms / 1000.0  # offered load in Erlangs
    rho = a / c
    if rho >= 1.0:
        return 1.0
    # sum_{k<c} a^k/k!, computed in a numerically steady way
    term, total = 1.0, 1.0
    for k in range(1, c):
        term *= a / k
        total += term
    last = term * a / c if c > 0 else 1.0
    top = last / (1.0 - rho)
    return top / (total + top)


def mmc_mean_time_ms(rate: float, workers: int, service_ms: float) -> float:
    """Mean time in system of an M/M/c queue in ms (inf when overloaded); M/M/1 is 1/(mu - lambda).

    >>> round(mmc_mean_time_ms(50, 1, 10), 6)
    20.0
    """
    rho = utilization(rate, workers, service_ms)
    if rho >= 1.0:
        return math.inf
    mu = 1000.0 / service_ms
    wait_s = erlang_c(rate, workers, service_ms) / (workers * mu - rate)
    return 1000.0 * wait_s + service_ms


def unreplicated_writes(write_rate: float, lag_ms: float) -> float:
    """Writes a replica is expected to be missing at any instant: write rate times lag (Little's law).

    These are what a promotion loses and the recovery step must restore.

    >>> unreplicated_writes(20, 400)
    8.0
    """
    return write_rate * lag_ms / 1000.0
