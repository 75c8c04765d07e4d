"""Reduced motion: nothing falls, pulses or glows; two frames differ only where requests moved."""

import os

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ["SDL_AUDIODRIVER"] = "dummy"

import dataclasses  # noqa: E402
import subprocess  # noqa: E402
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
from visualizer.render.style import DARK  # noqa: E402
from visualizer.scenario import load  # noqa: E402
from visualizer.sim.snapshot import Outcome  # noqa: E402
from visualizer.ui.lesson_panels import draw_your_turn  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SIZE = (1280, 720)
LIT = ("lb", "web2", "lb->web1")


@pytest.fixture(scope="module", autouse=True)
def display():
    yield from pygame_display()


def frame(snap, **view) -> tuple[np.ndarray, object]:
    surf = pygame.Surface(SIZE)
    lay = draw_frame(surf, snap, ViewState(highlight=LIT, caption="caption", **view))
    return pygame.surfarray.array3d(surf), lay


def changed(a: np.ndarray, b: np.ndarray, lay) -> np.ndarray:
    """(x, y) mask of pixels that differ, the top bar (its clock ticks) left out."""
    diff = np.any(a != b, axis=2)
    diff[:, : lay.top.bottom] = False
    return diff


def near_dots(snap, lay) -> np.ndarray:
    """(x, y) mask of the boxes a shown dot's sprite covers."""
    out = np.zeros(SIZE, dtype=bool)
    spr = dotmod.sprites(lay.dot_r, DARK)
    pos, shown, _ = dotmod.dot_positions(snap.dots, lay)
    for x, y in np.rint(pos[shown]).astype(int):
        x0, y0 = max(0, x - spr.offset - 1), max(0, y - spr.offset - 1)
        out[x0: x + spr.offset + 2, y0: y + spr.offset + 2] = True
    return out


def test_with_reduced_motion_two_times_differ_only_where_dots_moved():
    sc = load("combined")
    a, b = snapshot_of(sc, n_dots=150, t=12.0, seed=1), snapshot_of(sc, n_dots=150, t=12.37, seed=2)
    fa, lay = frame(a, reduce_motion=True)
    fb, _ = frame(b, reduce_motion=True)
    diff = changed(fa, fb, lay)
    assert diff.any()                                   # the dots did move
    assert not (diff & ~(near_dots(a, lay) | near_dots(b, lay))).any(), "something besides dots changed"


def test_the_highlight_pulses_only_without_reduced_motion():
    sc = load("combined")
    a, b = snapshot_of(sc, t=12.0), snapshot_of(sc, t=12.25)
    still_a, lay = frame(a, reduce_motion=True)
    still_b, _ = frame(b, reduce_motion=True)
    glow = lay.rect(lay.index("lb")).inflate(80, 80)
    region = (slice(glow.left, glow.right), slice(glow.top, glow.bottom))
    assert (still_a[region] == still_b[region]).all()
    moving_a, _ = frame(a)
    moving_b, _ = frame(b)
    assert (moving_a[region] != moving_b[region]).any(), "the test would not see a pulse"


def with_failures(snap, t: float):
    recent = tuple(Outcome(id=k, t=11.9, node="web1", ok=False, reason="queue_full", kind=0) for k in range(12))
    recent += tuple(Outcome(id=100 + k, t=11.95, node="users", ok=True, reason="", kind=1) for k in range(5))
    return dataclasses.replace(snap, recent=recent, time=t)


def test_failed_requests_do_not_fall_with_reduced_motion():
    sc = load("combined")
    base = snapshot_of(sc)
    early, late = with_failures(base, 12.0), with_failures(base, 12.2)
    fa, lay = frame(early, reduce_motion=True, speed=1.0)
    fb, _ = frame(late, reduce_motion=True, speed=1.0)
    assert not changed(fa, fb, lay).any()
    failed = DARK.failed
    assert np.all(fa == failed, axis=2).sum() > 20          # the failures are still drawn
    ma, _ = frame(early, speed=1.0)
    mb, _ = frame(late, speed=1.0)
    assert changed(ma, mb, lay).any(), "without reduced motion they fall"


def test_the_your_turn_tab_is_steady_with_reduced_motion():
    sc = load("combined")
    _, lay = frame(snapshot_of(sc))
    tabs = []
    for reduce in (True, False):
        for now in (0.0, 0.3):
            surf = pygame.Surface(SIZE)
            draw_your_turn(surf, ViewState(reduce_motion=reduce), lay, DARK, now, None)
            tabs.append(pygame.image.tobytes(surf, "RGB"))
    assert tabs[0] == tabs[1] and tabs[2] != tabs[3]


def test_ctrl_m_toggles_it_and_help_lists_it():
    from visualizer.app import App
    from visualizer.lesson import LessonPlayer

    sc = load("sandbox")
    app = App(lambda: LessonPlayer(sc), sc, reduce_motion=True)
    assert app.view.reduce_motion
    app.handle_event(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_m, mod=pygame.KMOD_CTRL, unicode="\r", scancode=0))
    assert not app.view.reduce_motion
    assert ("Ctrl+M", "key.motion") in list(app.keymap.help_entries())


def test_the_flag_reaches_the_window():
    code = ("import visualizer.window as w, visualizer.cli as cli\n"
            "seen = []\n"
            "w.App.run = lambda self, screen, max_frames=None: seen.append(self.view.reduce_motion) or 0\n"
            "assert cli.main(['--scenario', 'sandbox', '--reduce-motion']) == 0\n"
            "assert cli.main(['--scenario', 'sandbox']) == 0\n"
            "print(seen)\n")
    env = {**os.environ, "SDL_VIDEODRIVER": "dummy", "SDL_AUDIODRIVER": "dummy"}
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == "[True, False]"
