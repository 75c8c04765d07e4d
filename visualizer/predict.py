"""Predict, then observe: checking a beat's question, and the measured number its answer shows.

A beat with `predict` asks a question with choices before its action happens (schema.Predict).
The lesson player waits for the student's pick (or the presenter's Next), then runs the beat; the
card reveals the right choice `reveal_s` later with the reason and, if the beat says what to
measure (`show`), the number measured at that moment written into the reason as {measured}.
No pygame here: the card (ui/predict_card.py) and the checker share it.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Callable

from visualizer.errors import ScenarioError
from visualizer.schema import Expect, Predict

if TYPE_CHECKING:
    from visualizer.lesson import LessonPlayer

# what `show` may measure: figures of the moment (no "since the beat began", which a reveal has no
# start for), each in the unit its claim has
NOW_COUNTS = ("lost_writes", "stale_reads", "queue", "in_flight", "sessions", "fraction_moved", "depth",
              "oldest_s")
SHOWABLE = ("rate", "hit_ratio", "utilization", "count")


def check_predict(path: str | Path, key: str, p: Predict, check_ref: Callable[[str, str], None]) -> None:
    """One clear line for a question that cannot work: an answer beyond the choices, a `show`
    that measures no figure of the moment, a node that does not exist."""
    if p.answer > len(p.choices):
        raise ScenarioError(path, f"{key}.answer", f"is {p.answer}, but there are only {len(p.choices)} choices")
    e = p.show
    if e is None:
        return
    where = f"{key}.show"
    if e.check not in SHOWABLE:
        raise ScenarioError(path, f"{where}.check", f"a shown figure is one of {', '.join(SHOWABLE)}, "
                            f"not '{e.check}'")
    if e.check == "rate" and e.span_s is None:
        raise ScenarioError(path, f"{where}.span_s", "a shown rate needs span_s (the seconds it covers)")
    if e.check == "count" and e.of not in NOW_COUNTS:
        raise ScenarioError(path, f"{where}.of", f"a shown count is one of {', '.join(NOW_COUNTS)}, "
                            f"not '{e.of}'")
    if e.check == "utilization" and e.node is None:
        raise ScenarioError(path, f"{where}.node", "a shown utilization needs a node")
    if e.node is not None:
        check_ref(f"{where}.node", e.node)


def measured(player: "LessonPlayer", e: Expect | None) -> str:
    """The `show` figure now, as the card writes it (3 significant digits), or '-'."""
    if e is None:
        return "-"
    from visualizer.claims import Moment, measure

    value = measure(e, Moment(player, {}, player.sim.time))
    if value != value:                      # NaN: nothing to measure (yet)
        return "-"
    if e.check in ("hit_ratio", "utilization") or (e.check == "rate" and e.of == "error_rate"):
        return f"{100 * value:.0f}%"
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.3g}"


def revealed(player: "LessonPlayer") -> bool:
    """Whether the current beat's answer shows now: its question was answered (or skipped by
    Next) and `reveal_s` of the model's time has run since."""
    beat = player.beat
    if beat is None or beat.predict is None or player.done_at is None:
        return False
    return player.sim.time >= player.done_at + beat.predict.reveal_s - 1e-9


def pick_of(player: "LessonPlayer") -> int | None:
    """The choice the student picked on the current beat (1-based), if any."""
    return player.picks.get(player.index)
