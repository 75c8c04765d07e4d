"""Sites in the window: one labelled band per data centre, its cards inside it, none overlapping."""

import os

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ["SDL_AUDIODRIVER"] = "dummy"

from pathlib import Path  # noqa: E402

import pygame  # noqa: E402
import pytest  # noqa: E402
from conftest import pygame_display  # noqa: E402

from visualizer.lesson import LessonPlayer  # noqa: E402
from visualizer.render.scene import ViewState, draw_frame, layout_for  # noqa: E402
from visualizer.scenario import load  # noqa: E402

SCENARIO = str(Path(__file__).parent / "data" / "two-sites.toml")
SIZES = [((1280, 720), False), ((1920, 1080), True)]


@pytest.fixture(scope="module", autouse=True)
def display():
    yield from pygame_display()


@pytest.fixture(scope="module")
def player():
    p = LessonPlayer(load(SCENARIO), auto=True)
    p.step(40.0)                  # after fail_site A
    return p


@pytest.mark.parametrize("size, projector", SIZES)
def test_each_sites_cards_stand_in_its_band_and_none_overlap(player, size, projector):
    snap = player.snapshot()
    lay = layout_for(size, snap, ViewState(projector=projector, caption="x"))
    bands = {b.site: b for b in lay.bands}
    assert list(bands) == ["A", "B"]
    assert bands["A"].rect.bottom < bands["B"].rect.top
    shown = list(lay.shown(snap.nodes))
    for i, n in shown:
        r = lay.rect(i)
        if n.site:
            assert bands[n.site].rect.contains(r), n.id
        for j, m in shown:
            if j > i:
                assert not r.colliderect(lay.rect(j)), (n.id, m.id)
    dns = lay.rect(lay.index("dns"))
    assert dns.top < bands["A"].rect.bottom and dns.bottom > bands["B"].rect.top     # between the two


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_a_down_site_is_tinted_and_says_so(player, lang):
    snap = player.snapshot()
    assert next(s for s in snap.sites if s.id == "A").status == "down"
    surface = pygame.Surface((1280, 720))
    lay = draw_frame(surface, snap, ViewState(lang=lang))
    a, b = (next(x for x in lay.bands if x.site == s) for s in "AB")
    probe = (a.rect.right - 4, a.rect.centery)
    red, grey = surface.get_at(probe), surface.get_at((b.rect.right - 4, b.rect.centery))
    assert red.r > red.b and red.r > grey.r


def test_without_sites_no_band():
    from visualizer.scenario import bundled
    sc = next(s for _, s in bundled())
    lay = layout_for((1280, 720), LessonPlayer(sc).snapshot(), ViewState())
    assert lay.bands == ()
