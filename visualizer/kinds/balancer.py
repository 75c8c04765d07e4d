"""Spec of the load balancer: its table (algorithm, health checks, retries), card and strings."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field

from visualizer import schema
from visualizer.i18n import fact
from visualizer.sim import registry
from visualizer.sim.components.balancer import Balancer


class LoadBalancerNode(schema.NodeBase):
    """[[nodes]] kind = "load_balancer"."""

    kind: Literal["load_balancer"]
    algorithm: schema.Algorithm = "round_robin"
    health_check_ms: schema.HealthCheckMs = 1_000.0
    unhealthy_after: Annotated[int, Field(ge=1, le=100)] = 2
    healthy_after: Annotated[int, Field(ge=1, le=100)] = 2
    retries: Annotated[int, Field(ge=0, le=10)] = 0


def _line(view: Any, lang: str) -> str:
    return fact("algorithm", view.extra.get("algorithm", ""), lang)[1]


def _facts(model: Any, node: Balancer, now: float) -> dict[str, str]:
    share = node.up_share()
    out = {"algorithm": node.algorithm,
           "backends": ",".join(b.node.id for b in node.backends),
           "in_rotation": ",".join(b.node.id for b in node.pool)}
    if share is not None:
        out["up_share"] = f"{100 * share:.2f}%"
    if node.algorithm == "sticky":
        out["sticky_users"] = str(node.sticky_users())
        out["sticky_map"] = " · ".join(f"{node_id} {n}" for node_id, n in node.sticky_map().items())
    return out


SPEC = registry.register(registry.KindSpec(
    kind="load_balancer", model=LoadBalancerNode, build=lambda cfg, idx: Balancer(cfg.id, idx, cfg),  # type: ignore[arg-type]
    roles=frozenset({registry.BALANCER, registry.ENTRY, registry.ORIGIN}),
    actions=("fail", "recover", "add_server", "set_algorithm"), column=2, icon="load_balancer",
    short="lb", builds=("cdn_in_front", "remove_node"),
    card=_line, facts=_facts,
    strings={"kind.load_balancer": {"en": "Load balancer", "ko": "로드밸런서"},
             "about.load_balancer": {
                 "en": "Spreads requests over the web servers behind it; only it has a public IP.",
                 "ko": "뒤에 있는 웹 서버들에 요청을 고르게 나눕니다. 공개 IP는 이것만 가집니다."}}))
