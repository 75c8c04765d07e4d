"""The capstone's audit of the chapter's closing list: a line is ticked only after the run tested it and passed."""

from __future__ import annotations

import pytest

from visualizer import audit
from visualizer.errors import ScenarioError
from visualizer.scenario import load, validate
from visualizer.sim.commands import Fail, Promote, Recover, ShareSessions
from visualizer.sim.model import Simulation
from visualizer.ui.audit_card import audit_lines


def bare(name: str):
    """A bundled scenario without its timeline: only what a test does happens."""
    return load(name).model_copy(update={"timeline": []})


def line(sim: Simulation, key: str) -> audit.AuditLine:
    return next(entry for entry in audit.audit(sim) if entry.key == key)


def run(sim: Simulation, until: float) -> Simulation:
    sim.run_until(until)
    sim.check_conservation()
    return sim


def test_a_web_failure_with_sessions_in_memory_fails_the_stateless_line_and_a_shared_store_passes_it() -> None:
    sim = run(Simulation(bare("stateless"), plans=False), 20.0)
    assert not line(sim, "stateless").tested
    sim.apply(Fail("web2"))
    failed = line(run(sim, 21.0), "stateless")
    assert failed.tested and not failed.passed and failed.values["lost"] > 0
    sim.apply(Recover("web2"))
    sim.apply(ShareSessions())
    run(sim, 40.0)
    sim.apply(Fail("web1"))
    passed = line(run(sim, 45.0), "stateless")
    assert passed.ticked and passed.values == {"node": "web1", "lost": 0}


def test_automation_is_ticked_by_a_failover_nobody_clicked_not_by_a_manual_promotion() -> None:
    manual = run(Simulation(bare("replication"), plans=False), 5.0)
    manual.apply(Fail(manual.clusters[0].primary.id))
    manual.apply(Promote(manual.clusters[0].replicas[0].id))      # before failover_ms = 2000 is over
    assert not line(run(manual, 8.0), "automation").tested
    auto = run(Simulation(bare("replication"), plans=False), 5.0)
    primary = auto.clusters[0].primary.id
    auto.apply(Fail(primary))
    assert not line(run(auto, 6.0), "automation").tested          # failover_ms = 2000 not yet over
    done = line(run(auto, 8.0), "automation")
    assert done.ticked and done.values["old"] == primary and done.values["s"] == "2.0"


def test_redundancy_needs_a_failure_in_every_tier_and_answers_in_the_seconds_after_each() -> None:
    sim = run(Simulation(bare("cache"), plans=False), 5.0)
    for node, t in (("web1", 10.0), ("cache", 20.0)):
        sim.apply(Fail(node))
        run(sim, t)
    assert not line(sim, "redundancy").tested                       # no database failure yet
    sim.apply(Fail("db"))                  # the only database: every data request fails after it
    run(sim, 32.0)
    judged = line(sim, "redundancy")
    assert judged.tested and not judged.passed
    assert judged.values["tiers"] == "web, cache, database"


def test_the_cache_line_waits_for_enough_lookups_then_judges_the_hit_ratio() -> None:
    sim = Simulation(bare("cache"))          # the window's model: it meters the last 5 s
    assert not line(sim, "cache").tested
    run(sim, 3.0)
    assert not line(sim, "cache").tested                 # fewer than MIN_LOOKUPS so far
    run(sim, 60.0)
    cache = line(sim, "cache")
    assert cache.tested and cache.passed == (float(cache.values["h"].rstrip("%")) >= 50)


def test_the_card_has_a_title_counting_the_ticks_and_one_row_per_line_in_both_languages() -> None:
    sim = run(Simulation(bare("replication"), plans=False), 2.0)
    for lang in ("en", "ko"):
        rows = audit_lines(sim, lang)
        assert len(rows) == 1 + len(audit.LINES) and rows[0][1] and not any(bold for _, bold in rows[1:])
        assert all(text.startswith("○ ") for text, _ in rows[1:])       # nothing tested yet
        assert "0" in rows[0][0] and "8" in rows[0][0]


def test_an_audit_claim_names_a_known_line() -> None:
    data = load("replication").model_dump(by_alias=True, exclude_none=True)
    data["timeline"][0]["expect"] = [{"check": "audit", "of": "bogus", "min": 1}]
    with pytest.raises(ScenarioError, match="audit line is one of stateless"):
        validate(data, "x.toml")
    data["timeline"][0]["expect"] = [{"check": "audit"}]
    with pytest.raises(ScenarioError, match="needs a bound"):
        validate(data, "x.toml")


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_the_capstone_presented_with_pgdn_only_ends_on_its_audit_card_with_every_line_ticked(lang) -> None:
    import os

    os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
    os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
    import pygame

    from visualizer.app import App
    from visualizer.lesson import LessonPlayer
    from visualizer.ui.lesson_controls import install_lesson

    pygame.display.init()
    pygame.font.init()
    screen = pygame.display.set_mode((1280, 720))
    sc = load("millions")
    app = App(lambda: LessonPlayer(sc), sc, lang=lang)
    overlay = install_lesson(app, [sc])
    pgdn = pygame.event.Event(pygame.KEYDOWN, key=pygame.K_PAGEDOWN, mod=0, unicode="", scancode=0)
    beats = app.player.beats
    for k in range(len(beats)):
        assert app.player.index == k
        if app.player.waiting:
            app.handle_event(pgdn)                 # the presenter's first press does the student's task
        due = beats[k + 1].at if k + 1 < len(beats) else sc.meta.duration - 1
        app.player.step(due - beats[k].at - 0.5)   # the presenter lets the beat play
        app.advance_frame(1 / 60)
        app.render(screen)
        if k + 1 < len(beats):
            app.handle_event(pgdn)
    assert beats[-1].theory == "audit" and overlay.theory_box is not None
    rows = audit_lines(app.player.sim, lang)
    assert all(text.startswith("√ ") for text, _ in rows[1:]), rows
    assert "8" in rows[0][0]
