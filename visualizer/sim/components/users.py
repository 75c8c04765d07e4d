"""The users: where requests are born, which DNS they ask, and where answers return."""

from __future__ import annotations

import networkx as nx

from visualizer.sim import registry
from visualizer.sim.nodes import Node


class Client(Node):
    """The users of one place. Each remembers the DNS answer it got until its TTL runs out."""

    __slots__ = ("dns", "entry", "edge", "dns_cache", "told")

    def __init__(self, node_id: str, idx: int) -> None:
        super().__init__(node_id, "client", idx)
        self.dns: Node | None = None      # the DNS it asks first, if it links to one
        self.entry: Node | None = None    # the entry point its requests go to
        self.edge: Node | None = None     # the CDN edge its static requests go to, if it links to one
        self.dns_cache: dict[int, float] = {}   # user -> when the DNS answer it holds expires
        self.told: dict[int, Node] | None = None  # a geo DNS: user -> the entry point it was told

    def wire(self) -> None:
        """Find the DNS and entry point, and the latency to reach each."""
        by_id = self.model.by_id
        succ = self.successors()
        dns = next((n for n in succ if registry.has_role(n.kind, registry.NAMESERVER)), None)
        self.edge = next((n for n in succ if registry.has_role(n.kind, registry.EDGE)), None)
        succ = [n for n in succ if n is not self.edge]
        entry = None
        target = getattr(dns, "points_to", None)
        if target:
            entry = by_id[target]
        if getattr(dns, "targets", None):
            entry = self._geo_entry(dns)
        if entry is None:
            entry = next((n for n in succ if n is not dns), None)
        if entry is None and dns is not None:
            entry = next((n for n in dns.successors() if n is not self
                          and not registry.has_role(n.kind, registry.NAMESERVER)), None)
        if entry is None:
            raise ValueError(f"client {self.id} has no entry point to send requests to")
        self.dns, self.entry = dns, entry
        if entry.id not in self.lat:
            self.lat[entry.id] = self._path_lat(entry, self.lat[dns.id] if dns is not None else 0.0)
        origin = getattr(self.edge, "origin", None)
        if origin is not None and origin.id not in self.lat:
            self.lat[origin.id] = self._path_lat(origin, 0.0)   # where it goes when the edge is down

    def _geo_entry(self, dns: Node) -> Node:
        """Under a geo DNS: the latency to every site's entry point, and its first answer (its own
        site's, else the nearest) as where the users go before they ask."""
        self.told = {}
        for target in dns.targets:  # type: ignore[attr-defined]
            if target.node.id not in self.lat:
                self.lat[target.node.id] = self._path_lat(target.node, float("inf"))
        return dns.order_for(self)[0].node  # type: ignore[attr-defined]

    def _path_lat(self, node: Node, otherwise: float) -> float:
        """One-way latency to a node it has no link to: the quickest way through the graph."""
        try:
            return float(nx.shortest_path_length(self.model.graph, self.id, node.id, weight="latency_s"))
        except nx.NetworkXNoPath:
            return otherwise

    def remember(self, user: int, until: float) -> None:
        """A user got a DNS answer, good until `until`."""
        self.dns_cache[user] = until

    def knows_entry(self, user: int, now: float) -> bool:
        """True when the user can skip DNS (no DNS, or an unexpired answer)."""
        return self.dns is None or self.dns_cache.get(user, -1.0) > now
