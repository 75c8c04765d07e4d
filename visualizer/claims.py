"""Lesson claims as data: check each beat's `expect` entries on the model while the lesson plays.

A caption says what the screen shows ("web1 is out of the set, the errors stop"); its beat states
that as expectations, checked when the caption shows and/or when the beat ends. `check_lesson`
plays a lesson as the recorder does (automatically) or as a presenter does (Next only) and returns
every claim with what was measured, so a test, or `main.py --check-lesson`, can hold it to them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from visualizer import audit, claims_queue, claims_shards, theory_cache
from visualizer.lesson import LessonPlayer
from visualizer.schema import Expect, Scenario
from visualizer.sim.caching_view import caching


@dataclass(frozen=True)
class Claim:
    """One expectation of one beat, checked: whether it held and what was measured."""

    beat: int
    when: str
    expect: Expect
    ok: bool
    measured: str

    def line(self) -> str:
        e = self.expect
        what = " ".join(str(x) for x in ("[b]" if e.side == "b" else "", e.check, e.node or "", e.of or "", e.event or "",
                                         f"is {e.is_}" if e.is_ else "",
                                         f">= {e.min:g}" if e.min is not None else "",
                                         f"<= {e.max:g}" if e.max is not None else "") if x)
        return f"beat {self.beat + 1} {self.when:5s} {'ok  ' if self.ok else 'FAIL'} {what} (measured {self.measured})"


@dataclass
class Moment:
    """What the checks read: the model's report and snapshot now, and the report at the beat's start."""

    player: LessonPlayer
    start: dict[str, Any]
    start_t: float
    report: dict[str, Any] = field(init=False)

    def __post_init__(self) -> None:
        self.report = self.player.sim.report()


def check(e: Expect, m: Moment) -> tuple[bool, str]:
    """(held, measured) for one expectation at this moment."""
    value = _measure(e, m)
    if e.check in ("status", "role", "tier", "address", "lb_view"):
        return value == e.is_, str(value)
    if e.check in ("event", "no_event"):
        return bool(value) == (e.check == "event"), f"{value} time(s)"
    ok = value == value and (e.min is None or value >= e.min) and (e.max is None or value <= e.max)
    return ok, f"{value:.4g}"


def measure(e: Expect, m: Moment) -> Any:
    """What a claim of this kind measures at this moment (a number, or a status for the others)."""
    return _measure(e, m)


def _measure(e: Expect, m: Moment) -> Any:
    snap = m.player.sim.snapshot()
    node = next((n for n in snap.nodes if n.id == e.node), None)
    if e.check == "status":
        return node.status if node else "missing"
    if e.check == "role":
        return node.role if node else "missing"
    if e.check == "tier":
        return node.tier if node else "missing"
    if e.check == "address":
        return ("public" if node.public else "private") if node else "missing"
    if e.check == "lb_view":
        return {True: "up", False: "down", None: "none"}[node.detected_up] if node else "missing"
    if e.check in ("event", "no_event"):
        return sum(1 for ev in m.player.sim.events if ev.t >= m.start_t and ev.event == e.event
                   and (e.node is None or ev.node == e.node))
    if e.check == "rate":
        return _rate(e, m)
    if e.check == "share":
        return _share(e, m)
    if e.check == "theory" and e.of in ("keys_moved", "hot_shard"):
        sim = m.player.sim
        return claims_shards.keys_moved_gap(sim) if e.of == "keys_moved" else \
            claims_shards.hot_shard_gap(sim, m.start, m.report)
    if e.check == "theory":
        return {"mmc": _mmc_gap, "che": _che_gap, "db_reads": _db_reads_gap,
                "cdn_latency": _cdn_latency_gap, "origin_load": _origin_load_gap,
                "backlog": claims_queue.backlog_gap, "drain": claims_queue.drain_gap,
                "jobs": claims_queue.jobs_gap}[e.of or "mmc"](e, m)
    if e.check == "hit_ratio":
        return _hit_ratio(e, m)
    if e.check == "audit":
        return _audit(e, m)
    if e.check == "utilization":
        return m.player.sim.by_id[e.node].utilization(m.player.sim.time) if e.node else float("nan")
    return _count(e, m, node)


def _mmc_gap(e: Expect, m: Moment) -> float:
    """|measured - predicted| / predicted for the mean time in a server over the last 5 s, the
    prediction M/M/c at the arrival rate measured there over the same 5 s (the utilization card)."""
    from visualizer import theory

    sim = m.player.sim
    recent = sim.recent(e.node or "")
    node = sim.by_id.get(e.node or "")
    if recent is None or recent[1] is None or node is None:
        return float("nan")
    predicted = theory.mmc_mean_time_ms(recent[0], node.workers, node.service_s * 1000.0 / node.speed)
    return abs(recent[1] - predicted) / predicted if predicted < float("inf") else float("nan")


def _audit(e: Expect, m: Moment) -> float:
    """Lines of the closing list the run has ticked (the audit card's count), or 1 / 0 for the one
    line `of` names."""
    lines = audit.audit(m.player.sim)
    return float(sum(1 for line in lines if line.ticked and (e.of is None or line.key == e.of)))


def _gap(measured: float | None, predicted: float | None) -> float:
    """|measured - predicted| / predicted, NaN when either is unknown or nothing is predicted."""
    if measured is None or predicted is None or not predicted > 0:
        return float("nan")
    return abs(measured - predicted) / predicted


def _hit_ratio(e: Expect, m: Moment) -> float:
    """The hit ratio over the last 5 s of the named cache or CDN edge, else of all of them (the
    metrics panel's hit-ratio figure)."""
    c = caching(m.player.sim)
    if c is None:
        return float("nan")
    stores = [s for s in c.stores if e.node is None or s.id == e.node]
    h = theory_cache.measured_hit_ratio(stores)
    return float("nan") if h is None else h


def _che_gap(e: Expect, m: Moment) -> float:
    """The cache card's first comparison: the caches' hit ratio over the last 5 s against Che's
    estimate for the caches serving now."""
    c = caching(m.player.sim)
    if c is None:
        return float("nan")
    return _gap(theory_cache.measured_hit_ratio(theory_cache.caches(c, serving=True)), theory_cache.che_for(c))


def _db_reads_gap(e: Expect, m: Moment) -> float:
    """The cache card's second: the databases' reads per second over the last 5 s against
    (1 - h)·λ, h and λ (the reads sent) measured over the same 5 s."""
    c = caching(m.player.sim)
    if c is None:
        return float("nan")
    return _gap(c.db_reads, theory_cache.predicted_db_reads(c))


def _cdn_latency_gap(e: Expect, m: Moment) -> float:
    """The CDN card's comparison: static requests' mean latency over the last 5 s against the
    expected h·edge + (1 - h)·origin (or, with the edge down, fallback + the direct round trip)."""
    c = caching(m.player.sim)
    if c is None:
        return float("nan")
    return _gap(*theory_cache.static_latency_gap(c))


def _origin_load_gap(e: Expect, m: Moment) -> float:
    """The origin's arrivals per second over the last 5 s against (1 - h)·λ_static."""
    c = caching(m.player.sim)
    edges = theory_cache.edges(c) if c is not None else []
    if c is None or len(edges) != 1:
        return float("nan")
    return _gap(edges[0].origin_rate, theory_cache.predicted_origin_load(c))


def _rows(e: Expect, m: Moment) -> list[dict[str, Any]]:
    """Closed per-second rows over the span: the last span_s seconds, else since the beat began."""
    now = m.player.sim.time
    lo = now - e.span_s if e.span_s is not None else m.start_t
    return [r for r in m.report["series"] if r["t"] >= lo - 1e-9 and r["t"] + 1 <= now + 1e-9]


def _rate(e: Expect, m: Moment) -> float:
    rows = _rows(e, m)
    if not rows:
        return float("nan")
    if e.of == "error_rate":
        done = sum(r["completed"] + r["failed"] for r in rows)
        return sum(r["failed"] for r in rows) / done if done else 0.0
    if e.of == "p95_ms":
        vals = [r["p95_ms"] for r in rows if r["p95_ms"] is not None]
        return max(vals) if vals else float("nan")
    return sum(r[e.of] for r in rows) / len(rows)


def _share(e: Expect, m: Moment) -> float:
    """Share of the arrivals at `among` since the beat began that went to `node`."""
    def arrivals(rep: dict[str, Any], n: str) -> int:
        return rep["nodes"].get(n, {}).get("arrivals", 0)
    got = {n: arrivals(m.report, n) - arrivals(m.start, n) for n in e.among}
    total = sum(got.values())
    return got.get(e.node, 0) / total if total else float("nan")


def _count(e: Expect, m: Moment, node: Any) -> float:
    rep = m.report
    if e.of in claims_queue.JOB_COUNTS:
        return claims_queue.count(e, m)
    if e.of == "queue":
        return float(node.queue) if node else float("nan")
    if e.of == "arrivals":
        return float(rep["nodes"][e.node]["arrivals"] - m.start["nodes"].get(e.node, {}).get("arrivals", 0))
    if e.of == "in_flight":
        return float(rep["requests"]["in_flight"])
    if e.of in ("sessions_lost", "logins"):     # since the beat began
        key = "lost" if e.of == "sessions_lost" else "logins"
        return float(rep.get("sessions", {}).get(key, 0) - m.start.get("sessions", {}).get(key, 0))
    if e.of == "sessions":                      # held now: by `node`, else by every holder
        held = m.player.sim.sessions_by_server()
        return float(held.get(e.node, 0) if e.node else sum(held.values()))
    if e.of == "fraction_moved":                # at the last add_shard
        return claims_shards.fraction_moved(m.player.sim)
    if e.of == "hot_shard_share":               # since the beat began
        return claims_shards.hot_shard_share(m.player.sim, m.start, rep)
    return float(rep[e.of])                 # lost_writes, stale_reads: since the run began


def check_lesson(sc: Scenario, mode: str = "auto", seed: int | None = None) -> list[Claim]:
    """Play the lesson to its end, auto (tasks done on time) or as a presenter pressing Next only,
    checking every beat's expectations when its caption shows and just before the next beat."""
    player = LessonPlayer(sc, seed=seed, auto=(mode == "auto"))
    claims: list[Claim] = []
    n = len(player.beats)
    before_t, before, before_b = player.sim.time, player.sim.report(), _report_b(player)
    for k in range(n):
        if mode == "present" and player.waiting:
            player.next()                    # the presenter's first press does the student's task
        start_t, start = before_t, before    # "since the beat began": from just before its action
        start_b = before_b or _report_b(player)   # side b from the moment its comparison began
        claims += _checks(player, k, "shown", start, start_t, start_b)
        due = _due(player)
        player.step(max(0.0, due - END_EARLY_S - player.sim.time))
        claims += _checks(player, k, "end", start, start_t, start_b)
        before_t, before, before_b = player.sim.time, player.sim.report(), _report_b(player)
        if k + 1 < n:
            if mode == "present":
                player.next()
            else:
                player.step(max(0.0, due - player.sim.time))
    return claims


@dataclass(frozen=True)
class _SideB:
    """What a claim on side b reads: the compared design's model (Moment reads `.sim`)."""

    sim: Any


def _report_b(player: LessonPlayer) -> dict[str, Any] | None:
    return player.other.sim.report() if player.other is not None else None


END_EARLY_S = 1e-6       # "end" checks look just before the next beat's action happens


def _due(player: LessonPlayer) -> float:
    """When the beat after the current one is due (the lesson's end after the last)."""
    k = player.index
    nxt = player.beats[k + 1].at if k + 1 < len(player.beats) else player.scenario.meta.duration
    return player.done_at + nxt - player.beats[k].at


def _checks(player: LessonPlayer, k: int, when: str, start: dict[str, Any], start_t: float,
            start_b: dict[str, Any] | None = None) -> list[Claim]:
    todo = [e for e in player.beats[k].expect if e.when == when]
    if not todo:
        return []
    moment = Moment(player, start, start_t)
    side_b = None
    if player.other is not None and start_b is not None:
        side_b = Moment(_SideB(player.other.sim), start_b, start_t)  # type: ignore[arg-type]
    out = []
    for e in todo:
        m = moment if e.side == "a" else side_b
        out.append(Claim(k, when, e, *(check(e, m) if m is not None else (False, "no comparison on"))))
    return out
