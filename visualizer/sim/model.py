"""The Simulation: a deterministic discrete-event model of the seed's web service, driven by step(dt)."""

from __future__ import annotations

import copy
from collections import deque
from heapq import heappop, heappush
from typing import Any

import networkx as nx

from visualizer.sim import control, failures, topology, view
from visualizer.sim.commands import Command
from visualizer.sim.draws import Draws
from visualizer.sim.events import EventQueue
from visualizer.sim.nodes import UP, Node
from visualizer.sim.replication import Replication
from visualizer.sim.report import Stats, build_report
from visualizer.sim.requests import READ, WRITE, Request
from visualizer.sim.servers import Server
from visualizer.sim.snapshot import IN_SERVICE, ON_LINK, QUEUED, Event, Snapshot
from visualizer.sim.tiers import BY_NAME

KEEP_FINISHED = 20_000   # finished requests kept for request_info (clicks on recent dots)


class Simulation:
    """One run of one scenario. Reads the scenario's attributes only; owns one seeded RNG."""

    def __init__(self, scenario: Any, seed: int | None = None, rate: float | None = None) -> None:
        self.scenario = scenario
        self.name: str = scenario.meta.name
        self.seed = int(scenario.meta.seed if seed is None else seed)
        self.duration = float(scenario.meta.duration)
        tr = scenario.traffic
        self.rate = float(tr.rate if rate is None else rate)
        self.read_ratio = float(tr.read_ratio)
        self.timeout_s = tr.timeout_ms / 1000.0
        self.n_users = int(tr.clients)
        self.n_keys = int(tr.keys)
        self.draws = Draws(self.seed)
        self.q = EventQueue()
        self.time = 0.0
        self.events: list[Event] = []
        self.stats = Stats()
        self.repl = Replication()
        self.live: dict[int, Request] = {}
        self.finished: dict[int, Request] = {}
        self.deadlines: deque[Request] = deque()
        self.deadline_pending = False
        self.dns_expiry: dict[int, float] = {}
        self.next_id = 0
        self.gen_token = 0
        self.graph = nx.DiGraph()
        self.graph_version = 0
        self.nodes: list[Node] = []
        self.by_id: dict[str, Node] = {}
        self.clients: list[Any] = []
        self.balancers: list[Any] = []
        self.n_private = 0
        self.view_cache: dict[str, Any] = {}
        topology.build(self, scenario)
        self.schedule_arrival()
        for lb in self.balancers:
            self.q.push(lb.hc_s, self._health, lb)
        for node in self.nodes:
            failures.schedule_random_failure(self, node)
        for beat in scenario.timeline:
            cmd = control.beat_command(self, beat)
            if cmd is not None:
                self.q.push(float(beat.at), self._timed_command, cmd)

    # ---- public API ---------------------------------------------------------------------------

    def step(self, dt: float) -> None:
        """Advance `dt` simulated seconds, processing every event up to the new time."""
        if not dt >= 0:
            raise ValueError(f"step needs dt >= 0, got {dt}")
        self.run_until(self.time + dt)

    def run_until(self, t: float) -> None:
        """Advance to absolute time `t` (events at exactly `t` included); time becomes `t`."""
        t = float(t)
        if not t >= self.time:
            raise ValueError(f"cannot run back in time from {self.time} to {t}")
        heap = self.q.heap
        while heap and heap[0][0] <= t:
            et, _, fn, arg = heappop(heap)
            self.time = et
            fn(arg)
        self.time = t

    def apply(self, cmd: Command) -> None:
        """Apply one command now; CommandError (one line) if it makes no sense."""
        control.apply(self, cmd)

    def snapshot(self) -> Snapshot:
        """A read-only picture of now for the renderer."""
        return view.snapshot(self)

    def request_info(self, req_id: int) -> dict[str, Any] | None:
        """Everything about one request in flight or recently finished, or None."""
        return view.request_info(self, req_id)

    def report(self) -> dict[str, Any]:
        """The JSON report of the run so far."""
        return build_report(self)

    def node_ids(self) -> list[str]:
        return [n.id for n in self.nodes]

    def actions_for(self, node_id: str) -> list[Command]:
        """The commands that fit this node now (for a right-click menu)."""
        return control.actions_for(self, node_id)

    def check_conservation(self) -> None:
        """AssertionError unless generated == completed + failed + in flight."""
        st = self.stats
        failed = sum(st.failed.values())
        assert st.generated == st.completed + failed + len(self.live), (
            f"t={self.time}: generated {st.generated} != completed {st.completed} + failed "
            f"{failed} + in flight {len(self.live)}")

    def cost_per_hour(self) -> float:
        return sum(BY_NAME[n.tier].cost_per_hour for n in self.nodes
                   if isinstance(n, Server) and n.status != "removed")

    def __deepcopy__(self, memo: dict[int, Any]) -> "Simulation":
        memo[id(self.scenario)] = self.scenario   # immutable; shared by every copy
        new = self.__class__.__new__(self.__class__)
        memo[id(self)] = new
        for k, v in self.__dict__.items():
            setattr(new, k, copy.deepcopy(v, memo))
        return new

    # ---- graph bookkeeping (used by topology and control) -------------------------------------

    def add_node(self, node: Node, assign_ip: bool = True) -> None:
        node.idx = len(self.nodes)
        self.nodes.append(node)
        self.by_id[node.id] = node
        self.graph.add_node(node.id, kind=node.kind)
        if assign_ip:
            node.ip = self.new_private_ip()
        self.graph_version += 1

    def add_link(self, a: Node, b: Node, latency_s: float) -> None:
        a.lat[b.id] = latency_s
        self.graph.add_edge(a.id, b.id, latency_s=latency_s)
        self.graph_version += 1

    def new_private_ip(self) -> str:
        self.n_private += 1
        return topology.private_ip(self.n_private - 1)

    def log(self, event: str, node: str) -> None:
        self.events.append(Event(self.time, event, node))

    def push(self, t: float, fn: Any, arg: Any) -> None:
        self.q.push(t, fn, arg)

    # ---- traffic ------------------------------------------------------------------------------

    def schedule_arrival(self) -> None:
        """(Re)start the Poisson arrival process from now at the current rate."""
        self.gen_token += 1
        if self.rate > 0:
            self.q.push(self.time + self.draws.exponential() / self.rate, self._generate,
                        self.gen_token)

    def _generate(self, token: int) -> None:
        if token != self.gen_token:
            return
        now = self.time
        d = self.draws
        u1, u2, u3 = d.triple()
        user = int(u1 * self.n_users)
        clients = self.clients
        client = clients[user % len(clients)] if len(clients) > 1 else clients[0]
        self.next_id = rid = self.next_id + 1
        req = Request(rid, READ if u2 < self.read_ratio else WRITE, user, int(u3 * self.n_keys),
                      now, now + self.timeout_s, client)
        self.live[rid] = req
        st = self.stats
        st.generated += 1
        k = int(now)
        (st.bins[k] if k < len(st.bins) else st.bin(now))[0] += 1
        self.deadlines.append(req)
        q = self.q
        heap = q.heap
        if not self.deadline_pending:
            self.deadline_pending = True
            q.seq += 1
            heappush(heap, (req.deadline, q.seq, self._deadline, None))
        client.arrivals += 1
        dns = client.dns
        if dns is not None and self.dns_expiry.get(user, -1.0) <= now:
            to = dns
            handler = self._at_dns
        else:
            to = client.entry
            handler = None
        t = now + client.lat[to.id]
        if handler is None and to.kind == "load_balancer" and to.status == UP and to.pool:
            self._through_lb(req, ((client.idx, now),), to, t)
        else:
            req.wp = ((client.idx, now), (to.idx, t))
            req.dest = to
            q.seq += 1
            heappush(heap, (t, q.seq, handler or client.entry_handler, req))
        q.seq += 1
        heappush(heap, (now + d.exponential() / self.rate, q.seq, self._generate, token))

    def _deadline(self, _: Any) -> None:
        """Clients give up on requests older than timeout_ms: one timer over a FIFO of deadlines."""
        self.deadline_pending = False
        dq = self.deadlines
        now = self.time
        while dq:
            r = dq[0]
            if r.done:
                dq.popleft()
            elif r.deadline <= now:
                dq.popleft()
                self.fail(r, "timeout", r.route[0])
            else:
                self.deadline_pending = True
                self.q.push(r.deadline, self._deadline, None)
                break

    # ---- request flow -------------------------------------------------------------------------

    def _travel(self, req: Request, a: Node, b: Node, lat: float, handler: Any) -> None:
        now = self.time
        req.phase = ON_LINK
        req.at = None
        req.wp = ((a.idx, now), (b.idx, now + lat))
        req.dest = b
        q = self.q
        q.seq += 1
        heappush(q.heap, (now + lat, q.seq, handler, req))

    def _at_dns(self, req: Request) -> None:
        if req.done:
            return
        dns, now = req.dest, self.time
        req.hops.append((dns.id, now))
        if dns.status != UP:
            self.fail(req, "dns", dns)
            return
        dns.arrivals += 1
        dns.completed += 1
        self.dns_expiry[req.user] = now + dns.ttl_s
        client = req.route[0]
        entry = client.entry
        t_back = now + client.lat[dns.id]
        t_entry = t_back + client.lat[entry.id]
        req.hops.append((client.id, t_back))
        if entry.kind == "load_balancer" and entry.status == UP and entry.pool:
            self._through_lb(req, ((dns.idx, now), (client.idx, t_back)), entry, t_entry)
            return
        req.wp = ((dns.idx, now), (client.idx, t_back), (entry.idx, t_entry))
        req.dest = entry
        self.q.push(t_entry, client.entry_handler, req)

    def _through_lb(self, req: Request, wp: tuple, lb: Any, t_lb: float) -> None:
        """Pass a load balancer without an event of its own: it picks the backend as the request
        sets off towards it (a request whose balancer fails before it gets there fails then)."""
        b = lb.choose(req.user, None, self.draws)
        lb.arrivals += 1
        lb.completed += 1
        b.lb_active += 1
        req.backend = b
        req.route.append(lb)
        req.hops.append((lb.id, t_lb))
        req.via = lb
        req.t_via = t_lb
        t = t_lb + lb.lat[b.id]
        req.wp = wp + ((lb.idx, t_lb), (b.idx, t))
        req.dest = b
        q = self.q
        q.seq += 1
        heappush(q.heap, (t, q.seq, self._at_lb if b.kind == "load_balancer" else self._at_server, req))

    def _at_lb(self, req: Request) -> None:
        if req.done:
            return
        lb, now = req.dest, self.time
        req.hops.append((lb.id, now))
        if lb.status != UP:
            self.fail(req, "node_down", lb)
            return
        lb.arrivals += 1
        b = lb.choose(req.user, req.tried, self.draws)
        if b is None:
            lb.dropped += 1
            self.fail(req, "no_backend", lb)
            return
        lb.completed += 1
        b.lb_active += 1
        req.backend = b
        if req.route[-1] is not lb:
            req.route.append(lb)
        t = now + lb.lat[b.id]
        req.wp = ((lb.idx, now), (b.idx, t))
        req.dest = b
        q = self.q
        q.seq += 1
        heappush(q.heap, (t, q.seq, self._at_lb if b.kind == "load_balancer" else self._at_server, req))

    def _at_server(self, req: Request) -> None:
        if req.done:
            return
        srv, now = req.dest, self.time
        req.hops.append((srv.id, now))
        if not srv.accepting:
            self._refuse(req, srv, "node_down")
            return
        srv.arrivals += 1
        if srv.kind == "web_server":
            req.t_web = now
        else:
            req.t_db = now
        if srv.busy < srv.workers:
            srv.busy += 1
            srv.active[req] = now
            req.phase = IN_SERVICE
            req.at = srv
            req.svc_epoch = srv.epoch
            if srv.dist == "exp":
                dt = self.draws.exponential() * srv.service_s / srv.speed
            else:
                dt = srv.service_time(self.draws)
            q = self.q
            q.seq += 1
            heappush(q.heap, (now + dt, q.seq, self._served, req))
        elif len(srv.queue) < srv.queue_limit:
            srv.queue.append(req)
            req.phase = QUEUED
            req.at = srv
        else:
            srv.dropped += 1
            self._refuse(req, srv, "queue_full")

    def _refuse(self, req: Request, srv: Node, reason: str) -> None:
        """A backend turned the request away: its load balancer retries elsewhere if allowed."""
        lb = srv.lb
        if lb is not None and req.backend is srv and lb.retries > 0 and lb.status == UP:
            tried = req.tried or []
            if len(tried) < lb.retries:
                tried.append(srv)
                req.tried = tried
                srv.lb_active -= 1
                req.backend = None
                self._travel(req, srv, lb, lb.lat.get(srv.id, 0.0), self._at_lb)
                return
        self.fail(req, reason, srv)

    def _start(self, srv: Server, req: Request) -> None:
        now = self.time
        srv.busy += 1
        srv.active[req] = now
        req.phase = IN_SERVICE
        req.at = srv
        req.svc_epoch = srv.epoch
        if srv.dist == "exp":
            dt = self.draws.exponential() * srv.service_s / srv.speed
        else:
            dt = srv.service_time(self.draws)
        q = self.q
        q.seq += 1
        heappush(q.heap, (now + dt, q.seq, self._served, req))

    def release(self, srv: Server, req: Request) -> None:
        """Free the worker `req` held and start the next live request in the queue."""
        ts = srv.active.pop(req, None)
        if ts is None:
            return
        srv.busy_area += self.time - ts
        srv.busy -= 1
        q = srv.queue
        while q and srv.busy < srv.workers:
            nxt = q.popleft()
            if not nxt.done:
                self._start(srv, nxt)

    def fill(self, srv: Server) -> None:
        """Start queued requests while workers are free (after an upgrade)."""
        q = srv.queue
        while q and srv.busy < srv.workers:
            nxt = q.popleft()
            if not nxt.done:
                self._start(srv, nxt)

    def _served(self, req: Request) -> None:
        srv = req.at
        if req.svc_epoch != srv.epoch:
            return                      # the node failed meanwhile; the request failed with it
        if req.done:
            self.release(srv, req)      # the client gave up; the work is wasted
            return
        now = self.time
        if srv.uses_db and not req.db_done:
            db, reason = self._pick_db(req)
            if db is None:
                self.release(srv, req)
                self.fail(req, reason, srv)
                return
            req.web = srv               # the worker stays busy until the answer comes back
            t = now + srv.lat.get(db.id, srv.db_lat)
            req.phase = ON_LINK
            req.at = None
            req.wp = ((srv.idx, now), (db.idx, t))
            req.dest = db
            q = self.q
            q.seq += 1
            heappush(q.heap, (t, q.seq, self._at_server, req))
            return
        self.release(srv, req)
        srv.completed += 1
        if srv.kind == "web_server":
            srv.sojourn += now - req.t_web
            self._respond(req, srv)
            return
        srv.sojourn += now - req.t_db
        req.db_done = True
        repl = self.repl
        if req.kind == WRITE:
            if srv is repl.primary:
                repl.commit(req.key, now)
        elif srv.mode and srv is not repl.primary and repl.is_stale(srv, req.key, now):
            req.stale = True
            self.stats.stale_reads += 1
            self.stats.bin(now)[3] += 1
        web = req.web
        if web is None:
            self._respond(req, srv)
            return
        t = now + web.lat.get(srv.id, web.db_lat)
        req.phase = ON_LINK
        req.at = None
        req.fwd = False
        req.wp = ((srv.idx, now), (web.idx, t))
        req.dest = web
        q = self.q
        q.seq += 1
        heappush(q.heap, (t, q.seq, self._back_at_web, req))

    def _pick_db(self, req: Request) -> tuple[Server | None, str]:
        """Writes to the primary; reads round-robin over serving replicas, else the primary."""
        repl = self.repl
        prim = repl.primary
        if req.kind == WRITE:
            return (prim, "") if prim is not None and prim.status == UP else (None, "no_primary")
        reps = repl.replicas
        n = len(reps)
        rr = repl.read_rr
        for i in range(n):
            r = reps[(rr + i) % n]
            if r.status == UP:
                repl.read_rr = (rr + i + 1) % n
                return r, ""
        if prim is not None and prim.status == UP:
            return prim, ""
        return None, "node_down"

    def _back_at_web(self, req: Request) -> None:
        if req.done:
            return
        web, now = req.web, self.time
        req.web = None
        req.hops.append((web.id, now))
        self.release(web, req)
        web.completed += 1
        web.sojourn += now - req.t_web
        self._respond(req, web)

    def _respond(self, req: Request, srv: Node) -> None:
        """Send the answer back along the request's route; one event when it reaches the client."""
        b = req.backend
        if b is not None:
            b.lb_active -= 1
            req.backend = None
        t = self.time
        route = req.route
        if len(route) == 2:
            lb, client = route[1], route[0]
            t1 = t + lb.lat[srv.id]
            t2 = t1 + client.lat[lb.id]
            req.hops.append((lb.id, t1))
            req.wp = ((srv.idx, t), (lb.idx, t1), (client.idx, t2))
            t = t2
        else:
            prev = srv
            wp = [(srv.idx, t)]
            for i in range(len(route) - 1, -1, -1):
                node = route[i]
                t += node.lat.get(prev.id, 0.0)
                wp.append((node.idx, t))
                if i:
                    req.hops.append((node.id, t))
                prev = node
            req.wp = tuple(wp)
        req.phase = ON_LINK
        req.fwd = False
        req.at = None
        q = self.q
        q.seq += 1
        heappush(q.heap, (t, q.seq, self._complete, req))

    def _complete(self, req: Request) -> None:
        if req.done:
            return
        now = self.time
        client = req.route[0]
        req.done = req.ok = True
        req.t_end = now
        req.end_node = client.id
        req.hops.append((client.id, now))
        client.completed += 1
        self._retire(req)
        self.stats.finish(now, req.id, client.id, True, "", req.kind, (now - req.t0) * 1000.0)

    def fail(self, req: Request, reason: str, node: Node) -> None:
        """End a request in failure, freeing any web worker and load-balancer slot it held."""
        now = self.time
        req.done = True
        req.reason = reason
        req.t_end = now
        req.end_node = node.id
        web = req.web
        if web is not None:
            req.web = None
            self.release(web, req)
        b = req.backend
        if b is not None:
            b.lb_active -= 1
            req.backend = None
        self._retire(req)
        self.stats.finish(now, req.id, node.id, False, reason, req.kind, 0.0)

    def _retire(self, req: Request) -> None:
        del self.live[req.id]
        fin = self.finished
        fin[req.id] = req
        if len(fin) > KEEP_FINISHED:
            del fin[next(iter(fin))]

    # ---- periodic and timed -------------------------------------------------------------------

    def _health(self, lb: Any) -> None:
        if lb.status == UP:
            for event, node in lb.health_check():
                self.log(event, node.id)
        self.q.push(self.time + lb.hc_s, self._health, lb)

    def _timed_command(self, cmd: Command) -> None:
        control.apply_timed(self, cmd)
