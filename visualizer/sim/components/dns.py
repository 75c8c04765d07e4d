"""The name server: answers where the entry point is; users keep the answer for ttl_s."""

from __future__ import annotations

from typing import TYPE_CHECKING

from visualizer.sim.nodes import UP, Node
from visualizer.sim.snapshot import ON_LINK

if TYPE_CHECKING:
    from visualizer.sim.requests import Request



class Dns(Node):
    """Answers a user's lookup; the user then sets off to the entry point."""

    def __init__(self, node_id: str, idx: int, ttl_s: float, points_to: str | None) -> None:
        super().__init__(node_id, "dns", idx)
        self.ttl_s = ttl_s
        self.points_to = points_to

    def receive(self, req: "Request") -> None:
        if req.done:
            return
        model = self.model
        if self.status != UP:
            model.fail(req, "dns", self)
            return
        now = model.time
        self.arrivals += 1
        self.completed += 1
        client = req.route[0]
        client.remember(req.user, now + self.ttl_s)
        entry = client.entry
        t_back = now + client.lat[self.id]
        if req.plan is not None:
            req.plan.append((now, t_back, self.idx, client.idx, ON_LINK, False))
        model.send(req, client, t_back, entry, t_back + client.lat[entry.id])
