"""Database shards: which cluster owns a key (key mod N, or a consistent-hash ring), resharding.

A design is sharded when its db_primary nodes carry `shard` (0, 1, 2, ...): each shard is its own
Cluster (cluster.py), and a web server routes a data request to the shard owning the request's
user or key (`[database] shard_key`), then, inside that shard, writes to its primary and reads to
its replicas as a single database does. Without shards the model builds none of this
(`Simulation.shards` is None) and nothing here runs.

Adding a shard (`add_shard`) or switching how keys are given out (`set_sharding`) is a
resharding: every key of the key space (`[traffic] keys`, or `clients` when the shard key is the
user) whose owner changes must move. For `[database] move_s` seconds after it, a request for a
moving key is refused with reason `resharding`; then the move is done (event `resharded`).
"""

from __future__ import annotations

import hashlib
from bisect import bisect_left
from collections import deque
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from visualizer.sim.requests import ip_hash

if TYPE_CHECKING:
    from visualizer.sim.cluster import Cluster
    from visualizer.sim.model import Simulation
    from visualizer.sim.nodes import Node
    from visualizer.sim.requests import Request

MODULO, CONSISTENT = "modulo", "consistent"
RESHARDING = "resharding"           # the reason a request for a moving key fails


@dataclass
class Reshard:
    """One resharding: when, from how many shards to how many, how, and which keys moved."""

    t: float
    before: int                     # shards before
    after: int                      # shards after
    method: str                     # modulo | consistent | "modulo->consistent" (a switch)
    keys_moved: int
    key_space: int
    until: float                    # requests for moving keys are refused until then
    new_primary: str = ""           # the new shard's primary ('' for a switch)
    moves: dict[int, int] = field(default_factory=dict)   # old shard -> its keys that moved

    @property
    def fraction_moved(self) -> float:
        return self.keys_moved / self.key_space if self.key_space else 0.0

    @property
    def added(self) -> bool:
        return bool(self.new_primary)

    def as_dict(self) -> dict[str, Any]:
        return {"t": round(self.t, 6), "from": self.before, "to": self.after, "method": self.method,
                "keys_moved": self.keys_moved, "key_space": self.key_space,
                "fraction_moved": round(self.fraction_moved, 6), "new_primary": self.new_primary,
                "until": round(self.until, 6)}


def predicted_fraction(method: str, before: int) -> float:
    """The share of keys that move when a shard joins `before` ones: N/(N+1) with mod N (a key
    stays only if k mod N = k mod (N+1)), 1/(N+1) with consistent hashing (the newcomer's share).

    >>> predicted_fraction("modulo", 3), predicted_fraction("consistent", 3)
    (0.75, 0.25)
    """
    return before / (before + 1) if method == MODULO else 1 / (before + 1)


def hashes(n: int) -> np.ndarray:
    """ip_hash of 0 .. n-1 at once (the ring's place of each key)."""
    x = (np.arange(n, dtype=np.uint64) + np.uint64(1)) * np.uint64(0x9E3779B1) & np.uint64(0xFFFFFFFF)
    x ^= x >> np.uint64(16)
    return x * np.uint64(0x85EBCA6B) & np.uint64(0xFFFFFFFF)


def place(name: str) -> int:
    """A ring point's place in 0 .. 2^32-1, the same in every process. (The cache ring's crc32
    places are too regular for a few shards: a fourth shard took 18% of the keys, not 25%.)"""
    return int.from_bytes(hashlib.blake2b(name.encode(), digest_size=4).digest(), "big")


class Shards:
    """The shards of one sharded design, in shard order, and how keys are given to them."""

    def __init__(self, clusters: list["Cluster"], cfg: Any, key_space: int, hot_share: float) -> None:
        self.clusters = sorted(clusters, key=lambda c: c.shard)      # type: ignore[arg-type,return-value]
        self.method: str = cfg.sharding
        self.vnodes: int = cfg.vnodes
        self.by_user = cfg.shard_key == "user"
        self.shard_key: str = cfg.shard_key
        self.move_s: float = cfg.move_s
        self.key_space = key_space
        self.hot_share = hot_share
        self.hot_value: int | None = None        # the celebrity's user or key (set by the model)
        self.routed = [0] * len(self.clusters)   # data requests sent to each shard
        self.refused = [0] * len(self.clusters)  # ... and refused there while their key moved
        self.history: list[Reshard] = []
        self.moving: np.ndarray | None = None    # during a move: True for each key moving
        self.token = 0
        self.marks: deque[tuple[float, list[int], int]] = deque(maxlen=6)   # each second: routed, refused
        self._held: tuple[tuple[int, str], list[int]] | None = None
        self._places: list[int] = []
        self._ring_idx: list[int] = []
        self._build_ring()

    @property
    def n(self) -> int:
        return len(self.clusters)

    # ---- who owns a key ------------------------------------------------------------------------

    def _build_ring(self) -> None:
        if self.method != CONSISTENT:
            self._places, self._ring_idx = [], []
            return
        points = sorted((place(f"shard{i}#{v}"), i) for i in range(self.n) for v in range(self.vnodes))
        self._places = [p for p, _ in points]
        self._ring_idx = [i for _, i in points]

    def owner(self, value: int) -> int:
        """The shard number owning a user or key."""
        if self.method == MODULO:
            return value % self.n
        i = bisect_left(self._places, ip_hash(value))
        return self._ring_idx[i if i < len(self._places) else 0]

    def owners(self) -> np.ndarray:
        """The owning shard of every value of the key space, as an array."""
        if self.method == MODULO:
            return np.arange(self.key_space) % self.n
        places = np.asarray(self._places, dtype=np.uint64)
        i = np.searchsorted(places, hashes(self.key_space), side="left")
        i[i >= len(places)] = 0
        return np.asarray(self._ring_idx, dtype=np.int64)[i]

    def keys_held(self) -> list[int]:
        """How many values of the key space each shard owns now (kept until the shards change)."""
        now = (self.n, self.method)
        if self._held is None or self._held[0] != now:
            self._held = (now, np.bincount(self.owners(), minlength=self.n).tolist())
        return self._held[1]

    def mark(self, now: float) -> None:
        """Each whole second (the model's meter): the counts so far, for `recent`."""
        self.marks.append((now, list(self.routed), sum(self.refused)))

    def recent(self, now: float) -> tuple[list[float], float, float] | None:
        """(each shard's routed requests per second, all data requests per second including the
        refused, span in s) over the last 5 s, or None before a second has passed."""
        if not self.marks or now - self.marks[0][0] < 1.0:
            return None
        t0, routed0, refused0 = self.marks[0]
        span = now - t0
        per = [(r - (routed0[i] if i < len(routed0) else 0)) / span for i, r in enumerate(self.routed)]
        return per, sum(per) + (sum(self.refused) - refused0) / span, span

    def hot_shard(self) -> int | None:
        return None if self.hot_value is None else self.owner(self.hot_value)

    # ---- a request -----------------------------------------------------------------------------

    def route(self, req: "Request", caller: "Node") -> tuple["Node | None", str]:
        """The shard owning the request's user or key; inside it, its cluster's usual route.
        A request whose key is moving now is refused (`resharding`)."""
        v = req.user if self.by_user else req.key
        i = self.owner(v)
        moving = self.moving
        if moving is not None and v < len(moving) and moving[v]:
            self.refused[i] += 1
            return None, RESHARDING
        self.routed[i] += 1
        return self.clusters[i].route(req, caller)

    # ---- resharding ----------------------------------------------------------------------------

    def add(self, cluster: "Cluster", sim: "Simulation") -> Reshard:
        """A new shard joins; the keys it now owns move to it."""
        before = self.owners()
        cluster.shard = self.n
        self.clusters.append(cluster)
        self.routed.append(0)
        self.refused.append(0)
        self._build_ring()
        return self._moved(sim, before, self.n - 1, self.method, cluster.primary.id)  # type: ignore[union-attr]

    def switch(self, method: str, sim: "Simulation") -> Reshard:
        """Give keys out another way (mod N <-> ring) over the same shards."""
        before = self.owners()
        old = self.method
        self.method = method
        self._build_ring()
        return self._moved(sim, before, self.n, f"{old}->{method}", "")

    def _moved(self, sim: "Simulation", before: np.ndarray, n_before: int, method: str,
               new_primary: str) -> Reshard:
        after = self.owners()
        mask = before != after
        moves = np.bincount(before[mask], minlength=n_before).tolist()
        now = sim.time
        r = Reshard(now, n_before, self.n, method, int(mask.sum()), self.key_space, now + self.move_s,
                    new_primary, {i: k for i, k in enumerate(moves) if k})
        self.history.append(r)
        self.token += 1
        if self.move_s > 0 and r.keys_moved:
            self.moving = mask
            sim.push(r.until, self._done, (sim, self.token))
        else:
            self.moving = None
        return r

    def _done(self, arg: tuple["Simulation", int]) -> None:
        sim, token = arg
        if token == self.token:
            self.moving = None
            sim.log("resharded", self.clusters[-1].primary.id if self.clusters[-1].primary else "")

    def latest(self, added: bool = False) -> Reshard | None:
        """The last resharding (the last that added a shard, with `added`)."""
        for r in reversed(self.history):
            if r.added or not added:
                return r
        return None


def build(sim: "Simulation", scenario: Any) -> Shards | None:
    """The shards of a design whose primaries carry `shard`, else None. The celebrity (with
    `[traffic] hot_key_share` > 0) is drawn here, from the run's seeded stream."""
    sharded = [c for c in sim.clusters if c.primary is not None
               and getattr(c.primary.cfg, "shard", None) is not None]
    for c in sharded:
        c.shard = c.primary.cfg.shard          # type: ignore[union-attr]
    if not sharded:
        return None
    db = scenario.database
    key_space = sim.n_users if db.shard_key == "user" else sim.n_keys
    shards = Shards(sharded, db, key_space, sim.hot_share)
    if sim.hot_share > 0:
        shards.hot_value = sim.hot_user if shards.by_user else sim.hot_key
    return shards


def report(sim: "Simulation", out: dict[str, Any]) -> None:
    """Each shard's figures under its primary's id in `nodes`; top-level `shards` and `resharding`."""
    shards = sim.shards
    if shards is None:
        return
    held = shards.keys_held()
    hot = shards.hot_shard()
    rows = []
    for i, c in enumerate(shards.clusters):
        row = {"shard": i, "primary": c.primary.id if c.primary else "", "keys_held": held[i],
               "requests": shards.routed[i], "refused": shards.refused[i], "hot": i == hot}
        rows.append(row)
        if c.primary is not None and c.primary.id in out["nodes"]:
            out["nodes"][c.primary.id].update({"shard": i, "keys_held": held[i],
                                               "shard_requests": shards.routed[i],
                                               "shard_refused": shards.refused[i]})
    out["shards"] = {"method": shards.method, "shard_key": shards.shard_key, "count": shards.n,
                     "hot_shard": hot, "per_shard": rows}
    last = shards.latest()
    out["resharding"] = {**(last.as_dict() if last else {"keys_moved": 0, "fraction_moved": None}),
                         "history": [r.as_dict() for r in shards.history]}
