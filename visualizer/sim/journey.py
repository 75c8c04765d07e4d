"""A request's whole journey in one place: born at the users, sent, answered or failed, retired.

A mixin of Simulation. Components decide what happens *at* a node (Node.receive): answer, forward
(a balancer), call downstream and wait (a web server calling its database), or fail. This module
is what every kind shares: setting off over a link, passing a balancer without an event, answering
back up the call stack and then along the route to the client, and the end of a request.

Events happen only where a decision needs the state of that moment: a request reaching a node it
cannot pass straight through, a queued request getting a worker, and the answer reaching the
client. Everything between is computed and written into the request's plan. What that costs in
faithfulness, deliberately (each shift is at most one hop's latency or one service time):
- a load balancer picks the backend when the request sets off towards it, not on arrival; a DNS
  answers a lookup when the user sets off too, and the user holds the answer from then;
- a server picks whom it calls (and finds the primary down) when it starts the request; a web
  server finds or makes the user's session then too, and one with shared sessions picks its
  database as soon as the session store's answer is planned (as the store starts serving);
- a database read sees the data as of the start of its service; a write commits then too;
- a client that times out stops waiting, but servers finish the work they started or queued;
- a server's completed count and sojourn time count a request once its departure time is known;
- a balancer counts a connection as open until the answer reaches the client.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from visualizer.sim.requests import READ, STATIC, WRITE, Request
from visualizer.sim.snapshot import ON_LINK

if TYPE_CHECKING:
    from visualizer.sim.nodes import Node

KEEP_FINISHED = 3_000    # finished requests kept for request_info (clicks on recent dots);
                         # small, because checkpoints of the time-travel store copy them


class Journey:
    """The request-flow half of Simulation (see model.py for the state it works on)."""

    # ---- birth ---------------------------------------------------------------------------------

    def schedule_arrival(self) -> None:
        """(Re)start the Poisson arrival process from now at the current rate."""
        self.gen_token += 1
        if self.rate > 0:
            self.push(self.time + self.traffic.exponential() / self.rate, self._generate, self.gen_token)

    def _generate(self, token: int) -> None:
        if token != self.gen_token:
            return
        now = self.time
        d = self.traffic                    # the arrivals' own stream: the same whatever the design
        u1, u2, u3 = d.triple()
        user = int(u1 * self.n_users)
        hot = self.hot_share and d.uniform() < self.hot_share     # the celebrity (drawn only then)
        if hot:
            user = self.hot_user
        clients = self.clients
        client = clients[user % len(clients)] if len(clients) > 1 else clients[0]
        self.next_id = rid = self.next_id + 1
        if self.static_ratio and d.uniform() < self.static_ratio:
            kind, key = STATIC, self.files.item(u3)
        else:
            kind = READ if u2 < self.read_ratio else WRITE
            key = int(u3 * self.n_keys) if not self.keys.cdf else self.keys.item(u3)
            if hot:
                key = self.hot_key
        req = Request(rid, kind, user, key, now, now + self.timeout_s, client, self.plans)
        self.live[rid] = req
        self.stats.generated_one(now)
        if self.on_arrival is not None:
            self.on_arrival(req)
        push = self.push
        if not self.deadline_pending:
            self.deadline_pending = True
            push(req.deadline, self._deadline, None)
        client.arrivals += 1
        dns = client.dns
        if kind == STATIC and client.edge is not None:
            to = client.edge                # static files come from the CDN's edge
        elif dns is not None and client.dns_cache.get(user, -1.0) <= now:
            to = dns                        # no answer held, or it expired: ask again
        else:
            told = client.told              # None unless a geo DNS answers each user apart
            to = client.entry if told is None else told.get(user, client.entry)
        t = now + client.lat[to.id]
        if to.passes_through and to.status == "up":
            to.pass_through(req, client, now, t)
        else:
            if req.plan is not None:
                req.plan.append((now, t, client.idx, to.idx, ON_LINK, True))
            req.dest = to
            push(t, to.receive, req)
        push(now + d.exponential() / self.rate, self._generate, token)

    def _deadline(self, _: Any) -> None:
        """Clients give up on requests older than timeout_ms: one timer, set for the oldest request
        in flight (`live` holds them in the order they were born, so in deadline order)."""
        self.deadline_pending = False
        now = self.time
        late = []
        for r in self.live.values():
            if r.deadline > now:
                self.deadline_pending = True
                self.push(r.deadline, self._deadline, None)
                break
            late.append(r)
        for r in late:
            self.fail(r, "timeout", r.route[0], release_caller=False)   # servers keep working

    # ---- on the way ----------------------------------------------------------------------------

    def send(self, req: Request, frm: "Node", t_from: float, to: "Node", t_to: float) -> None:
        """Set off from `frm` at `t_from` towards `to`, there at `t_to`; a balancer that can pick
        a backend now is passed straight through."""
        if to.passes_through and to.status == "up":
            to.pass_through(req, frm, t_from, t_to)
            return
        if req.plan is not None:
            req.plan.append((t_from, t_to, frm.idx, to.idx, ON_LINK, True))
        req.dest = to
        self.push(t_to, to.receive, req)

    def travel(self, req: Request, a: "Node", b: "Node", lat: float, forward: bool = True) -> None:
        """Over the link a -> b now; b.receive(req) when it gets there."""
        now = self.time
        if req.plan is not None:
            req.plan.append((now, now + lat, a.idx, b.idx, ON_LINK, forward))
        req.dest = b
        self.push(now + lat, b.receive, req)

    def refuse(self, req: Request, node: "Node", reason: str) -> None:
        """`node` turned the request away: its balancer retries elsewhere if allowed, else it fails."""
        b = req.backend
        if b is not None and b.lb.retry(req, node):
            return
        self.fail(req, reason, node)

    # ---- the way back ----------------------------------------------------------------------------

    def answer(self, req: Request, node: "Node", t: float) -> None:
        """`node` has finished with `req` at `t`: up the call stack (each caller, reached over its
        link, takes the answer and, unless it has more to do, answers in turn), then back along
        the route to the client."""
        calls = req.calls
        while calls:
            caller = calls.pop()
            t2 = t + caller.lat.get(node.id, caller.call_lat)
            if req.plan is not None:
                req.plan.append((t, t2, node.idx, caller.idx, ON_LINK, False))
            if not caller.on_answer(req, t2):
                return              # the caller goes on with the request itself
            node, t = caller, t2
        route = req.route
        plan = req.plan
        if len(route) == 2:
            lb, client = route[1], route[0]
            t1 = t + lb.lat[node.id]
            t2 = t1 + client.lat[lb.id]
            if plan is not None:
                plan.append((t, t1, node.idx, lb.idx, ON_LINK, False))
                plan.append((t1, t2, lb.idx, client.idx, ON_LINK, False))
            t = t2
        else:
            prev = node
            for k in range(len(route) - 1, -1, -1):
                hop = route[k]
                t1 = t + hop.lat.get(prev.id, 0.0)
                if plan is not None:
                    plan.append((t, t1, prev.idx, hop.idx, ON_LINK, False))
                t = t1
                prev = hop
        self.push(t, self._complete, req)

    def _complete(self, req: Request) -> None:
        if req.done or req.dead:
            return
        now = self.time
        client = req.route[0]
        req.done = req.ok = True
        req.t_end = now
        req.end_node = client.id
        client.completed += 1
        self._retire(req)
        kind = req.kind
        lat_ms = (now - req.t0) * 1000.0
        self.stats.finish(now, req.id, client.id, True, "", kind, lat_ms)
        if self.site_stats is not None:
            self.site_stats.done(client.site, now, lat_ms)
        if kind == STATIC:
            self.stats.static_done(now, lat_ms, getattr(req, "edge_hit", False))

    # ---- failure ---------------------------------------------------------------------------------

    def fail_event(self, arg: tuple[Request, str, "Node"]) -> None:
        """A failure found out later (a server learns its call has no target when it gets there)."""
        req, reason, node = arg
        if not req.dead:
            self.fail(req, reason, node)

    def fail(self, req: Request, reason: str, node: "Node", release_caller: bool = True) -> None:
        """End a request in failure (once), freeing the workers that wait on it up the call stack."""
        if release_caller:
            calls = req.calls
            while calls:
                calls.pop().release(req, self.time)
        if req.done:
            return
        now = self.time
        req.done = True
        req.reason = reason
        req.t_end = now
        req.end_node = node.id
        self._retire(req)
        self.stats.finish(now, req.id, node.id, False, reason, req.kind, 0.0)
        if self.site_stats is not None:
            self.site_stats.failed_one(req.route[0].site, now)

    def _retire(self, req: Request) -> None:
        """Out of flight: close its balancer connection, keep it a while for request_info."""
        b = req.backend
        if b is not None:
            b.lb.closed(b)
            req.backend = None
        del self.live[req.id]
        if self.plans:                  # kept for clicks on the dots of recent requests
            self.finished[req.id] = req
            order = self.finished_order
            order.append(req.id)
            if len(order) > KEEP_FINISHED:
                del self.finished[order.popleft()]
