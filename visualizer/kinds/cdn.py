"""Spec of the CDN edge: its table, card line, facts and strings."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field

from visualizer import schema
from visualizer.i18n import t
from visualizer.kinds.cache import store_facts
from visualizer.sim import registry
from visualizer.sim.components.cdn import Cdn
from visualizer.sim.snapshot import NodeView


class CdnNode(schema.ServerBase):
    """[[nodes]] kind = "cdn": an edge near the users holding copies of static files."""

    kind: Literal["cdn"]
    workers: Annotated[int, Field(ge=1, le=1024)] | None = 256
    service_ms: schema.ServiceMs = 1.0
    capacity: Annotated[int, Field(ge=0, le=10_000_000)] = 1_000
    ttl_s: schema.TtlS = 3_600.0                        # an hour; 0: never expires
    fallback_ms: schema.between(0, schema.TEN_MIN_MS) = 1_000.0   # type: ignore[valid-type]


def _line(view: NodeView, lang: str) -> str:
    ratio = view.extra.get("hit_ratio", "")
    fill = view.extra.get("fill", "")
    return t("cdn.line", lang, ratio=ratio or "–", fill=fill)


def _facts(model: Any, cdn: Cdn, now: float) -> dict[str, str]:
    return {**store_facts(model, cdn), "origin": cdn.origin.id if cdn.origin is not None else ""}


SPEC = registry.register(registry.KindSpec(
    kind="cdn", model=CdnNode, build=lambda cfg, idx: Cdn(cfg.id, idx, cfg),  # type: ignore[arg-type]
    roles=frozenset({registry.SERVER, registry.EDGE}),
    actions=("fail", "recover", "purge", "set_ttl"), column=1, order=1, icon="cdn", builds=("remove_node",),
    card=_line, facts=_facts,
    strings={"kind.cdn": {"en": "CDN edge", "ko": "CDN 엣지"},
             "about.cdn": {"en": "Keeps copies of images, scripts and styles close to the users: a hit "
                                 "answers from nearby, a miss fetches the file from the origin once.",
                           "ko": "이미지, 스크립트, 스타일 파일의 사본을 사용자 가까이에 둡니다. 적중하면 "
                                 "가까운 곳에서 바로 주고, 놓치면 원본 서버에서 한 번 가져옵니다."},
             "cdn.line": {"en": "hits {ratio} (5 s) · {fill} files", "ko": "적중 {ratio} (5초) · 파일 {fill}"}}))
