"""Spec of the users (kind client): their table in scenario files, card, facts and strings."""

from __future__ import annotations

from typing import Any, Literal

from visualizer import schema
from visualizer.i18n import t
from visualizer.sim import registry
from visualizer.sim.snapshot import NodeView
from visualizer.sim.components.users import Client
from visualizer.sim.nodes import Node


class ClientNode(schema.NodeBase):
    """[[nodes]] kind = "client": the users."""

    kind: Literal["client"]


def _rate_line(view: "NodeView", lang: str) -> str:
    return f"{view.extra.get('rate', '')} {t('unit.rps', lang)}"


def _facts(model: Any, node: Node, now: float) -> dict[str, str]:
    return {"rate": f"{model.rate:g}"}


SPEC = registry.register(registry.KindSpec(
    kind="client", model=ClientNode, build=lambda cfg, idx: Client(cfg.id, idx),  # type: ignore[arg-type]
    roles=frozenset({registry.USERS}), actions=("set_rate",), column=0, icon="client", buildable=False,
    card=_rate_line, facts=_facts,
    strings={"kind.client": {"en": "Users", "ko": "사용자"},
             "about.client": {"en": "People using the site from browsers and phones.",
                              "ko": "웹 브라우저나 앱으로 사이트를 쓰는 사람들입니다."}}))
