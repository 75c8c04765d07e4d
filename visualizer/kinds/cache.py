"""Spec of the cache: its table, card line, facts and strings."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field

from visualizer import schema
from visualizer.i18n import t
from visualizer.sim import registry
from visualizer.sim.components.cache import Cache
from visualizer.sim.snapshot import NodeView


class CacheNode(schema.ServerBase):
    """[[nodes]] kind = "cache": an in-memory key–value server the web servers read through."""

    kind: Literal["cache"]
    workers: Annotated[int, Field(ge=1, le=1024)] | None = 32
    service_ms: schema.ServiceMs = 0.5
    capacity: Annotated[int, Field(ge=0, le=10_000_000)] = 1_000
    ttl_s: schema.between(0, schema.DAY_S) = 0.0        # type: ignore[valid-type]   # 0: never expires
    eviction: Literal["lru", "lfu", "fifo"] = "lru"
    on_write: Literal["invalidate", "update", "none"] = "invalidate"


def _line(view: NodeView, lang: str) -> str:
    """Its hit ratio over the last 5 s (a flush shows at once) and how full it is."""
    ratio = view.extra.get("hit_ratio", "")
    return t("cache.line", lang, ratio=ratio or "–", fill=view.extra.get("fill", ""))


def store_facts(model: Any, node: Any) -> dict[str, str]:
    """The facts a cache and a CDN edge share: hit ratio over the last 5 s and since the start,
    how full it is, its TTL."""
    recent = model.recent_counts(node.id) if hasattr(model, "recent_counts") else None
    looked = recent[0] + recent[1] if recent else 0.0
    total = node.hit_ratio()
    return {"hit_ratio": f"{100 * recent[0] / looked:.0f}%" if recent and looked else "",
            "hit_ratio_total": "" if total is None else f"{100 * total:.0f}%",
            "fill": f"{len(node.store)}/{node.store.capacity}",
            "ttl_s": f"{node.store.ttl_s:g}" if node.store.ttl_s else "never"}


def _facts(model: Any, cache: Cache, now: float) -> dict[str, str]:
    return {**store_facts(model, cache), "eviction": cache.store.policy, "on_write": cache.on_write}


SPEC = registry.register(registry.KindSpec(
    kind="cache", model=CacheNode, build=lambda cfg, idx: Cache(cfg.id, idx, cfg),  # type: ignore[arg-type]
    roles=frozenset({registry.SERVER, registry.CACHE}),
    actions=("fail", "recover", "flush", "set_ttl", "set_on_write", "add_cache"), column=3.5, icon="cache", builds=("remove_node",),
    card=_line, facts=_facts,
    strings={"kind.cache": {"en": "Cache", "ko": "캐시"},
             "about.cache": {"en": "Keeps recently read data in memory: a hit answers at once, "
                                   "a miss asks the database and keeps the answer.",
                             "ko": "최근 읽은 데이터를 메모리에 둡니다. 적중하면 바로 응답하고, "
                                   "놓치면 DB에 묻고 그 답을 보관합니다."},
             "cache.line": {"en": "hits {ratio} (5 s) · {fill}", "ko": "적중 {ratio} (5초) · {fill}"}}))
