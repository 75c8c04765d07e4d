"""Group cards: a 500-node design draws its crowded tiers as stacked cards, a click opens and folds them."""

import os

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

import sys  # noqa: E402
from itertools import combinations  # noqa: E402
from pathlib import Path  # noqa: E402

import pygame  # noqa: E402
import pytest  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

from frame_time import five_hundred  # noqa: E402
from visualizer.app import App  # noqa: E402
from visualizer.lesson import LessonPlayer  # noqa: E402
from visualizer.render import groups  # noqa: E402
from visualizer.render.nodes import card_rects  # noqa: E402
from visualizer.render.scene import LAST  # noqa: E402
from visualizer.scenario import bundled  # noqa: E402
from visualizer.ui.base import UIContext  # noqa: E402
from visualizer.ui.menu import ContextMenu  # noqa: E402


@pytest.fixture(scope="module")
def big():
    pygame.display.init()
    pygame.font.init()
    return five_hundred()


def window(sc, size):
    screen = pygame.display.set_mode(size)
    app = App(lambda: LessonPlayer(sc), sc, speed=1.0)
    for _ in range(3):
        app.advance_frame(1 / 30, screen)
    return app, screen


def drawn_cards(lay):
    return [lay.rect(i) for i, _ in lay.shown(lay.ids)] + [g.drawn(lay.scale) for g in lay.groups]


def click(app, screen, pos):
    app.handle_event(pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=tuple(int(v) for v in pos), button=1))
    app.advance_frame(1 / 30, screen)


@pytest.mark.parametrize("size", [(1920, 1080), (1280, 720)])
def test_a_500_node_design_draws_group_cards_that_do_not_overlap(big, size):
    app, _ = window(big, size)
    lay = app.layout
    assert len(big.nodes) == 500
    assert sorted(len(g.members) for g in lay.groups) == [16, 480]
    cards = drawn_cards(lay)
    assert len(cards) == 6                       # users, dns, lb, db1, web ×480, db ×16
    for a, b in combinations(cards, 2):
        assert not a.colliderect(b), (a, b)
    assert all(lay.graph.contains(c) for c in cards)
    assert LAST.extra["group_cards"] == 2
    assert LAST.extra["link_lines"] <= 8         # 1,457 links, drawn once per pair of cards


def test_clicking_a_group_card_opens_it_a_page_at_a_time_and_the_tab_folds_it(big):
    app, screen = window(big, (1280, 720))
    web = next(g for g in app.layout.groups if len(g.members) == 480)
    click(app, screen, web.rect.center)
    assert not any(n.status == "down" for n in app.snap.nodes)          # the click failed no node
    lay = app.layout
    shown = [lay.ids[i] for i, _ in lay.shown(lay.ids)]
    assert [f"web{k}" for k in range(1, groups.PAGE + 1)] == [s for s in shown if s.startswith("web")]
    rest = next(g for g in lay.groups if g.key.endswith(groups.MORE))
    assert len(rest.members) == 480 - groups.PAGE
    for a, b in combinations(drawn_cards(lay) + [t.rect for t in lay.tabs], 2):
        assert not a.colliderect(b), (a, b)
    assert LAST.extra["link_lines"] <= 40
    click(app, screen, rest.rect.center)                                 # the rest card turns the page
    shown = [app.layout.ids[i] for i, _ in app.layout.shown(app.layout.ids)]
    assert "web7" in shown and "web1" not in shown
    click(app, screen, app.layout.tabs[0].rect.center)                   # the tab folds it again
    assert len(app.layout.groups) == 2 and not app.layout.tabs
    assert not any(n.status == "down" for n in app.snap.nodes)
    assert app.player.sim.report() is not None


def test_a_click_on_a_group_leaves_the_model_alone(big):
    """View state only: the same seed gives the same model with or without clicks on groups."""
    screen = pygame.display.set_mode((1280, 720))
    apps = [App(lambda: LessonPlayer(big), big) for _ in range(2)]
    for app in apps:
        app.set_paused(True)
        app.advance_frame(1 / 30, screen)
    click(apps[1], screen, apps[1].layout.groups[0].rect.center)
    click(apps[1], screen, apps[1].layout.tabs[0].rect.center)
    assert apps[1].view.expanded == frozenset()
    for app in apps:
        app.player.step(0.5)
    assert apps[0].player.sim.report() == apps[1].player.sim.report()


def test_no_bundled_lesson_forms_a_group():
    for name, sc in bundled():
        snap = LessonPlayer(sc).sim.snapshot()
        key = tuple((n.id, n.kind, n.role) for n in snap.nodes)
        assert groups.plan(key, tuple(n.site for n in snap.nodes)) == (), name


def test_links_of_folded_groups_are_laid_out_once():
    key = tuple((f"web{i}", "web_server", "") for i in range(20)) + (("db1", "db_primary", "primary"),)
    links = tuple((f"web{i}", "db1") for i in range(20))
    reduced, kept = groups.reduce(key, links, groups.plan(key))
    assert kept == (("web0", "db1"),)
    assert sum(k[1] != "removed" for k in reduced) == 2


def test_a_long_menu_fits_a_1280x720_window_in_columns():
    pygame.display.init()
    pygame.font.init()
    ctx = UIContext(size=(1280, 720))
    picked = []
    menu = ContextMenu(ctx, picked.append)
    menu.open((600, 700), "Add to the design", [f"New kind {k} here" for k in range(30)])
    rect, _, _ = menu._geometry()
    screen = pygame.Rect(0, 0, 1280, 720)
    assert screen.contains(rect)
    rows = [menu._row_rect(rect, k) for k in range(30)]
    assert all(rect.contains(r) for r in rows)
    menu.handle_event(pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=rows[25].center, button=1))
    assert picked == ["New kind 25 here"]
