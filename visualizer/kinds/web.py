"""Spec of the web server: its table, card line and strings."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field

from visualizer import schema
from visualizer.i18n import t
from visualizer.sim import registry
from visualizer.sim.components.web import WebServer


class WebServerNode(schema.ServerBase):
    """[[nodes]] kind = "web_server"."""

    kind: Literal["web_server"]
    weight: Annotated[int, Field(ge=1, le=1000)] = 1


def _line(view: Any, lang: str) -> str:
    return t("tier", lang, tier=view.tier, n=view.workers) if view.tier else ""


SPEC = registry.register(registry.KindSpec(
    kind="web_server", model=WebServerNode, build=lambda cfg, idx: WebServer(cfg.id, idx, cfg),  # type: ignore[arg-type]
    roles=frozenset({registry.SERVER, registry.ENTRY, registry.ORIGIN}),
    actions=("fail", "recover", "upgrade", "remove_server"), column=3, icon="web_server", card=_line,
    strings={"kind.web_server": {"en": "Web server", "ko": "웹 서버"},
             "about.web_server": {"en": "Runs the application: takes a request, asks the database, answers.",
                                  "ko": "애플리케이션을 실행합니다. 요청을 받아 DB에 묻고 응답합니다."}}))
