"""Vertical-scaling tiers: the workers, speed and price of each server size, small to xlarge."""

from __future__ import annotations

from dataclasses import dataclass

from visualizer.sim.commands import CommandError


@dataclass(frozen=True)
class Tier:
    name: str
    workers: int          # parallel workers when the node does not set `workers`
    speed: float          # service time is divided by this
    cost_per_hour: float  # dollars, for the metrics panel


TIERS: tuple[Tier, ...] = (
    Tier("small", 1, 1.0, 0.05),
    Tier("medium", 2, 1.5, 0.10),
    Tier("large", 4, 2.0, 0.20),
    Tier("xlarge", 8, 2.5, 0.40),
)
BY_NAME: dict[str, Tier] = {t.name: t for t in TIERS}


def next_tier(name: str, node_id: str = "") -> Tier:
    """The tier one size up; CommandError past the largest (the hard limit of scaling up).

    >>> next_tier("small").name
    'medium'
    """
    names = [t.name for t in TIERS]
    i = names.index(name)
    if i + 1 >= len(TIERS):
        who = f"{node_id} is" if node_id else "this server is"
        raise CommandError(f"{who} already {name}, the largest machine there is: "
                           "a single server cannot grow further (scale out instead)")
    return TIERS[i + 1]


def workers_at(base_workers: int | None, base_tier: str, tier: str) -> int:
    """Workers a server has at `tier`, given what it was configured with at `base_tier`.

    >>> workers_at(None, "small", "large"), workers_at(3, "small", "medium")
    (4, 6)
    """
    if base_workers is None:
        return BY_NAME[tier].workers
    return max(1, round(base_workers * BY_NAME[tier].workers / BY_NAME[base_tier].workers))
