"""The model as components see it: a typed protocol instead of passing the Simulation as Any."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Protocol

if TYPE_CHECKING:
    import networkx as nx

    from visualizer.sim.draws import Draws
    from visualizer.sim.nodes import Node
    from visualizer.sim.report import Stats
    from visualizer.sim.requests import Request
    from visualizer.sim.sessions import Sessions


class Model(Protocol):
    """What a component may read and call. It changes other nodes only through their methods."""

    time: float
    draws: "Draws"
    stats: "Stats"
    nodes: list["Node"]
    by_id: dict[str, "Node"]
    graph: "nx.DiGraph"
    live: dict[int, "Request"]
    retired: set[str]
    sessions: "Sessions | None"     # who is logged in where; None when users never log in

    def push(self, t: float, handler: Callable[[Any], None], arg: Any = None) -> None:
        """Schedule `handler(arg)` at simulated time `t` (the one scheduling path)."""

    def log(self, event: str, node: str) -> None:
        """Append to the event log at the current time."""

    def travel(self, req: "Request", a: "Node", b: "Node", lat: float, forward: bool = True) -> None:
        """Send `req` from `a` over the link to `b`; b.receive(req) runs when it gets there."""

    def answer(self, req: "Request", node: "Node", t: float) -> None:
        """`node` has finished with `req` at time `t`: back to whoever called it, or the client."""

    def refuse(self, req: "Request", node: "Node", reason: str) -> None:
        """`node` turned `req` away; the balancer that sent it may retry elsewhere."""

    def fail(self, req: "Request", reason: str, node: "Node", release_caller: bool = True) -> None:
        """End `req` in failure (once), at `node`, for `reason`."""

    def add_node(self, node: "Node", assign_ip: bool = True) -> None:
        """Register a new node (a clone)."""

    def replace_node(self, old: "Node", new: "Node") -> None:
        """`new` takes the slot of a node removed for good."""

    def add_link(self, a: "Node", b: "Node", latency_s: float) -> None:
        """Draw a new link (a replica joining its cluster, say)."""
