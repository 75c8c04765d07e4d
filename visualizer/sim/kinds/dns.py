"""The name server: answers where the entry point is; users keep the answer for ttl_s."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from visualizer.sim import registry
from visualizer.sim.nodes import UP, Node
from visualizer.sim.snapshot import ON_LINK

if TYPE_CHECKING:
    from visualizer.sim.requests import Request
    from visualizer.sim.snapshot import NodeView


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
        req.plan.append((now, t_back, self.idx, client.idx, ON_LINK, False))
        model.send(req, client, t_back, entry, t_back + client.lat[entry.id])


def _line(view: "NodeView", lang: str) -> str:
    from visualizer.i18n import t
    target = view.extra.get("points_to", "")
    return t("dns.points", lang, target=target) if target else ""


def _facts(model: Any, node: Node, now: float) -> dict[str, str]:
    entries = sorted({c.entry.id for c in model.clients if c.dns is node})
    return {"ttl_s": f"{node.ttl_s:g}", "points_to": ",".join(entries)}


SPEC = registry.register(registry.KindSpec(
    kind="dns", model=None, build=lambda cfg, idx: Dns(cfg.id, idx, cfg.ttl_s, cfg.points_to),  # type: ignore[arg-type]
    roles=frozenset({registry.NAMESERVER}), column=1, icon="dns", card=_line, facts=_facts,
    strings={"kind.dns": {"en": "DNS", "ko": "DNS"},
             "about.dns": {"en": "Turns the site's name into the public IP to connect to.",
                           "ko": "도메인 이름을 접속할 공개 IP 주소로 바꿔 줍니다."}}))
