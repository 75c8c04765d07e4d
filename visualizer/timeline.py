"""Time travel over a deterministic simulation: checkpoints, seek, and fork-on-edit.

The simulation is a pure function of (scenario, seed, commands applied at given times), so the
store keeps the command log and a few pickled copies of the model (pickle is a few times faster
than copy.deepcopy here and the bytes are compact); seeking to any past time restores
the nearest earlier checkpoint and replays the logged commands up to that time. Applying a new
command while in the past drops the logged future first, as a time-travel store forks.
"""

from __future__ import annotations

import bisect
import pickle
from dataclasses import dataclass, field
from typing import Callable, Protocol

from visualizer.sim.commands import Command


class Model(Protocol):
    time: float

    def run_until(self, t: float) -> None: ...
    def apply(self, cmd: Command) -> None: ...


@dataclass(frozen=True)
class Logged:
    """A command that was applied at simulated time `t` (after every event at or before `t`)."""

    t: float
    cmd: Command


@dataclass
class Timeline:
    """The current model plus everything needed to move it to any time already reached."""

    make: Callable[[], Model]
    checkpoint_every: float = 2.0
    max_checkpoints: int = 64
    sim: Model = field(init=False)
    log: list[Logged] = field(default_factory=list)
    applied: int = 0          # how many entries of `log` the current model has had applied
    horizon: float = 0.0      # the furthest time reached in this history
    _checkpoints: list[tuple[float, int, bytes]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.sim = self.make()
        self._checkpoints = [(self.sim.time, 0, _freeze(self.sim))]

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
                self._run_with_checkpoints(entry.t)
            self.sim.apply(entry.cmd)
            self.applied += 1
        if target > self.sim.time:
            self._run_with_checkpoints(target)
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
        self._checkpoints = [c for c in self._checkpoints if c[0] <= now]
        self.horizon = now

    def seek(self, t: float) -> None:
        """Move to simulated time `t`: back by checkpoint + replay, forward by running."""
        t = max(0.0, t)
        if t < self.sim.time:
            times = [c[0] for c in self._checkpoints]
            i = max(0, bisect.bisect_right(times, t) - 1)
            _, self.applied, saved = self._checkpoints[i]
            self.sim = pickle.loads(saved)
        self.advance_to(t)

    def _run_with_checkpoints(self, stop: float) -> None:
        """run_until(stop), saving a checkpoint each `checkpoint_every` seconds of new history."""
        while True:
            due = self._checkpoints[-1][0] + self.checkpoint_every
            if due > stop or due <= self.sim.time:
                self.sim.run_until(max(stop, self.sim.time))
                return
            self.sim.run_until(due)
            self._checkpoints.append((self.sim.time, self.applied, _freeze(self.sim)))
            if len(self._checkpoints) > self.max_checkpoints:
                del self._checkpoints[1::2]  # thin out evenly, always keeping the start


def _freeze(sim: Model) -> bytes:
    return pickle.dumps(sim, protocol=pickle.HIGHEST_PROTOCOL)
