"""A server: workers, a bounded FIFO queue, service times, and calls downstream while holding a worker.

Workers are bookkept by *when they become free* (a heap of times), not by events: a request that
finds a worker free learns at once when its service ends, so a server visit costs one event (the
arrival). A worker waiting on a call downstream is `held` until the answer's arrival time is known.
Events are needed only when requests queue (`_release`). Every change to this state is made by
the server itself: _begin (start or hold a worker), release, answer_early, crash.
"""

from __future__ import annotations

import math
import types
from collections import deque
from heapq import heapify, heappop, heappush, heapreplace
from typing import TYPE_CHECKING, Any

from visualizer.sim.draws import Draws
from visualizer.sim.nodes import BOOTING, DOWN, REMOVED, Node
from visualizer.sim.requests import Visit
from visualizer.sim.snapshot import IN_SERVICE, ON_LINK, QUEUED
from visualizer.sim.tiers import BY_NAME, workers_at

if TYPE_CHECKING:
    from visualizer.sim.requests import Request
    from visualizer.sim.sessions import Sessions

LOGNORMAL_SIGMA = 0.5
INF = math.inf


class Server(Node):
    """A node that does work and can be overloaded; subclasses decide whom it calls (`callee`)."""

    __slots__ = ("cfg", "base_workers", "base_tier", "tier", "workers", "speed", "service_s",
                 "dist", "queue_limit", "boot_s", "queue", "free", "held", "visits", "release_at",
                 "release_token", "calls_out", "sessions", "call_lat", "serves_data", "busy_area",
                 "cap_area", "t_last")

    def __init_subclass__(cls, **kwargs: Any) -> None:
        """Each kind of server runs its own copy of the hot methods it inherits (HOT_METHODS).

        CPython (3.11 and later) caches each attribute lookup at its place in the bytecode, for
        one class: a method shared by web servers and databases sees two classes at every
        `self.` and keeps falling back to the slow lookup. A copy per kind keeps each place to
        one class (a twentieth of the window's model at 1,000 req/s, benchmarks/sim_speed.py).
        """
        super().__init_subclass__(**kwargs)
        for name in HOT_METHODS:
            if name not in cls.__dict__:
                setattr(cls, name, _copy_of(getattr(cls, name), cls))
        if "on_answer" not in cls.__dict__ and cls.on_answer is getattr(cls.__mro__[1], "release", None):
            cls.on_answer = cls.release             # the alias follows the kind's own copy

    def __init__(self, node_id: str, kind: str, idx: int, cfg: Any) -> None:
        super().__init__(node_id, kind, idx)
        self.cfg = cfg                    # the scenario node it was built from (read only)
        self.base_workers: int | None = cfg.workers
        self.base_tier: str = cfg.tier
        self.tier: str = cfg.tier
        self.workers = workers_at(self.base_workers, self.base_tier, self.tier)
        self.speed = BY_NAME[self.tier].speed
        self.service_s = cfg.service_ms / 1000.0
        self.dist: str = cfg.service_dist
        self.queue_limit: int = cfg.queue_limit
        self.boot_s: float = cfg.boot_s
        self.weight = getattr(cfg, "weight", 1)
        self.queue: deque[Request] = deque()  # requests waiting for a worker, in arrival order
        self.free: list[float] = [0.0] * self.workers   # heap: when each unheld worker is free
        self.held = 0                     # workers waiting on a call downstream (free time unknown)
        self.visits: dict[Request, Visit] = {}
        self.release_at = INF             # time of the pending queue-release event
        self.release_token = 0
        self.calls_out = False            # calls a node downstream before answering (see callee)
        self.sessions: Sessions | None = None   # a web server's, when users log in (sessions.py)
        self.call_lat = 0.0               # latency to a callee it has no direct link to
        self.serves_data = False          # True: `serve` is called as each service begins
        self.busy_area = 0.0              # worker-seconds of service whose end is known
        self.cap_area = 0.0               # integral of workers over time while running
        self.t_last = 0.0

    # ---- what subclasses decide ------------------------------------------------------------------

    def callee(self, req: "Request") -> tuple["Node | None", str]:
        """Whom to call for `req` while holding a worker: (node, '') or (None, why it cannot)."""
        return None, ""


    def serve(self, req: "Request", now: float) -> None:
        """Service of `req` begins (a database commits a write or reads its copy here)."""

    # ---- the request's visit -------------------------------------------------------------------

    def receive(self, req: "Request") -> None:
        """A request (or a call) reaches the server: a free worker takes it, or it queues."""
        if req.dead:
            return
        model, now = self.model, self.model.time
        if not self.accepting:
            model.refuse(req, self, "node_down")
            return
        self.arrivals += 1
        free = self.free
        if self.queue or not free or free[0] > now:
            if len(self.queue) < self.queue_limit:
                self.queue.append(req)
                req.t_arr = now
                if req.plan is not None:
                    req.plan.append((now, INF, self.idx, self.idx, QUEUED, True))
                if free and free[0] < self.release_at:
                    self._ensure_release()
            else:
                self.dropped += 1
                model.refuse(req, self, "queue_full")
            return
        self._begin(req, now, now)

    def _begin(self, req: "Request", arrived: float, now: float) -> None:
        """A free worker (free[0] <= now) takes the request; plan its service and what follows:
        a call downstream (the worker is held until the answer is back), a failure found when its
        code gets to a call it cannot make, or its own answer (a database, a cache hit)."""
        model = self.model
        if self.dist == "exp":
            e = now + model.draws.exponential() * self.service_s / self.speed
        else:
            e = now + self.service_time(model.draws)
        if self.sessions is not None:   # the one check sessions cost when off ([traffic] session_s = 0)
            e += self.sessions.begin(self, req, now)
        if req.plan is not None:
            req.plan.append((now, e, self.idx, self.idx, IN_SERVICE, True))
        if len(self.visits) > 4 * self.workers + 64:
            self.purge(now)
        if self.calls_out:
            callee, reason = self.callee(req)
            if callee is not None:
                heappop(self.free)      # the worker waits for the answer
                self.held += 1
                self.visits[req] = Visit(arrived, now, None)
                self.call(req, callee, e)
                return
            if reason:
                heapreplace(self.free, e)
                self.busy_area += e - now
                self.visits[req] = Visit(arrived, now, e, None, 0.0, False)
                model.push(e, model.fail_event, (req, reason, self))
                return
        heapreplace(self.free, e)
        self.busy_area += e - now
        self.completed += 1
        self.sojourn += e - arrived
        calls = req.calls
        if calls:
            caller = calls[-1]
            self.visits[req] = Visit(arrived, now, e, caller, e + caller.lat.get(self.id, caller.call_lat), True)
        else:
            self.visits[req] = Visit(arrived, now, e, None, 0.0, True)
        if self.serves_data:
            self.serve(req, now)
        model.answer(req, self, e)

    def call(self, req: "Request", callee: "Node", t: float) -> None:
        """At `t`, send `req` on to `callee` over the link; the answer comes back here (its worker
        stays held meanwhile)."""
        req.calls.append(self)
        arrive = t + self.lat.get(callee.id, self.call_lat)
        if req.plan is not None:
            req.plan.append((t, arrive, self.idx, callee.idx, ON_LINK, True))
        req.dest = callee
        self.model.push(arrive, callee.receive, req)

    # ---- owner methods: every change to workers, queue and visits --------------------------------

    def release(self, req: "Request", t: float) -> bool:
        """The worker held for `req` is free at `t` (its call was answered or abandoned). True,
        so it can serve as on_answer too."""
        v = self.visits.get(req)
        if v is None or v.leaves is not None:
            return True             # gone with a crash, or already released
        v.leaves = t
        v.counted = True
        self.held -= 1
        heappush(self.free, t)
        self.busy_area += t - v.started
        self.completed += 1
        self.sojourn += t - v.arrived
        if self.queue and self.free[0] < self.release_at:
            self._ensure_release()
        return True

    # The node this server called answers `req`, reaching it at `t`: the held worker is free then.
    # True: answer upward at `t` (a kind with more to do overrides it, returns False, goes on).
    on_answer = release

    def answer_early(self, req: "Request", t_back: float, now: float) -> None:
        """The node this server called died under the call: the worker is free now, not at t_back."""
        v = self.visits.get(req)
        if v is None or v.leaves != t_back or t_back not in self.free:
            return
        self.free.remove(t_back)
        heapify(self.free)
        heappush(self.free, now)
        self.busy_area -= t_back - now
        self.sojourn -= t_back - now
        v.leaves = now
        if self.queue:
            self.fill()

    def crash(self, now: float) -> list["Request"]:
        """Down now: forget every worker and queue; returns the requests inside, to be failed."""
        inside = [(r, v) for r, v in self.visits.items() if v.leaves is None or v.leaves > now]
        queued = list(self.queue)
        self.visits.clear()
        self.queue.clear()
        self.free = []
        self.held = 0
        self.release_token += 1
        self.release_at = INF
        for r, v in inside:
            if v.leaves is None:
                self.busy_area += now - v.started
            else:
                self.busy_area -= v.leaves - now
            if v.counted:
                self.completed -= 1
                self.sojourn -= v.leaves - v.arrived
            if v.caller is not None:
                v.caller.answer_early(r, v.t_back, now)
        return [r for r, _ in inside] + queued

    def reset_workers(self, now: float) -> None:
        """Every worker idle from `now` (the node came back up)."""
        self.free = [now] * self.workers
        self.held = 0

    def purge(self, now: float) -> None:
        """Forget visits that have ended (kept only to find who is inside when the node fails)."""
        self.visits = {r: v for r, v in self.visits.items() if v.leaves is None or v.leaves > now}

    def __getstate__(self) -> tuple[dict[str, Any] | None, dict[str, Any]]:
        """Pickled without visits that have ended (kept only to find who is inside at a crash)."""
        now = self.model.time if self.model is not None else 0.0
        extra, slots = object.__getstate__(self)  # type: ignore[misc]   # (dict, slot values)
        slots["visits"] = {r: v for r, v in self.visits.items() if v.leaves is None or v.leaves > now}
        return extra, slots

    # ---- the queue -------------------------------------------------------------------------------

    def fill(self) -> None:
        """Hand newly free workers (after an upgrade, say) to queued requests."""
        if self.queue:
            self._ensure_release()

    def _ensure_release(self) -> None:
        """Make sure an event hands the next free worker to the head of the queue."""
        if not self.free:
            return
        f = max(self.free[0], self.model.time)
        if f < self.release_at:
            self.release_at = f
            self.release_token += 1
            self.model.push(f, self._release, self.release_token)

    def _release(self, token: int) -> None:
        if token != self.release_token:
            return
        self.release_at = INF
        now = self.model.time
        q, free = self.queue, self.free
        while q and free and free[0] <= now:
            req = q.popleft()
            if req.dead:            # its caller died while it waited here: nobody wants the answer
                continue
            self._begin(req, req.t_arr, now)
        if q:
            self._ensure_release()

    # ---- size and accounting ---------------------------------------------------------------------

    @property
    def running(self) -> bool:
        return self.status != DOWN and self.status != BOOTING and self.status != REMOVED

    def touch(self, now: float) -> None:
        """Accumulate capacity time up to `now` (call before status or workers change)."""
        dt = now - self.t_last
        if dt > 0.0:
            if self.running:
                self.cap_area += self.workers * dt
            self.t_last = now

    def set_status(self, status: str, now: float) -> None:
        self.touch(now)
        super().set_status(status, now)

    def busy_at(self, now: float) -> int:
        """Workers busy at `now` (in service, or waiting on a call)."""
        return self.held + sum(1 for f in self.free if f > now)

    def service_time(self, draws: Draws) -> float:
        """One service time in seconds: mean service_ms / tier speed, shaped by service_dist."""
        mean = self.service_s / self.speed
        if self.dist == "exp":
            return draws.exponential() * mean
        if self.dist == "const":
            return mean
        mu = math.log(mean) - LOGNORMAL_SIGMA * LOGNORMAL_SIGMA / 2.0
        return math.exp(mu + LOGNORMAL_SIGMA * draws.normal())

    def set_tier(self, tier: str, now: float = 0.0) -> None:
        """Move to another tier: more workers (idle from `now`), faster service."""
        self.touch(now)
        before = self.workers
        self.tier = tier
        self.workers = workers_at(self.base_workers, self.base_tier, tier)
        self.speed = BY_NAME[tier].speed
        if self.status != DOWN and self.status != BOOTING:
            for _ in range(self.workers - before):
                heappush(self.free, now)
        self.fill()

    def utilization(self, now: float) -> float:
        """Busy worker-time over available worker-time up to `now`, 0..1 (changes nothing)."""
        dt = max(0.0, now - self.t_last)
        busy = self.busy_area - sum(f - now for f in self.free if f > now)
        busy += sum(now - v.started for v in self.visits.values() if v.leaves is None)
        cap = self.cap_area
        if self.running:
            cap += self.workers * dt
        return min(1.0, busy / cap) if cap > 0 else 0.0

    def copy_size_from(self, tpl: "Server", now: float) -> None:
        """Configure like `tpl` (a clone made by add_server or a replacement replica)."""
        self.base_workers, self.base_tier = tpl.base_workers, tpl.base_tier
        self.set_tier(tpl.tier, now)
        self.weight = tpl.weight
        self.mtbf_s, self.mttr_s = tpl.mtbf_s, tpl.mttr_s
        self.t_last = now



HOT_METHODS = ("receive", "_begin", "call", "release", "purge", "_release", "_ensure_release")


def _copy_of(fn: Any, owner: type) -> Any:
    """A function like `fn`, as a method of `owner`, with its own code object (and so its own
    lookup caches)."""
    new = types.FunctionType(fn.__code__.replace(), fn.__globals__, fn.__name__, fn.__defaults__,
                             fn.__closure__)
    new.__kwdefaults__, new.__doc__, new.__module__ = fn.__kwdefaults__, fn.__doc__, fn.__module__
    new.__annotations__ = dict(fn.__annotations__)
    new.__qualname__ = f"{owner.__qualname__}.{fn.__name__}"
    return new
