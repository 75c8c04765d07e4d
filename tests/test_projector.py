"""Projector mode keeps the cards' text large (the lesson's point, public vs private, is in it)."""

import os
import dataclasses

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ["SDL_AUDIODRIVER"] = "dummy"

import pygame  # noqa: E402
from conftest import pygame_display  # noqa: E402
import pytest  # noqa: E402

from visualizer.lesson import LessonPlayer  # noqa: E402
from visualizer.render.scene import LAST, ViewState, draw_frame  # noqa: E402
from visualizer.scenario import bundled  # noqa: E402

HD = (1920, 1080)


@pytest.fixture(scope="module", autouse=True)
def display():
    yield from pygame_display()


def lessons() -> list:
    return sorted((sc for _, sc in bundled() if sc.meta.lesson is not None), key=lambda sc: sc.meta.lesson)


def first_view(sc, lang: str, projector: bool) -> tuple:
    player = LessonPlayer(sc)
    beats = [b for b in player.beats if b.caption is not None]
    caption = getattr(beats[0].caption, lang) if beats else None
    view = ViewState(lang=lang, projector=projector, caption=caption, progress=(1, len(player.beats)),
                     highlight=tuple(player.beats[0].highlight) if player.beats else ())
    return player.snapshot(), view


@pytest.mark.parametrize("lang", ["en", "ko"])
@pytest.mark.parametrize("sc", lessons(), ids=lambda sc: f"lesson{sc.meta.lesson}")
def test_card_text_is_at_least_20px_at_1080p_and_cards_do_not_overlap(sc, lang):
    snap, view = first_view(sc, lang, projector=True)
    lay = draw_frame(pygame.Surface(HD), snap, view)
    # a design drawn in site bands has half the height for each row of cards: 18 px there; the
    # capstone stacks five rows of cards in its bands (README: its facts are smaller, names not)
    floor = 20 if not snap.sites else 18 if len(snap.nodes) <= 12 else 11
    assert LAST.extra["card_text_px"] >= floor, sc.meta.name
    rects = [lay.rect(i) for i, _ in lay.shown(snap.nodes)]
    for k, r in enumerate(rects):
        assert r.collidelist(rects[k + 1:]) == -1, (sc.meta.name, r)
        assert lay.graph.contains(r), (sc.meta.name, r, lay.graph)


@pytest.mark.parametrize("sc", lessons(), ids=lambda sc: f"lesson{sc.meta.lesson}")
def test_projector_cards_never_have_smaller_text_than_the_window(sc):
    snap, window = first_view(sc, "en", projector=False)
    draw_frame(pygame.Surface(HD), snap, window)
    plain = LAST.extra["card_text_px"]
    snap, projector = first_view(sc, "en", projector=True)
    draw_frame(pygame.Surface(HD), snap, projector)
    assert LAST.extra["card_text_px"] >= plain


def test_every_line_of_an_enlarged_card_fits_inside_it():
    from visualizer.render.nodes import card_lines
    from visualizer.render.fonts import font

    for sc in lessons():
        for lang in ("en", "ko"):
            snap, view = first_view(sc, lang, projector=True)
            lay = draw_frame(pygame.Surface(HD), snap, view)
            for i, n in lay.shown(snap.nodes):
                width = lay.rect(i).width - 2 * round(8 * lay.text_scale)
                lines = card_lines(n, lang, lay.text_px, width, lay.enlarged)
                assert len(lines) <= lay.text_rows, (sc.meta.name, n.id, lines)
                if lay.enlarged:
                    assert all(font(lay.text_px).size(line)[0] <= width for line, _ in lines), (n.id, lines)


@pytest.mark.parametrize("lang", ["en", "ko"])
@pytest.mark.parametrize("projector, size", [(False, (1280, 720)), (True, HD)], ids=["window", "projector"])
def test_every_caption_of_every_lesson_fits_the_caption_bar_at_full_size(projector, size, lang, monkeypatch):
    """The bar has three lines; a longer caption would be drawn smaller (never cut), but the
    lessons' own must all fit at the size the lecturer expects."""
    import visualizer.render.scene as scene

    seen = []
    real = scene.caption_lines

    def spy(caption, px, width):
        out = real(caption, px, width)
        seen.append((caption, px, out[0], len(scene.wrap(caption, px, width, bold=True))))
        return out

    monkeypatch.setattr(scene, "caption_lines", spy)
    surface = pygame.Surface(size)
    for sc in lessons():
        snap = LessonPlayer(sc).snapshot()
        for k, beat in enumerate(sc.timeline):
            if beat.caption is not None:
                view = ViewState(lang=lang, projector=projector, caption=getattr(beat.caption, lang),
                                 progress=(k + 1, len(sc.timeline)))
                draw_frame(surface, snap, view)
    assert seen
    too_long = [(c[:40], n) for c, px, used, n in seen if used != px or n > 3]
    assert too_long == []


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_every_summary_card_holds_all_its_text_at_1080p(lang):
    """A long summary is drawn smaller rather than run out of its card (into the caption bar)."""
    from visualizer.ui.lesson_panels import _summary_height, summary_fit

    for sc in lessons():
        snap, view = first_view(sc, lang, projector=True)
        view = dataclasses.replace(view, caption="x " * 200)        # three caption lines: least room
        lay = draw_frame(pygame.Surface(HD), snap, view)
        box, width, k = summary_fit(sc.meta, lang, lay)
        assert _summary_height(sc.meta, lang, k, width) <= box.height, sc.meta.name
        assert k >= 0.6 * lay.scale, (sc.meta.name, "still readable")
