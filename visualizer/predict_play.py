"""Predict, then observe, while a lesson plays: the student's pick, whether the answer shows yet, the measured figure."""

from __future__ import annotations

from visualizer.claims import Moment, measure
from visualizer.lesson import LessonPlayer
from visualizer.schema import Expect


def measured(player: LessonPlayer, e: Expect | None) -> str:
    """The `show` figure now, as the card writes it (3 significant digits), or '-'."""
    if e is None:
        return "-"
    value = measure(e, Moment(player, {}, player.sim.time))
    if value != value:                      # NaN: nothing to measure (yet)
        return "-"
    if e.check in ("hit_ratio", "utilization") or (e.check == "rate" and e.of == "error_rate"):
        return f"{100 * value:.0f}%"
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.3g}"


def revealed(player: LessonPlayer) -> bool:
    """Whether the current beat's answer shows now: its question was answered (or skipped by
    Next) and `reveal_s` of the model's time has run since."""
    beat = player.beat
    if beat is None or beat.predict is None or player.done_at is None:
        return False
    return player.sim.time >= player.done_at + beat.predict.reveal_s - 1e-9


def pick_of(player: LessonPlayer) -> int | None:
    """The choice the student picked on the current beat (1-based), if any."""
    return player.picks.get(player.index)
