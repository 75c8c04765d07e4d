"""Lesson claims about shards: keys moved at the last resharding, and the hot shard's share."""

from __future__ import annotations

from typing import Any

from visualizer.sim.sharding import predicted_fraction


def fraction_moved(sim: Any) -> float:
    """The share of the key space that moved when the last shard was added (NaN: none yet)."""
    r = sim.shards.latest(added=True) if sim.shards is not None else None
    return float("nan") if r is None else r.fraction_moved


def keys_moved_gap(sim: Any) -> float:
    """|measured - predicted| share of keys moved at the last add_shard, in absolute terms:
    N/(N+1) with mod N, 1/(N+1) with consistent hashing (N: shards before)."""
    r = sim.shards.latest(added=True) if sim.shards is not None else None
    if r is None:
        return float("nan")
    return abs(r.fraction_moved - predicted_fraction(r.method, r.before))


def hot_shard_share(sim: Any, start: dict[str, Any], now: dict[str, Any]) -> float:
    """The celebrity's shard's share of the data requests routed to shards since the beat began."""
    hot = now.get("shards", {}).get("hot_shard")
    if hot is None:
        return float("nan")
    before = [s["requests"] for s in start.get("shards", {}).get("per_shard", [])]
    after = [s["requests"] for s in now["shards"]["per_shard"]]
    got = [a - (before[i] if i < len(before) else 0) for i, a in enumerate(after)]
    total = sum(got)
    return got[hot] / total if total else float("nan")


def hot_shard_gap(sim: Any, start: dict[str, Any], now: dict[str, Any]) -> float:
    """How far (relative) the hot shard's share falls short of its floor p_hot (0: at or above)."""
    share = hot_shard_share(sim, start, now)
    p = sim.hot_share
    if share != share or p <= 0:
        return float("nan")
    return max(0.0, p - share) / p
