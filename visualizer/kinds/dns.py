"""Spec of the name server (kind dns): its table, card line, facts and strings."""

from __future__ import annotations

from typing import Any, Literal

from visualizer import schema
from visualizer.i18n import t
from visualizer.sim import registry
from visualizer.sim.snapshot import NodeView
from visualizer.sim.components.dns import Dns
from visualizer.sim.nodes import Node


class DnsNode(schema.NodeBase):
    """[[nodes]] kind = "dns": answers with the entry point's address, cached for ttl_s."""

    kind: Literal["dns"]
    points_to: str | None = None
    ttl_s: schema.TtlS = 30.0


def _line(view: "NodeView", lang: str) -> str:
    target = view.extra.get("points_to", "")
    return t("dns.points", lang, target=target) if target else ""


def _facts(model: Any, node: Node, now: float) -> dict[str, str]:
    entries = sorted({c.entry.id for c in model.clients if c.dns is node})
    return {"ttl_s": f"{node.ttl_s:g}", "points_to": ",".join(entries)}


SPEC = registry.register(registry.KindSpec(
    kind="dns", model=DnsNode, build=lambda cfg, idx: Dns(cfg.id, idx, cfg.ttl_s, cfg.points_to),  # type: ignore[arg-type]
    roles=frozenset({registry.NAMESERVER}), column=1, icon="dns", card=_line, facts=_facts,
    strings={"kind.dns": {"en": "DNS", "ko": "DNS"},
             "about.dns": {"en": "Turns the site's name into the public IP to connect to.",
                           "ko": "도메인 이름을 접속할 공개 IP 주소로 바꿔 줍니다."}}))
