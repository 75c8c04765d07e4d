"""Predict, then observe: checking a beat's question (what may be asked, and what `show` may measure).

A beat with `predict` asks a question with choices before its action happens (schema.Predict).
The lesson player waits for the student's pick (or the presenter's Next), then runs the beat; the
card reveals the right choice `reveal_s` later with the reason and, if the beat says what to
measure (`show`), the number measured at that moment written into the reason as {measured}.
This module is what the scenario checker needs; predict_play.py is what a lesson playing needs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from visualizer.errors import ScenarioError
from visualizer.schema import Predict

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
