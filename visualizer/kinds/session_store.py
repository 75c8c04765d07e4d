"""Spec of the session store: its table, card line, facts and strings."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field

from visualizer import schema
from visualizer.i18n import t
from visualizer.sim import registry
from visualizer.sim.components.session_store import SessionStore
from visualizer.sim.snapshot import NodeView


class SessionStoreNode(schema.ServerBase):
    """[[nodes]] kind = "session_store": where web servers with `sessions = "shared"` keep sessions."""

    kind: Literal["session_store"]
    workers: Annotated[int, Field(ge=1, le=1024)] | None = 32
    service_ms: schema.ServiceMs = 0.5


def _line(view: NodeView, lang: str) -> str:
    """How many users are logged in here."""
    held = view.extra.get("sessions")
    return t("sessions.line", lang, n=held) if held is not None else ""


def _facts(model: Any, store: SessionStore, now: float) -> dict[str, str]:
    return {"sessions": str(store.sessions_held(now))}


SPEC = registry.register(registry.KindSpec(
    kind="session_store", model=SessionStoreNode,
    build=lambda cfg, idx: SessionStore(cfg.id, idx, cfg),  # type: ignore[arg-type]
    roles=frozenset({registry.SERVER, registry.SESSIONS}),
    actions=("fail", "recover", "upgrade", "share_sessions"), column=3.5, order=1, icon="session_store", builds=("remove_node",), card=_line, facts=_facts,
    strings={"kind.session_store": {"en": "Session store", "ko": "세션 저장소"},
             "about.session_store": {
                 "en": "Keeps who is logged in, in memory, for every web server: any server can "
                       "answer any user, at the price of one more round trip per request.",
                 "ko": "누가 로그인했는지를 메모리에 두고 모든 웹 서버가 함께 씁니다. 어느 서버든 "
                       "어떤 사용자에게나 응답할 수 있지만, 요청마다 한 번 더 오가야 합니다."}}))
