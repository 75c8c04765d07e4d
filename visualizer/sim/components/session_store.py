"""The session store: an in-memory server (think Redis) keeping the sessions of `shared` web servers.

It answers every call itself, after its service time: the web server looked the session up (or
made a new one, a login) as it started the request (sessions.py), and the round trip here is what
sharing sessions costs. A store that goes down forgets every session: while it is down the web
servers fail the requests that need it (`no_session_store`), and once it is back every user logs
in again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from visualizer.sim.servers import Server
from visualizer.sim.sessions import SessionTable

if TYPE_CHECKING:
    from visualizer.sim.requests import Request


class SessionStore(Server):
    """Serves session lookups from memory: no calls downstream."""

    def __init__(self, node_id: str, idx: int, cfg: Any) -> None:
        super().__init__(node_id, "session_store", idx, cfg)
        self.session_table = SessionTable()

    def sessions_held(self, now: float) -> int:
        return self.session_table.held(now)

    def crash(self, now: float) -> list["Request"]:
        sessions = self.model.sessions
        if sessions is not None:
            sessions.crashed(self, now)   # memory does not survive a crash
        return super().crash(now)

    def report_extra(self) -> dict[str, Any]:
        """Sessions held now, beside the usual server keys."""
        return {"sessions": self.sessions_held(self.model.time)}
