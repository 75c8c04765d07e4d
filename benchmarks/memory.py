"""Memory of a window session over simulated hours: the sandbox at 400 and 1,000 requests/s, asked
to run at 100x, drawn at 1920x1080 frame by frame as the window does (App.advance_frame), with
resident memory, checkpoints held and the speed really run, printed every ten simulated minutes.

Run: .venv/bin/python benchmarks/memory.py [--hours 2] [--rates 400,1000]
Targets (README): a plateau under 300 MB, and at most 25 MB more per further simulated hour.
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

import pygame  # noqa: E402

from visualizer.app import App  # noqa: E402
from visualizer.heap import FramePacedGC  # noqa: E402
from visualizer.lesson import LessonPlayer  # noqa: E402
from visualizer.scenario import load  # noqa: E402


def rss_mb() -> float:
    """Resident memory of this process now (not the peak)."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6


def session(rate: float, hours: float, screen: pygame.Surface) -> None:
    sc = load("sandbox")
    app = App(lambda: LessonPlayer(sc, rate=rate), sc, speed=100.0)
    t0, mark, first_hour = time.perf_counter(), 0.0, None
    print(f"sandbox at {rate:g} requests/s, asked 100x")
    print(f"{'sim min':>8} {'RSS MB':>8} {'held MB':>8} {'checkpoints':>12} {'runs at':>8} {'wall s':>7}")
    heap, frames = FramePacedGC(), 0
    while app.player.time < hours * 3600:
        app.advance_frame(1 / 60, screen)
        heap.after_frame() if frames else heap.start()       # the collector as App.run paces it
        frames += 1
        if app.player.time >= mark:
            tl = app.player.timeline
            running = app.view.running_speed or app.view.speed
            print(f"{app.player.time / 60:8.0f} {rss_mb():8.1f} {tl.held_bytes() / 1e6:8.1f} "
                  f"{len(tl.checkpoints):12d} {running:7.3g}x {time.perf_counter() - t0:7.0f}", flush=True)
            if first_hour is None and app.player.time >= 3600:
                first_hour = rss_mb()
            mark += 600
    end = rss_mb()
    heap.stop()
    if first_hour is not None and hours > 1:
        print(f"growth after the first hour: {(end - first_hour) / (hours - 1):.1f} MB per simulated hour")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--hours", type=float, default=2.0)
    ap.add_argument("--rates", default="400,1000")
    args = ap.parse_args()
    pygame.display.init()
    pygame.font.init()
    screen = pygame.display.set_mode((1920, 1080))
    for rate in (float(r) for r in args.rates.split(",")):
        session(rate, args.hours, screen)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
