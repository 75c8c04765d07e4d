"""Export speed of `--record`: frames per second at 1280x720 30 fps for the combined design, and file size.

    python benchmarks/record_speed.py [--seconds 20] [--size 1280x720] [--fps 30] [--speed 0.25]

Prints drawing alone (frames/s), the whole export to MP4 (frames/s, x real time) and the MP4's
size per second of video, then the same export to GIF. Target: >= 60 frames/s (2x real time).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from visualizer.cli import parse_size  # noqa: E402
from visualizer.record import record_to, render_frames  # noqa: E402
from visualizer.record_video import MP4_CRF, MP4_PRESET  # noqa: E402
from visualizer.scenario import load  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scenario", default="combined")
    ap.add_argument("--seconds", type=float, default=20.0, help="seconds of video to export")
    ap.add_argument("--size", type=parse_size, default=(1280, 720))
    ap.add_argument("--fps", type=int, default=30)
    ap.add_argument("--speed", type=float, default=None, help="simulated seconds per video second")
    ap.add_argument("--no-gif", action="store_true")
    a = ap.parse_args()
    sc = load(a.scenario)
    kw = dict(lang="en", size=a.size, fps=a.fps, duration=a.seconds, speed=a.speed)
    w, h = a.size
    print(f"{a.scenario}, {w}x{h}, {a.fps} fps, {a.seconds:g} s of video, speed x{a.speed or sc.meta.speed:g}, "
          f"x264 {MP4_PRESET} crf {MP4_CRF}")

    total, frames = render_frames(sc, **kw)
    t0 = time.perf_counter()
    for _ in frames:
        pass
    draw = total / (time.perf_counter() - t0)
    print(f"  drawing only      {draw:6.1f} frames/s")

    with tempfile.TemporaryDirectory() as tmp:
        for ext in (".mp4",) if a.no_gif else (".mp4", ".gif"):
            out = Path(tmp) / f"bench{ext}"
            total, frames = render_frames(sc, **kw)
            t0 = time.perf_counter()
            result = record_to(out, frames, total, a.size, a.fps)
            secs = time.perf_counter() - t0
            fps = result.frames / secs
            size = out.stat().st_size
            print(f"  export to {ext[1:]:4}    {fps:6.1f} frames/s  ({fps / a.fps:.1f}x real time)  "
                  f"{size / 1e6:.2f} MB, {size / 1024 / a.seconds:.0f} KB per second of video")


if __name__ == "__main__":
    main()
