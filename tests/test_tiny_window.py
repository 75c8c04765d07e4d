"""A window of any size draws what fits and never crashes: every draw path at tiny sizes."""

import os

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ["SDL_AUDIODRIVER"] = "dummy"

from typing import Callable  # noqa: E402

import pygame  # noqa: E402
from conftest import pygame_display  # noqa: E402
import pytest  # noqa: E402

from visualizer.app import App  # noqa: E402
from visualizer.lesson import LessonPlayer  # noqa: E402
from visualizer.record_window import install as install_recording  # noqa: E402
from visualizer.scenario import bundled, load  # noqa: E402
from visualizer.ui.lesson_controls import LessonMenu, install_lesson  # noqa: E402

SIZES = [(1, 1), (30, 200), (45, 45), (200, 30), (57, 400), (58, 400), (20, 720), (1280, 12), (160, 120)]


@pytest.fixture(scope="module", autouse=True)
def display():
    yield from pygame_display()


def key(k: int, char: str = "") -> pygame.event.Event:
    return pygame.event.Event(pygame.KEYDOWN, key=k, mod=0, unicode=char, scancode=0)


def lesson_window(projector: bool, lang: str = "ko") -> App:
    sc = load("load-balancer")
    app = App(lambda: LessonPlayer(sc), sc, lang=lang, projector=projector)
    install_lesson(app, [s for _, s in bundled()])
    install_recording(app)
    return app


def _plain(app: App) -> None:
    pass


def _help(app: App) -> None:
    app.handle_event(key(pygame.K_h, "h"))


def _lesson_menu(app: App) -> None:
    app.handle_event(key(pygame.K_m, "m"))


def _theory_and_turn(app: App) -> None:
    app.handle_event(key(pygame.K_PAGEDOWN))
    app.handle_event(key(pygame.K_PAGEDOWN))          # a waiting beat: the your-turn tab


def _summary(app: App) -> None:
    while not app.player.finished:
        app.handle_event(key(pygame.K_PAGEDOWN))


def _cards_menu_toast(app: App) -> None:
    app.ctx.extra["hover"] = "lb"
    app.menu.open((0, 0), "lb", list(app.player.actions_for("lb")), [])
    dot = int(app.snap.dots.id[0]) if len(app.snap.dots.id) else 1
    app.request_card.show(dot, app.player.request_info(dot), (0, 0))
    app.toast("a toast")


def _blank(app: App) -> None:
    app.handle_event(key(pygame.K_b, "b"))


PATHS: dict[str, Callable[[App], None]] = {
    "plain": _plain, "help": _help, "lesson menu": _lesson_menu, "theory and your turn": _theory_and_turn,
    "summary": _summary, "cards, menu and toast": _cards_menu_toast, "blank": _blank}


@pytest.mark.parametrize("projector", [False, True], ids=["window", "projector"])
@pytest.mark.parametrize("path", sorted(PATHS))
def test_every_draw_path_survives_a_tiny_window(projector, path):
    for size in SIZES:
        app = lesson_window(projector)
        app.advance_frame(0.5, pygame.Surface(size))          # a first layout at this size
        app.player.step(2.0)
        app.refresh()
        PATHS[path](app)
        surface = pygame.Surface(size)
        app.advance_frame(1 / 60, surface)
        app.render(surface)


@pytest.mark.parametrize("projector", [False, True], ids=["window", "projector"])
def test_a_narrow_window_still_draws_the_metrics_it_has_room_for(projector):
    app = lesson_window(projector, lang="en")
    app.player.step(3.0)
    app.refresh()
    for size in [(45, 400), (58, 400), (120, 400)]:
        surface = pygame.Surface(size)
        app.render(surface)
        side = app.layout.side
        if side is not None and side.width > 0:
            inside = surface.subsurface(side)
            assert pygame.transform.average_color(inside)[:3] != (0, 0, 0), size
