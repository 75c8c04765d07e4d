"""Random draws from the simulation's one seeded numpy Generator, buffered for speed."""

from __future__ import annotations

from typing import Any

import numpy as np

BATCH = 2048
TRAFFIC_STREAM = 1       # the arrivals' stream: SeedSequence(seed, spawn_key=(1,))


class Draws:
    """Uniform, exponential and normal variates taken in batches from one Generator.

    Batching changes nothing about determinism: the batches are drawn in the order events consume
    them, and a deepcopy carries the generator state and the unread rest of each batch. Each batch
    is kept reversed and read from its end (list.pop is the cheapest read there is).
    """

    __slots__ = ("rng", "_u", "_e", "_n", "_su", "_se", "_sn")

    def __init__(self, seed: int | np.random.SeedSequence) -> None:
        self.rng = np.random.default_rng(seed)
        self._u: list[float] = []
        self._e: list[float] = []
        self._n: list[float] = []
        self._su = self._se = self._sn = None     # generator state each batch was drawn from

    def __getstate__(self) -> dict[str, Any]:
        """Pickled as generator states, not batches (a checkpoint is 40 KB smaller): each batch
        is drawn again from the state it was first drawn from, less what was read of it."""
        return {"rng": self.rng.bit_generator.state, "u": (self._su, BATCH - len(self._u)),
                "e": (self._se, BATCH - len(self._e)), "n": (self._sn, BATCH - len(self._n))}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.rng = np.random.default_rng()
        (self._su, ui), (self._se, ei), (self._sn, ni) = state["u"], state["e"], state["n"]
        self._u = self._redraw(self._su, "random", ui)
        self._e = self._redraw(self._se, "standard_exponential", ei)
        self._n = self._redraw(self._sn, "standard_normal", ni)
        self.rng.bit_generator.state = state["rng"]

    def _redraw(self, st: Any, method: str, read: int) -> list[float]:
        if st is None:
            return []
        self.rng.bit_generator.state = st
        batch = getattr(self.rng, method)(BATCH).tolist()[::-1]
        del batch[BATCH - read:]
        return batch

    def _batch(self, method: str) -> tuple[Any, list[float]]:
        """(the generator's state, a new batch drawn from it, reversed)."""
        st = self.rng.bit_generator.state
        return st, getattr(self.rng, method)(BATCH).tolist()[::-1]

    def uniform(self) -> float:
        """A float in [0, 1)."""
        u = self._u
        if not u:
            self._su, u = self._batch("random")
            self._u = u
        return u.pop()

    def triple(self) -> tuple[float, float, float]:
        """Three uniforms in [0, 1) at once (one call per new request)."""
        u = self._u
        if len(u) < 3:
            self._su, u = self._batch("random")
            self._u = u
        return u.pop(), u.pop(), u.pop()

    def exponential(self) -> float:
        """An exponential variate of mean 1."""
        e = self._e
        if not e:
            self._se, e = self._batch("standard_exponential")
            self._e = e
        return e.pop()

    def normal(self) -> float:
        """A standard normal variate."""
        n = self._n
        if not n:
            self._sn, n = self._batch("standard_normal")
            self._n = n
        return n.pop()

    @classmethod
    def traffic(cls, seed: int) -> "Draws":
        """The arrivals' own stream for `seed` (common random numbers): when a request arrives, who
        sends it, read or write, which key or file. Nothing else draws from it, so two designs with
        the same [traffic] and seed see the very same requests, whatever their servers draw."""
        return cls(np.random.SeedSequence(seed, spawn_key=(TRAFFIC_STREAM,)))

    def index(self, n: int) -> int:
        """A uniform integer in [0, n)."""
        return min(int(self.uniform() * n), n - 1)
