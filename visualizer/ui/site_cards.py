"""The sessions and sites theory cards: each formula beside what the model measures, rows only
while true (a dead server's share of sessions, a dead site's failover and its users still sent)."""

from __future__ import annotations

from visualizer import theory_sites as ts
from visualizer.i18n import t
from visualizer.sim.snapshot import NodeView, Snapshot

Rows = list[tuple[str, bool]]


def _pct(x: float) -> str:
    return f"{100 * x:.0f}%"


def sessions_lines(scenario, snap: Snapshot, lang: str) -> Rows:
    """Local sessions: N servers, held now, and 1/N lost when one of them is down; shared ones:
    nothing lost, one store round trip per request (link latency x 2 + store service)."""
    rows: Rows = [(t("theory.sessions", lang), True)]
    webs = [n for n in snap.nodes if n.kind == "web_server" and "sessions_kept" in n.extra]
    local = [n for n in webs if n.extra["sessions_kept"] == "local"]
    if not webs:
        return rows + [(t("theory.no_sessions", lang), False)]
    if local:
        held = sum(int(n.extra.get("sessions", "0")) for n in local if n.status == "up")
        rows.append((t("theory.sess_held", lang, n=len(local), held=held), False))
        down = [n.id for n in local if n.status == "down"]
        if down:
            measured = _measured_loss(snap, set(down))
            key = "theory.sess_lost_m" if measured else "theory.sess_lost"
            rows.append((t(key, lang, ids=", ".join(down), n=len(local), p=_pct(ts.lost_share(len(local))),
                           m=measured), False))
    shared = [n for n in webs if n.extra["sessions_kept"] == "shared"]
    if shared:
        rows += _shared(scenario, snap, shared[0], lang)
    return rows


def _measured_loss(snap: Snapshot, down: set[str]) -> str:
    """What the latest crash of a server down now really cost: the sessions it held of all then
    ('' when unknown)."""
    for node_id, _t, lost, live in reversed(snap.session_losses):
        if node_id in down and live:
            return f"{lost}/{live} = {_pct(lost / live)}"
    return ""


def _shared(scenario, snap: Snapshot, web: NodeView, lang: str) -> Rows:
    """No session lost with a web server; the price, one store round trip per request."""
    link = next((l for l in snap.links if l.src == web.id and _kind(snap, l.dst) == "session_store"), None)
    rows: Rows = [(t("theory.sess_shared", lang), False)]
    if link is not None:
        spec = next((n for n in scenario.nodes if n.id == link.dst), None)
        service = getattr(spec, "service_ms", 0.0) or 0.0
        rows.append((t("theory.sess_price", lang, lat=f"{link.latency_ms:g}", s=f"{service:g}",
                       ms=f"{2 * link.latency_ms + service:.1f}"), False))
    return rows


def _kind(snap: Snapshot, node_id: str) -> str:
    return next((n.kind for n in snap.nodes if n.id == node_id), "")


def sites_lines(scenario, snap: Snapshot, lang: str) -> Rows:
    """Failover time (detection + TTL) beside the measured detection; the share still sent to a
    dead site 1 - t/TTL; the headroom (N-1)/N beside the survivors' busy workers; write rate x lag
    beside the lost writes."""
    rows: Rows = [(t("theory.sites", lang), True)]
    dns = next((n for n in scenario.nodes if n.kind == "dns" and getattr(n, "policy", "") == "geo"), None)
    if not snap.sites or dns is None:
        return rows + [(t("theory.no_sites", lang), False)]
    hc, k, ttl = dns.health_check_ms, dns.unhealthy_after, dns.ttl_s
    rows.append((t("theory.failover", lang, hc=f"{hc:g}", k=k, ttl=f"{ttl:g}",
                   s=f"{ts.failover_s(hc, k, ttl):g}"), False))
    down = [s for s in snap.sites if s.status == "down"]
    for site in down:
        rows += _dead_site(snap, site.id, ttl, lang)
    n = len(snap.sites)
    rows.append((t("theory.headroom", lang, n=n, u=_pct(ts.headroom(n))), False))
    if down:
        rows += _survivors(snap, {s.id for s in down}, lang)
    return rows + _at_risk(scenario, snap, lang)


def _dead_site(snap: Snapshot, site: str, ttl: float, lang: str) -> Rows:
    """When the site went down, when the DNS noticed, and the share still sent there now."""
    went = max((e.t for e in snap.events if e.event == "site_down" and e.node == site), default=None)
    if went is None:
        return []
    seen = [e.t for e in snap.events if e.event == "dns_failover" and e.node == site and e.t >= went]
    if not seen:
        return [(t("theory.not_noticed", lang, id=site, s=f"{snap.time - went:.1f}"), False)]
    since = snap.time - seen[0]
    rows = [(t("theory.noticed", lang, id=site, s=f"{seen[0] - went:.1f}"), False)]
    if since < ttl:
        rows.append((t("theory.still_sent", lang, t=f"{since:.1f}", ttl=f"{ttl:g}",
                       p=_pct(ts.still_sent(since, ttl))), False))
        view = next((s for s in snap.sites if s.id == site), None)
        if view is not None and view.told_at_failover:
            rows.append((t("theory.still_told", lang, now=view.still_told, then=view.told_at_failover,
                           p=_pct(view.still_told / view.told_at_failover)), False))
    else:                                   # every answer given before the DNS noticed has expired
        rows.append((t("theory.all_moved", lang, t=f"{since:.1f}", ttl=f"{ttl:g}"), False))
    return rows


def _survivors(snap: Snapshot, dead: set[str], lang: str) -> Rows:
    """The surviving sites' web servers: the share of their workers in use over the last 5 s, by
    Little's law (requests per second × mean time inside ÷ workers), to set beside (N-1)/N."""
    webs = [n for n in snap.nodes if n.kind == "web_server" and n.site and n.site not in dead
            and n.status == "up" and n.recent_rate is not None and n.recent_ms is not None]
    workers = sum(n.workers for n in webs)
    if not workers:
        return []
    in_use = sum(n.recent_rate * n.recent_ms / 1000.0 for n in webs)     # type: ignore[operator]
    return [(t("theory.survivor_busy", lang, u=_pct(in_use / workers)), False)]


def write_share(scenario) -> float:
    """The writes' share of requests, from the scenario's traffic (static files are no writes)."""
    tr = scenario.traffic
    return (1.0 - tr.read_ratio) * (1.0 - tr.static_ratio)


def _at_risk(scenario, snap: Snapshot, lang: str) -> Rows:
    """A replica in another site than its primary: the write rate (the arrival rate times the
    writes' share) x its lag, beside the
    writes lost at a promotion since the start."""
    primary = next((n for n in snap.nodes if n.role == "primary" and n.status == "up"), None)
    far = [n for n in snap.nodes if n.role == "replica" and n.lag_ms is not None
           and primary is not None and n.site != primary.site]
    if primary is None or not far or primary.recent_rate is None:
        return []
    lag = max(n.lag_ms or 0.0 for n in far)
    w = snap.metrics.rate * write_share(scenario)
    return [(t("theory.at_risk", lang, w=f"{w:.0f}", lag=f"{lag:.0f}", n=f"{ts.data_at_risk(w, lag):.1f}"), False),
            (t("theory.lost_writes", lang, n=snap.metrics.lost_writes), False)]
