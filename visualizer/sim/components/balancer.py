"""The load balancer: seven ways to pick a backend, and health checks that notice failures late.

`sticky` sends a user to the backend holding their session (sessions.py); a user with no live
session there (new, logged out, or whose server left the rotation) is placed by least connections,
so a server added later gets new users only. Without sessions every user is new: least connections.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from visualizer.sim import registry
from visualizer.sim.draws import Draws
from visualizer.sim.nodes import UP, Node
from visualizer.sim.requests import ip_hash
from visualizer.sim.snapshot import ON_LINK

if TYPE_CHECKING:
    from visualizer.sim.requests import Request

ALGORITHMS = ("round_robin", "weighted_round_robin", "least_connections", "random",
              "power_of_two", "ip_hash", "sticky")



class Backend:
    """What a balancer knows of one backend: its health as probed, and its open connections."""

    __slots__ = ("node", "lb", "detected_up", "hc_ok", "hc_fail", "active", "wrr_current", "weight")

    def __init__(self, node: Node, lb: "Balancer", detected_up: bool) -> None:
        self.node = node
        self.lb = lb
        self.detected_up = detected_up
        self.hc_ok = 0
        self.hc_fail = 0
        self.active = 0                   # requests open on it until their answer reaches the client
        self.wrr_current = 0              # smooth weighted round robin state
        self.weight = node.weight


class Balancer(Node):
    """A load balancer and its backends (the nodes it links to), in link order.

    A request from a client passes it and it joins the request's route (the answer goes back the
    same way). A request a server is waiting on (a CDN edge fetching from it) is a call: it joins
    the call stack instead, and the answer comes back through it to that server.
    """

    __slots__ = ("call_lat", "algorithm", "hc_s", "unhealthy_after", "healthy_after", "retries",
                 "backends", "template", "pool", "rr", "probes", "probes_any_up")

    def __init__(self, node_id: str, idx: int, cfg: Any) -> None:
        super().__init__(node_id, "load_balancer", idx)
        self.passes_through = False         # picks as the request sets off: while `pool` has one
        self.call_lat = 0.0                 # what Journey.answer reads of a caller it has no link to
        self.algorithm: str = cfg.algorithm
        self.hc_s: float = cfg.health_check_ms / 1000.0
        self.unhealthy_after: int = cfg.unhealthy_after
        self.healthy_after: int = cfg.healthy_after
        self.retries: int = cfg.retries
        self.backends: list[Backend] = []
        self.template: Node | None = None   # what add_server copies
        self.pool: list[Backend] = []       # backends in rotation (detected up)
        self.rr = 0
        self.probes = 0                     # health checks run, and how many found a backend up
        self.probes_any_up = 0

    # ---- wiring ----------------------------------------------------------------------------------

    def wire(self) -> None:
        for node in self.successors():
            if not registry.has_role(node.kind, registry.USERS) and \
                    not registry.has_role(node.kind, registry.NAMESERVER):
                self.backends.append(Backend(node, self, True))
        servers = [b.node for b in self.backends if registry.has_role(b.node.kind, registry.SERVER)
                   and not registry.has_role(b.node.kind, registry.DATABASE)]
        self.template = servers[0] if servers else (self.backends[0].node if self.backends else None)
        self.rebuild_pool()

    def start(self) -> None:
        self.model.push(self.model.time + self.hc_s, self.health_tick, None)

    def add_backend(self, node: Node) -> None:
        """A new server behind this balancer: probed before it gets traffic."""
        self.backends.append(Backend(node, self, False))
        self.rebuild_pool()

    def remove_backend(self, node: Node) -> None:
        self.backends = [b for b in self.backends if b.node is not node]
        self.rebuild_pool()

    def backend(self, node: Node) -> Backend | None:
        """This balancer's record of `node`, or None if it is not one of its backends."""
        for b in self.backends:
            if b.node is node:
                return b
        return None

    def up_share(self) -> float | None:
        """Share of its health checks (since the start) that found some backend up: the measured
        counterpart of 1 - (1 - a)^n."""
        return self.probes_any_up / self.probes if self.probes else None

    def set_algorithm(self, algorithm: str) -> None:
        self.algorithm = algorithm

    def closed(self, b: Backend) -> None:
        """A request counted open on backend `b` has ended (answered, failed or retried)."""
        b.active -= 1

    def rebuild_pool(self) -> None:
        """Recompute the rotation after a detection, an add or a remove."""
        self.pool = [b for b in self.backends if b.detected_up]
        self.passes_through = bool(self.pool)

    # ---- forwarding ------------------------------------------------------------------------------

    def pass_through(self, req: "Request", frm: Node, t_from: float, t_lb: float) -> None:
        """Forward without an event of its own: the backend is picked as the request sets off
        towards the balancer (a request whose balancer fails before it gets there fails then)."""
        b = self.choose(req.user, None, self.model.draws)
        self.arrivals += 1
        self.completed += 1
        b.active += 1
        req.backend = b
        req.route.append(self)
        req.via = self
        req.t_via = t_lb
        node = b.node
        t = t_lb + self.lat[node.id]
        plan = req.plan
        if plan is not None:
            plan.append((t_from, t_lb, frm.idx, self.idx, ON_LINK, True))
            plan.append((t_lb, t, self.idx, node.idx, ON_LINK, True))
        req.dest = node
        self.model.push(t, node.receive, req)

    def receive(self, req: "Request") -> None:
        if req.done:
            return
        model = self.model
        if self.status != UP:
            model.fail(req, "node_down", self)
            return
        self.arrivals += 1
        b = self.choose(req.user, req.tried, model.draws)
        if b is None:
            self.dropped += 1
            model.fail(req, "no_backend", self)
            return
        self.completed += 1
        b.active += 1
        req.backend = b
        calls = req.calls
        if calls:                       # a server waits on it (a CDN edge's fetch): a call
            if calls[-1] is not self:
                calls.append(self)
        elif req.route[-1] is not self:
            req.route.append(self)
        model.travel(req, self, b.node, self.lat[b.node.id])

    # ---- forwarding a call: the answer passes back through, up the call stack ---------------------


    def on_answer(self, req: "Request", t: float) -> bool:
        """The backend answered a call this balancer forwarded: pass the answer on up (True)."""
        return True

    release = on_answer                 # a call that failed: nothing of its own to free

    def answer_early(self, req: "Request", t_back: float, now: float) -> None:
        """The backend died under a forwarded call: the caller above keeps its worker until the
        answer was due (at most a service time and two hops late; it does not know of the crash)."""

    def retry(self, req: "Request", node: Node) -> bool:
        """`node` refused `req`: send it back here to try another backend, if retries allow."""
        b = req.backend
        if self.retries <= 0 or self.status != UP or req.done or b is None or b.node is not node:
            return False
        tried = req.tried or []
        if len(tried) >= self.retries:
            return False
        tried.append(node)
        req.tried = tried
        self.closed(b)
        req.backend = None
        self.model.travel(req, node, self, self.lat.get(node.id, 0.0), forward=False)
        return True

    def choose(self, user: int, tried: list[Node] | None, draws: Draws) -> Backend | None:
        """The backend for one request, or None when no healthy backend is left to try."""
        pool = self.pool if not tried else [b for b in self.pool if b.node not in tried]
        n = len(pool)
        if n == 0:
            return None
        alg = self.algorithm
        if alg == "round_robin":
            self.rr += 1
            return pool[(self.rr - 1) % n]
        if alg == "weighted_round_robin":
            return _smooth_weighted(pool)
        if alg == "sticky":
            b = self._holding(user, pool)
            if b is not None:
                return b
            alg = "least_connections"       # a user with no live session on a backend here
        if alg == "least_connections":     # the fewest open; ties go to the next in rotation
            start = self.rr % n
            self.rr += 1
            best = pool[start]
            fewest = best.active
            for b in pool[start + 1:] + pool[:start]:
                if b.active < fewest:
                    best, fewest = b, b.active
            return best
        if alg == "random":
            return pool[draws.index(n)]
        if alg == "power_of_two":
            if n == 1:
                return pool[0]
            i = draws.index(n)
            j = draws.index(n - 1)
            j += j >= i
            a, b = pool[i], pool[j]
            return b if b.active < a.active else a
        return pool[ip_hash(user) % n]  # ip_hash

    def _holding(self, user: int, pool: list[Backend]) -> Backend | None:
        """The backend in `pool` holding the user's live session, if any (sticky)."""
        sessions = self.model.sessions
        holder = sessions.holder_of(user, self.model.time) if sessions is not None else None
        if holder is not None:
            for b in pool:
                if b.node is holder:
                    return b
        return None

    def sticky_users(self) -> int:
        """Users whose live session is on one of its backends (whom `sticky` sends back there)."""
        return sum(self.sticky_map().values())

    def sticky_map(self) -> dict[str, int]:
        """Per backend, the users `sticky` sends back to it (their live sessions there)."""
        now = self.model.time
        return {b.node.id: b.node.sessions_held(now) for b in self.backends if hasattr(b.node, "sessions_held")}

    # ---- health checks ---------------------------------------------------------------------------

    def health_tick(self, _: Any) -> None:
        """Every health_check_ms: probe the backends (while this balancer is up)."""
        model = self.model
        if self.status == UP:
            for event, node in self.health_check():
                model.log(event, node.id)
            self.probes += 1
            self.probes_any_up += any(b.node.status == UP for b in self.backends)
        model.push(model.time + self.hc_s, self.health_tick, None)

    def health_check(self) -> list[tuple[str, Node]]:
        """Probe every backend once; returns the (detected_down | detected_up, node) transitions."""
        changes: list[tuple[str, Node]] = []
        for b in self.backends:
            if b.node.status == UP:
                b.hc_ok += 1
                b.hc_fail = 0
                if not b.detected_up and b.hc_ok >= self.healthy_after:
                    b.detected_up = True
                    changes.append(("detected_up", b.node))
            else:
                b.hc_fail += 1
                b.hc_ok = 0
                if b.detected_up and b.hc_fail >= self.unhealthy_after:
                    b.detected_up = False
                    changes.append(("detected_down", b.node))
        if changes:
            self.rebuild_pool()
        return changes

    def crash(self, now: float) -> list["Request"]:
        """Requests on their way to this balancer (picked at departure) fail with it."""
        return [r for r in self.model.live.values() if r.via is self and r.t_via > now]


def _smooth_weighted(pool: list[Backend]) -> Backend:
    """nginx's smooth weighted round robin: weights 5,1,1 give a a b a c a a, not a a a a a b c."""
    total = 0
    best = pool[0]
    for b in pool:
        b.wrr_current += b.weight
        total += b.weight
        if b.wrr_current > best.wrr_current:
            best = b
    best.wrr_current -= total
    return best
