"""What the window drives (the Player: always the time-travel player) and how a recorder paces a frame."""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any, Callable, Protocol

from visualizer.sim.snapshot import Snapshot

LEAST_EVENT_S = 3e-6       # the cheapest an event has been measured on this machine (planning floor)
EVENTS_PER_REQUEST = 3     # events a request costs at the least (birth, a server, the answer)
DEAR_FRAMES = 20           # the governor plans for the dearest event cost of this many recent frames


class Player(Protocol):
    """The window's model, always the time-travel player: visualizer.lesson.LessonPlayer over a
    visualizer.timeline.Timeline. A scenario without beats is a sandbox, one with beats a lesson;
    the App drives both the same way and never asks which it holds."""

    @property
    def time(self) -> float: ...

    def step(self, dt: float) -> None: ...
    def apply(self, cmd: Any) -> None: ...
    def seek(self, t: float) -> None: ...
    def work(self) -> int: ...
    def estimate_seek_s(self, t: float) -> float: ...
    def restore_point(self, t: float) -> float: ...
    def snapshot(self) -> Snapshot: ...
    def request_info(self, req_id: int) -> dict | None: ...
    def actions_for(self, node_id: str) -> list: ...


@dataclass
class Governor:
    """Keeps the window at 60 frames a second at any asked speed: the model gets at most
    `budget_s` of wall time a frame, less when drawing a busy picture leaves less of the frame;
    when it cannot do the asked speed in that, it runs what it can and the window says so
    ("×100 → ×40") instead of stalling frames."""

    budget_s: float = 0.009
    frame_s: float = 0.013             # the whole frame's aim: a 60 Hz frame less room for the flip
                                       # and for the spread of frame times (p95 ~3 ms above p50)
    least_s: float = 0.003             # the model's share however heavy the picture
    rest_s: float = 0.0                # wall seconds the rest of a frame (snapshot, drawing) takes, smoothed
    per_event: float = 0.0             # wall seconds an event costs, smoothed
    dear: deque = field(default_factory=lambda: deque(maxlen=DEAR_FRAMES))   # recent frames' costs
    events_per_s: float = 0.0          # events a simulated second holds now, smoothed
    shown: float | None = None         # the running speed on screen, smoothed; None: as asked

    def allow(self, sim_dt: float) -> float:
        """The simulated time this frame may advance, at most `sim_dt`."""
        # wall seconds per simulated second, planned for the dearest of the last frames (one that
        # also took a checkpoint), so a frame's step rarely outruns the budget
        cost = max(self.per_event, max(self.dear, default=0.0)) * self.events_per_s
        budget = min(self.budget_s, max(self.least_s, self.frame_s - self.rest_s))
        return sim_dt if cost <= 0 else min(sim_dt, budget / cost)

    def cost_per_sim_s(self, rate: float) -> float:
        """Wall seconds a simulated second costs, planned high: the dearest recent frame's cost
        per event (at least LEAST_EVENT_S), and at least EVENTS_PER_REQUEST events per request at
        `rate` (the rate may have just been raised, or nothing been measured yet)."""
        per_event = max(self.per_event, max(self.dear, default=0.0), LEAST_EVENT_S)
        return per_event * max(self.events_per_s, EVENTS_PER_REQUEST * rate)

    def drawn(self, wall_s: float) -> None:
        """The rest of a frame (snapshot and drawing) took `wall_s`: the model gets what is left."""
        self.rest_s = _smooth(self.rest_s, wall_s)

    def measured(self, sim_dt: float, wall_s: float, events: int) -> None:
        """A frame's step: `events` events in `wall_s` for `sim_dt` simulated seconds. Cost is
        counted per event, so a frame that ran little does not inflate it."""
        if events >= 50:
            self.per_event = _smooth(self.per_event, wall_s / events)
            self.dear.append(wall_s / events)
        if sim_dt > 1e-6 and events:
            self.events_per_s = _smooth(self.events_per_s, events / sim_dt)

    def running(self, asked_speed: float, real_speed: float) -> float | None:
        """The speed to show beside the asked one, or None while the model keeps up."""
        if real_speed >= asked_speed * 0.95:
            self.shown = None
        else:
            self.shown = real_speed if self.shown is None else 0.9 * self.shown + 0.1 * real_speed
        return None if self.shown is None else float(f"{self.shown:.2g}")


def _smooth(old: float, sample: float) -> float:
    return sample if old <= 0 else 0.8 * old + 0.2 * sample


@dataclass
class Rewind:
    """A long seek spread over frames so none stalls: first the checkpoint it starts from, then
    forward a slice a frame (`step` simulated seconds), the picture saying "Rewinding…"."""

    start: float
    target: float
    step: float
    begun: bool = False

    def advance(self, player: "Player") -> bool:
        """One frame's slice; True once the target is reached."""
        if not self.begun:
            self.begun = True
            player.seek(self.start)
        else:
            player.seek(min(self.target, player.time + self.step))
        return player.time >= self.target - 1e-12

    def finish(self, player: "Player") -> None:
        player.seek(self.target)


@dataclass
class Forward:
    """A long run forward (Next to a beat seconds away at a high rate) spread over frames: the
    model runs `step` simulated seconds a frame until `target`, then `then()` (entering the beat).
    Each slice's wall time resizes the next, so a wrong first guess is corrected at once."""

    target: float
    step: float
    then: Callable[[], None]
    budget_s: float = 0.04       # wall seconds a slice aims at

    def advance(self, player: "Player") -> bool:
        """One frame's slice; the last one is `then` (Next itself runs the rest and enters)."""
        if self.target - player.time > self.step:
            started = time.perf_counter()
            player.step(self.step)
            took = time.perf_counter() - started
            if took > 0:
                self.step = max(1e-3, self.step * min(2.0, max(0.25, self.budget_s / took)))
            return False
        self.then()
        return True

    def finish(self, player: "Player") -> None:
        while not self.advance(player):
            pass


@dataclass(frozen=True)
class Pace:
    """A recorder's pace for one frame: it moved the model itself; the top bar shows `speed`/`paused`."""

    speed: float
    paused: bool = False
