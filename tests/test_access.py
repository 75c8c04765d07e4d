"""Accessibility: colour-blind-safe colours with shapes that say the same thing, in the frame and legend."""

import os

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ["SDL_AUDIODRIVER"] = "dummy"

import sys  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import pygame  # noqa: E402
from conftest import pygame_display  # noqa: E402
import pytest  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))

from fakesim import snapshot_of  # noqa: E402
from visualizer.render import dots as dotmod  # noqa: E402
from visualizer.render.scene import ViewState, draw_frame  # noqa: E402
from visualizer.render.style import DARK, PROJECTOR, palette  # noqa: E402
from visualizer.scenario import load  # noqa: E402

SIZE = (1280, 720)
OKABE_ITO = {"orange": (0xE6, 0x9F, 0x00), "sky_blue": (0x56, 0xB4, 0xE9), "green": (0x00, 0x9E, 0x73),
             "yellow": (0xF0, 0xE4, 0x42), "blue": (0x00, 0x72, 0xB2), "vermillion": (0xD5, 0x5E, 0x00),
             "purple": (0xCC, 0x79, 0xA7)}


@pytest.fixture(scope="module", autouse=True)
def display():
    yield from pygame_display()


class BlitLog(pygame.Surface):
    """A surface that remembers every source surface blitted onto it (blit and fblits)."""

    def __init__(self, size):
        super().__init__(size)
        self.sources: list[pygame.Surface] = []

    def blit(self, source, dest, area=None, special_flags=0):
        self.sources.append(source)
        return super().blit(source, dest, area, special_flags)

    def fblits(self, seq, special_flags=0):
        items = list(seq)
        self.sources += [src for src, _ in items]
        return super().fblits(items, special_flags)


def grey(sprite: pygame.Surface, background) -> np.ndarray:
    """The sprite over `background`, as luminance (what a greyscale copy or achromat sees)."""
    flat = pygame.Surface(sprite.get_size())
    flat.fill(background)
    flat.blit(sprite, (0, 0))
    rgb = pygame.surfarray.array3d(flat).astype(float)
    return rgb @ np.array([0.299, 0.587, 0.114])


def mask(sprite: pygame.Surface) -> np.ndarray:
    return pygame.surfarray.array_alpha(sprite) > 128


@pytest.mark.parametrize("projector", [False, True])
def test_key_colours_are_okabe_ito(projector):
    pal = palette(projector)
    safe = set(OKABE_ITO.values())
    assert pal.read == OKABE_ITO["sky_blue"] and pal.write == OKABE_ITO["orange"]
    assert pal.ok == OKABE_ITO["green"] and pal.failed == OKABE_ITO["vermillion"]
    assert pal.highlight == OKABE_ITO["yellow"]
    for name in ("down_edge", "undetected", "booting", "promoted", "busy", "queue"):
        assert getattr(pal, name) in safe, name
    assert set(pal.chart_lines) <= safe


@pytest.mark.parametrize("projector", [False, True])
def test_reads_and_writes_differ_in_greyscale_in_a_rendered_frame(projector):
    pal = palette(projector)
    surf = BlitLog(SIZE)
    lay = draw_frame(surf, snapshot_of(load("combined"), n_dots=400), ViewState(projector=projector))
    spr = dotmod.sprites(lay.dot_r, pal)
    used = {id(s) for s in surf.sources}
    for k in (dotmod.READ_FWD, dotmod.WRITE_FWD, dotmod.READ_BACK, dotmod.WRITE_BACK):
        assert id(spr.surfaces[k]) in used, k          # the frame really draws these sprites
    for read, write in ((dotmod.READ_FWD, dotmod.WRITE_FWD), (dotmod.READ_BACK, dotmod.WRITE_BACK)):
        r, w = grey(spr.surfaces[read], pal.background), grey(spr.surfaces[write], pal.background)
        assert np.abs(r - w).max() > 60, "a read and a write look alike in greyscale"
        assert (mask(spr.surfaces[read]) != mask(spr.surfaces[write])).sum() >= 4, "same shape"


@pytest.mark.parametrize("pal", [DARK, PROJECTOR])
@pytest.mark.parametrize("radius", [3, 5, 9])
def test_a_failed_request_differs_in_shape_not_only_colour(pal, radius):
    spr = dotmod.sprites(radius, pal)
    failed = mask(spr.surfaces[dotmod.FAILED])
    for other in (dotmod.READ_FWD, dotmod.WRITE_FWD, dotmod.DONE, dotmod.WAITING):
        m = mask(spr.surfaces[other])
        overlap = (failed & m).sum() / max(1, (failed | m).sum())
        assert overlap < 0.6, (other, overlap)


def test_the_legend_shows_the_shapes_the_picture_uses():
    surf = BlitLog(SIZE)
    lay = draw_frame(surf, snapshot_of(load("combined")), ViewState())
    legend = dotmod.sprites(max(3, round(5 * lay.scale)), DARK)
    used = {id(s) for s in surf.sources}
    for k in (dotmod.READ_FWD, dotmod.WRITE_FWD, dotmod.DONE, dotmod.FAILED):
        assert id(legend.surfaces[k]) in used, k
    assert dotmod.SHAPES[dotmod.READ_FWD] != dotmod.SHAPES[dotmod.WRITE_FWD] != dotmod.SHAPES[dotmod.FAILED]
