"""Popularity of keys and files: a Zipf law drawn by inverse transform, and Che's LRU estimate.

Item i (0 = the most popular) of n is asked with probability p_i ∝ 1 / (i + 1)^α; α = 0 is uniform.
`Che's approximation` estimates the hit ratio of an LRU cache holding C items under independent
requests: each item stays for a characteristic time T_C solving Σ (1 − e^(−p_i·T)) = C, so
h = Σ p_i·(1 − e^(−p_i·T_C)). It is the theory card's estimate and the tests' reference.
"""

from __future__ import annotations

from bisect import bisect_right

import numpy as np


def zipf_probabilities(n: int, alpha: float) -> np.ndarray:
    """p_i for i in 0..n-1 (they sum to 1)."""
    w = 1.0 / np.arange(1, n + 1, dtype=np.float64) ** alpha
    return w / w.sum()


class Zipf:
    """Draws item numbers 0..n-1 from one uniform each (the model's own random stream).

    >>> z = Zipf(3, 0.0); [z.item(u) for u in (0.0, 0.5, 0.99)]
    [0, 1, 2]
    """

    def __init__(self, n: int, alpha: float) -> None:
        self.n = n
        self.alpha = alpha
        self.cdf: list[float] = [] if alpha == 0 else np.cumsum(zipf_probabilities(n, alpha)).tolist()

    def item(self, u: float) -> int:
        """The item a uniform u in [0, 1) stands for."""
        if not self.cdf:
            return int(u * self.n)
        return min(bisect_right(self.cdf, u), self.n - 1)


def che_characteristic_time(p: np.ndarray, capacity: float) -> float:
    """T_C: the time an item stays in an LRU cache of `capacity` items (in requests)."""
    if capacity >= len(p):
        return float("inf")
    lo, hi = 0.0, 1.0
    while np.sum(-np.expm1(-p * hi)) < capacity:
        hi *= 2.0
    for _ in range(100):
        mid = (lo + hi) / 2.0
        if np.sum(-np.expm1(-p * mid)) < capacity:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2.0


def che_hit_ratio(n: int, alpha: float, capacity: float) -> float:
    """Che's estimate of an LRU cache's hit ratio for a Zipf(α) law over n items.

    >>> round(che_hit_ratio(100, 0.0, 10), 3)     # uniform: the share of items held
    0.1
    """
    if capacity <= 0:
        return 0.0
    p = zipf_probabilities(n, alpha)
    t = che_characteristic_time(p, capacity)
    if t == float("inf"):
        return 1.0
    return float(np.sum(p * -np.expm1(-p * t)))
