"""Cross-checks of a lesson's comparison beats: the named design exists and shares this one's [traffic]."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from visualizer.errors import ScenarioError
from visualizer.schema import Scenario

_OPENING: set[str] = set()       # names being checked now, so two files naming each other end


def check_compare_beats(sc: Scenario, path: str | Path, load: Callable[[str], Scenario]) -> None:
    """Raise ScenarioError (one line) at the first beat whose `compare` cannot be shown (`load`
    opens the named design), or at a claim on side b before any comparison is on."""
    from visualizer.compare import traffic_problem

    on = False
    for i, beat in enumerate(sc.timeline):
        key = f"timeline[{i}]"
        if beat.compare is not None:
            on = True
            if beat.compare == sc.meta.name or beat.compare in _OPENING:
                raise ScenarioError(path, f"{key}.compare", f"'{beat.compare}' would compare a design with itself "
                                    "or name this file back; name another bundled design")
            _OPENING.add(sc.meta.name)
            try:
                other = load(beat.compare)
            except ScenarioError as err:
                raise ScenarioError(path, f"{key}.compare", f"cannot open '{beat.compare}': {err}") from None
            finally:
                _OPENING.discard(sc.meta.name)
            problem = traffic_problem(sc, other)
            if problem is not None:
                raise ScenarioError(path, f"{key}.compare", problem.split(": ", 1)[1])
        for j, e in enumerate(beat.expect):
            if e.side == "b" and not on:
                raise ScenarioError(path, f"{key}.expect[{j}].side", "'b' needs a comparison: no beat "
                                    "up to this one has `compare`")
