"""Time travel costs: checkpoint size and time, memory held, and how long a step back takes."""

from __future__ import annotations

import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from visualizer.lesson import LessonPlayer  # noqa: E402
from visualizer.scenario import load  # noqa: E402


def main() -> None:
    for name in ("combined", "vertical-scaling"):
        player = LessonPlayer(load(name), auto=True)
        t0 = time.perf_counter()
        while not player.finished:
            player.step(1 / 60)      # what the window does at 1x speed and 60 fps
        run_s = time.perf_counter() - t0
        played = player.sim.time
        marks = player.timeline.checkpoints
        sizes = [len(c.blob) for c in marks]
        backs = []
        for k in range(len(player.starts) - 1, 0, -1):
            t1 = time.perf_counter()
            player.go_to(k)
            backs.append(time.perf_counter() - t1)
        backs.sort()
        print(f"{name}: {played:.0f} simulated s played in {run_s:.1f} s wall; "
              f"{len(marks)} checkpoints, {sum(sizes) / 1e6:.1f} MB held (largest {max(sizes) / 1e6:.2f} MB); "
              f"step back to a beat: median {1000 * backs[len(backs) // 2]:.0f} ms, worst {1000 * backs[-1]:.0f} ms")
    for rate in (150.0, 1000.0):
        long_session(rate)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak resident memory of this process: {peak:.0f} MB")


def _ms(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return 1000 * (time.perf_counter() - t0)


def long_session(rate: float, minutes: float = 30.0) -> None:
    """Seek costs in a long sandbox session (checkpoints thinned past ten simulated minutes)."""
    import random

    player = LessonPlayer(load("sandbox"), rate=rate)
    while player.sim.time < minutes * 60:
        player.step(100 / 60)                 # the window at 100x, without drawing
    live = player.sim.time
    rng = random.Random(1)
    recent = sorted(_ms(lambda: player.seek(rng.uniform(live - 600, live))) for _ in range(20))
    older = sorted(_ms(lambda: player.seek(rng.uniform(0, live - 600))) for _ in range(20))
    player.seek(360.0)
    to_end = _ms(lambda: player.seek(live))
    tl = player.timeline
    print(f"sandbox {rate:g}/s, {minutes:.0f} simulated min: {len(tl.checkpoints)} checkpoints, "
          f"{tl.held_bytes() / 1e6:.1f} MB; seek within the last 10 min: median {recent[10]:.0f} ms, "
          f"worst {recent[-1]:.0f} ms; further back: median {older[10]:.0f} ms, worst {older[-1]:.0f} ms; "
          f"minute 6 -> the live end: {to_end:.0f} ms")


if __name__ == "__main__":
    main()
