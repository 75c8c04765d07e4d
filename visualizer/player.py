"""What the window drives (the Player: always the time-travel player) and how a recorder paces a frame."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from visualizer.sim.snapshot import Snapshot


class Player(Protocol):
    """The window's model, always the time-travel player: visualizer.lesson.LessonPlayer over a
    visualizer.timeline.Timeline. A scenario without beats is a sandbox, one with beats a lesson;
    the App drives both the same way and never asks which it holds."""

    @property
    def time(self) -> float: ...

    def step(self, dt: float) -> None: ...
    def apply(self, cmd: Any) -> None: ...
    def seek(self, t: float) -> None: ...
    def snapshot(self) -> Snapshot: ...
    def request_info(self, req_id: int) -> dict | None: ...
    def actions_for(self, node_id: str) -> list: ...


@dataclass(frozen=True)
class Pace:
    """A recorder's pace for one frame: it moved the model itself; the top bar shows `speed`/`paused`."""

    speed: float
    paused: bool = False
