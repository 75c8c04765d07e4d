"""Runtime state every node kind shares: identity, address, status, counters, failure bookkeeping."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from visualizer.sim.protocol import Model
    from visualizer.sim.requests import Request

UP, DOWN, BOOTING, CATCHING_UP, REMOVED = "up", "down", "booting", "catching_up", "removed"


class Node:
    """What every node has. A kind subclasses it and overrides `receive` (and the hooks below).

    A node changes only its own state; it reaches the rest of the model through `self.model`
    (a Model: push, travel, answer, refuse, fail, log).
    """

    # Attributes live in slots: they are read for every request, and CPython caches a slot read
    # at each place, and a method lookup too while the instance dict stays small (with 50
    # attributes in it, every `self.method()` of a server took the slow path). `__dict__` keeps
    # room for what a kind adds without listing it. Each subclass lists the attributes it adds.
    __slots__ = ("id", "kind", "role", "idx", "model", "ip", "public", "status", "accepting",
                 "lat", "arrivals", "completed", "dropped", "sojourn", "token", "mtbf_s", "mttr_s",
                 "weight", "passes_through", "__dict__")

    site = ""                 # the data centre it stands in ([[sites]] id; '' without sites)

    def __init__(self, node_id: str, kind: str, idx: int) -> None:
        self.id = node_id
        self.kind = kind                  # as the scenario file says; never rewritten
        self.role = ""                    # what it does now, where that can change (primary/replica)
        self.idx = idx
        self.model: Model = None  # type: ignore[assignment]   # set when added to a model
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
        self.weight = 1                   # share a weighted balancer gives it
        # True while a request setting off towards it can be passed on at once, with no event of
        # its own (`pass_through`: a balancer with a backend in rotation, a DNS); read per request
        self.passes_through = False

    # ---- what a kind overrides -----------------------------------------------------------------

    def receive(self, req: "Request") -> None:
        """`req` arrives over a link (an event handler). The default: this node cannot take it."""
        self.model.fail(req, "node_down", self)

    def wire(self) -> None:
        """Called once the scenario's links exist: find what this node forwards or calls to."""

    def start(self) -> None:
        """Called once when the run begins, after arrivals are scheduled (periodic timers go here)."""

    def dispose(self) -> None:
        """Drop every reference it holds (Simulation.dispose breaks the model's cycles this way)."""
        self.__dict__.clear()
        for cls in type(self).__mro__:
            for name in cls.__dict__.get("__slots__", ()):
                if name != "__dict__" and hasattr(self, name):
                    delattr(self, name)

    def crash(self, now: float) -> list["Request"]:
        """The node just went down: returns the requests inside it, which fail (default: none)."""
        return []

    def crashed(self, now: float) -> None:
        """After the requests inside have failed: what else going down sets off (failover, ...)."""

    def cancel_timers(self) -> None:
        """Invalidate every timer this node has pending (they check the token)."""
        self.token += 1

    def report_extra(self) -> dict[str, Any]:
        """Kind-specific keys of its entry in the JSON report (a cache's hits, say)."""
        return {}

    def restart(self, now: float) -> None:
        """The node comes back: default, simply up."""
        self.set_status(UP, now)

    # ---- shared -------------------------------------------------------------------------------

    def set_status(self, status: str, now: float) -> None:
        """Change status (always through here: `accepting` follows it)."""
        self.status = status
        self.accepting = status == UP or status == REMOVED or status == CATCHING_UP

    def link_to(self, other: "Node", latency_s: float) -> None:
        """Remember the latency of a new link from here (the model draws the link)."""
        self.lat[other.id] = latency_s

    def unlink(self, other_id: str) -> None:
        """Forget the link to a node that is gone."""
        self.lat.pop(other_id, None)

    def successors(self) -> list["Node"]:
        """The nodes this one links to, in link order."""
        by_id = self.model.by_id
        return [by_id[s] for s in self.lat]

    def __repr__(self) -> str:
        return f"<{self.kind} {self.id} {self.status}>"
