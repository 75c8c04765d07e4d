"""The web server: runs the application; calls its database cluster and waits for the answer.

With caches linked, it reads through the cache that owns the key (consistent hashing) and goes
straight to the database when that cache is down. Static files it serves by itself.

Sessions (`[traffic] session_s` > 0, see sessions.py): a `local` web server keeps its users'
sessions in its own memory and loses them when it crashes. A `shared` one keeps
them in the session store it links to and makes two calls in sequence, holding one worker
throughout: the store first (`callee`), then, when the store's answer comes back (`on_answer`),
the database exactly as a web server without sessions would. That on_answer returns False (the
request goes on, the worker stays held); the database's answer comes back to it a second time and
is passed up as usual. A store that is down fails the request (`no_session_store`). A local tier
can switch to its store while running (`share_sessions`): the live sessions move there.

Background jobs (`publish_ratio` > 0 and a link to a queue): as it accepts a request, it draws
whether the request also publishes a job, which reaches the queue after the link's latency
(components/queue.py). Nobody waits for the job: the request's own path is unchanged. Only such a
server swaps in its own `receive`, so the others pay nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from visualizer.sim import registry
from visualizer.sim.components.queue import Job
from visualizer.sim.requests import READ, STATIC
from visualizer.sim.ring import HashRing
from visualizer.sim.servers import Server
from visualizer.sim.sessions import SessionTable

if TYPE_CHECKING:
    from visualizer.sim.cluster import Cluster
    from visualizer.sim.nodes import Node
    from visualizer.sim.requests import Request
    from visualizer.sim.sharding import Shards


class WebServer(Server):
    """Serves a request; if it links to databases, calls their cluster while holding a worker."""

    __slots__ = ("clusters", "caches", "ring", "data_out", "session_mode", "session_store",
                 "session_table", "publish_ratio", "job_queue", "shards")

    def __init__(self, node_id: str, idx: int, cfg: Any) -> None:
        super().__init__(node_id, "web_server", idx, cfg)
        self.clusters: list[Cluster] = []
        self.caches: dict[str, Node] = {}     # linked caches by id
        self.ring: HashRing | None = None     # which of them owns a key
        self.data_out = False                 # links to a database or a cache
        self.session_mode: str = cfg.sessions  # local | shared
        self.session_store: Node | None = None
        self.session_table: SessionTable | None = None   # local sessions, when sessions are on
        self.publish_ratio: float = getattr(cfg, "publish_ratio", 0.0)
        self.job_queue: Node | None = None    # the queue it publishes jobs to
        self.shards: Shards | None = None     # a sharded design's shards, when it calls them

    def wire(self) -> None:
        """The clusters of the databases it links to (a key picks one when there are several),
        the caches it reads through, and where it keeps sessions."""
        succ = self.successors()
        self._wire_sessions(succ)
        dbs = [n for n in succ if getattr(n, "cluster", None) is not None]
        self.clusters = []
        for db in dbs:
            if db.cluster not in self.clusters:
                self.clusters.append(db.cluster)
        caches = [n for n in succ if registry.has_role(n.kind, registry.CACHE)]
        self.caches = {c.id: c for c in caches}
        self.ring = HashRing(sorted(self.caches)) if caches else None
        shards = self.model.shards
        sharded = shards is not None and any(c in shards.clusters for c in self.clusters)
        self.shards = shards if sharded else None     # routes by the request's shard when set
        self.data_out = bool(dbs or caches)
        self.calls_out = self.data_out
        self.call_lat = self.lat[dbs[0].id] if dbs else 0.0
        self._wire_store_first()
        self._wire_jobs(succ)

    def _wire_jobs(self, succ: list["Node"]) -> None:
        """With a queue linked and publish_ratio > 0, its own `receive` publishes jobs too."""
        queues = [n for n in succ if registry.has_role(n.kind, registry.QUEUE)]
        self.job_queue = queues[0] if queues else None
        if self.job_queue is not None and self.publish_ratio > 0:
            self.receive = self._receive_publishing  # type: ignore[method-assign]
        else:
            self.__dict__.pop("receive", None)

    def _receive_publishing(self, req: "Request") -> None:
        """Server.receive, then, if it took the request in, maybe publish a job (not waited for)."""
        before = self.arrivals - self.dropped
        Server.receive(self, req)
        model = self.model
        if self.arrivals - self.dropped > before and model.draws.uniform() < self.publish_ratio:
            q = self.job_queue
            now = model.time
            q.moved(self.idx, q.idx)  # type: ignore[union-attr]
            model.push(now + self.lat[q.id], q.publish, Job(now))  # type: ignore[union-attr]

    def _wire_store_first(self) -> None:
        """A server that keeps sessions in a store calls it before anything else: it swaps in its
        own `callee` and `on_answer` (instance attributes), so servers without one pay nothing."""
        if self.sessions is not None and self.session_mode == "shared":
            self.calls_out = True
            self.callee = self._store_first          # type: ignore[method-assign]
            self.on_answer = self._after_store       # type: ignore[method-assign]
        else:
            self.__dict__.pop("callee", None)
            self.__dict__.pop("on_answer", None)

    def share_sessions(self, now: float) -> None:
        """From now on keep sessions in the session store it links to; the live ones move there."""
        if self.session_mode == "shared" or self.sessions is None or self.session_store is None:
            return
        table = self.session_table
        if table is not None:
            self.sessions.move(self, self.session_store, now)
        self.session_mode = "shared"
        self.session_table = None
        self.wire()

    def _wire_sessions(self, succ: list["Node"]) -> None:
        """With sessions on: a local table, or the session store it links to."""
        self.sessions = self.model.sessions
        if self.sessions is None:
            return
        if self.session_mode == "local" and self.session_table is None:
            self.session_table = SessionTable()
        stores = [n for n in succ if registry.has_role(n.kind, registry.SESSIONS)]
        self.session_store = stores[0] if stores else None

    def session_holder(self) -> "Node | None":
        """Where this server finds its users' sessions now: itself, or its store if that is up."""
        if self.session_mode == "local":
            return self
        store = self.session_store
        return store if store is not None and store.accepting else None

    def sessions_held(self, now: float) -> int:
        """Live sessions in its memory (0 when they are shared)."""
        table = self.session_table
        return table.held(now) if table is not None else 0

    def crash(self, now: float) -> list["Request"]:
        if self.session_table is not None and self.session_mode == "local":
            self.sessions.crashed(self, now)   # type: ignore[union-attr]   # memory is gone
        return super().crash(now)

    def report_extra(self) -> dict[str, Any]:
        """Sessions held now, when users log in."""
        return {} if self.sessions is None else {"sessions": self.sessions_held(self.model.time)}

    def cache_for(self, key: int) -> "Node":
        """The cache that owns `key` (there is at least one)."""
        caches = self.caches
        if len(caches) == 1:
            return next(iter(caches.values()))
        return caches[self.ring.owner(key)]  # type: ignore[union-attr]

    def callee(self, req: "Request") -> tuple["Node | None", str]:
        kind = req.kind
        if kind == STATIC:
            return None, ""                   # a file it has itself
        if kind == READ and self.caches:
            cache = self.cache_for(req.key)
            if cache.accepting:
                return cache, ""
        clusters = self.clusters
        if not clusters:
            return None, "no_database"
        shards = self.shards
        if shards is not None:
            return shards.route(req, self)
        cluster = clusters[0] if len(clusters) == 1 else clusters[req.key % len(clusters)]
        return cluster.route(req, self)

    def _store_first(self, req: "Request") -> tuple["Node | None", str]:
        """`callee` of a server keeping sessions in a store: the store first (files need no session)."""
        if req.kind == STATIC:
            return WebServer.callee(self, req)
        store = self.session_store
        if store is None or not store.accepting:
            return None, "no_session_store"
        req.at_store = True
        return store, ""

    def _after_store(self, req: "Request", t: float) -> bool:
        """An answer reaches it at `t`: the store's starts the database call, the database's goes up."""
        if not getattr(req, "at_store", False):
            return self.release(req, t)
        req.at_store = False
        if not self.data_out:
            return self.release(req, t)     # nothing more to ask: answer
        nxt, reason = WebServer.callee(self, req)
        if nxt is None:
            req.calls.append(self)          # still holding the worker: the failure releases it
            self.model.push(t, self.model.fail_event, (req, reason, self))
            return False
        self.call(req, nxt, t)              # still holding the worker
        return False
