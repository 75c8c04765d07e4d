"""How a request travels: arrivals, DNS, load balancers, servers, the database call, the way back.

A mixin of Simulation. Events happen only where a decision needs the state of that moment: a
request reaching a server (or DNS, or a balancer it cannot pass straight through), a queued
request getting a worker, and the answer reaching the client. Everything between is computed:
link travel, service, the database round trip, the way back, all written into the request's plan.

What that costs in faithfulness, deliberately (each shift is at most one hop's latency or one
service time, and keeps about four events per request):
- a load balancer picks the backend when the request sets off towards it, not on arrival;
- a web server picks its database (and finds the primary down) when it starts the request;
- a database read sees the data as of the start of its service; a write commits then too;
- a client that times out stops waiting, but servers finish the work they started or queued;
- a server's completed count and sojourn time count a request once its departure time is known;
- a balancer counts a connection as open until the answer reaches the client.
"""

from __future__ import annotations

from bisect import bisect_right
from heapq import heappop, heappush, heapreplace
from typing import Any

from visualizer.sim.nodes import UP, Node
from visualizer.sim.replication import STREAM
from visualizer.sim.requests import READ, WRITE, Request
from visualizer.sim.servers import Server
from visualizer.sim.snapshot import IN_SERVICE, ON_LINK, QUEUED

INF = float("inf")
KEEP_FINISHED = 3_000    # finished requests kept for request_info (clicks on recent dots);
                         # small, because checkpoints of the time-travel store copy them


class Flow:
    """The request-flow half of Simulation (see model.py for the state it works on)."""

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
            self._through_lb(req, client, now, to, t)
        else:
            req.plan.append((now, t, client.idx, to.idx, ON_LINK, True))
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
                self.fail(r, "timeout", r.route[0], release_web=False)   # servers keep working on it
            else:
                self.deadline_pending = True
                self.q.push(r.deadline, self._deadline, None)
                break

    def _travel(self, req: Request, a: Node, b: Node, lat: float, handler: Any, fwd: bool = True) -> None:
        now = self.time
        req.plan.append((now, now + lat, a.idx, b.idx, ON_LINK, fwd))
        req.dest = b
        q = self.q
        q.seq += 1
        heappush(q.heap, (now + lat, q.seq, handler, req))

    def _at_dns(self, req: Request) -> None:
        if req.done:
            return
        dns, now = req.dest, self.time
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
        req.plan.append((now, t_back, dns.idx, client.idx, ON_LINK, False))
        if entry.kind == "load_balancer" and entry.status == UP and entry.pool:
            self._through_lb(req, client, t_back, entry, t_entry)
            return
        req.plan.append((t_back, t_entry, client.idx, entry.idx, ON_LINK, True))
        req.dest = entry
        self.q.push(t_entry, client.entry_handler, req)

    def _through_lb(self, req: Request, frm: Node, t_from: float, lb: Any, t_lb: float) -> None:
        """Pass a load balancer without an event of its own: it picks the backend as the request
        sets off towards it (a request whose balancer fails before it gets there fails then)."""
        b = lb.choose(req.user, None, self.draws)
        lb.arrivals += 1
        lb.completed += 1
        b.lb_active += 1
        req.backend = b
        req.route.append(lb)
        req.via = lb
        req.t_via = t_lb
        t = t_lb + lb.lat[b.id]
        plan = req.plan
        plan.append((t_from, t_lb, frm.idx, lb.idx, ON_LINK, True))
        plan.append((t_lb, t, lb.idx, b.idx, ON_LINK, True))
        req.dest = b
        q = self.q
        q.seq += 1
        heappush(q.heap, (t, q.seq, self._at_lb if b.kind == "load_balancer" else self._at_server, req))

    def _at_lb(self, req: Request) -> None:
        if req.done:
            return
        lb = req.dest
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
        self._travel(req, lb, b, lb.lat[b.id], self._at_lb if b.kind == "load_balancer" else self._at_server)

    def _at_server(self, req: Request) -> None:
        """A request (or a database call) reaches a server: a free worker takes it, or it queues."""
        if req.dead:
            return
        srv, now = req.dest, self.time
        if not srv.accepting:
            self._refuse(req, srv, "node_down")
            return
        srv.arrivals += 1
        free = srv.free
        if srv.queue or not free or free[0] > now:
            if len(srv.queue) < srv.queue_limit:
                srv.queue.append(req)
                req.t_arr = now
                req.plan.append((now, INF, srv.idx, srv.idx, QUEUED, not req.db_done))
                if free and free[0] < srv.release_at:
                    self._ensure_release(srv)
            else:
                srv.dropped += 1
                self._refuse(req, srv, "queue_full")
            return
        self._begin(srv, req, now, now)

    def _refuse(self, req: Request, srv: Node, reason: str) -> None:
        """A server turned the request away: its load balancer retries elsewhere if allowed."""
        lb = srv.lb
        if (lb is not None and req.backend is srv and lb.retries > 0 and lb.status == UP
                and not req.done):
            tried = req.tried or []
            if len(tried) < lb.retries:
                tried.append(srv)
                req.tried = tried
                srv.lb_active -= 1
                req.backend = None
                self._travel(req, srv, lb, lb.lat.get(srv.id, 0.0), self._at_lb, fwd=False)
                return
        self.fail(req, reason, srv)

    def _begin(self, srv: Server, req: Request, arrived: float, now: float) -> None:
        """A free worker (free[0] <= now) takes the request; plan its service and what follows."""
        if srv.dist == "exp":
            e = now + self.draws.exponential() * srv.service_s / srv.speed
        else:
            e = now + srv.service_time(self.draws)
        i = srv.idx
        plan = req.plan
        if len(srv.active) > 4 * srv.workers + 64:
            srv.purge(now)
        active = srv.active
        q = self.q
        if srv.uses_db and not req.db_done and req.web is None:
            db, reason = self._pick_db(req)
            plan.append((now, e, i, i, IN_SERVICE, True))
            if db is None:          # it finds out when its code gets to the database call
                heapreplace(srv.free, e)
                srv.busy_area += e - now
                active[req] = [arrived, now, e, None, 0.0, False]
                q.seq += 1
                heappush(q.heap, (e, q.seq, self._fail_event, (req, reason, srv)))
                return
            heappop(srv.free)       # the worker waits for the database's answer
            srv.held += 1
            active[req] = [arrived, now, None, None, 0.0, False]
            req.web = srv
            req.web_epoch = srv.epoch
            t = e + srv.lat.get(db.id, srv.db_lat)
            plan.append((e, t, i, db.idx, ON_LINK, True))
            req.dest = db
            q.seq += 1
            heappush(q.heap, (t, q.seq, self._at_server, req))
            return
        heapreplace(srv.free, e)
        srv.busy_area += e - now
        srv.completed += 1
        srv.sojourn += e - arrived
        if srv.kind == "web_server":
            active[req] = [arrived, now, e, None, 0.0, True]
            plan.append((now, e, i, i, IN_SERVICE, True))
            self._respond(req, srv, e)
            return
        req.db_done = True
        repl = self.repl
        if req.kind == WRITE:
            if srv is repl.primary:
                repl.commit(req.key, now)
        elif srv.mode and srv is not repl.primary:
            if srv.mode == STREAM:
                applied = bisect_right(repl.times, now - srv.lag_s)
                if applied < srv.base_lsn:
                    applied = srv.base_lsn
            else:
                applied = repl.applied(srv, now)
            if repl.key_last.get(req.key, 0) > applied:
                req.stale = True
                self.stats.stale_reads += 1
                self.stats.bin(now)[3] += 1
        web = req.web
        plan.append((now, e, i, i, IN_SERVICE, True))
        if web is None:
            active[req] = [arrived, now, e, None, 0.0, True]
            self._respond(req, srv, e)
            return
        t = e + web.lat.get(srv.id, web.db_lat)
        active[req] = [arrived, now, e, web, t, True]
        plan.append((e, t, i, web.idx, ON_LINK, False))
        self._unhold(web, req, t)
        self._respond(req, web, t)

    def _unhold(self, web: Server, req: Request, t: float) -> None:
        """The web worker waiting on `req`'s database call is free at `t`."""
        req.web = None
        if req.web_epoch != web.epoch:
            return                  # the web server failed meanwhile; its workers were reset
        act = web.active.get(req)
        if act is None or act[2] is not None:
            return
        act[2] = t
        act[5] = True
        web.held -= 1
        heappush(web.free, t)
        web.busy_area += t - act[1]
        web.completed += 1
        web.sojourn += t - act[0]
        if web.queue and web.free[0] < web.release_at:
            self._ensure_release(web)

    def _ensure_release(self, srv: Server) -> None:
        """Make sure an event hands the next free worker to the head of the queue."""
        if not srv.free:
            return
        f = max(srv.free[0], self.time)
        if f < srv.release_at:
            srv.release_at = f
            srv.release_token += 1
            self.q.push(f, self._release, (srv, srv.release_token))

    def _release(self, arg: tuple[Server, int]) -> None:
        srv, token = arg
        if token != srv.release_token:
            return
        srv.release_at = INF
        now = self.time
        q, free = srv.queue, srv.free
        while q and free and free[0] <= now:
            req = q.popleft()
            self._begin(srv, req, req.t_arr, now)
        if q:
            self._ensure_release(srv)

    def fill(self, srv: Server) -> None:
        """Hand newly free workers (after an upgrade) to queued requests."""
        if srv.queue:
            self._ensure_release(srv)

    def _pick_db(self, req: Request) -> tuple[Server | None, str]:
        """Writes to the primary; reads round-robin over serving replicas, else the primary."""
        repl = self.repl
        prim = repl.primary
        if req.kind == WRITE:
            return (prim, "") if prim is not None and prim.status == UP else (None, "no_primary")
        reps = repl.replicas
        n = len(reps)
        rr = repl.read_rr
        if rr < n and reps[rr].status == UP:
            repl.read_rr = rr + 1 if rr + 1 < n else 0
            return reps[rr], ""
        for k in range(n):
            r = reps[(rr + k) % n]
            if r.status == UP:
                repl.read_rr = (rr + k + 1) % n
                return r, ""
        if prim is not None and prim.status == UP:
            return prim, ""
        return None, "node_down"

    def _respond(self, req: Request, srv: Node, t: float) -> None:
        """Plan the answer's way back along the request's route; one event at the client."""
        route = req.route
        plan = req.plan
        if len(route) == 2:
            lb, client = route[1], route[0]
            t1 = t + lb.lat[srv.id]
            t2 = t1 + client.lat[lb.id]
            plan.append((t, t1, srv.idx, lb.idx, ON_LINK, False))
            plan.append((t1, t2, lb.idx, client.idx, ON_LINK, False))
            t = t2
        else:
            prev = srv
            for k in range(len(route) - 1, -1, -1):
                node = route[k]
                t1 = t + node.lat.get(prev.id, 0.0)
                plan.append((t, t1, prev.idx, node.idx, ON_LINK, False))
                t = t1
                prev = node
        q = self.q
        q.seq += 1
        heappush(q.heap, (t, q.seq, self._complete, req))

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
        self.stats.finish(now, req.id, client.id, True, "", req.kind, (now - req.t0) * 1000.0)

    def _fail_event(self, arg: tuple[Request, str, Node]) -> None:
        req, reason, node = arg
        if not req.dead:
            self.fail(req, reason, node)

    def fail(self, req: Request, reason: str, node: Node, release_web: bool = True) -> None:
        """End a request in failure (once), freeing the web worker and balancer slot it held."""
        if release_web and req.web is not None:
            self._unhold(req.web, req, self.time)
        if req.done:
            return
        now = self.time
        req.done = True
        req.reason = reason
        req.t_end = now
        req.end_node = node.id
        self._retire(req)
        self.stats.finish(now, req.id, node.id, False, reason, req.kind, 0.0)

    def _retire(self, req: Request) -> None:
        """Out of flight: close its balancer connection, keep it a while for request_info."""
        b = req.backend
        if b is not None:
            b.lb_active -= 1
            req.backend = None
        del self.live[req.id]
        self.finished[req.id] = req
        order = self.finished_order
        order.append(req.id)
        if len(order) > KEEP_FINISHED:
            del self.finished[order.popleft()]
