"""--compare: two designs on the same arrivals (common random numbers), headless, in the window and in lessons."""

from __future__ import annotations

import json
import os

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")

import pygame  # noqa: E402
import pytest  # noqa: E402

from visualizer.cli import main  # noqa: E402
from visualizer.compare import run_pair, silent_copy  # noqa: E402
from visualizer.errors import ScenarioError  # noqa: E402
from visualizer.lesson import LessonPlayer  # noqa: E402
from visualizer.render.scene import ViewState, draw_frame  # noqa: E402
from visualizer.scenario import load, validate  # noqa: E402
from visualizer.sim.commands import Fail, SetRate  # noqa: E402
from visualizer.sim.model import Simulation  # noqa: E402


def arrivals(sc, seed: int, until: float, rate_at: float | None = None) -> list[tuple]:
    """Every request born, as (id, kind, user, key, time), with one rate change at `rate_at`."""
    sim = Simulation(silent_copy(sc), seed=seed, plans=False)
    seen: list[tuple] = []
    sim.on_arrival = lambda r: seen.append((r.id, r.kind, r.user, r.key, r.t0))
    if rate_at is not None:
        sim.run_until(rate_at)
        sim.apply(SetRate(300.0))
    sim.run_until(until)
    return seen


def test_two_designs_see_the_same_requests_whatever_they_do_with_them() -> None:
    rr, lc = load("load-balancer"), load("load-balancer-lc")     # round robin, 2 servers / least conn, 4
    a, b = arrivals(rr, 5, 12.0, rate_at=4.0), arrivals(lc, 5, 12.0, rate_at=4.0)
    assert len(a) > 1500 and a == b
    cache, none = arrivals(load("cache"), 9, 5.0), arrivals(load("cache-none"), 9, 5.0)
    assert len(cache) > 500 and cache == none
    assert arrivals(rr, 6, 5.0) != arrivals(rr, 5, 5.0)          # another seed, other users


def test_identical_sides_give_equal_reports_and_a_zero_diff() -> None:
    sc = load("load-balancer-lc")
    out = run_pair(sc, sc, seed=3, rate=None, duration=8.0)
    assert out["a"] == out["b"]
    d = out["diff"]
    assert d["availability"]["b_minus_a"] == 0 and d["p95_ms"]["b_minus_a"] == 0
    assert all(v["b_minus_a"] == 0 for v in d["errors"].values())
    assert d["database_arrivals"]["b_minus_a"] == 0


def test_the_diff_says_what_the_cache_saves() -> None:
    d = run_pair(load("cache"), load("cache-none"), seed=None, rate=None, duration=15.0)["diff"]
    assert d["database_arrivals"]["b_minus_a"] > 1000          # every read reaches the database
    assert d["availability"]["b_minus_a"] < -0.1 and d["errors"]["queue_full"]["b"] > 100


def test_identical_sides_are_identical_frame_for_frame() -> None:
    sc = load("load-balancer")
    player = LessonPlayer(silent_copy(sc), compare_with=sc, seed=4)
    one, two = pygame.Surface((640, 360)), pygame.Surface((640, 360))
    view = ViewState(show_metrics=False)
    for i in range(40):
        player.step(0.05)
        if i == 10:
            player.apply(SetRate(200.0))                # the rate slider: both sides
        draw_frame(one, player.sim.snapshot(), view)
        draw_frame(two, player.other.sim.snapshot(), view)
        assert pygame.image.tobytes(one, "RGB") == pygame.image.tobytes(two, "RGB"), i
    assert player.other.sim.rate == 200.0
    player.seek(0.7)                                     # one scrubber moves both
    assert player.other.sim.time == player.sim.time == pytest.approx(0.7)
    assert player.sim.report() == player.other.sim.report()


def test_a_click_acts_on_its_side_only() -> None:
    sc = load("load-balancer")
    player = LessonPlayer(silent_copy(sc), compare_with=sc)
    player.step(1.0)
    player.apply_other(Fail("web1"))
    player.step(1.0)
    status = {n.id: n.status for n in player.other.sim.snapshot().nodes}
    assert status["web1"] == "down"
    assert {n.id: n.status for n in player.sim.snapshot().nodes}["web1"] == "up"


def test_the_split_window_draws_both_sides_and_routes_clicks() -> None:
    from visualizer.split_app import SplitApp

    pygame.display.init()
    pygame.font.init()

    sc, other = load("cache"), load("cache-none")
    app = SplitApp(lambda: LessonPlayer(silent_copy(sc), compare_with=other), sc, speed=1.0)
    surface = pygame.Surface((1280, 720))
    app.advance_frame(0.05, surface)
    app.advance_frame(0.05, surface)
    assert app.halves is not None and app.halves.rects[0].right < app.halves.rects[1].left
    lay_b, rect_b = app.halves.lays[1], app.halves.rects[1]
    i = lay_b.ids.index("db")
    x, y = lay_b.centers[i].tolist()
    pos = (int(x) + rect_b.left, int(y) + rect_b.top)
    app.handle_event(pygame.event.Event(pygame.MOUSEBUTTONDOWN, button=1, pos=pos))
    assert {n.id: n.status for n in app.snap_b.nodes}["db"] == "down"
    assert {n.id: n.status for n in app.snap.nodes}["db"] == "up"


def test_a_lesson_beat_opens_the_comparison_and_previous_closes_it() -> None:
    player = LessonPlayer(load("cache"), auto=True)
    while player.other is None and not player.finished:
        player.step(1.0)
    assert player.beat is not None and player.beat.compare == "cache-none"
    assert player.other.sim.time == player.sim.time
    player.previous()
    assert player.other is None


def test_compare_on_the_command_line(tmp_path, capsys) -> None:
    out = tmp_path / "pair.json"
    assert main(["--compare", "cache", "cache-none", "--headless", "--duration", "5", "--report", str(out)]) == 0
    report = json.loads(out.read_text())
    assert set(report) == {"a", "b", "diff"} and report["a"]["scenario"] == "cache"
    assert main(["--compare", "cache", "cache-none", "--headless", "--duration", "5", "--report", str(out)]) == 0
    for argv in (["--compare", "cache", "no-such"], ["--compare", "cache", "load-balancer"],
                 ["--compare", str(tmp_path / "broken.toml"), "cache"]):
        (tmp_path / "broken.toml").write_text("[meta\n")
        assert main([*argv, "--headless"]) == 2
        err = capsys.readouterr().err.strip()
        assert err.count("\n") == 0 and "Traceback" not in err and err.startswith("main.py: error:")


def test_a_compare_beat_must_name_a_design_with_the_same_traffic() -> None:
    def lesson(name: str, side: str = "a") -> dict:
        return {"meta": {"name": "x", "title": {"en": "x", "ko": "x"}},
                "traffic": load("cache").traffic.model_dump(),
                "nodes": [{"id": "users", "kind": "client"}, {"id": "web1", "kind": "web_server"}],
                "links": [{"from": "users", "to": "web1", "latency_ms": 1}],
                "timeline": [{"at": 0, "expect": [{"check": "rate", "of": "failed", "side": side, "min": 0}]},
                             {"at": 1, "compare": name}]}
    validate(lesson("cache-none"))
    for bad, words in ((lesson("nope"), "timeline[1].compare"), (lesson("load-balancer"), "[traffic]"),
                       (lesson("cache-none", side="b"), "side")):
        with pytest.raises(ScenarioError, match=words.replace("[", r"\[")):
            validate(bad)


def test_the_lesson_time_scrubber_runs_under_both_halves_not_across_them() -> None:
    from visualizer.scenario import bundled
    from visualizer.split_app import SplitApp
    from visualizer.ui.lesson_controls import Scrubber, install_lesson

    pygame.display.init()
    pygame.font.init()
    sc, other = load("cache"), load("cache-none")
    app = SplitApp(lambda: LessonPlayer(silent_copy(sc), compare_with=other), sc, speed=1.0)
    install_lesson(app, [s for _, s in bundled() if s.meta.lesson])
    for size in ((1280, 720), (1920, 1080)):
        surface = pygame.Surface(size)
        for _ in range(3):
            app.advance_frame(0.05, surface)
        bar = next(w for w in app.widgets if isinstance(w, Scrubber)).rect
        assert all(not bar.colliderect(r) for r in app.halves.rects), (size, bar, app.halves.rects)


def test_a_lesson_that_will_compare_keeps_side_b_ready_so_its_beat_opens_without_a_catch_up() -> None:
    sc = load("cache")
    k = next(i for i, b in enumerate(sc.timeline) if b.compare is not None)
    player = LessonPlayer(sc)
    player.step(1.0)
    assert player.other is None, "nothing is shown beside it before the beat"
    hidden = player.partner
    assert hidden is not None and hidden.sim.time == player.sim.time, "but side B runs in step"
    while player.index < k:
        if player.waiting:
            player.next()
        player.next()
    assert player.other is hidden and player.other.sim.time == player.sim.time
    player.previous()
    assert player.index == k - 1 and player.other is None
