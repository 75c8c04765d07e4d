"""The name server: answers where the entry point is; users keep the answer for ttl_s.

With policy `single` every user gets the one entry point. With policy `geo` the DNS hands out one
entry point per site (`points_to`, a list): a user gets the entry point of their own site while
the DNS finds it healthy, else the nearest healthy one (lowest latency from the user). The DNS
probes the entry points every health_check_ms, like a load balancer probes its backends, so it
notices a dead site late; and users keep an answer for ttl_s, so some go on to the dead site
until theirs expires.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from visualizer.sim.nodes import UP, Node
from visualizer.sim.snapshot import ON_LINK

if TYPE_CHECKING:
    from visualizer.sim.requests import Request

SINGLE, GEO = "single", "geo"


class Target:
    """One entry point a geo DNS hands out, and its health as the DNS's probes see it."""

    __slots__ = ("node", "detected_up", "ok", "bad", "held_at_failover")

    def __init__(self, node: Node) -> None:
        self.node = node
        self.detected_up = True
        self.ok = 0                       # passing probes in a row
        self.bad = 0                      # failing probes in a row
        self.held_at_failover = 0         # users holding an answer naming it when it was dropped

    @property
    def site(self) -> str:
        return self.node.site or self.node.id


class Dns(Node):
    """Answers a user's lookup; the user then sets off to the entry point.

    A lookup costs no event of its own while the DNS is up when the user sets off: the answer is
    worked out then (`pass_through`), like a load balancer's pick, and the request's whole way to
    the entry point is planned at once. A DNS that fails before the lookup gets there fails it
    then (`crash`); one already down when the user sets off fails it on arrival (`receive`).
    """

    __slots__ = ("ttl_s", "policy", "points_to", "target_ids", "hc_s", "unhealthy_after",
                 "healthy_after", "targets", "orders")


    def __init__(self, node_id: str, idx: int, cfg: Any) -> None:
        super().__init__(node_id, "dns", idx)
        self.passes_through = True   # it always has an answer to give (while it is up)
        self.ttl_s: float = cfg.ttl_s
        self.policy: str = cfg.policy
        points = cfg.points_to
        names = [points] if isinstance(points, str) else list(points or ())
        self.points_to: str | None = names[0] if self.policy == SINGLE and names else None
        self.target_ids = names if self.policy == GEO else []
        self.hc_s: float = cfg.health_check_ms / 1000.0
        self.unhealthy_after: int = cfg.unhealthy_after
        self.healthy_after: int = cfg.healthy_after
        self.targets: list[Target] = []   # geo: every site's entry point, in points_to order
        self.orders: dict[str, list[Target]] = {}   # client id -> targets, its own site first

    def wire(self) -> None:
        by_id = self.model.by_id
        self.targets = [Target(by_id[t]) for t in self.target_ids]

    def start(self) -> None:
        if self.targets:
            self.model.push(self.model.time + self.hc_s, self.health_tick, None)

    def pass_through(self, req: "Request", client: Node, t_from: float, t_dns: float) -> None:
        """Answer the lookup as the user sets off (at t_from, here at t_dns), then send the request
        on from the user to the entry point it names."""
        req.asked = self
        req.t_asked = t_dns
        if req.plan is not None:
            req.plan.append((t_from, t_dns, client.idx, self.idx, ON_LINK, True))
        self._answer(req, client, t_dns)

    def crash(self, now: float) -> list["Request"]:
        """Lookups on their way here (answered as they set off) fail now, with reason `dns`."""
        model = self.model
        for r in [r for r in model.live.values() if r.asked is self and r.t_asked > now]:
            r.dead = True
            model.fail(r, "dns", self)
        return []

    def receive(self, req: "Request") -> None:
        """A lookup sent while this DNS was down gets here (an event): it fails, or is answered
        if the DNS is back."""
        if req.done:
            return
        if self.status != UP:
            self.model.fail(req, "dns", self)
            return
        self._answer(req, req.route[0], self.model.time)

    def _answer(self, req: "Request", client: Node, t: float) -> None:
        """The lookup is answered at `t`: the user holds the answer for ttl_s and sets off to the
        entry point it names as the answer gets back."""
        self.arrivals += 1
        self.completed += 1
        client.remember(req.user, t + self.ttl_s)
        if self.targets:
            entry = self.answer_for(client)
            client.told[req.user] = entry
        else:
            entry = client.entry
        t_back = t + client.lat[self.id]
        if req.plan is not None:
            req.plan.append((t, t_back, self.idx, client.idx, ON_LINK, False))
        self.model.send(req, client, t_back, entry, t_back + client.lat[entry.id])

    # ---- geo ---------------------------------------------------------------------------------------

    def answer_for(self, client: Node) -> Node:
        """The entry point of the client's site if it looks healthy, else the nearest that does;
        when none does, the DNS answers as if all were healthy (the users' own site first)."""
        order = self.orders.get(client.id)
        if order is None:
            order = self.orders[client.id] = self.order_for(client)
        for target in order:
            if target.detected_up:
                return target.node
        return order[0].node

    def order_for(self, client: Node) -> list[Target]:
        """The targets in the order a client is answered: its own site's, then by latency."""
        lat = client.lat
        home = [t for t in self.targets if client.site and t.node.site == client.site]
        rest = sorted((t for t in self.targets if t not in home),
                      key=lambda t: lat.get(t.node.id, float("inf")))
        return home + rest

    def target_of(self, site: str) -> Target | None:
        """The entry point it hands out for `site`, if any."""
        return next((t for t in self.targets if t.node.site == site), None)

    def health_tick(self, _: Any) -> None:
        """Every health_check_ms: probe each site's entry point (while this DNS is up)."""
        model = self.model
        if self.status == UP:
            for target in self.targets:
                self.probe(target)
        model.push(model.time + self.hc_s, self.health_tick, None)

    def holding(self, entry: Node, now: float) -> int:
        """Users who still hold an unexpired answer naming `entry` (they go there without asking)."""
        n = 0
        for client in self.model.clients:
            told = client.told
            if client.dns is self and told:
                cache = client.dns_cache
                n += sum(1 for u, e in told.items() if e is entry and cache.get(u, -1.0) > now)
        return n

    def probe(self, target: Target) -> None:
        """One probe: an entry point is healthy while it is up. After unhealthy_after failures in a
        row the DNS stops handing it out (dns_failover), after healthy_after passes it starts again
        (dns_failback); the events name the entry point's site."""
        if target.node.status == UP:
            target.ok += 1
            target.bad = 0
            if not target.detected_up and target.ok >= self.healthy_after:
                target.detected_up = True
                self.model.log("dns_failback", target.site)
        else:
            target.bad += 1
            target.ok = 0
            if target.detected_up and target.bad >= self.unhealthy_after:
                target.detected_up = False
                target.held_at_failover = self.holding(target.node, self.model.time)
                self.model.log("dns_failover", target.site)
