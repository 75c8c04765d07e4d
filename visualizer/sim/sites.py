"""Data centres ([[sites]]): each site's state, its users' outcomes, its report and its view.

Built only when the scenario has sites; without them the model holds no Site and no SiteStats, and
the journey's two hooks (a request completed, a request failed) cost one `is None` test each.
A request counts for the site its users live in (its client's `site`), wherever it was served.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from visualizer.sim import registry
from visualizer.sim.report import LatencyHistogram, _num
from visualizer.sim.snapshot import SiteView

if TYPE_CHECKING:
    from visualizer.sim.model import Simulation
    from visualizer.sim.nodes import Node

SITE_UP, SITE_DOWN = "up", "down"
FLUSH = 4_096             # latencies buffered per site before they go into its histogram


class Site:
    """One data centre: its id, title and whether it was failed as a whole (fail_site)."""

    def __init__(self, site_id: str, title_en: str, title_ko: str) -> None:
        self.id = site_id
        self.title_en = title_en
        self.title_ko = title_ko
        self.status = SITE_UP


def build(scenario: Any) -> dict[str, Site]:
    """The scenario's sites by id, in file order (empty without [[sites]])."""
    return {s.id: Site(s.id, s.title.en, s.title.ko) for s in getattr(scenario, "sites", ())}


def members(sim: "Simulation", site_id: str) -> list["Node"]:
    """The nodes standing in a site that can fail: all but its users."""
    return [n for n in sim.nodes if n.site == site_id and not registry.has_role(n.kind, registry.USERS)]


class SiteStats:
    """Completed and failed requests of each site's users, in total and per simulated second,
    and their latencies."""

    def __init__(self, ids: list[str]) -> None:
        self.ids = list(ids)
        self.index = {s: i for i, s in enumerate(self.ids)}
        n = len(self.ids)
        self.completed = [0] * n
        self.failed = [0] * n
        self.latencies = [LatencyHistogram() for _ in self.ids]
        self.pending: list[list[float]] = [[] for _ in self.ids]   # not yet in the histogram
        self.rows: list[tuple[int, ...]] = []     # closed seconds: completed per site, then failed
        self.cur_k = 0
        self.cur = [0] * (2 * n)

    def _bin(self, t: float) -> list[int]:
        k = int(t)
        if k != self.cur_k:
            self.close_rows(k)
        return self.cur

    def close_rows(self, upto: int) -> None:
        """Close seconds [len(rows), upto) (as Stats.close_rows does)."""
        rows, n2 = self.rows, len(self.cur)
        for k in range(len(rows), upto):
            rows.append(tuple(self.cur) if k == self.cur_k else (0,) * n2)
        if self.cur_k < upto:
            self.cur_k = upto
            self.cur = [0] * n2

    def done(self, site: str, t: float, lat_ms: float) -> None:
        """A request of the users of `site` was answered after lat_ms."""
        i = self.index[site]
        self.completed[i] += 1
        self._bin(t)[i] += 1
        buf = self.pending[i]
        buf.append(lat_ms)
        if len(buf) >= FLUSH:
            self.latencies[i].add_many(buf)
            self.pending[i] = []

    def failed_one(self, site: str, t: float) -> None:
        """A request of the users of `site` failed."""
        i = self.index[site]
        self.failed[i] += 1
        self._bin(t)[len(self.ids) + i] += 1

    def histogram(self, i: int) -> LatencyHistogram:
        return self.latencies[i].merged(self.pending[i])


def report(sim: "Simulation", out: dict[str, Any]) -> None:
    """Add the top-level `sites` and the per-site columns of `series` to a report."""
    ss = sim.site_stats
    if ss is None:
        return
    ss.close_rows(int(sim.time))
    in_flight = {s: 0 for s in ss.ids}
    for req in sim.live.values():
        in_flight[req.route[0].site] += 1
    table = {}
    for i, sid in enumerate(ss.ids):
        site = sim.sites[sid]
        h = ss.histogram(i)
        table[sid] = {"title": {"en": site.title_en, "ko": site.title_ko}, "status": site.status,
                      "arrivals": sum(c.arrivals for c in sim.clients if c.site == sid),
                      "completed": ss.completed[i], "failed": ss.failed[i], "in_flight": in_flight[sid],
                      "latency_ms": {"p50": _num(h.percentile(50)), "p95": _num(h.percentile(95)),
                                     "p99": _num(h.percentile(99)),
                                     "mean": _num(h.mean()) if h.count else None}}
    out["sites"] = table
    n = len(ss.ids)
    for row, counts in zip(out["series"], ss.rows):
        for i, sid in enumerate(ss.ids):
            row[f"completed_{sid}"] = counts[i]
            row[f"failed_{sid}"] = counts[n + i]


def views(sim: "Simulation") -> tuple[SiteView, ...]:
    """Each site as the window shows it (empty without sites)."""
    if not sim.sites:
        return ()
    geo = [n for n in sim.nodes if getattr(n, "targets", None)]
    out = []
    for site in sim.sites.values():
        found = next(((d, t) for d in geo for t in d.targets if t.node.site == site.id), None)
        dns, target = found if found else (None, None)
        dropped = target is not None and not target.detected_up
        out.append(SiteView(id=site.id, title_en=site.title_en, title_ko=site.title_ko,
                            status=site.status, entry=target.node.id if target else "",
                            dns_healthy=target.detected_up if target else None,
                            told_at_failover=target.held_at_failover if dropped else 0,
                            still_told=dns.holding(target.node, sim.time) if dropped else 0))
    return tuple(out)
