"""Every on-screen string key exists in Korean and English, including keys built from parts."""

import re
from pathlib import Path

import pytest
from conftest import ROOT_DIR, combined, run

from visualizer.i18n import all_strings, lookup
from visualizer.sim import commands as C
from visualizer.sim import registry
from visualizer.sim.components.balancer import ALGORITHMS
from visualizer.sim.components.database import FORMER_PRIMARY, PRIMARY, REPLICA
from visualizer.sim.model import Simulation
from visualizer.sim.nodes import BOOTING, CATCHING_UP, DOWN, REMOVED, UP

REASONS = ("timeout", "queue_full", "node_down", "no_backend", "dns", "no_primary", "no_session_store")
ROLES = (PRIMARY, REPLICA, FORMER_PRIMARY)


def test_every_string_has_both_languages():
    for key, entry in all_strings().items():
        assert set(entry) == {"en", "ko"}, key
        assert entry["en"].strip() and entry["ko"].strip(), key


def literal_keys() -> set[str]:
    """Keys passed as a literal to t(...) anywhere in the package."""
    keys = set()
    for path in Path(ROOT_DIR, "visualizer").rglob("*.py"):
        keys |= set(re.findall(r"""\bt\(\s*["']([a-z_]+\.[a-z_.0-9]+)["']""", path.read_text()))
    return keys


def built_keys() -> set[str]:
    """Keys the code builds from parts: one per value each part can take."""
    keys = {f"status.{s}" for s in (UP, DOWN, BOOTING, CATCHING_UP, REMOVED)}
    keys |= {f"cmd.{cls.__name__}" for cls in C.COMMANDS}
    keys |= {f"tag.{r}" for r in ROLES} | {f"role.{r}" for r in ROLES}
    keys |= {f"reason.{r}" for r in REASONS}
    keys |= {f"algo.{a}" for a in ALGORITHMS}
    for spec in registry.kinds():
        keys |= {f"kind.{spec.kind}", f"about.{spec.kind}"}
    return keys


def test_literal_keys_exist():
    keys = literal_keys()
    assert len(keys) > 30            # the scan finds the calls (a scan that finds none proves nothing)
    missing = sorted(k for k in keys if lookup(k) is None)
    assert not missing, missing


def test_keys_built_from_parts_exist():
    missing = sorted(k for k in built_keys() if lookup(k) is None)
    assert not missing, missing


def test_every_fact_a_snapshot_shows_has_a_label():
    sim = run(Simulation(combined(rate=300.0)), 3.0)
    sim.apply(C.Fail("db"))
    run(sim, 8.0)
    facts = {k for n in sim.snapshot().nodes for k in n.extra}
    assert {"role", "algorithm", "points_to", "rate"} <= facts
    missing = sorted(k for k in facts if lookup(f"extra.{k}") is None)
    assert not missing, missing


@pytest.mark.parametrize("reason", REASONS)
def test_failure_reasons_read_in_both_languages(reason):
    entry = lookup(f"reason.{reason}")
    assert entry is not None and entry["en"] != entry["ko"]
