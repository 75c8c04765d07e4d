"""What a cache and a CDN edge share: a KeyStore, hit and miss counts, a TTL, and an empty restart."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from visualizer.sim.keystore import KeyStore
from visualizer.sim.servers import Server

if TYPE_CHECKING:
    from visualizer.sim.requests import Request


class Holder(Server):
    """A server that keeps copies in memory (`store`) and counts its lookups."""

    def __init__(self, node_id: str, kind: str, idx: int, cfg: Any, policy: str) -> None:
        super().__init__(node_id, kind, idx, cfg)
        self.store = KeyStore(cfg.capacity, policy, cfg.ttl_s)
        self.hits = 0
        self.misses = 0

    def set_ttl(self, seconds: float) -> None:
        """Entries older than `seconds` expire from now on (0: never)."""
        self.store.ttl_s = seconds

    def crash(self, now: float) -> list["Request"]:
        self.store.clear()                # memory does not survive a crash: it comes back empty
        return super().crash(now)

    def hit_ratio(self) -> float | None:
        n = self.hits + self.misses
        return self.hits / n if n else None

    def report_extra(self) -> dict[str, Any]:
        """Its keys in the JSON report."""
        ratio = self.hit_ratio()
        return {"hits": self.hits, "misses": self.misses,
                "hit_ratio": None if ratio is None else round(ratio, 6),
                "evictions": self.store.evictions, "expired": self.store.expired,
                "held": len(self.store), "capacity": self.store.capacity}
