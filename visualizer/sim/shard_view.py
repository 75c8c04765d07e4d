"""A sharded design's picture for the window and the sharding card: each shard's load and keys,
the celebrity's shard, and the last resharding (frozen dataclasses, read-only)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from visualizer.sim.model import Simulation
    from visualizer.sim.sharding import Reshard


@dataclass(frozen=True)
class ShardFigures:
    shard: int
    primary: str                 # its primary's id now
    status: str                  # the primary's status
    keys_held: int               # values of the key space it owns
    rate: float | None           # data requests routed to it per second over the last 5 s
    share: float | None          # its share of them


@dataclass(frozen=True)
class ReshardView:
    t: float
    before: int
    after: int
    method: str                  # modulo | consistent | "modulo->consistent"
    keys_moved: int
    key_space: int
    until: float                 # moving keys are refused until then
    new_primary: str             # '' for a switch of method
    moves: tuple[tuple[str, int], ...]   # (primary of the shard the keys left, how many)

    @property
    def fraction(self) -> float:
        return self.keys_moved / self.key_space if self.key_space else 0.0


@dataclass(frozen=True)
class ShardingView:
    method: str
    shard_key: str               # user | key
    key_space: int
    hot_share: float             # [traffic] hot_key_share
    hot: int | None              # the celebrity's shard
    shards: tuple[ShardFigures, ...]
    data_rate: float | None      # data requests per second reaching the shards (refused too), last 5 s
    span_s: float | None
    last: ReshardView | None     # the latest resharding
    last_added: ReshardView | None   # the latest that added a shard


def _reshard(sim: "Simulation", r: "Reshard | None") -> ReshardView | None:
    if r is None:
        return None
    clusters = sim.shards.clusters                           # type: ignore[union-attr]
    moves = tuple((clusters[i].primary.id if clusters[i].primary else "", k) for i, k in r.moves.items())
    return ReshardView(r.t, r.before, r.after, r.method, r.keys_moved, r.key_space, r.until,
                       r.new_primary, moves)


def view(sim: "Simulation") -> ShardingView | None:
    """The picture now, or None for a design without shards."""
    sh = sim.shards
    if sh is None:
        return None
    recent = sh.recent(sim.time)
    held = sh.keys_held()
    rates = recent[0] if recent else None
    total = sum(rates) if rates else 0.0
    figs = tuple(ShardFigures(i, c.primary.id if c.primary else "", c.primary.status if c.primary else "down",
                              held[i], rates[i] if rates else None,
                              rates[i] / total if rates and total > 0 else None)
                 for i, c in enumerate(sh.clusters))
    return ShardingView(sh.method, sh.shard_key, sh.key_space, sh.hot_share, sh.hot_shard(), figs,
                        recent[1] if recent else None, recent[2] if recent else None,
                        _reshard(sim, sh.latest()), _reshard(sim, sh.latest(added=True)))
