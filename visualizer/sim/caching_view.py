"""What the cache and CDN theory cards (and lesson claims) read: each store's recent figures.

Every rate is over the same span as the other recent per-node figures (Simulation.recent: the last
METER_S simulated seconds). A CDN edge is read through the names its kind will have (hits, misses,
store, origin, lat, service_s; Stats.static_summary), each looked up with getattr, so a design or a
build without them simply shows less.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from visualizer.sim import registry
from visualizer.sim.snapshot import Caching, StoreFigures

if TYPE_CHECKING:
    from visualizer.sim.model import Simulation


def caching(sim: "Simulation") -> Caching | None:
    """The figures of every cache and CDN edge, or None when the design has neither."""
    holders = [n for n in sim.nodes if n.status != "removed"
               and (registry.has_role(n.kind, registry.CACHE) or registry.has_role(n.kind, registry.EDGE))]
    if not holders:
        return None
    gen = sim.recent_generated()
    reads = [sim.recent_counts(n.id) for n in sim.nodes if registry.has_role(n.kind, registry.DATABASE)]
    known = [r[2] for r in reads if r is not None]
    summary = getattr(sim.stats, "static_summary", None)
    return Caching(span_s=gen[1] if gen else None, keys=sim.n_keys, key_skew=float(sim.keys.alpha),
                   read_ratio=sim.read_ratio, read_share=sim.read_ratio * (1.0 - sim.static_ratio),
                   generated=gen[0] if gen else None, db_reads=sum(known) if known else None,
                   stores=tuple(_store(sim, n) for n in holders),
                   static=summary(sim.time) if callable(summary) else None,
                   static_span_s=float(len(getattr(sim.stats, "static_seconds", ())) or 1))


def _store(sim: "Simulation", node: Any) -> StoreFigures:
    store = getattr(node, "store", None)
    recent = sim.recent_counts(node.id)
    edge = registry.has_role(node.kind, registry.EDGE)
    edge_rt, origin_rt = _round_trips(sim, node) if edge else (None, None)
    origin = getattr(node, "origin", None) if edge else None
    fallback = getattr(node, "fallback_s", None)
    origin_recent = sim.recent(origin.id) if origin is not None else None
    return StoreFigures(
        id=node.id, edge=edge, status=node.status,
        capacity=int(getattr(store, "capacity", 0)), held=len(store) if store is not None else 0,
        eviction=str(getattr(store, "policy", "")), ttl_s=float(getattr(store, "ttl_s", 0.0)),
        on_write=str(getattr(node, "on_write", "")),
        oldest_stale_s=float(getattr(node, "oldest_stale_s", 0.0)),
        hits=recent[0] if recent else None, misses=recent[1] if recent else None,
        edge_rt_ms=edge_rt, origin_rt_ms=origin_rt,
        fallback_ms=fallback * 1000.0 if edge and fallback is not None else None,
        direct_rt_ms=_direct_round_trip(sim, node) if edge else None,
        origin=origin.id if origin is not None else "",
        origin_rate=origin_recent[0] if origin_recent else None)


def _direct_round_trip(sim: "Simulation", edge: Any) -> float | None:
    """With the edge down, users fetch from its origin themselves: users -> origin -> users in ms."""
    origin = getattr(edge, "origin", None)
    ups = [c.lat[origin.id] for c in sim.clients
           if origin is not None and getattr(c, "edge", None) is edge and origin.id in c.lat]
    if not ups:
        return None
    service = getattr(origin, "service_s", 0.0) / getattr(origin, "speed", 1.0)
    return (2.0 * sum(ups) / len(ups) + service) * 1000.0


def _round_trips(sim: "Simulation", edge: Any) -> tuple[float | None, float | None]:
    """An edge's round trips in ms from link latencies and service times (no queueing): a hit is
    users -> edge -> users; a miss goes on to the origin and back through the edge."""
    ups = [c.lat[edge.id] for c in sim.clients if getattr(c, "edge", None) is edge and edge.id in c.lat]
    service = getattr(edge, "service_s", None)
    if not ups or service is None:
        return None, None
    edge_s = 2.0 * sum(ups) / len(ups) + service / getattr(edge, "speed", 1.0)
    origin = getattr(edge, "origin", None)
    lat = getattr(edge, "lat", {})
    if origin is None or origin.id not in lat:
        return edge_s * 1000.0, None
    origin_service = getattr(origin, "service_s", 0.0) / getattr(origin, "speed", 1.0)
    return edge_s * 1000.0, (edge_s + 2.0 * lat[origin.id] + origin_service) * 1000.0
