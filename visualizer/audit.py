"""The chapter's closing list as an audit of a run: each line ticked once the design survived what tests it.

The chapter ends with eight rules for serving millions of users. The capstone lesson does not just
print them: each line names the incident or measurement that tests it, and is ticked only when the
model has been through that test and come out well (a web server died and no session was lost; a
whole data centre failed and the DNS stopped naming it; ...). Read from the model only (its event log,
counters and nodes), so the card, the lesson's claims and a test all see the same ticks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from visualizer.sim import registry

LINES = ("stateless", "redundancy", "cache", "sites", "cdn", "shards", "services", "automation")
MIN_LOOKUPS = 1000         # a cache or CDN is judged once it has seen this many lookups
GOOD_HIT_RATIO = 0.5       # ... and passes at or above this hit ratio
REDUNDANT_TIERS = ("web", "cache", "database")
AFTER_S = 10               # redundancy looks at the seconds after each tier's first failure ...
GOOD_ANSWERED = 0.97       # ... and passes when at least this share of requests were answered


@dataclass(frozen=True)
class AuditLine:
    """One rule of the closing list: whether the run tested it yet, whether it passed, and the
    evidence (a string key of i18n and its values) to show beside it."""

    key: str
    tested: bool
    passed: bool
    evidence: str = ""
    values: dict[str, Any] = field(default_factory=dict)

    @property
    def ticked(self) -> bool:
        return self.tested and self.passed


def audit(sim: Any) -> list[AuditLine]:
    """Every line of the closing list, in the chapter's order, judged on the run so far."""
    return [_JUDGES[key](sim) for key in LINES]


def _failed(sim: Any, pick: Callable[[Any], bool]) -> list[tuple[float, str]]:
    """(time, node id) of every failure of a node `pick` accepts, oldest first."""
    out = []
    for ev in sim.events:
        if ev.event == "fail":
            node = sim.by_id.get(ev.node)
            if node is not None and pick(node):
                out.append((ev.t, ev.node))
    return out


def _is_web(node: Any) -> bool:
    return node.kind == "web_server"


def _is_db(node: Any) -> bool:
    return registry.has_role(node.kind, registry.DATABASE)


def _is_cache(node: Any) -> bool:
    return registry.has_role(node.kind, registry.CACHE)


def _stateless(sim: Any) -> AuditLine:
    """Users log in, and the latest web server to die took no session with it (they live in a
    shared store, not in the server's memory)."""
    fails = _failed(sim, _is_web)
    if not fails or sim.sessions is None:
        return AuditLine("stateless", False, False)
    when, node = fails[-1]
    lost = sum(c[2] for c in sim.sessions.crashes if c[0] == node and c[1] == when)
    return AuditLine("stateless", True, lost == 0, "audit.ev_stateless", {"node": node, "lost": lost})


def _answered_after(sim: Any, t0: float) -> float | None:
    """Share of the requests finished in the AFTER_S closed seconds after `t0` that were answered
    (None until those seconds have passed)."""
    rows = [r for r in sim.stats.rows if t0 - 1.0 < r[0] < t0 + AFTER_S]
    if len(rows) < AFTER_S or rows[-1][0] + 1.0 > sim.time:
        return None
    done, failed = sum(r[2] for r in rows), sum(r[3] for r in rows)
    return done / (done + failed) if done + failed else None


def _redundancy(sim: Any) -> AuditLine:
    """A node of each tier failed (web, cache, database) and each time the service kept answering
    (in the AFTER_S seconds after the failure)."""
    tiers = {"web": _failed(sim, _is_web), "cache": _failed(sim, _is_cache), "database": _failed(sim, _is_db)}
    after = {tier: _answered_after(sim, fails[0][0]) for tier, fails in tiers.items() if fails}
    seen = [tier for tier in REDUNDANT_TIERS if after.get(tier) is not None]
    worst = min((after[tier] for tier in seen), default=None)
    values = {"tiers": ", ".join(seen) or "-", "s": AFTER_S,
              "p": f"{100 * worst:.1f}%" if worst is not None else "-"}
    tested = len(seen) == len(REDUNDANT_TIERS)
    return AuditLine("redundancy", tested, tested and worst is not None and worst >= GOOD_ANSWERED,
                     "audit.ev_redundancy", values)


def _hit_line(sim: Any, key: str, holders: list[Any]) -> AuditLine:
    """Tested once the holders have seen MIN_LOOKUPS lookups (a cold start is no verdict); judged
    on the hit ratio over the last 5 s, the metrics panel's span."""
    lookups = sum(getattr(n, "hits", 0) + getattr(n, "misses", 0) for n in holders)
    recent = [r for r in (sim.recent_counts(n.id) for n in holders) if r is not None]
    hits, misses = sum(r[0] for r in recent), sum(r[1] for r in recent)
    if lookups < MIN_LOOKUPS or hits + misses <= 0:
        return AuditLine(key, False, False)
    ratio = hits / (hits + misses)
    return AuditLine(key, True, ratio >= GOOD_HIT_RATIO, f"audit.ev_{key}", {"h": f"{100 * ratio:.0f}%"})


def _cache(sim: Any) -> AuditLine:
    """The caches answer most of the reads that reach them."""
    return _hit_line(sim, "cache", [n for n in sim.nodes if _is_cache(n)])


def _cdn(sim: Any) -> AuditLine:
    """The CDN answered most static files from near the users."""
    return _hit_line(sim, "cdn", [n for n in sim.nodes if registry.has_role(n.kind, registry.EDGE)])


def _sites(sim: Any) -> AuditLine:
    """A whole data centre failed and the DNS stopped naming it (its users move as answers expire)."""
    downs = [ev for ev in sim.events if ev.event == "site_down"]
    if not downs:
        return AuditLine("sites", False, False)
    first = downs[0]
    moved = next((ev for ev in sim.events if ev.event == "dns_failover" and ev.node == first.node
                  and ev.t >= first.t), None)
    values = {"site": first.node, "s": f"{moved.t - first.t:.1f}" if moved else "-"}
    return AuditLine("sites", True, moved is not None, "audit.ev_sites", values)


def _shards(sim: Any) -> AuditLine:
    """The data is split over several shards, and every one of them carries its part."""
    clusters = [c for c in sim.clusters if c.primary is not None]
    if len(clusters) < 2:
        return AuditLine("shards", False, False)
    loads = [sum(m.arrivals for m in [c.primary, *c.replicas]) for c in clusters]
    total = sum(loads)
    if total == 0:
        return AuditLine("shards", False, False)
    shares = "/".join(f"{100 * x / total:.0f}" for x in loads)
    return AuditLine("shards", True, min(loads) > 0, "audit.ev_shards", {"n": len(clusters), "shares": shares})


def _services(sim: Any) -> AuditLine:
    """Background work is its own service: its workers stopped and came back, and no job was lost
    (the queue refused none, jobs were done)."""
    queues = [n for n in sim.nodes if registry.has_role(n.kind, registry.QUEUE)]
    is_worker = {n.id for n in sim.nodes if registry.has_role(n.kind, registry.WORKER)}
    down = next((ev.t for ev in sim.events if ev.event == "fail" and ev.node in is_worker), None)
    back = down is not None and any(ev.event == "recover" and ev.node in is_worker and ev.t >= down
                                    for ev in sim.events)
    if not queues or not back:
        return AuditLine("services", False, False)
    done = sum(q.processed for q in queues)
    refused = sum(sum(q.refused.values()) for q in queues)
    return AuditLine("services", True, done > 0 and refused == 0, "audit.ev_services",
                     {"done": done, "refused": refused})


def _automation(sim: Any) -> AuditLine:
    """A failure was repaired with no one clicking: a replica promoted itself to primary."""
    auto = [a for c in sim.clusters for a in getattr(c, "auto_promotions", ())]
    if not auto:
        return AuditLine("automation", False, False)
    when, new, old, down_at = auto[0]
    return AuditLine("automation", True, True, "audit.ev_automation",
                     {"new": new, "old": old, "s": f"{when - down_at:.1f}"})


_JUDGES: dict[str, Callable[[Any], AuditLine]] = {
    "stateless": _stateless, "redundancy": _redundancy, "cache": _cache, "sites": _sites,
    "cdn": _cdn, "shards": _shards, "services": _services, "automation": _automation,
}
