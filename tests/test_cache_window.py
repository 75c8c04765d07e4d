"""The cache tier in the window: its column and place, its card at projector size, the hit-ratio
chart, its right-click actions, and dots that turn back at the cache on a hit."""

import os

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ["SDL_AUDIODRIVER"] = "dummy"

from pathlib import Path  # noqa: E402

import pygame  # noqa: E402
import pytest  # noqa: E402
from conftest import pygame_display  # noqa: E402

from visualizer.lesson import LessonPlayer  # noqa: E402
from visualizer.render import charts  # noqa: E402
from visualizer.render.fonts import font  # noqa: E402
from visualizer.render.layout import compute_layout  # noqa: E402
from visualizer.render.nodes import ICON_DIR, card_lines  # noqa: E402
from visualizer.render.scene import ViewState, draw_frame, layout_for  # noqa: E402
from visualizer.render.style import palette  # noqa: E402
from visualizer.scenario import bundled, load  # noqa: E402
from visualizer.sim import commands as C  # noqa: E402
from visualizer.sim.model import Simulation  # noqa: E402
from visualizer.ui.menu import command_label, menu_rows  # noqa: E402

SCENARIO = str(Path(__file__).parent / "data" / "cache-tier.toml")
HD = (1920, 1080)


@pytest.fixture(scope="module", autouse=True)
def display():
    yield from pygame_display()


@pytest.fixture(scope="module")
def warm():
    player = LessonPlayer(load(SCENARIO), auto=True)
    player.step(19.5)
    return player


def crossed(lay, snap) -> list[tuple[str, str, str]]:
    """(link, card) pairs where a link runs under a card that is neither of its ends."""
    out = []
    for link in snap.links:
        a, b = lay.index(link.src), lay.index(link.dst)
        p0, p1 = lay.centers[a].tolist(), lay.centers[b].tolist()
        for i, n in lay.shown(snap.nodes):
            if i not in (a, b) and lay.rect(i).clipline(p0, p1):
                out.append((link.src, link.dst, n.id))
    return out


@pytest.mark.parametrize("size, projector", [((1280, 720), False), (HD, True)])
def test_cache_stands_between_web_servers_and_databases_off_every_other_link(warm, size, projector):
    snap = warm.snapshot()
    lay = layout_for(size, snap, ViewState(projector=projector))
    x = {n.id: lay.centers[lay.index(n.id), 0] for n in snap.nodes}
    assert x["web1"] < x["cache1"] < x["db1"] == x["db2"]
    assert not [c for c in crossed(lay, snap) if "cache1" in c], crossed(lay, snap)


def test_an_added_cache_joins_the_cache_column_and_no_link_runs_under_either(warm):
    sim = Simulation(load(SCENARIO))
    sim.run_until(5.0)
    sim.apply(C.AddCache("cache1"))
    snap = sim.snapshot()
    for size, projector in (((1280, 720), False), (HD, True)):
        lay = layout_for(size, snap, ViewState(projector=projector))
        xs = {n.id: lay.centers[lay.index(n.id), 0] for n in snap.nodes}
        assert xs["cache2"] == xs["cache1"]
        caches = [c for c in crossed(lay, snap) if c[2].startswith("cache")]
        assert not caches, caches
        assert lay.rect(lay.index("cache1")).colliderect(lay.rect(lay.index("cache2"))) is False


def test_existing_lessons_are_laid_out_exactly_as_without_links():
    for _, sc in bundled():
        if any(n.kind in ("cache", "cdn", "object_store", "session_store") for n in sc.nodes):
            continue                      # the lessons that brought the column between two
        snap = LessonPlayer(sc).snapshot()
        key = tuple((n.id, n.kind, n.role) for n in snap.nodes)
        links = tuple((l.src, l.dst) for l in snap.links)
        for size in ((1280, 720), HD):
            plain, routed = compute_layout(key, size, 1.0), compute_layout(key, size, 1.0, links=links)
            assert (plain.centers == routed.centers).all(), sc.meta.name


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_projector_cache_card_says_hits_and_fill_inside_the_card(warm, lang):
    snap = warm.snapshot()
    view = ViewState(lang=lang, projector=True)
    lay = draw_frame(pygame.Surface(HD), snap, view)
    i = lay.index("cache1")
    width = lay.rect(i).width - 2 * round(8 * lay.text_scale)
    lines = card_lines(snap.nodes[i], lang, lay.text_px, width, lay.enlarged)
    assert len(lines) <= lay.text_rows and lay.text_px >= 20
    assert all(font(lay.text_px).size(line)[0] <= width for line, _ in lines)
    joined = " ".join(line for line, _ in lines)
    assert snap.nodes[i].extra["hit_ratio"] in joined and "1000/1000" in joined
    assert lay.slot_rows == 1                # the 32 workers' second row would cover the last line


def test_the_cache_has_an_icon():
    assert (ICON_DIR / "cache.png").exists()
    assert pygame.image.load(str(ICON_DIR / "cache.png")).get_size() == (128, 128)


def plotted_titles(monkeypatch, snap, lang="en") -> list[str]:
    titles = []
    monkeypatch.setattr(charts, "_plot", lambda surf, box, title, *a: titles.append(title))
    charts._CACHE.clear()
    charts.draw_panel(pygame.Surface((400, 700)), pygame.Rect(0, 0, 400, 700), snap, lang, 1.0, palette(False))
    return titles


def test_hit_ratio_chart_only_in_a_design_with_caches(monkeypatch, warm):
    assert plotted_titles(monkeypatch, warm.snapshot())[-1] == "Hit ratio, last 5 s"
    plain = LessonPlayer(load("combined")).snapshot()
    assert plotted_titles(monkeypatch, plain) == ["Throughput, last 5 s", "Error rate, last 5 s",
                                                  "Latency p50/p95/p99, last 5 s"]
    assert charts.recent_hit_ratio(plain) is None
    assert 0.6 < charts.recent_hit_ratio(warm.snapshot()) < 0.75


def test_hit_ratio_series_leaves_gaps_where_nothing_was_looked_up():
    import numpy as np
    assert charts._runs(np.isfinite(np.array([0.5, np.nan, np.nan, 0.6, 0.7]))) == [(0, 1), (3, 5)]


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_right_click_menu_of_a_cache_reads_well(warm, lang):
    cmds = warm.actions_for("cache1")
    kinds = [type(c) for c in cmds]
    assert {C.Flush, C.SetTtl, C.AddCache} <= set(kinds) and kinds.count(C.SetTtl) == 2
    labels = [label for label, _ in menu_rows(cmds, [], lang)]
    assert all("cache1" in label and label != type(c).__name__ for label, c in zip(labels, cmds))
    ttl = [command_label(c, lang) for c in cmds if isinstance(c, C.SetTtl)]
    assert ("60" in ttl[0] and "15" in ttl[1])               # the test cache's TTL is 30 s
    assert command_label(C.AddCache("cache1"), "en") == "Add an empty cache set up like cache1"


def test_hits_turn_back_at_the_cache_and_misses_go_on_to_the_database(warm):
    """The dots follow each request's plan: a read goes web -> cache, then either back to the web
    server (a hit) or on to the replica and back through the cache (a miss)."""
    sim = warm.sim
    names = [n.id for n in sim.nodes]
    hops = {tuple((names[a], names[b], fwd) for _, _, a, b, _, fwd in r.plan if a != b)
            for r in list(sim.live.values()) + list(sim.finished.values()) if r.kind == 0 and r.done and r.ok}
    miss = [h for h in hops if ("cache1", "db2", True) in h]
    hit = [h for h in hops if h not in miss and any(a == "cache1" for a, _, _ in h)]
    assert hit and miss
    for h in hit:
        k = [i for i, hop in enumerate(h) if hop[0] == "cache1"][0]
        assert h[k - 1][1] == "cache1" and h[k][1].startswith("web")       # in, then straight back
    for h in miss:
        path = [(a, b) for a, b, _ in h]
        k = path.index(("cache1", "db2"))
        assert path[k + 1] == ("db2", "cache1") and path[k + 2][0] == "cache1"
