"""Runtime state shared by every node kind, plus the two simple kinds: the users and DNS."""

from __future__ import annotations

from typing import Any

UP, DOWN, BOOTING, CATCHING_UP, REMOVED = "up", "down", "booting", "catching_up", "removed"


class Node:
    """What every node has: identity, address, status, counters and failure bookkeeping."""

    def __init__(self, node_id: str, kind: str, idx: int) -> None:
        self.id = node_id
        self.kind = kind
        self.idx = idx
        self.ip = ""
        self.public = False
        self.status = UP
        self.accepting = True             # takes requests in (a removed server drains its work)
        self.lat: dict[str, float] = {}   # one-way latency to each node it links to, by id
        self.arrivals = 0
        self.completed = 0
        self.dropped = 0
        self.sojourn = 0.0                # total seconds requests spent here, arrival to departure
        self.token = 0                    # bumped at each fail/recover: stale timers check it
        self.mtbf_s: float | None = None
        self.mttr_s: float | None = None
        # health as seen by the load balancer in front (None: nothing in front)
        self.lb: Any = None
        self.detected_up: bool | None = None
        self.hc_ok = 0
        self.hc_fail = 0
        self.lb_active = 0                # requests the load balancer has open on this backend
        self.wrr_current = 0              # smooth weighted round robin state
        self.weight = 1

    def set_status(self, status: str, now: float) -> None:
        """Change status (always through here: `accepting` follows it)."""
        self.status = status
        self.accepting = status == UP or status == REMOVED or status == CATCHING_UP

    def __repr__(self) -> str:
        return f"<{self.kind} {self.id} {self.status}>"


class Client(Node):
    """The users: where requests are born and where answers return."""

    def __init__(self, node_id: str, idx: int) -> None:
        super().__init__(node_id, "client", idx)
        self.dns: Node | None = None      # the DNS it asks first, if it links to one
        self.entry: Node | None = None    # the entry point its requests go to
        self.entry_handler: Any = None    # the model's arrival handler for the entry's kind


class Dns(Node):
    """The name server: answers where the entry point is; answers are cached for ttl_s."""

    def __init__(self, node_id: str, idx: int, ttl_s: float, points_to: str | None) -> None:
        super().__init__(node_id, "dns", idx)
        self.ttl_s = ttl_s
        self.points_to = points_to
