"""No frozen frames: a random fuzz of the window (keys, clicks, right-click menus, scrubber drags,
slider drags, resizes, speed and rate changes up to 100x) on every bundled scenario, timing every
whole frame (events + advance_frame + drawing + flip) and printing the slowest.

Run: .venv/bin/python benchmarks/window_fuzz.py [--events 10000] [--seed 0]
Target (README): no frame over 250 ms.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402
import pygame  # noqa: E402

from visualizer.app import App  # noqa: E402
from visualizer.heap import FramePacedGC  # noqa: E402
from visualizer.lesson import LessonPlayer  # noqa: E402
from visualizer.scenario import bundled  # noqa: E402
from visualizer.ui.lesson_controls import Scrubber, install_lesson  # noqa: E402

KEYS = (pygame.K_SPACE, pygame.K_s, pygame.K_PLUS, pygame.K_MINUS, pygame.K_l, pygame.K_h, pygame.K_ESCAPE,
        pygame.K_PAGEDOWN, pygame.K_PAGEUP, pygame.K_HOME, pygame.K_RIGHT, pygame.K_LEFT, pygame.K_RETURN,
        pygame.K_b, pygame.K_m, pygame.K_F11, pygame.K_1, pygame.K_2, pygame.K_UP, pygame.K_DOWN)


def mouse(kind: int, pos, button: int = 1) -> pygame.event.Event:
    return pygame.event.Event(kind, pos=(int(pos[0]), int(pos[1])), button=button, rel=(0, 0), buttons=(1, 0, 0))


def random_events(rng: np.random.Generator, app: App, size: tuple[int, int]) -> list[pygame.event.Event]:
    """One user gesture: a key, a click on a node, a right-click and a pick, a drag, or a move."""
    r = rng.random()
    w, h = size
    if r < 0.3:
        k = int(rng.choice(KEYS))
        return [pygame.event.Event(pygame.KEYDOWN, key=k, mod=0, unicode="", scancode=0)]
    lay = app.layout
    if r < 0.55 and lay is not None and len(lay.ids):
        c = lay.centers[int(rng.integers(len(lay.ids)))]
        button = 1 if rng.random() < 0.6 else 3
        events = [mouse(pygame.MOUSEBUTTONDOWN, c, button), mouse(pygame.MOUSEBUTTONUP, c, button)]
        if button == 3:
            pick = (c[0] + rng.integers(10, 200), c[1] + rng.integers(10, 200))
            events += [mouse(pygame.MOUSEBUTTONDOWN, pick), mouse(pygame.MOUSEBUTTONUP, pick)]
        return events
    if r < 0.75:
        bar = next((wd for wd in app.widgets if isinstance(wd, Scrubber)), None)
        rect = bar.rect if bar is not None and bar.rect.width else pygame.Rect(0, h - 40, w, 10)
        xs = rng.integers(rect.left, max(rect.left + 1, rect.right), 3)
        return ([mouse(pygame.MOUSEBUTTONDOWN, (xs[0], rect.centery))]
                + [mouse(pygame.MOUSEMOTION, (x, rect.centery)) for x in xs[1:]]
                + [mouse(pygame.MOUSEBUTTONUP, (xs[-1], rect.centery))])
    if r < 0.9:                      # the sliders along the bottom: speed and rate
        y = h - int(rng.integers(8, 50))
        x0, x1 = rng.integers(0, w, 2)
        return [mouse(pygame.MOUSEBUTTONDOWN, (x0, y)), mouse(pygame.MOUSEMOTION, (x1, y)),
                mouse(pygame.MOUSEBUTTONUP, (x1, y))]
    return [mouse(pygame.MOUSEMOTION, (rng.integers(0, w), rng.integers(0, h)))]


def fuzz(sc, n_events: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    lessons = [s for _, s in bundled() if s.meta.lesson is not None]
    app = App(lambda: LessonPlayer(sc), sc, lang=str(rng.choice(["en", "ko"])))
    install_lesson(app, lessons)
    size = (1920, 1080)
    screen = pygame.display.set_mode(size, pygame.RESIZABLE)
    times, done = [], 0
    heap = FramePacedGC()
    while done < n_events:
        t0 = time.perf_counter()
        if rng.random() < 0.005:
            size = (int(rng.integers(200, 2400)), int(rng.integers(150, 1400)))
            screen = pygame.display.set_mode(size, pygame.RESIZABLE)
            app.handle_event(pygame.event.Event(pygame.VIDEORESIZE, size=size, w=size[0], h=size[1]))
        for event in random_events(rng, app, size):
            app.handle_event(event)
            done += 1
        if rng.random() < 0.02:
            app.set_speed(float(rng.choice([0.01, 1.0, 10.0, 100.0])))
        app.advance_frame(1 / 60, screen)
        pygame.display.flip()
        heap.after_frame() if times else heap.start()      # as App.run does, inside the frame
        times.append(time.perf_counter() - t0)
    heap.stop()
    app.player.check_conservation()
    return np.array(times) * 1000.0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--events", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    pygame.display.init()
    pygame.font.init()
    print(f"{'scenario':>18} {'frames':>7} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'> 250 ms':>9}")
    worst = 0.0
    for name, sc in bundled():
        ms = fuzz(sc, args.events, args.seed)
        worst = max(worst, float(ms.max()))
        print(f"{name:>18} {len(ms):7d} {np.percentile(ms, 50):8.2f} {np.percentile(ms, 95):8.2f} "
              f"{ms.max():8.1f} {int((ms > 250).sum()):9d}", flush=True)
    print(f"slowest frame of all: {worst:.1f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
