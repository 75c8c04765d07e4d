"""Consistent hashing: which of several caches owns a key, so that losing or adding one cache moves
only its own share of the keys.

Each cache stands at POINTS pseudo-random places on a ring of 2^32; a key belongs to the first
cache at or after the key's own place. Places come from crc32 of the cache id, so a run is the same
in every process.

>>> r = HashRing(["c1", "c2"]); r.owner(7) in ("c1", "c2")
True
"""

from __future__ import annotations

from bisect import bisect_left
from zlib import crc32

from visualizer.sim.requests import ip_hash

POINTS = 100


class HashRing:
    """Owners by id; rebuilt when a cache joins."""

    def __init__(self, owners: list[str]) -> None:
        points = sorted((crc32(f"{o}#{v}".encode()), o) for o in owners for v in range(POINTS))
        self.places = [p for p, _ in points]
        self.owners = [o for _, o in points]

    def owner(self, key: int) -> str:
        """The id owning `key`."""
        i = bisect_left(self.places, ip_hash(key))
        return self.owners[i if i < len(self.places) else 0]
