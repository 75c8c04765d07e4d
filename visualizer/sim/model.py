"""The Simulation: a deterministic discrete-event model of a web service, driven by step(dt)."""

from __future__ import annotations

import copy
import gc
from collections import deque
from heapq import heappop, heappush
from typing import Any, Callable

import networkx as nx

from visualizer.sim import control, failures, sharding, sites, topology, view
from visualizer.sim.cluster import Cluster
from visualizer.sim.commands import Command
from visualizer.sim.draws import Draws
from visualizer.sim.popularity import Zipf
from visualizer.sim.events import EventQueue
from visualizer.sim.journey import Journey
from visualizer.sim.nodes import REMOVED, Node
from visualizer.sim.report import METER_S, Stats, build_report
from visualizer.sim.requests import Request
from visualizer.sim.servers import Server
from visualizer.sim.sessions import Sessions
from visualizer.sim.snapshot import Event, Snapshot
from visualizer.sim.tiers import BY_NAME

# One meter reading: (time, each server's (arrivals, completed, sojourn s, queued), each counting
# node's (hits, misses, reads), requests generated so far)
Mark = tuple[float, dict[str, tuple[int, int, float, int]], dict[str, tuple[int, int, int]], int]


class Simulation(Journey):
    """One run of one scenario. Reads the scenario's attributes only; owns one seeded RNG."""

    def __init__(self, scenario: Any, seed: int | None = None, rate: float | None = None,
                 plans: bool = True) -> None:
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
        self.keys = Zipf(self.n_keys, float(tr.key_skew))      # which key a request reads or writes
        self.static_ratio = float(tr.static_ratio)
        self.files = Zipf(int(tr.objects), float(tr.object_skew))   # which file a static request wants
        self.plans = plans                  # False (headless): no dots' plans, no finished requests kept
        self.draws = Draws(self.seed)        # service times, balancer picks, failures, ...
        self.traffic = Draws.traffic(self.seed)   # arrivals only (journey.py): the same in any design
        self.on_arrival: Callable[[Request], None] | None = None   # a test's hook on each request born
        self.q = EventQueue()
        self.push = self.q.push            # the one scheduling path, bound once (it is hot)
        self.time = 0.0
        self.events: list[Event] = []
        self.stats = Stats(window=plans)
        self.clusters: list[Cluster] = []
        self.live: dict[int, Request] = {}
        self.finished: dict[int, Request] = {}          # recent ones, for request_info
        self.finished_order: deque[int] = deque()       # their ids, oldest first
        self.deadline_pending = False      # a timer is set for the oldest request's deadline
        self.next_id = 0
        self.gen_token = 0
        self.graph = nx.DiGraph()
        self.graph_version = 0
        self.nodes: list[Node] = []
        self.by_id: dict[str, Node] = {}
        self.retired: set[str] = set()      # ids of nodes replaced for good
        self.clients: list[Any] = []
        self.balancers: list[Any] = []      # the load balancers, for commands that name none
        session_s = float(tr.session_s)
        self.sessions = Sessions(session_s) if session_s > 0 else None   # users log in (sessions.py)
        self.n_private = 0
        self.view_cache: dict[str, Any] = {}
        self.sites = sites.build(scenario)  # data centres by id; empty without [[sites]]
        self.site_stats = sites.SiteStats(list(self.sites)) if self.sites else None
        self.hot_share = float(tr.hot_key_share)     # a celebrity's share of the data requests
        self.hot_user = self.hot_key = 0
        if self.hot_share > 0:              # drawn only then: other runs' draws stay as they were
            self.hot_user, self.hot_key = self.traffic.index(self.n_users), self.traffic.index(self.n_keys)
        self.shards: sharding.Shards | None = None   # a sharded design's shards (sharding.py)
        topology.build(self, scenario)
        self.schedule_arrival()
        for node in list(self.nodes):
            node.start()
        for node in self.nodes:
            failures.schedule_random_failure(self, node)
        for beat in scenario.timeline:
            cmd = control.beat_command(self, beat)
            if cmd is not None:
                self.push(float(beat.at), self._timed_command, cmd)
        self.meter: deque[Mark] = deque(maxlen=METER_S + 1)
        if plans:                           # the window's theory cards read it; a report does not
            self.push(0.0, self._meter_tick, None)

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
        # Our garbage has no reference cycles (freed by reference counting), so the cyclic
        # collector only costs time here (a quarter of it); it is back on when we return.
        collecting = gc.isenabled()
        if collecting:
            gc.disable()
        try:
            while True:                     # (not `while heap`: CPython 3.11 only specializes
                if not heap:                # a loop's bytecode after unconditional jumps back)
                    break
                et, _, fn, arg = ev = heappop(heap)
                if et > t:
                    heappush(heap, ev)      # not yet: back as it was (same time, same order)
                    break
                self.time = et
                fn(arg)
        finally:
            if collecting:
                gc.enable()
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
        """The JSON report of the run so far (with each site's figures when there are sites)."""
        out = build_report(self)
        sites.report(self, out)
        sharding.report(self, out)
        return out

    def node_ids(self) -> list[str]:
        return [n.id for n in self.nodes]

    def actions_for(self, node_id: str) -> list[Command]:
        """The commands that fit this node now (for a right-click menu)."""
        return control.actions_for(self, node_id)

    def build_offers(self) -> list[Command]:
        """The nodes a right-click on empty space may add now (the build menu)."""
        return control.build_offers(self)

    def check_conservation(self) -> None:
        """AssertionError unless generated == completed + failed + in flight."""
        st = self.stats
        failed = sum(st.failed.values())
        assert st.generated == st.completed + failed + len(self.live), (
            f"t={self.time}: generated {st.generated} != completed {st.completed} + failed "
            f"{failed} + in flight {len(self.live)}")

    def sessions_by_server(self) -> dict[str, int]:
        """Live sessions each holder (a web server with local sessions, a session store) keeps
        now; empty when users do not log in ([traffic] session_s = 0). Cheap: ended sessions are
        forgotten as it counts."""
        if self.sessions is None:
            return {}
        now = self.time
        return {n.id: n.session_table.held(now) for n in self.nodes
                if getattr(n, "session_table", None) is not None}

    def cost_per_hour(self) -> float:
        return sum(BY_NAME[n.tier].cost_per_hour for n in self.nodes
                   if isinstance(n, Server) and n.status != REMOVED)

    def __deepcopy__(self, memo: dict[int, Any]) -> "Simulation":
        memo[id(self.scenario)] = self.scenario   # immutable; shared by every copy
        new = self.__class__.__new__(self.__class__)
        memo[id(self)] = new
        for k, v in self.__dict__.items():
            setattr(new, k, {} if k == "view_cache" else copy.deepcopy(v, memo))
        return new

    def __getstate__(self) -> dict[str, Any]:
        """Pickled (a time-travel checkpoint) with only what decides the future: no snapshot
        caches, no finished requests kept for clicks on recent dots."""
        return {**self.__dict__, "view_cache": {}, "finished": {}, "finished_order": deque(), "on_arrival": None}

    # ---- graph bookkeeping (used by topology and control) -------------------------------------

    def add_node(self, node: Node, assign_ip: bool = True) -> None:
        node.idx = len(self.nodes)
        node.model = self
        self.nodes.append(node)
        self.by_id[node.id] = node
        self.graph.add_node(node.id, kind=node.kind)
        if assign_ip:
            node.ip = self.new_private_ip()
        self.graph_version += 1

    def replace_node(self, old: Node, new: Node) -> None:
        """`new` takes the place of a node removed for good (a lost replica's replacement): its
        index (a new machine, so a new address), the old one's links gone, so a long run does not
        pile up dead nodes."""
        new.idx, new.model, new.ip = old.idx, self, self.new_private_ip()
        self.nodes[old.idx] = new
        del self.by_id[old.id]
        self.retired.add(old.id)          # never reused: the event log still names it
        self.by_id[new.id] = new
        for n in self.nodes:
            n.unlink(old.id)
        self.graph.remove_node(old.id)
        self.graph.add_node(new.id, kind=new.kind)
        self.graph_version += 1

    def add_link(self, a: Node, b: Node, latency_s: float) -> None:
        a.link_to(b, latency_s)
        self.graph.add_edge(a.id, b.id, latency_s=latency_s)
        self.graph_version += 1

    def new_private_ip(self) -> str:
        self.n_private += 1
        return topology.private_ip(self.n_private - 1)

    def log(self, event: str, node: str) -> None:
        self.events.append(Event(self.time, event, node))

    def work(self) -> int:
        """How much the model has done: events scheduled, plus four for each request born (one
        refused at once schedules almost nothing but costs as much). The time-travel store spaces
        its checkpoints by it and the window prices frames by it."""
        return self.q.seq + 4 * self.stats.generated

    def detach_histories(self) -> dict[str, list[Any]]:
        """Take out the append-only histories (event log, per-second series) and return them; a
        checkpoint stores only what they gained since the previous one."""
        out = {"events": self.events, "rows": self.stats.rows}
        self.events, self.stats.rows = [], []
        if self.site_stats is not None:
            out["site_rows"], self.site_stats.rows = self.site_stats.rows, []
        return out

    def attach_histories(self, histories: dict[str, list[Any]]) -> None:
        """Put back what detach_histories took (or a copy rebuilt from checkpoints)."""
        self.events, self.stats.rows = histories["events"], histories["rows"]
        if self.site_stats is not None:
            self.site_stats.rows = histories.get("site_rows", [])
        self.view_cache = {}

    def dispose(self) -> None:
        """Break this model's reference cycles (nodes <-> model, requests, balancers, clusters) so
        it is freed at once when dropped: the time-travel store calls it on the model a seek
        replaces. The model is unusable afterwards."""
        for node in self.nodes:
            node.dispose()
        for cluster in self.clusters:
            cluster.__dict__.clear()
        self.q.heap.clear()
        self.__dict__.clear()

    def lost_writes(self) -> int:
        """Writes lost at a promotion and not yet restored, over every cluster."""
        return sum(len(c.lost) for c in self.clusters)

    # ---- timed ----------------------------------------------------------------------------------

    def _meter_tick(self, _: Any) -> None:
        """Each whole second: every server's arrivals, completions and time spent, the hits and
        misses of caches and CDN edges, the reads of databases, and the requests generated, so the
        window can say what happened over the last METER_S seconds (the same span for every number)."""
        nodes = self.nodes
        servers = {n.id: (n.arrivals, n.completed, n.sojourn, len(n.queue)) for n in nodes if isinstance(n, Server)}
        counts = {n.id: (getattr(n, "hits", 0), getattr(n, "misses", 0), getattr(n, "reads", 0))
                  for n in nodes if hasattr(n, "hits") or hasattr(n, "reads")}
        self.meter.append((self.time, servers, counts, self.stats.generated))
        if self.shards is not None:
            self.shards.mark(self.time)
        self.push(self.time + 1.0, self._meter_tick, None)

    def recent(self, node_id: str) -> tuple[float, float | None, float, int] | None:
        """(arrivals per second, mean ms a request spent in the node or None if none finished, span
        in s, requests queued when the span began) over the last METER_S simulated seconds, or None
        before a second has passed."""
        node = self.by_id.get(node_id)
        if not self.meter or not isinstance(node, Server):
            return None
        t0, marks, _, _ = self.meter[0]
        span = self.time - t0
        if span < 1.0 or node_id not in marks:
            return None
        a0, c0, s0, q0 = marks[node_id]
        done = node.completed - c0
        mean_ms = (node.sojourn - s0) / done * 1000.0 if done > 0 else None
        return (node.arrivals - a0) / span, mean_ms, span, q0

    def recent_counts(self, node_id: str) -> tuple[float, float, float] | None:
        """(hits, misses, reads) per second of a cache, CDN edge or database over the same span as
        `recent`, or None before a second has passed or for a node that counts none of them. A node
        added during the span had none at its start."""
        node = self.by_id.get(node_id)
        if not self.meter or node is None or not (hasattr(node, "hits") or hasattr(node, "reads")):
            return None
        t0, _, counts, _ = self.meter[0]
        span = self.time - t0
        if span < 1.0:
            return None
        h0, m0, r0 = counts.get(node_id, (0, 0, 0))
        return ((getattr(node, "hits", 0) - h0) / span, (getattr(node, "misses", 0) - m0) / span,
                (getattr(node, "reads", 0) - r0) / span)

    def recent_generated(self) -> tuple[float, float] | None:
        """(requests generated per second, span in s) over the same span as `recent`, or None."""
        if not self.meter:
            return None
        t0, _, _, g0 = self.meter[0]
        span = self.time - t0
        return ((self.stats.generated - g0) / span, span) if span >= 1.0 else None

    def _timed_command(self, cmd: Command) -> None:
        control.apply_timed(self, cmd)
