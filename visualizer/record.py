"""Deterministic off-screen recording: the window's frames at a fixed simulated time per frame, to MP4/GIF.

Frame i of a recording shows the model at simulated time i x speed / fps (Manim's rule: a fixed dt
per frame, never the wall clock), drawn by the window's own App.render onto an off-screen surface.
The same command twice therefore gives the same frames. A lesson plays its beats by themselves
(LessonPlayer with auto=True), each caption held at least `HOLD_S` seconds of video.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import pygame

from visualizer.errors import UsageError
from visualizer.record_video import EXTENSIONS, RecordError, VideoWriter, pixel_format, temp_path
from visualizer.player import Pace
from visualizer.schema import Beat, Scenario

HOLD_S = 4.0        # the least video time a lesson caption stays on screen
SUMMARY_S = 10.0    # how long a lesson recording shows its closing summary card
GIF_MAX_FPS = 50    # GIF delays are 1/100 s; browsers slow anything faster down to 10 fps
MIN_SIZE = (160, 90)  # a thumbnail: below it not even a caption line fits
EXIT_OK, EXIT_FAILED, EXIT_INTERRUPTED = 0, 1, 130


# ---- what to draw ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class BeatSpan:
    """How a lesson recording shows one beat: `frames` frames, `dt` simulated seconds apart."""

    index: int
    frames: int
    dt: float
    gap: float      # simulated seconds from this beat to the next (or to the lesson's end)


def beat_speed(beats: list[Beat], k: int, default: float) -> float:
    """The playback speed at beat k: the latest beat up to k that sets one, else `default`."""
    for beat in reversed(beats[: k + 1]):
        if beat.speed is not None:
            return beat.speed
    return default


def lesson_plan(sc: Scenario, fps: int, speed: float | None = None, hold_s: float = HOLD_S) -> list[BeatSpan]:
    """Frames per beat: the beat's simulated gap at its speed, but never under `hold_s` of video.

    A beat too short to read is slowed down (a smaller dt), so the model still moves on screen.

    >>> from visualizer.scenario import load
    >>> plan = lesson_plan(load("load-balancer"), fps=10, speed=100)
    >>> [p.frames for p in plan][:3], round(sum(p.gap for p in plan), 6)
    ([40, 40, 40], 56.0)
    """
    beats = sc.timeline
    spans = []
    for k, beat in enumerate(beats):
        end = beats[k + 1].at if k + 1 < len(beats) else max(beat.at, sc.meta.duration)
        gap = max(0.0, end - beat.at)
        x = speed if speed is not None else beat_speed(beats, k, sc.meta.speed)
        frames = max(math.ceil(hold_s * fps - 1e-9), round(gap / x * fps), 1)
        spans.append(BeatSpan(k, frames, gap / frames, gap))
    return spans


class Stage:
    """Draws what the window would show off screen: App.render (draw_frame plus the widgets) with the
    lesson layer the window installs (captions, highlights, theory panel, summary card)."""

    def __init__(self, sc: Scenario, player: object, lang: str, speed: float, size: tuple[int, int]) -> None:
        from visualizer.app import App

        self.surface = pygame.Surface(size, 0, 32)
        self.app = App(lambda: player, sc, lang=lang, speed=speed)
        if sc.timeline:
            from visualizer.ui.lesson_controls import install_lesson

            install_lesson(self.app, [sc], open_menu=False)
            self.app.render(self.surface)   # a first layout, so the lesson widgets are placed from frame 0

    def draw(self, real_dt: float, speed: float, paused: bool = False) -> pygame.Surface:
        """The frame for the model as it is now (the recorder moved it); `speed` is what the top bar
        and slider show. The window's own App.advance_frame draws it, at the recorder's pace."""
        self.app.advance_frame(real_dt, self.surface, Pace(speed, paused))
        return self.surface


def _player(sc: Scenario, seed: int | None, rate: float | None) -> object:
    from visualizer.lesson import LessonPlayer

    return LessonPlayer(sc, seed=seed, rate=rate, auto=True)


def scenario_frames(sc: Scenario, *, lang: str, size: tuple[int, int], fps: int, frames: int,
                    speed: float | None = None, seed: int | None = None, rate: float | None = None
                    ) -> Iterator[pygame.Surface]:
    """`frames` frames of a scenario run, frame i at simulated time i x speed / fps.

    Its timeline plays by itself at the file's times (tasks for students are done for them).
    """
    speed = speed if speed is not None else sc.meta.speed
    player = _player(sc, seed, rate)
    stage = Stage(sc, player, lang, speed, size)
    for i in range(frames):
        target = i * speed / fps          # from i, not summed, so no drift over long videos
        if target > player.sim.time:
            player.step(target - player.sim.time)
        yield stage.draw(1.0 / fps, speed)


def lesson_frames(sc: Scenario, *, lang: str, size: tuple[int, int], fps: int, frames: int | None = None,
                  speed: float | None = None, seed: int | None = None, rate: float | None = None,
                  hold_s: float = HOLD_S) -> Iterator[pygame.Surface]:
    """A lesson played by itself, beat after beat as `lesson_plan` says, then its summary card
    for SUMMARY_S (`frames` cuts it short or lets the model run on after)."""
    player = _player(sc, seed, rate)
    plan = lesson_plan(sc, fps, speed, hold_s)
    total = frames if frames is not None else lesson_frame_count(plan, fps)
    stage = Stage(sc, player, lang, plan[0].dt * fps if plan else 1.0, size)
    done = 0
    for span in plan:
        for j in range(span.frames):
            if done == total:
                return
            yield stage.draw(1.0 / fps, span.dt * fps, paused=span.dt == 0)
            done += 1
            if j < span.frames - 1:
                if span.dt > 0:
                    player.step(span.dt)
            else:
                _finish_beat(player, span)
    for _ in range(summary_frames(fps)):
        if done == total:
            return
        yield stage.draw(1.0 / fps, player.speed(), paused=True)
        done += 1
    tail_dt = (speed if speed is not None else player.speed()) / fps
    while done < total:   # --duration longer than the lesson: let the last state run on
        yield stage.draw(1.0 / fps, tail_dt * fps)
        done += 1
        player.step(tail_dt)


def summary_frames(fps: int) -> int:
    return math.ceil(SUMMARY_S * fps - 1e-9)


def lesson_frame_count(plan: list[BeatSpan], fps: int) -> int:
    """The beats' frames plus the summary card's."""
    return sum(p.frames for p in plan) + summary_frames(fps)


def _finish_beat(player: object, span: BeatSpan) -> None:
    """Run to exactly the time the next beat is due, and make sure it has begun."""
    start = player.done_at if player.done_at is not None else player.starts[player.index]
    remaining = start + span.gap - player.sim.time
    if remaining > 0:
        player.step(remaining)
    if player.index == span.index and span.index + 1 < len(player.beats):
        player.next()


def frame_count(sc: Scenario, fps: int, duration: float | None, lesson: bool, speed: float | None = None,
                hold_s: float = HOLD_S) -> int:
    """duration x fps; by default the scenario's duration, or a lesson's planned length."""
    if duration is None and lesson and sc.timeline:
        return lesson_frame_count(lesson_plan(sc, fps, speed, hold_s), fps)
    seconds = duration if duration is not None else sc.meta.duration
    return max(1, round(seconds * fps))


def render_frames(sc: Scenario, *, lang: str, size: tuple[int, int], fps: int, duration: float | None = None,
                  lesson: bool = False, speed: float | None = None, seed: int | None = None,
                  rate: float | None = None, hold_s: float = HOLD_S) -> tuple[int, Iterator[pygame.Surface]]:
    """(number of frames, the frames): what both the CLI and the tests record.

    Each yielded surface is reused for the next frame: copy or encode it before asking for more.
    """
    total = frame_count(sc, fps, duration, lesson, speed, hold_s)
    if lesson and sc.timeline:
        return total, lesson_frames(sc, lang=lang, size=size, fps=fps, frames=total, speed=speed, seed=seed,
                                    rate=rate, hold_s=hold_s)
    return total, scenario_frames(sc, lang=lang, size=size, fps=fps, frames=total, speed=speed, seed=seed, rate=rate)


# ---- the terminal side ----------------------------------------------------------------------------

class Progress:
    """`[#####-----] 120/600 frames  84 fps  0:06 left` on stderr, redrawn in place (a terminal only)."""

    def __init__(self, total: int, stream=None, enabled: bool | None = None, width: int = 28) -> None:
        self.total, self.width = total, width
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = enabled if enabled is not None else bool(getattr(self.stream, "isatty", lambda: False)())
        self.t0 = time.monotonic()          # wall clock for the progress bar only, never for a frame
        self._last = -1.0
        self.shown = False

    def line(self, done: int, now: float) -> str:
        elapsed = max(now - self.t0, 1e-9)
        rate = done / elapsed
        left = (self.total - done) / rate if rate > 0 else 0.0
        fill = round(self.width * done / max(1, self.total))
        return (f"[{'#' * fill}{'-' * (self.width - fill)}] {done}/{self.total} frames  "
                f"{rate:5.1f} fps  {int(left) // 60}:{int(left) % 60:02d} left")

    def update(self, done: int) -> None:
        now = time.monotonic()
        if not self.enabled or (now - self._last < 0.1 and done < self.total):
            return
        self._last = now
        self.stream.write("\r" + self.line(done, now) + "\x1b[K")
        self.stream.flush()
        self.shown = True

    def finish(self) -> None:
        if self.shown:
            self.stream.write("\n")
            self.stream.flush()
            self.shown = False


@dataclass
class Outcome:
    path: Path
    frames: int
    interrupted: bool
    seconds: float      # wall-clock seconds the export took


def record_to(out: Path, frames: Iterator[pygame.Surface], total: int, size: tuple[int, int], fps: int,
              progress: Progress | None = None) -> Outcome:
    """Encode `frames` into `out`. On Ctrl-C the frames so far are finished into a playable `out`."""
    t0 = time.monotonic()
    writer: VideoWriter | None = None
    progress = progress or Progress(total, enabled=False)
    try:
        for surface in frames:
            if writer is None:
                writer = VideoWriter(out, size, fps, pixel_format(surface))
            writer.add_surface(surface)
            progress.update(writer.frames)
    except KeyboardInterrupt:
        progress.finish()
        if writer is None or writer.frames == 0:
            if writer is not None:
                writer.discard()
            return Outcome(out, 0, True, time.monotonic() - t0)
        writer.close()
        return Outcome(out, writer.frames, True, time.monotonic() - t0)
    except BaseException:
        progress.finish()
        if writer is not None:
            writer.discard()
        raise
    progress.finish()
    if writer is None:
        raise RecordError("no frames to record")
    if writer.gif and progress.enabled:
        progress.stream.write("making the GIF (palette, then dithering)...\n")
    writer.close()
    return Outcome(out, writer.frames, False, time.monotonic() - t0)


def check_size(size: tuple[int, int]) -> None:
    """One-line UsageError for a video too small to show anything legible."""
    if size[0] < MIN_SIZE[0] or size[1] < MIN_SIZE[1]:
        raise UsageError(f"--size {size[0]}x{size[1]}: too small for a video; "
                         f"at least {MIN_SIZE[0]}x{MIN_SIZE[1]} (default 1280x720)")


def check_output(out: Path, force: bool, fps: int) -> None:
    """One-line UsageError for an OUT we must not or cannot write."""
    ext = out.suffix.lower()
    if ext not in EXTENSIONS:
        raise UsageError(f"--record {out}: unknown extension '{out.suffix}' (use .mp4 or .gif)")
    if ext == ".gif" and fps > GIF_MAX_FPS:
        raise UsageError(f"--fps {fps}: a GIF plays at most {GIF_MAX_FPS} frames per second (use .mp4)")
    if out.is_dir():
        raise UsageError(f"--record {out}: is a folder")
    if out.exists() and not force:
        raise UsageError(f"--record {out}: already exists (add --force to overwrite it)")
    parent = out.parent
    if not parent.is_dir():
        raise UsageError(f"--record {out}: folder {parent} does not exist")
    probe = temp_path(out, ".probe")
    try:
        with open(probe, "wb"):
            pass
        probe.unlink()
    except OSError as err:
        raise UsageError(f"--record {out}: cannot write in {parent} ({err.strerror or err})") from None


def record_cli(args: argparse.Namespace, scenario: Scenario, lang: str) -> int:
    """`main.py --record OUT ...`: check OUT, render, encode with a progress bar; the exit status."""
    out = Path(args.record)
    fps = int(args.fps)
    size = tuple(args.size) if args.size else (1280, 720)
    check_size(size)
    check_output(out, bool(getattr(args, "force", False)), fps)
    lesson = getattr(args, "lesson", None) is not None
    total, frames = render_frames(scenario, lang=lang, size=size, fps=fps, duration=args.duration, lesson=lesson,
                                  speed=args.speed, seed=args.seed, rate=getattr(args, "rate", None))
    try:
        result = record_to(out, frames, total, size, fps, Progress(total))
    except RecordError as err:
        print(f"main.py: error: {err}", file=sys.stderr)
        return EXIT_FAILED
    secs = result.frames / fps
    if result.interrupted:
        where = f"the first {result.frames} frames ({secs:.1f} s) are in {out}" if result.frames else "nothing was recorded"
        print(f"main.py: interrupted: {where}", file=sys.stderr)
        return EXIT_INTERRUPTED
    rate = result.frames / max(result.seconds, 1e-9)
    print(f"wrote {out}: {result.frames} frames, {secs:.1f} s at {fps} fps, {size[0]}x{size[1]}, "
          f"{os.path.getsize(out) / 1e6:.1f} MB, exported at {rate:.0f} fps", file=sys.stderr)
    return EXIT_OK
