"""Two designs on the same arrivals: the partner that follows a player in lockstep, and the diff of two reports.

Common random numbers: arrivals have their own random stream (sim/draws.py, `Draws.traffic`), so
two designs with the same [traffic] table and seed see the very same requests (ids, users, kinds,
keys, times) as long as their rates change at the same moments. A partner therefore shares the
seed, requires the same [traffic], and copies every rate change of the side it follows.
No pygame here: the window, the recorder, the lesson checker and the tests use it alike.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from visualizer.errors import UsageError
from visualizer.schema import Scenario
from visualizer.sim.commands import SetRate
from visualizer.sim.model import Simulation
from visualizer.timeline import Logged, Timeline

DB_KINDS = ("db_primary", "db_replica")


def silent_copy(scenario: Scenario) -> Scenario:
    """The scenario without its timeline (a side of a comparison plays no beats of its own)."""
    return scenario.model_copy(update={"timeline": []})


def traffic_problem(a: Scenario, b: Scenario) -> str | None:
    """None when a and b may be compared on the same arrivals, else the one line saying why not."""
    ta, tb = a.traffic.model_dump(), b.traffic.model_dump()
    differ = [k for k in ta if ta[k] != tb[k]]
    if not differ:
        return None
    what = ", ".join(f"{k} {ta[k]:g} vs {tb[k]:g}" for k in differ)
    return (f"--compare {a.meta.name} {b.meta.name}: their [traffic] tables differ ({what}); "
            "the same users need the same [traffic]")


def check_pair(a: Scenario, b: Scenario) -> None:
    """UsageError (one line) unless a and b can run on the same arrivals."""
    problem = traffic_problem(a, b)
    if problem is not None:
        raise UsageError(problem)


@dataclass
class Partner:
    """The other design (side B), kept at the followed side's time on the same arrivals: the same
    seed, and each of the followed side's rate changes applied at the same moment."""

    scenario: Scenario
    seed: int
    rate: float | None = None
    timeline: Timeline = field(init=False)

    def __post_init__(self) -> None:
        quiet = silent_copy(self.scenario)
        self.timeline = Timeline(lambda: Simulation(quiet, seed=self.seed, rate=self.rate))

    @property
    def sim(self) -> Simulation:
        return self.timeline.sim

    def follow(self, log: list[Logged], t: float) -> None:
        """Run to `t`, applying each rate change of the followed side's `log` it lacks, at its time."""
        tl = self.timeline
        have = {(e.t, e.cmd) for e in tl.log if isinstance(e.cmd, SetRate)}
        for e in log:
            if isinstance(e.cmd, SetRate) and tl.sim.time <= e.t <= t and (e.t, e.cmd) not in have:
                tl.advance_to(e.t)
                tl.apply(e.cmd)
        if t > tl.sim.time:
            tl.advance_to(t)

    def seek(self, log: list[Logged], t: float) -> None:
        """Move to `t` (back, or forward within what was reached), then follow to it."""
        tl = self.timeline
        tl.seek(min(t, tl.horizon))
        self.follow(log, t)

    def forget_future(self) -> None:
        """The followed side forked: drop this side's logged future (its rate changes may be gone)."""
        self.timeline.fork()

    def apply(self, cmd: Any) -> None:
        """A command on this side only (a click on its picture); CommandError if it makes no sense."""
        self.timeline.apply(cmd)

    def dispose(self) -> None:
        tl = self.timeline
        tl.sim.dispose()
        tl.checkpoints.clear()
        tl.log.clear()


# ---- headless: two reports and their difference ---------------------------------------------

def run_pair(a: Scenario, b: Scenario, seed: int | None, rate: float | None,
             duration: float | None) -> dict[str, Any]:
    """Both designs without their timelines, on the same arrivals (A's seed), for A's duration."""
    check_pair(a, b)
    seed = int(a.meta.seed if seed is None else seed)
    until = float(duration or a.meta.duration)
    reports = []
    for sc in (a, b):
        sim = Simulation(silent_copy(sc), seed=seed, rate=rate, plans=False)
        sim.run_until(until)
        reports.append(sim.report())
    return {"a": reports[0], "b": reports[1], "diff": diff(reports[0], reports[1])}


def diff(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    """What differs, each as {"a", "b", "b_minus_a"}: availability, p95 latency, errors by reason,
    and the databases' load (arrivals at every database node, and at each)."""
    def pair(x: float, y: float) -> dict[str, float]:
        return {"a": x, "b": y, "b_minus_a": y - x}

    fa, fb = a["requests"]["failed"], b["requests"]["failed"]
    return {
        "availability": pair(a["availability"], b["availability"]),
        "p95_ms": pair(a["latency_ms"]["p95"], b["latency_ms"]["p95"]),
        "errors": {r: pair(fa.get(r, 0), fb.get(r, 0)) for r in sorted(set(fa) | set(fb))},
        "database_arrivals": pair(_db_load(a), _db_load(b)),
        "database_nodes": {n: pair(_db_nodes(a).get(n, 0), _db_nodes(b).get(n, 0))
                           for n in sorted(set(_db_nodes(a)) | set(_db_nodes(b)))},
    }


def _db_nodes(report: dict[str, Any]) -> dict[str, int]:
    return {n: v["arrivals"] for n, v in report["nodes"].items() if v.get("kind") in DB_KINDS}


def _db_load(report: dict[str, Any]) -> int:
    return sum(_db_nodes(report).values())
