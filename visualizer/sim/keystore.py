"""What a cache or CDN edge holds: a bounded key -> (version, stored at) map with an eviction policy.

Policies: `lru` drops the least recently used entry, `lfu` the least often used (ties: the oldest
of them), `fifo` the first stored. An entry older than the TTL (ttl_s > 0) is expired when looked
up: it counts as expired and as a miss. Evictions and expiries are counted for the report.

>>> s = KeyStore(2, "lru", 0.0); s.put(1, 0, 0.0); s.put(2, 0, 0.0); s.get(1, 0.0) is not None
True
>>> s.put(3, 0, 0.0); sorted(s.keys()), s.evictions      # 2 was the least recently used
([1, 3], 1)
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Iterator

POLICIES = ("lru", "lfu", "fifo")


class KeyStore:
    """Entries (version, stored_at) under one policy; O(1) per operation."""

    def __init__(self, capacity: int, policy: str, ttl_s: float) -> None:
        if policy not in POLICIES:
            raise ValueError(f"unknown eviction policy {policy!r} (one of {', '.join(POLICIES)})")
        self.capacity = capacity
        self.policy = policy
        self.ttl_s = ttl_s                # 0: entries never expire
        self.entries: OrderedDict[int, tuple[int, float]] = OrderedDict()
        self.freq: dict[int, int] = {}                       # lfu: key -> uses
        self.by_freq: dict[int, OrderedDict[int, None]] = {}  # lfu: uses -> keys, oldest first
        self.evictions = 0
        self.expired = 0

    def __len__(self) -> int:
        return len(self.entries)

    def keys(self) -> Iterator[int]:
        return iter(self.entries)

    def get(self, key: int, now: float) -> tuple[int, float] | None:
        """The entry for `key` (version, stored_at), or None: absent or just expired."""
        entry = self.entries.get(key)
        if entry is None:
            return None
        if self.ttl_s and now - entry[1] >= self.ttl_s:
            self.expired += 1
            self.drop(key)
            return None
        if self.policy == "lru":
            self.entries.move_to_end(key)
        elif self.policy == "lfu":
            self._bump(key)
        return entry

    def put(self, key: int, version: int, now: float) -> None:
        """Store (or refresh) `key`; a full store first evicts one entry by its policy."""
        if self.capacity <= 0:
            return
        if key in self.entries:
            self.entries[key] = (version, now)
            if self.policy == "lru":
                self.entries.move_to_end(key)
            return
        if len(self.entries) >= self.capacity:
            self._evict()
        self.entries[key] = (version, now)
        if self.policy == "lfu":
            self.freq[key] = 1
            self.by_freq.setdefault(1, OrderedDict())[key] = None

    def update(self, key: int, version: int, now: float) -> None:
        """A newer version of a key it holds (write-through); absent keys stay absent."""
        if key in self.entries:
            self.entries[key] = (version, now)

    def drop(self, key: int) -> bool:
        """Forget `key` (invalidation); True if it was there."""
        if self.entries.pop(key, None) is None:
            return False
        if self.policy == "lfu":
            f = self.freq.pop(key)
            bucket = self.by_freq[f]
            del bucket[key]
            if not bucket:
                del self.by_freq[f]
        return True

    def clear(self) -> None:
        """Empty (a flush, a purge, or a restart: memory does not survive a crash)."""
        self.entries.clear()
        self.freq.clear()
        self.by_freq.clear()

    def _bump(self, key: int) -> None:
        f = self.freq[key]
        bucket = self.by_freq[f]
        del bucket[key]
        if not bucket:
            del self.by_freq[f]
        self.freq[key] = f + 1
        self.by_freq.setdefault(f + 1, OrderedDict())[key] = None

    def _evict(self) -> None:
        if self.policy == "lfu":
            key = next(iter(self.by_freq[min(self.by_freq)]))
        else:
            key = next(iter(self.entries))      # lru: least recent first; fifo: first stored
        self.drop(key)
        self.evictions += 1
