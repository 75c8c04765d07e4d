"""Spec of the object store: its table, card line and strings."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field

from visualizer import schema
from visualizer.i18n import t
from visualizer.sim import registry
from visualizer.sim.components.object_store import ObjectStore


class ObjectStoreNode(schema.ServerBase):
    """[[nodes]] kind = "object_store": the files a CDN edge fetches on a miss."""

    kind: Literal["object_store"]
    workers: Annotated[int, Field(ge=1, le=1024)] | None = 64
    service_ms: schema.ServiceMs = 10.0


def _line(view: Any, lang: str) -> str:
    return t("tier", lang, tier=view.tier, n=view.workers) if view.tier else ""


SPEC = registry.register(registry.KindSpec(
    kind="object_store", model=ObjectStoreNode,
    build=lambda cfg, idx: ObjectStore(cfg.id, idx, cfg),  # type: ignore[arg-type]
    roles=frozenset({registry.SERVER, registry.ORIGIN}),
    actions=("fail", "recover", "upgrade"), column=4, order=2, icon="object_store",
    short="store", builds=("cdn_in_front", "remove_node"), card=_line,
    strings={"kind.object_store": {"en": "Object store", "ko": "오브젝트 스토리지"},
             "about.object_store": {"en": "Keeps the site's files (images, scripts, videos) on disk and "
                                          "hands them to the CDN.",
                                    "ko": "사이트의 파일(이미지, 스크립트, 동영상)을 디스크에 보관하고 "
                                          "CDN에 건네줍니다."}}))
