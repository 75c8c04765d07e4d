"""Time travel over a deterministic simulation: checkpoints, seek, and fork-on-edit.

The simulation is a pure function of (scenario, seed, commands applied at given times), so the
store keeps the command log and pickled copies of the model; seeking to any time restores the
nearest earlier checkpoint and replays the logged commands up to that time (forward too, when a
checkpoint lies ahead). Applying a new command while in the past drops the logged future first,
as a time-travel store forks.

Checkpoints are spaced by the work the model did (events scheduled), not by simulated seconds,
so a replay between two of them costs about the same at any traffic: dense over the last
`recent_s` simulated seconds, thinned (and compressed) further back, never thinned at pinned
moments (a lesson's beats). Each holds the model without its append-only histories (event log, per-second series):
only what they gained since the previous checkpoint is stored with it, so a checkpoint stays
small however long the session.
"""

from __future__ import annotations

import bisect
import gc
import pickle
import time
import zlib
from dataclasses import dataclass, field
from typing import Any, Callable, Protocol

from visualizer.sim.commands import Command

EVENTS_PER_CHECKPOINT = 15_000    # about 40 ms of replay on this machine
SLICE_S = 0.5                     # the model runs in slices this long; checkpoints fall between
MAX_GAP_S = 60.0                  # ... and at least this often, however quiet the model
RECENT_S = 600.0                  # every checkpoint of the last ten simulated minutes is kept
OLD_GAP = 12                      # further back, one per this many ordinary spacings


class Model(Protocol):
    time: float

    def run_until(self, t: float) -> None: ...
    def apply(self, cmd: Command) -> None: ...
    def work(self) -> int: ...
    def detach_histories(self) -> dict[str, list[Any]]: ...
    def attach_histories(self, histories: dict[str, list[Any]]) -> None: ...


@dataclass(frozen=True)
class Logged:
    """A command that was applied at simulated time `t` (after every event at or before `t`)."""

    t: float
    cmd: Command


@dataclass
class Checkpoint:
    """The model at time `t` with `applied` log entries applied, and its histories' growth since
    the previous checkpoint (`tails`, with `lens` the histories' full lengths here)."""

    t: float
    applied: int
    work: int
    blob: bytes
    tails: dict[str, list[Any]]
    lens: dict[str, int]
    pinned: bool = False
    zipped: bool = False      # older than recent_s: kept compressed (about half the memory)


@dataclass
class Timeline:
    """The current model plus everything needed to move it to any time already reached."""

    make: Callable[[], Model]
    every_events: int = EVENTS_PER_CHECKPOINT
    recent_s: float = RECENT_S
    sim: Model = field(init=False)
    log: list[Logged] = field(default_factory=list)
    applied: int = 0          # how many entries of `log` the current model has had applied
    horizon: float = 0.0      # the furthest time reached in this history
    checkpoints: list[Checkpoint] = field(default_factory=list)
    replay_rate: float = 300_000.0    # events a wall second replays (measured; only for estimates)

    def __post_init__(self) -> None:
        self.sim = self.make()
        self._checkpoint(pinned=True)

    @property
    def time(self) -> float:
        return self.sim.time

    def step(self, dt: float) -> None:
        """Advance `dt` simulated seconds, replaying logged commands met on the way (after a seek)."""
        self.advance_to(self.sim.time + dt)

    def advance_to(self, target: float) -> None:
        """Run forward to `target`, applying each logged command at its own time.

        Time moves only when the target is later than now: commands logged at one instant are
        applied one after the other, with nothing run between them, and events they schedule for
        that instant wait until time moves on, exactly as when they were first applied.
        """
        while self.applied < len(self.log) and self.log[self.applied].t <= target:
            entry = self.log[self.applied]
            if entry.t > self.sim.time:
                self._run(entry.t)
            self.sim.apply(entry.cmd)
            self.applied += 1
        if target > self.sim.time:
            self._run(target)
        self.horizon = max(self.horizon, self.sim.time)

    def apply(self, cmd: Command) -> None:
        """Apply a command now, first discarding any logged future (fork).

        A command the model refuses (CommandError) is not logged and changes nothing.
        """
        self.fork()
        self.sim.apply(cmd)
        self.log.append(Logged(self.sim.time, cmd))
        self.applied += 1

    def fork(self) -> None:
        """Forget everything after the present: logged commands and checkpoints."""
        now = self.sim.time
        del self.log[self.applied:]
        while self.checkpoints[-1].t > now:
            self.checkpoints.pop()
        self.horizon = now

    def rewind_before(self, i: int) -> float:
        """Go back to the moment just before log entry `i` was applied and forget it and every
        later entry (undo); returns that moment. Entries logged earlier at the same instant stay."""
        t = self.log[i].t
        del self.log[i:]
        while len(self.checkpoints) > 1 and (self.checkpoints[-1].t > t or self.checkpoints[-1].applied > i):
            self.checkpoints.pop()
        self._restore(len(self.checkpoints) - 1)
        self.advance_to(t)
        self.horizon = t
        return t

    def seek(self, t: float) -> None:
        """Move to simulated time `t`: restore the nearest checkpoint at or before it (behind or
        ahead of now) when that saves replay, then run forward."""
        t = max(0.0, t)
        i = self._at_or_before(t)
        c = self.checkpoints[i]
        ahead = c.t > self.sim.time and c.work - self.sim.work() > self.every_events // 2
        if t < self.sim.time or ahead:
            self._restore(i)
        self.advance_to(t)

    def restore_point(self, t: float) -> float:
        """Where a seek to `t` would start replaying: a checkpoint at or before it, or now if that
        is nearer."""
        i = self._at_or_before(t)
        c = self.checkpoints[i]
        return self.sim.time if self.sim.time <= t and c.t <= self.sim.time else c.t

    def estimate_seek_s(self, t: float) -> float:
        """About how long seek(t) will take, in wall seconds (to warn before a long rewind)."""
        t = max(0.0, min(t, self.horizon))
        i = self._at_or_before(t)
        c = self.checkpoints[i]
        start_t, start_work = c.t, c.work
        if not (t < self.sim.time or c.t > self.sim.time):
            start_t, start_work = self.sim.time, self.sim.work()
        nxt = self.checkpoints[i + 1] if i + 1 < len(self.checkpoints) else None
        if nxt is not None and nxt.t > start_t:
            per_s = (nxt.work - start_work) / (nxt.t - start_t)
        else:
            per_s = (self.sim.work() - start_work) / max(1e-9, self.sim.time - start_t)
        return max(0.0, t - start_t) * max(0.0, per_s) / self.replay_rate

    def pin(self) -> None:
        """Keep a checkpoint of this moment for good (a lesson's beat), if now is new history."""
        last = self.checkpoints[-1]
        if self.sim.time > last.t or (self.sim.time == last.t and self.applied > last.applied):
            self._checkpoint(pinned=True)
        elif self.sim.time == last.t:
            last.pinned = True

    def held_bytes(self) -> int:
        """Memory the checkpoints hold (their pickles), for benchmarks and the status line."""
        return sum(len(c.blob) for c in self.checkpoints)

    # ---- internals -------------------------------------------------------------------------------

    def _at_or_before(self, t: float) -> int:
        """Index of the latest checkpoint at or before time `t` (the first one if none)."""
        return max(0, bisect.bisect_right([c.t for c in self.checkpoints], t) - 1)

    def _run(self, stop: float) -> None:
        """run_until(stop) in slices, checkpointing new history as work accumulates."""
        work0, wall0 = self.sim.work(), time.perf_counter()
        collecting = gc.isenabled()
        gc.disable()            # the model makes no garbage cycles while it runs: no pauses mid-run
        try:
            while self.sim.time < stop:
                self.sim.run_until(min(stop, self.sim.time + SLICE_S))
                last = self.checkpoints[-1]
                if self.sim.time > last.t and (self.sim.work() - last.work >= self.every_events
                                               or self.sim.time - last.t >= MAX_GAP_S):
                    self._checkpoint()
        finally:
            if collecting:
                gc.enable()
        done, wall = self.sim.work() - work0, time.perf_counter() - wall0
        if done > 5_000 and wall > 0:
            self.replay_rate = 0.8 * self.replay_rate + 0.2 * done / wall

    def _checkpoint(self, pinned: bool = False) -> None:
        sim = self.sim
        histories = sim.detach_histories()
        try:
            blob = pickle.dumps(sim, protocol=pickle.HIGHEST_PROTOCOL)
        finally:
            sim.attach_histories(histories)
        prev = self.checkpoints[-1].lens if self.checkpoints else {}
        tails = {k: v[prev.get(k, 0):] for k, v in histories.items()}
        lens = {k: len(v) for k, v in histories.items()}
        self.checkpoints.append(Checkpoint(sim.time, self.applied, sim.work(), blob, tails, lens, pinned))
        self._thin()

    def _restore(self, i: int) -> None:
        c = self.checkpoints[i]
        collecting = gc.isenabled()
        gc.disable()            # unpickling makes many objects: no collection half way through
        try:
            sim = pickle.loads(zlib.decompress(c.blob) if c.zipped else c.blob)
        finally:
            if collecting:
                gc.enable()
        histories: dict[str, list[Any]] = {k: [] for k in c.tails}
        for earlier in self.checkpoints[: i + 1]:
            for k, tail in earlier.tails.items():
                histories.setdefault(k, []).extend(tail)
        sim.attach_histories(histories)
        old, self.sim = self.sim, sim
        self.applied = c.applied
        dispose = getattr(old, "dispose", None)
        if dispose is not None and old is not sim:
            dispose()           # freed at once, not by a collector pause a few frames later

    def _thin(self) -> None:
        """Older than recent_s before the newest: keep one per OLD_GAP spacings (and the pinned)."""
        cps = self.checkpoints
        cutoff = cps[-1].t - self.recent_s * 1.05     # a margin: the recent span keeps its first one
        gap = self.every_events * OLD_GAP
        k = 1
        kept_work = cps[0].work
        while k < len(cps) - 1 and cps[k].t < cutoff:
            c = cps[k]
            if c.pinned or c.work - kept_work >= gap:
                kept_work = c.work
                if not c.zipped:
                    c.blob, c.zipped = zlib.compress(c.blob, 1), True
                k += 1
                continue
            nxt = cps[k + 1]                # its histories' growth moves to the next one
            for key, tail in c.tails.items():
                nxt.tails[key] = tail + nxt.tails.get(key, [])
            del cps[k]
