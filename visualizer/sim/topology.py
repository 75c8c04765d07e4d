"""Build the runtime graph from a scenario: nodes (by their kind's factory), links, clusters, addresses."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from visualizer.sim import registry, sharding
from visualizer.sim.cluster import Cluster

if TYPE_CHECKING:
    from visualizer.sim.model import Simulation
    from visualizer.sim.nodes import Node

USERS_RANGE = "100.64.0.0/10"


def private_ip(n: int) -> str:
    """The n-th private address (0 -> 10.0.0.1).

    >>> private_ip(0), private_ip(254)
    ('10.0.0.1', '10.0.1.1')
    """
    return f"10.0.{n // 254}.{n % 254 + 1}"


def make_node(cfg: Any, idx: int) -> "Node":
    """A runtime node for one scenario node, made by its kind's factory."""
    node = registry.spec(cfg.kind).build(cfg, idx)
    node.mtbf_s, node.mttr_s = cfg.mtbf_s, cfg.mttr_s
    node.cfg = cfg                        # type: ignore[attr-defined]   # what a saved design writes
    if cfg.site:
        node.site = cfg.site
    return node


def build(sim: "Simulation", scenario: Any) -> None:
    """Fill the model's nodes, graph, clusters, clients and balancers from the scenario."""
    for cfg in scenario.nodes:
        sim.add_node(make_node(cfg, len(sim.nodes)), assign_ip=False)
    for link in scenario.links:
        sim.add_link(sim.by_id[link.src], sim.by_id[link.dst], link.latency_ms / 1000.0)
    sim.clusters = build_clusters(sim)
    sim.shards = sharding.build(sim, scenario)
    for node in sim.nodes:
        if not registry.has_role(node.kind, registry.USERS):
            node.wire()
        if registry.has_role(node.kind, registry.BALANCER):
            sim.balancers.append(node)
    for node in sim.nodes:
        if registry.has_role(node.kind, registry.USERS):
            node.wire()
            sim.clients.append(node)
    _assign_addresses(sim)


def build_clusters(sim: "Simulation") -> list[Cluster]:
    """One cluster per primary, holding the replicas it links to. Replicas no primary links to
    join the only cluster there is (a design with one primary need not draw those links)."""
    clusters: list[Cluster] = []
    databases = [n for n in sim.nodes if registry.has_role(n.kind, registry.DATABASE)]
    for db in databases:
        if db.role == "primary":
            c = Cluster(db.id)
            c.primary = db
            db.cluster = c
            clusters.append(c)
    for db in databases:
        if db.role != "replica":
            continue
        owners = [p.cluster for p in databases if p.role == "primary" and db.id in p.lat]
        cluster = owners[0] if owners else (clusters[0] if len(clusters) == 1 else None)
        if cluster is None:
            cluster = Cluster(db.id)      # a replica of no primary: its own (headless) cluster
            clusters.append(cluster)
        db.cluster = cluster
        cluster.replicas.append(db)
    return clusters


def _assign_addresses(sim: "Simulation") -> None:
    """Public IPs for the users, DNS, entry points, CDN edges and their origins (the internet
    side: clients reach an origin themselves when their edge is down); 10.0.0.x for the rest."""
    entries: list[Node] = []
    for c in sim.clients:
        if c.entry not in entries:
            entries.append(c.entry)
    for node in sim.nodes:              # a geo DNS hands out every site's entry point
        for target in getattr(node, "targets", ()):
            if target.node not in entries:
                entries.append(target.node)
    for node in sim.nodes:
        if registry.has_role(node.kind, registry.EDGE):
            for n in [node] + node.successors():
                if n not in entries:
                    entries.append(n)
    n_dns = 0
    for node in sim.nodes:
        if registry.has_role(node.kind, registry.USERS):
            node.ip, node.public = USERS_RANGE, True
        elif registry.has_role(node.kind, registry.NAMESERVER):
            node.ip, node.public = f"198.51.100.{53 + n_dns}", True
            n_dns += 1
        elif node in entries:
            node.ip, node.public = f"203.0.113.{10 + entries.index(node)}", True
        else:
            node.ip, node.public = sim.new_private_ip(), False
