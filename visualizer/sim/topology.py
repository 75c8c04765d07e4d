"""Build the runtime graph from a scenario: nodes, links, addresses, entry points, roles."""

from __future__ import annotations

from typing import Any

import networkx as nx

from visualizer.sim.balancer import Balancer
from visualizer.sim.nodes import Client, Dns, Node
from visualizer.sim.replication import STREAM
from visualizer.sim.servers import Server

SERVER_KINDS = ("web_server", "db_primary", "db_replica")
DB_KINDS = ("db_primary", "db_replica")
USERS_RANGE = "100.64.0.0/10"


def private_ip(n: int) -> str:
    """The n-th private address (0 -> 10.0.0.1).

    >>> private_ip(0), private_ip(254)
    ('10.0.0.1', '10.0.1.1')
    """
    return f"10.0.{n // 254}.{n % 254 + 1}"


def make_node(cfg: Any, idx: int) -> Node:
    """A runtime node for one scenario node."""
    kind = cfg.kind
    if kind == "client":
        node: Node = Client(cfg.id, idx)
    elif kind == "dns":
        node = Dns(cfg.id, idx, cfg.ttl_s, cfg.points_to)
    elif kind == "load_balancer":
        node = Balancer(cfg.id, idx, cfg)
    else:
        node = Server(cfg.id, kind, idx, cfg)
    node.mtbf_s, node.mttr_s = cfg.mtbf_s, cfg.mttr_s
    return node


def build(sim: Any, scenario: Any) -> None:
    """Fill sim.nodes, sim.by_id, sim.graph, sim.clients, sim.balancers and sim.repl."""
    for cfg in scenario.nodes:
        sim.add_node(make_node(cfg, len(sim.nodes)), assign_ip=False)
    for link in scenario.links:
        sim.add_link(sim.by_id[link.src], sim.by_id[link.dst], link.latency_ms / 1000.0)
    g: nx.DiGraph = sim.graph
    for node in sim.nodes:
        succ = [sim.by_id[s] for s in g.successors(node.id)]
        if isinstance(node, Balancer):
            node.backends = [b for b in succ if b.kind not in ("client", "dns")]
            for b in node.backends:
                b.lb, b.detected_up = node, True
            webs = [b for b in node.backends if b.kind == "web_server"]
            node.template = webs[0] if webs else (node.backends[0] if node.backends else None)
            node.rebuild_pool()
            sim.balancers.append(node)
        elif isinstance(node, Server) and node.kind == "web_server":
            dbs = [d for d in succ if d.kind in DB_KINDS]
            node.uses_db = bool(dbs)
            node.db_lat = node.lat[dbs[0].id] if dbs else 0.0
        if node.kind == "db_primary":
            sim.repl.primary = node
        elif node.kind == "db_replica":
            node.mode = STREAM
            sim.repl.replicas.append(node)
    for node in (n for n in sim.nodes if isinstance(n, Client)):
        _wire_client(sim, node)
        sim.clients.append(node)
    _assign_addresses(sim)


def _wire_client(sim: Any, client: Client) -> None:
    """Find the client's DNS and entry point, and the latency to reach each."""
    g: nx.DiGraph = sim.graph
    succ = [sim.by_id[s] for s in g.successors(client.id)]
    dns = next((n for n in succ if n.kind == "dns"), None)
    entry = None
    if isinstance(dns, Dns) and dns.points_to:
        entry = sim.by_id[dns.points_to]
    if entry is None:
        entry = next((n for n in succ if n.kind != "dns"), None)
    if entry is None and dns is not None:
        entry = next((sim.by_id[s] for s in g.successors(dns.id)
                      if sim.by_id[s].kind not in ("client", "dns")), None)
    if entry is None:
        raise ValueError(f"client {client.id} has no entry point to send requests to")
    client.dns, client.entry = dns, entry
    if entry.id not in client.lat:
        try:
            path_lat = nx.shortest_path_length(g, client.id, entry.id, weight="latency_s")
        except nx.NetworkXNoPath:
            path_lat = client.lat[dns.id] if dns is not None else 0.0
        client.lat[entry.id] = float(path_lat)
    client.entry_handler = sim._at_lb if entry.kind == "load_balancer" else sim._at_server


def _assign_addresses(sim: Any) -> None:
    """Public IPs for the users, DNS and entry points; 10.0.0.x for everything behind them."""
    entries = []
    for c in sim.clients:
        if c.entry not in entries:
            entries.append(c.entry)
    n_dns = 0
    for node in sim.nodes:
        if node.kind == "client":
            node.ip, node.public = USERS_RANGE, True
        elif node.kind == "dns":
            node.ip, node.public = f"198.51.100.{53 + n_dns}", True
            n_dns += 1
        elif node in entries:
            node.ip, node.public = f"203.0.113.{10 + entries.index(node)}", True
        else:
            node.ip, node.public = sim.new_private_ip(), False
