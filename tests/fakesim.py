"""A tiny stand-in for the Simulation (same public surface) and synthetic snapshots, for render tests."""

from __future__ import annotations

import dataclasses

import numpy as np

from visualizer.schema import Scenario
from visualizer.sim import commands as C
from visualizer.sim.snapshot import (IN_SERVICE, ON_LINK, QUEUED, LinkView, Metrics, NodeView, Outcome,
                                     RequestDots, SERIES_COLUMNS, Snapshot)

SERVERS = {"web_server", "db_primary", "db_replica"}


def node_views(sc: Scenario, status: dict[str, str] | None = None) -> tuple[NodeView, ...]:
    """NodeViews for a scenario's nodes, all up unless `status` says otherwise."""
    status = status or {}
    out = []
    behind_lb = {l.dst for l in sc.links if sc.node(l.src).kind == "load_balancer"}
    for k, n in enumerate(sc.nodes):
        public = n.kind in ("load_balancer", "dns") or (n.kind == "web_server" and n.id not in behind_lb)
        st = status.get(n.id, "up")
        out.append(NodeView(
            id=n.id, kind=n.kind, role={"db_primary": "primary", "db_replica": "replica"}.get(n.kind, ""), ip=f"203.0.113.{10 + k}" if public else f"10.0.0.{10 + k}", public=public,
            status=st, detected_up=(st != "down") if n.id in behind_lb else None, promoted=False,
            busy=0, workers=getattr(n, "workers", None) or (4 if n.kind in SERVERS else 0), queue=0,
            queue_limit=getattr(n, "queue_limit", 0), tier=getattr(n, "tier", None),
            lag_ms=getattr(n, "lag_ms", None), pending_writes=0, arrivals=0, completed=0, dropped=0,
            extra={"algorithm": getattr(n, "algorithm", "")} if n.kind == "load_balancer" else {}))
    return tuple(out)


def metrics(**kw: object) -> Metrics:
    base = dict(window_s=10.0, throughput=0.0, error_rate=0.0, p50_ms=0.0, p95_ms=0.0, p99_ms=0.0,
                availability=1.0, stale_reads=0, lost_writes=0, cost_per_hour=0.0, generated=0, completed=0,
                failed={}, in_flight=0, rate=0.0)
    base.update(kw)
    return Metrics(**base)  # type: ignore[arg-type]


def random_dots(n: int, nodes: int, links: list[tuple[int, int]], seed: int = 0) -> RequestDots:
    """`n` dots spread over `links` at random positions (all ON_LINK), deterministic for a seed."""
    rng = np.random.default_rng(seed)
    pick = rng.integers(0, len(links), n)
    arr = np.asarray(links, dtype=np.int32)[pick]
    fwd = rng.random(n) < 0.5
    src = np.where(fwd, arr[:, 0], arr[:, 1]).astype(np.int32)
    dst = np.where(fwd, arr[:, 1], arr[:, 0]).astype(np.int32)
    return RequestDots(id=np.arange(n, dtype=np.int64), src=src, dst=dst,
                       frac=rng.random(n).astype(np.float32), kind=(rng.random(n) < 0.2).astype(np.int8),
                       phase=np.zeros(n, dtype=np.int8), forward=fwd)


def snapshot_of(sc: Scenario, n_dots: int = 0, status: dict[str, str] | None = None, t: float = 12.0,
                seed: int = 0) -> Snapshot:
    """A synthetic snapshot of a scenario: its nodes and links, `n_dots` requests on links."""
    nodes = node_views(sc, status)
    idx = {n.id: i for i, n in enumerate(nodes)}
    links = [(idx[l.src], idx[l.dst]) for l in sc.links]
    rows = np.zeros((60, len(SERIES_COLUMNS)))
    rows[:, 0] = np.arange(60)
    rows[:, 1] = 100 + 10 * np.sin(np.arange(60) / 5)
    rows[:, 2] = rows[:, 1] - 2
    rows[:, 3] = 2
    rows[:, 4:7] = [40, 90, 160]
    return Snapshot(time=t, nodes=nodes, links=tuple(LinkView(l.src, l.dst, l.latency_ms) for l in sc.links),
                    dots=random_dots(n_dots, len(nodes), links, seed), recent=(),
                    metrics=metrics(rate=sc.traffic.rate, in_flight=n_dots, throughput=98.0, p50_ms=40,
                                    p95_ms=90, p99_ms=160, availability=0.98, error_rate=0.02, cost_per_hour=1.25),
                    events=(), series=rows)


class FakeSimulation:
    """Requests hop along the scenario's links with a fixed per-hop time; enough to drive the window."""

    def __init__(self, scenario: Scenario, seed: int | None = None, rate: float | None = None) -> None:
        self.scenario = scenario
        self.rng = np.random.default_rng(scenario.meta.seed if seed is None else seed)
        self.time = 0.0
        self.rate = scenario.traffic.rate if rate is None else rate
        self.status = {n.id: "up" for n in scenario.nodes}
        self.extra: list[str] = []
        self.reqs: list[dict] = []
        self.recent: list[Outcome] = []
        self.next_id = 0
        self.generated = self.completed = self.failed = 0
        self.succ: dict[str, list[str]] = {}
        for l in scenario.links:
            self.succ.setdefault(l.src, []).append(l.dst)

    def node_ids(self) -> list[str]:
        return [n.id for n in self.scenario.nodes] + self.extra

    def _path(self) -> list[str]:
        client = next(n.id for n in self.scenario.nodes if n.kind == "client")
        path = [client]
        while self.succ.get(path[-1]) and len(path) < 6:
            options = [d for d in self.succ[path[-1]] if d not in path]
            if not options:
                break
            path.append(options[int(self.rng.integers(len(options)))])
        return path

    def step(self, dt: float) -> None:
        if dt <= 0:
            return
        end = self.time + dt
        arrivals = self.rng.poisson(self.rate * dt) if self.rate > 0 else 0
        for _ in range(min(int(arrivals), 2000)):
            self.reqs.append({"id": self.next_id, "path": self._path(), "t0": self.time, "kind": int(self.rng.random() < 0.2)})
            self.next_id += 1
            self.generated += 1
        self.time = end
        alive = []
        for r in self.reqs:
            hops = 2 * (len(r["path"]) - 1)
            pos = (self.time - r["t0"]) / 0.02
            at = min(int(pos), hops)
            node = r["path"][min(at, hops - at)] if at <= hops else r["path"][0]
            if self.status.get(node) == "down":
                self.failed += 1
                self.recent.append(Outcome(r["id"], self.time, node, False, "node_down", r["kind"]))
            elif pos >= hops:
                self.completed += 1
                self.recent.append(Outcome(r["id"], self.time, r["path"][0], True, "", r["kind"]))
            else:
                alive.append(r)
        self.reqs = alive
        self.recent = [o for o in self.recent if self.time - o.t <= 1.0]

    def run_until(self, t: float) -> None:
        while self.time < t:
            self.step(min(0.01, t - self.time))

    def apply(self, cmd: object) -> None:
        node = getattr(cmd, "node", None)
        if node is not None and node not in self.node_ids():
            raise C.CommandError(f"unknown node {node}")
        if isinstance(cmd, C.Fail):
            if self.status[node] == "down":
                raise C.CommandError(f"{node} is already down")
            self.status[node] = "down"
        elif isinstance(cmd, C.Recover):
            if self.status[node] != "down":
                raise C.CommandError(f"{node} is not down")
            self.status[node] = "up"
        elif isinstance(cmd, C.SetRate):
            self.rate = cmd.rate
        elif isinstance(cmd, C.AddServer):
            new = f"web{len(self.extra) + 10}"
            self.extra.append(new)
            self.status[new] = "booting"

    def actions_for(self, node_id: str) -> list[object]:
        acts: list[object] = [C.Recover(node_id) if self.status.get(node_id) == "down" else C.Fail(node_id)]
        kind = next((n.kind for n in self.scenario.nodes if n.id == node_id), "web_server")
        if kind == "load_balancer":
            acts.append(C.AddServer(node_id))
        return acts

    def request_info(self, req_id: int) -> dict | None:
        for r in self.reqs:
            if r["id"] == req_id:
                return {"id": req_id, "kind": "write" if r["kind"] else "read", "path": r["path"], "t0": r["t0"]}
        return None

    def check_conservation(self) -> None:
        assert self.generated == self.completed + self.failed + len(self.reqs)

    def snapshot(self) -> Snapshot:
        base = snapshot_of(self.scenario, 0, {k: v for k, v in self.status.items()}, self.time)
        nodes = list(base.nodes)
        for new in self.extra:
            nodes.append(dataclasses.replace(nodes[-1], id=new, kind="web_server", status=self.status[new],
                                             ip="10.0.0.99", public=False, promoted=False))
        idx = {n.id: i for i, n in enumerate(nodes)}
        n = len(self.reqs)
        src, dst = np.zeros(n, np.int32), np.zeros(n, np.int32)
        frac, phase, fwd = np.zeros(n, np.float32), np.zeros(n, np.int8), np.ones(n, bool)
        for k, r in enumerate(self.reqs):
            path, hops = r["path"], len(r["path"]) - 1
            pos = (self.time - r["t0"]) / 0.02
            at = int(pos)
            going = at < hops
            a = path[at] if going else path[max(0, 2 * hops - at)]
            b = path[at + 1] if going else path[max(0, 2 * hops - at - 1)]
            src[k], dst[k], frac[k], fwd[k] = idx[a], idx[b], pos - at, going
            if pos - at > 0.7 and self.status.get(b) != "down":
                src[k], phase[k], frac[k] = dst[k], IN_SERVICE if k % 3 else QUEUED, 0.0
            else:
                phase[k] = ON_LINK
        dots = RequestDots(id=np.array([r["id"] for r in self.reqs], np.int64), src=src, dst=dst, frac=frac,
                           kind=np.array([r["kind"] for r in self.reqs], np.int8), phase=phase, forward=fwd)
        m = metrics(rate=self.rate, generated=self.generated, completed=self.completed, in_flight=n,
                    availability=self.completed / max(1, self.completed + self.failed))
        return dataclasses.replace(base, nodes=tuple(nodes), dots=dots, recent=tuple(self.recent), metrics=m)
