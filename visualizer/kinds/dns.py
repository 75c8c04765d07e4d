"""Spec of the name server (kind dns): its table, card line, facts and strings."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field

from visualizer import schema
from visualizer.i18n import t
from visualizer.sim import registry
from visualizer.sim.snapshot import NodeView
from visualizer.sim.components.dns import Dns


class DnsNode(schema.NodeBase):
    """[[nodes]] kind = "dns": answers with the entry point's address, cached for ttl_s."""

    kind: Literal["dns"]
    points_to: str | list[str] | None = None      # geo: a list, one entry point per site
    ttl_s: schema.TtlS = 30.0
    policy: Literal["single", "geo"] = "single"
    health_check_ms: schema.HealthCheckMs = 1_000.0             # geo: how often it probes each entry point
    unhealthy_after: Annotated[int, Field(ge=1, le=100)] = 2
    healthy_after: Annotated[int, Field(ge=1, le=100)] = 2


def _line(view: "NodeView", lang: str) -> str:
    target = view.extra.get("points_to", "")
    if view.extra.get("policy") == "geo":
        return t("dns.geo", lang, targets=view.extra.get("answering", "") or "–")
    return t("dns.points", lang, target=target) if target else ""


def _facts(model: Any, node: Dns, now: float) -> dict[str, str]:
    if node.targets:
        return {"ttl_s": f"{node.ttl_s:g}", "policy": node.policy,
                "points_to": ",".join(x.node.id for x in node.targets),
                "answering": ",".join(x.node.id for x in node.targets if x.detected_up)}
    entries = sorted({c.entry.id for c in model.clients if c.dns is node})
    return {"ttl_s": f"{node.ttl_s:g}", "points_to": ",".join(entries)}


SPEC = registry.register(registry.KindSpec(
    kind="dns", model=DnsNode, build=lambda cfg, idx: Dns(cfg.id, idx, cfg),  # type: ignore[arg-type]
    roles=frozenset({registry.NAMESERVER}), column=1, icon="dns", builds=("remove_node",), card=_line, facts=_facts,
    strings={"kind.dns": {"en": "DNS", "ko": "DNS"},
             "about.dns": {"en": "Turns the site's name into the public IP to connect to.",
                           "ko": "도메인 이름을 접속할 공개 IP 주소로 바꿔 줍니다."},
             "dns.geo": {"en": "by site: {targets}", "ko": "지역별: {targets}"},
             "extra.policy": {"en": "answers", "ko": "응답 방식"},
             "extra.answering": {"en": "entry points it finds healthy", "ko": "정상으로 보는 진입점"},
             "val.single": {"en": "the same to everyone", "ko": "모두에게 같은 곳"},
             "val.geo": {"en": "each user's own site, else the nearest", "ko": "사용자 지역, 안 되면 가장 가까운 곳"}}))
