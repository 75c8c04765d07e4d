"""Spec of the web server: its table, card line, facts and strings."""

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
    sessions: Literal["local", "shared"] = "local"    # where its users' sessions live
    publish_ratio: schema.Share = 0.0                 # share of requests that also publish a job


def _build(cfg: Any, idx: int) -> WebServer:
    return WebServer(cfg.id, idx, cfg)


def _line(view: Any, lang: str) -> str:
    """Its size; when users log in, the sessions it holds instead (the card has room for one line,
    and in a lesson about sessions they are the point; the size stays in the inspector)."""
    held = view.extra.get("sessions")
    if held is not None:
        return t("sessions.line", lang, n=held)
    return t("tier", lang, tier=view.tier, n=view.workers) if view.tier else ""


def _facts(model: Any, web: WebServer, now: float) -> dict[str, str]:
    """When users log in ([traffic] session_s > 0): where it keeps sessions, and how many it holds
    if they are in its own memory (shared ones are the store's)."""
    if web.sessions is None:
        return {}
    if web.session_table is None:
        return {"sessions_kept": web.session_mode}
    return {"sessions": str(web.sessions_held(now)), "sessions_kept": web.session_mode}


SPEC = registry.register(registry.KindSpec(
    kind="web_server", model=WebServerNode, build=_build,
    roles=frozenset({registry.SERVER, registry.ENTRY, registry.ORIGIN}),
    actions=("fail", "recover", "upgrade", "remove_server"), column=3, icon="web_server", short="web",
    builds=("balancer_in_front", "split_database", "cdn_in_front", "remove_node"), card=_line,
    facts=_facts,
    strings={"kind.web_server": {"en": "Web server", "ko": "웹 서버"},
             "about.web_server": {"en": "Runs the application: takes a request, asks the database, answers.",
                                  "ko": "애플리케이션을 실행합니다. 요청을 받아 DB에 묻고 응답합니다."}}))
