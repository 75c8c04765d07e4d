"""The README's GIF walks through the whole lesson: every beat's caption shows, then the summary, in a few MB."""

from __future__ import annotations

import os

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

import re  # noqa: E402
import shlex  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

from test_record import caption_band, decode  # noqa: E402
from visualizer.cli import build_parser, pick_scenario  # noqa: E402
from visualizer.record import lesson_plan  # noqa: E402
from visualizer.subtitles import beat_starts  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def readme_command() -> list[str]:
    """The flags of the command the README says made docs/demo.gif."""
    line = next(x for x in (ROOT / "README.md").read_text().splitlines() if "--record docs/demo.gif" in x)
    command = re.search(r"`([^`]*--record docs/demo\.gif[^`]*)`", line).group(1)
    return shlex.split(command)[2:]          # after ".venv/bin/python main.py"


def test_the_readme_gif_command_plans_every_beat_and_the_summary() -> None:
    args = build_parser().parse_args(readme_command())
    plan = lesson_plan(pick_scenario(args), args.fps, args.speed)
    frames = args.duration * args.fps
    assert len(plan) == 11 and beat_starts([p.frames for p in plan])[-1] < frames - 2 * args.fps, \
        "every beat, and at least 2 s of the summary card, fit in the GIF"


def test_the_gif_shows_each_caption_in_turn_and_stays_small() -> None:
    args = build_parser().parse_args(readme_command())
    gif = ROOT / "docs" / "demo.gif"
    assert gif.stat().st_size < 3_000_000
    size, frames = decode(gif)
    assert size == tuple(args.size) and len(frames) == round(args.duration * args.fps)
    plan = lesson_plan(pick_scenario(args), args.fps, args.speed)
    for k, s in enumerate(beat_starts([p.frames for p in plan])[1:-1], start=2):
        diff = np.abs(caption_band(frames[s - 1]) - caption_band(frames[s])).mean()
        assert diff > 2.0, f"the GIF never changes to caption {k}"
