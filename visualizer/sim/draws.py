"""Random draws from the simulation's one seeded numpy Generator, buffered for speed."""

from __future__ import annotations

from typing import Any

import numpy as np

BATCH = 2048
TRAFFIC_STREAM = 1       # the arrivals' stream: SeedSequence(seed, spawn_key=(1,))


class Draws:
    """Uniform, exponential and normal variates taken in batches from one Generator.

    Batching changes nothing about determinism: the batches are drawn in the order events consume
    them, and a deepcopy carries the generator state and the unread rest of each batch.
    """

    __slots__ = ("rng", "_u", "_ui", "_e", "_ei", "_n", "_ni", "_su", "_se", "_sn")

    def __init__(self, seed: int | np.random.SeedSequence) -> None:
        self.rng = np.random.default_rng(seed)
        self._u: list[float] = []
        self._e: list[float] = []
        self._n: list[float] = []
        self._ui = self._ei = self._ni = 0
        self._su = self._se = self._sn = None     # generator state each batch was drawn from

    def __getstate__(self) -> dict[str, Any]:
        """Pickled as generator states, not batches (a checkpoint is 40 KB smaller): each batch
        is drawn again from the state it was first drawn from."""
        return {"rng": self.rng.bit_generator.state, "u": (self._su, self._ui),
                "e": (self._se, self._ei), "n": (self._sn, self._ni)}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.rng = np.random.default_rng()
        (self._su, self._ui), (self._se, self._ei), (self._sn, self._ni) = state["u"], state["e"], state["n"]
        self._u = self._redraw(self._su, "random")
        self._e = self._redraw(self._se, "standard_exponential")
        self._n = self._redraw(self._sn, "standard_normal")
        self.rng.bit_generator.state = state["rng"]

    def _redraw(self, st: Any, method: str) -> list[float]:
        if st is None:
            return []
        self.rng.bit_generator.state = st
        return getattr(self.rng, method)(BATCH).tolist()

    def uniform(self) -> float:
        """A float in [0, 1)."""
        i = self._ui
        if i >= len(self._u):
            self._su = self.rng.bit_generator.state
            self._u = self.rng.random(BATCH).tolist()
            i = 0
        self._ui = i + 1
        return self._u[i]

    def triple(self) -> tuple[float, float, float]:
        """Three uniforms in [0, 1) at once (one call per new request)."""
        i = self._ui
        if i + 3 > len(self._u):
            self._su = self.rng.bit_generator.state
            self._u = self.rng.random(BATCH).tolist()
            i = 0
        self._ui = i + 3
        u = self._u
        return u[i], u[i + 1], u[i + 2]

    def exponential(self) -> float:
        """An exponential variate of mean 1."""
        i = self._ei
        if i >= len(self._e):
            self._se = self.rng.bit_generator.state
            self._e = self.rng.standard_exponential(BATCH).tolist()
            i = 0
        self._ei = i + 1
        return self._e[i]

    def normal(self) -> float:
        """A standard normal variate."""
        i = self._ni
        if i >= len(self._n):
            self._sn = self.rng.bit_generator.state
            self._n = self.rng.standard_normal(BATCH).tolist()
            i = 0
        self._ni = i + 1
        return self._n[i]

    @classmethod
    def traffic(cls, seed: int) -> "Draws":
        """The arrivals' own stream for `seed` (common random numbers): when a request arrives, who
        sends it, read or write, which key or file. Nothing else draws from it, so two designs with
        the same [traffic] and seed see the very same requests, whatever their servers draw."""
        return cls(np.random.SeedSequence(seed, spawn_key=(TRAFFIC_STREAM,)))

    def index(self, n: int) -> int:
        """A uniform integer in [0, n)."""
        return min(int(self.uniform() * n), n - 1)
