"""Read-only views of the model: the Snapshot the renderer draws and the story of one request."""

from __future__ import annotations

import math
from collections import deque
from itertools import islice
from typing import TYPE_CHECKING, Any

import numpy as np

from visualizer.sim import registry, shard_view, sites
from visualizer.sim.caching_view import caching
from visualizer.sim.components.balancer import Backend
from visualizer.sim.components.database import Database
from visualizer.sim.jobs_view import jobs
from visualizer.sim.nodes import Node
from visualizer.sim.report import percentiles
from visualizer.sim.window import WINDOW_S
from visualizer.sim.requests import KIND_NAMES, user_ip
from visualizer.sim.servers import Server
from visualizer.sim.snapshot import (ON_LINK, LinkView, Metrics, NodeView, Outcome, RequestDots,
                                     Snapshot)

if TYPE_CHECKING:
    from visualizer.sim.model import Simulation

RECENT_S = 1.0


def node_view(sim: "Simulation", n: Node, now: float, fronts: dict[str, Backend]) -> NodeView:
    """One node as the audience should see it; the kind's spec adds its own facts."""
    srv = n if isinstance(n, Server) else None
    lag = pending = None
    if isinstance(n, Database) and n.role == "replica":
        lag = n.lag_s * 1000.0
        pending = n.pending(now)
    front = fronts.get(n.id)
    extra = registry.spec(n.kind).facts(sim, n, now)
    recent = sim.recent(n.id) if srv is not None else None
    return NodeView(
        id=n.id, kind=n.kind, role=n.role, ip=n.ip, public=n.public, status=n.status,
        detected_up=front.detected_up if front is not None else None,
        promoted=bool(getattr(n, "promoted", False)),
        busy=srv.busy_at(now) if srv else 0, workers=srv.workers if srv else 0,
        queue=len(srv.queue) if srv else 0, queue_limit=srv.queue_limit if srv else 0,
        tier=srv.tier if srv else None, lag_ms=lag, pending_writes=pending or 0,
        arrivals=n.arrivals, completed=n.completed, dropped=n.dropped, extra=extra,
        recent_rate=recent[0] if recent else None, recent_ms=recent[1] if recent else None,
        recent_backlog=recent[3] if recent else 0, site=n.site)


def _fronts(sim: "Simulation") -> dict[str, Backend]:
    """Each backend's record at the balancer in front of it (what that balancer believes)."""
    return {b.node.id: b for lb in sim.balancers for b in lb.backends}


def _links(sim: "Simulation") -> tuple[LinkView, ...]:
    cache = sim.view_cache
    if cache.get("links_version") != sim.graph_version:
        cache["links"] = tuple(LinkView(a, b, d["latency_s"] * 1000.0)
                               for a, b, d in sim.graph.edges(data=True))
        cache["links_version"] = sim.graph_version
    return cache["links"]


def current(plan: list[tuple], now: float) -> tuple:
    """The segment of a request's plan under way at `now`."""
    k = len(plan) - 1
    while k > 0 and plan[k][0] > now:
        k -= 1
    return plan[k]


def dots(sim: "Simulation", now: float) -> RequestDots:
    """Where every request in flight is: on a link (with how far along) or at a node."""
    segs = [current(r.plan, now) for r in sim.live.values()]
    n = len(segs)
    if n == 0:
        e = np.empty(0)
        return RequestDots(e.astype(np.int64), e.astype(np.int32), e.astype(np.int32),
                           e.astype(np.float32), e.astype(np.int8), e.astype(np.int8),
                           e.astype(np.bool_))
    t0, t1, a, b, phase, fwd = (np.array(c) for c in zip(*segs))
    rid = np.fromiter(sim.live.keys(), np.int64, n)
    kind = np.fromiter((r.kind for r in sim.live.values()), np.int8, n)
    phase = phase.astype(np.int8)
    on_link = phase == ON_LINK
    span = np.where(on_link, t1 - t0, 1.0)
    frac = np.where(on_link & (span > 0), (now - t0) / np.where(span > 0, span, 1.0), 0.0)
    frac = np.clip(frac, 0.0, 1.0).astype(np.float32)
    return RequestDots(rid, a.astype(np.int32), b.astype(np.int32), frac, kind, phase,
                       fwd.astype(np.bool_))


def metrics(sim: "Simulation", now: float) -> tuple[Metrics, tuple[Outcome, ...]]:
    st = sim.stats
    lats, n_fail, covered = st.window_summary(now)
    n_win = len(lats) + n_fail
    p50, p95, p99 = percentiles(lats)
    span = covered or 1.0
    n_failed = sum(st.failed.values())
    finished = st.completed + n_failed
    recent = _recent(sim, now)
    m = Metrics(window_s=WINDOW_S, throughput=len(lats) / span,
                error_rate=n_fail / n_win if n_win else 0.0, p50_ms=p50, p95_ms=p95, p99_ms=p99,
                availability=st.completed / finished if finished else 1.0,
                stale_reads=st.stale_reads, lost_writes=sim.lost_writes(),
                cost_per_hour=sim.cost_per_hour(), generated=st.generated,
                completed=st.completed, failed=dict(sorted(st.failed.items())),
                in_flight=len(sim.live), rate=sim.rate)
    return m, recent


def _recent(sim: "Simulation", now: float) -> tuple[Outcome, ...]:
    """Outcomes of the last second, each Outcome built once and kept between snapshots."""
    st, cache = sim.stats, sim.view_cache
    kept: deque[Outcome] = cache.setdefault("recent", deque())
    win = st.window
    new = min(win.added - cache.get("recent_n", 0), len(win.recent))
    if new > 0:
        for w in list(islice(reversed(win.recent), new))[::-1]:
            kept.append(Outcome(*w))
    cache["recent_n"] = win.added
    while kept and kept[0].t < now - RECENT_S:
        kept.popleft()
    return tuple(o for o in kept if o.t >= now - RECENT_S)


def snapshot(sim: "Simulation") -> Snapshot:
    now = sim.time
    cache = sim.view_cache
    if cache.get("events_len") != len(sim.events):
        cache["events"] = tuple(sim.events)
        cache["events_len"] = len(sim.events)
    m, recent = metrics(sim, now)
    fronts = _fronts(sim)
    return Snapshot(time=now, nodes=tuple(node_view(sim, n, now, fronts) for n in sim.nodes),
                    links=_links(sim), dots=dots(sim, now), recent=recent, metrics=m,
                    events=cache["events"], series=_series(sim, now), caching=caching(sim),
                    sites=sites.views(sim), sharding=shard_view.view(sim),
                    session_losses=tuple(sim.sessions.crashes) if sim.sessions is not None else (),
                    jobs=jobs(sim))


def _series(sim: "Simulation", now: float) -> np.ndarray:
    """Closed per-second rows as an array, rebuilt only when a new second has closed."""
    cache = sim.view_cache
    upto = int(math.floor(now))
    sim.stats.close_rows(upto)
    n = min(upto, len(sim.stats.rows))
    if cache.get("series_n") != n:
        cache["series"] = sim.stats.series_array(n)[:n]
        cache["series"].flags.writeable = False
        cache["series_n"] = n
    return cache["series"]


def request_info(sim: "Simulation", req_id: int) -> dict[str, Any] | None:
    """The story of one request in flight or recently finished: where it went and when."""
    r = sim.live.get(req_id) or sim.finished.get(req_id)
    if r is None:
        return None
    now = sim.time
    until = min(now, r.t_end) if r.done else now
    nodes = sim.nodes
    plan = r.plan
    path = [{"node": r.route[0].id, "t": r.t0}]
    for _t0, t1, a, b, _phase, _forward in plan:
        if a != b and t1 <= until:
            path.append({"node": nodes[b].id, "t": t1})
    status = "in_flight" if not r.done else ("completed" if r.ok else "failed")
    info: dict[str, Any] = {
        "id": r.id, "kind": KIND_NAMES[r.kind], "user": r.user, "client_ip": user_ip(r.user),
        "key": r.key, "created": r.t0, "deadline": r.deadline, "status": status,
        "outcome": status if r.done else None, "reason": r.reason or None,
        "path": path, "stale": r.stale, "retries": len(r.tried or []),
    }
    if r.done:
        info["ended"] = r.t_end
        info["ended_at"] = r.end_node
        if r.ok:
            info["latency_ms"] = (r.t_end - r.t0) * 1000.0
    elif plan:
        t0, t1, a, b, ph, fw = current(plan, now)
        info["age_ms"] = (now - r.t0) * 1000.0
        info["where"] = nodes[a].id if a == b else f"{nodes[a].id}->{nodes[b].id}"
        info["phase"] = ("on_link", "queued", "in_service", "waiting_db")[ph]
        info["direction"] = "forward" if fw else "back"
    return info
