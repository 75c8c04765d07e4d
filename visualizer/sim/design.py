"""The design a model holds now, as a scenario dict: what Ctrl+S saves and what edit commands rewrite.

"The same design" means the same dict from `design_of`: the same [meta] (name, title, seed,
duration, speed), [traffic] (with the rate as set now), [database] and [[sites]], the nodes not
removed in model order with their settings as they are now (the scenario's keys, plus the size an
upgrade gave, a balancer's algorithm, a cache's TTL and write rule, a promoted replica's new
kind), and the links in the order the model made them with their latencies. A design saved to a
file and loaded back builds a model whose `design_of` is equal, so it runs the same from t=0.
No timeline: a saved design is the student's own, with no script.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from visualizer.sim import registry
from visualizer.sim.nodes import REMOVED, Node

if TYPE_CHECKING:
    from visualizer.sim.model import Simulation

META_KEYS = ("name", "title", "summary", "seed", "duration", "speed")


def _clean(v: Any) -> Any:
    """Drop Nones (TOML has no null) all the way down."""
    if isinstance(v, dict):
        return {k: _clean(x) for k, x in v.items() if x is not None}
    if isinstance(v, list):
        return [_clean(x) for x in v]
    return v


def node_table(node: Node) -> dict[str, Any]:
    """The [[nodes]] table of one node as it is now."""
    cfg = node.cfg  # type: ignore[attr-defined]
    row = _clean(cfg.model_dump(mode="python", by_alias=True))
    kind = _kind_now(node)
    fields = registry.spec(kind).model.model_fields
    row = {k: v for k, v in row.items() if k in fields}
    row["id"], row["kind"] = node.id, kind
    row = {"id": row.pop("id"), "kind": row.pop("kind"), **row}
    if getattr(node, "site", ""):
        row["site"] = node.site
    for key in ("mtbf_s", "mttr_s"):
        row.pop(key, None)
        if getattr(node, key, None):
            row[key] = getattr(node, key)
    tier = getattr(node, "tier", None)
    if "tier" in fields and tier is not None and tier != row.get("tier", "small"):
        row["tier"], row["workers"] = tier, node.workers  # type: ignore[attr-defined]
    for key, now in (("algorithm", getattr(node, "algorithm", None)),
                     ("on_write", getattr(node, "on_write", None)), *_replication_now(node)):
        if key in fields and now is not None:
            row[key] = now
    store = getattr(node, "store", None)
    if "ttl_s" in fields and store is not None and getattr(store, "ttl_s", None) is not None:
        row["ttl_s"] = float(store.ttl_s)
    return row


def _replication_now(node: Node) -> list[tuple[str, Any]]:
    """A database's replication settings as they are now, under the keys of the kind it is saved
    as (a promotion moves them: the new primary keeps the old one's failover_ms)."""
    if not registry.has_role(node.kind, registry.DATABASE):
        return []
    lag, failover = getattr(node, "lag_s", None), getattr(node, "failover_s", None)
    if node.role == "former_primary":          # the lag it takes when it comes back (Database.join)
        prim = node.cluster.primary  # type: ignore[attr-defined]
        lag = prim.lag_s if prim is not None else 0.1
    return [("lag_ms", None if lag is None else round(lag * 1000.0, 6)),
            ("failover_ms", None if failover is None else round(failover * 1000.0, 6)),
            ("replace_s", getattr(node, "replace_s", None))]


def _kind_now(node: Node) -> str:
    """A promoted replica is saved as a primary; a primary that stepped down (a replica took over
    while it was down) as the replica it becomes when it comes back."""
    if registry.has_role(node.kind, registry.DATABASE) and node.role in ("primary", "replica"):
        return "db_" + node.role
    if node.role == "former_primary":
        return "db_replica"
    return node.kind


def links_of(sim: "Simulation") -> list[dict[str, Any]]:
    """Every link between nodes still in the design, in the graph's order (each node's links in
    the order they were made); with the link from its cluster's primary to each primary that
    stepped down and is not back yet (the one its return makes, as Database.restart does), where
    the graph will hold it."""
    live = {n.id for n in sim.nodes if n.status != REMOVED}
    extra: dict[str, list[tuple[str, float]]] = {}
    for n in sim.nodes:
        prim = getattr(getattr(n, "cluster", None), "primary", None)
        if n.role == "former_primary" and n.id in live and prim is not None \
                and prim.id in live and not sim.graph.has_edge(prim.id, n.id):
            extra.setdefault(prim.id, []).append((n.id, n.lat.get(prim.id, 0.001)))
    rows = []
    for a, nbrs in sim.graph.adjacency():
        if a not in live:
            continue
        out = [(b, d["latency_s"]) for b, d in nbrs.items() if b in live] + extra.get(a, [])
        rows += [{"from": a, "to": b, "latency_ms": round(s * 1000.0, 6)} for b, s in out]
    return rows


def design_of(sim: "Simulation", name: str | None = None) -> dict[str, Any]:
    """The model's design now, as a scenario dict (named `name`, else the scenario's name)."""
    sc = sim.scenario
    meta = {k: v for k, v in _clean(sc.meta.model_dump(mode="python")).items() if k in META_KEYS}
    meta["name"] = name or meta["name"]
    meta["seed"] = sim.seed
    traffic = _clean(sc.traffic.model_dump(mode="python"))
    traffic["rate"] = float(sim.rate)
    out: dict[str, Any] = {"meta": meta, "traffic": traffic}
    if sim.shards is not None:
        out["database"] = _clean(sc.database.model_dump(mode="python"))
        out["database"]["sharding"] = sim.shards.method
    if sc.sites:
        out["sites"] = [_clean(s.model_dump(mode="python")) for s in sc.sites]
    out["nodes"] = [node_table(n) for n in sim.nodes if n.status != REMOVED]
    out["links"] = links_of(sim)
    return out
