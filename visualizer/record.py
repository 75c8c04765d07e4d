"""Deterministic off-screen recording: the window's frames at a fixed simulated time per frame, to MP4/GIF.

Frame i of a recording shows the model at simulated time i x speed / fps (Manim's rule: a fixed dt
per frame, never the wall clock), drawn by the window's own App.render onto an off-screen surface.
The same command twice therefore gives the same frames. A lesson plays its beats by itself,
each caption held at least `HOLD_S` seconds of video; a student's task is done for them
`TASK_DELAY_S` after its caption appears, so the video shows the state before it.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Iterator

import pygame

from visualizer.errors import UsageError
from visualizer.record_files import check_output, check_side_files, side_paths, write_lesson_files
from visualizer.record_video import RecordError, VideoWriter, pixel_format
from visualizer.player import Pace
from visualizer.schema import Beat, Scenario

HOLD_S = 4.0        # the least video time a lesson caption stays on screen
# Video seconds a student's task waits after its caption appears before the recorder does it: enough
# to read the first line of the caption ("web1 fails: click it") and see the state before the change.
TASK_DELAY_S = 2.0
SUMMARY_S = 10.0    # how long a lesson recording shows its closing summary card
MIN_SIZE = (160, 90)  # a thumbnail: below it not even a caption line fits
EXIT_OK, EXIT_FAILED, EXIT_INTERRUPTED = 0, 1, 130


# ---- what to draw ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class BeatSpan:
    """How a lesson recording shows one beat: `frames` frames in all.

    The first `lead` of them (a student's task: reading time) run `lead_dt` simulated seconds apart
    before the task is done; the rest cover the beat's `gap`, `dt` apart.
    """

    index: int
    frames: int
    dt: float
    gap: float      # simulated seconds from the task (or the beat) to the next beat (or the lesson's end)
    lead: int = 0
    lead_dt: float = 0.0


def beat_speed(beats: list[Beat], k: int, default: float) -> float:
    """The playback speed at beat k: the latest beat up to k that sets one, else `default`."""
    for beat in reversed(beats[: k + 1]):
        if beat.speed is not None:
            return beat.speed
    return default


def is_task(beat: Beat) -> bool:
    """A beat that asks the student to act (the recorder acts for them, after a reading pause)."""
    return beat.wait and beat.action != "note"


def lesson_plan(sc: Scenario, fps: int, speed: float | None = None, hold_s: float = HOLD_S,
                task_delay_s: float = TASK_DELAY_S) -> list[BeatSpan]:
    """Frames per beat: the beat's simulated gap at its speed, but never under `hold_s` of video.

    A beat too short to read is slowed down (a smaller dt), so the model still moves on screen. A
    student's task first gets `task_delay_s` of video with the model running at the beat's speed
    (the state before it), and then is done; that pause counts toward `hold_s`.

    >>> from visualizer.scenario import load
    >>> plan = lesson_plan(load("load-balancer"), fps=10, speed=100)
    >>> [(p.frames, p.lead) for p in plan][:3], round(sum(p.gap for p in plan), 6)
    ([(40, 0), (40, 0), (40, 20)], 70.0)
    """
    beats = sc.timeline
    hold = math.ceil(hold_s * fps - 1e-9)
    spans = []
    for k, beat in enumerate(beats):
        end = beats[k + 1].at if k + 1 < len(beats) else max(beat.at, sc.meta.duration)
        gap = max(0.0, end - beat.at)
        x = speed if speed is not None else beat_speed(beats, k, sc.meta.speed)
        lead = math.ceil(task_delay_s * fps - 1e-9) if is_task(beat) else 0
        frames = max(hold - lead, round(gap / x * fps), 1)
        spans.append(BeatSpan(k, lead + frames, gap / frames, gap, lead, x / fps))
    return spans


class Stage:
    """Draws what the window would show off screen: App.render (draw_frame plus the widgets) with the
    lesson layer the window installs (captions, highlights, theory panel, summary card).

    `clean` leaves out the window's chrome: no widgets (sliders, scrubber, toasts) and a view with
    chrome=False (no legend strip, key hints, PAUSED badge or status note).
    """

    def __init__(self, sc: Scenario, player: object, lang: str, speed: float, size: tuple[int, int],
                 clean: bool = False) -> None:
        from visualizer.split_app import SplitApp

        self.clean = clean
        self.surface = pygame.Surface(size, 0, 32)
        self.app = SplitApp(lambda: player, sc, lang=lang, speed=speed)
        if sc.timeline:
            from visualizer.ui.lesson_controls import install_lesson

            install_lesson(self.app, [sc], open_menu=False)
            self.app.render(self.surface)   # a first layout, so the lesson widgets are placed from frame 0

    def draw(self, real_dt: float, speed: float, paused: bool = False) -> pygame.Surface:
        """The frame for the model as it is now (the recorder moved it); `speed` is what the top bar
        and slider show. The window's own App.advance_frame draws it, at the recorder's pace."""
        if not self.clean:
            self.app.advance_frame(real_dt, self.surface, Pace(speed, paused))
            return self.surface
        self.app.advance_frame(real_dt, None, Pace(speed, paused))
        self.app.paint(self.surface, replace(self.app.view, chrome=False))
        return self.surface


def _player(sc: Scenario, seed: int | None, rate: float | None, compare_with: Scenario | None = None) -> object:
    from visualizer.lesson import LessonPlayer

    return LessonPlayer(sc, seed=seed, rate=rate, auto=True, compare_with=compare_with)


def scenario_frames(sc: Scenario, *, lang: str, size: tuple[int, int], fps: int, frames: int,
                    speed: float | None = None, seed: int | None = None, rate: float | None = None,
                    clean: bool = False, compare_with: Scenario | None = None) -> Iterator[pygame.Surface]:
    """`frames` frames of a scenario run, frame i at simulated time i x speed / fps.

    Its timeline plays by itself at the file's times (tasks for students are done for them);
    `compare_with`: that design beside it on the same arrivals (--compare).
    """
    speed = speed if speed is not None else sc.meta.speed
    player = _player(sc, seed, rate, compare_with)
    stage = Stage(sc, player, lang, speed, size, clean)
    for i in range(frames):
        target = i * speed / fps          # from i, not summed, so no drift over long videos
        if target > player.sim.time:
            player.step(target - player.sim.time)
        yield stage.draw(1.0 / fps, speed)


def lesson_frames(sc: Scenario, *, lang: str, size: tuple[int, int], fps: int, frames: int | None = None,
                  speed: float | None = None, seed: int | None = None, rate: float | None = None,
                  hold_s: float = HOLD_S, clean: bool = False, task_delay_s: float = TASK_DELAY_S
                  ) -> Iterator[pygame.Surface]:
    """A lesson played by itself, beat after beat as `lesson_plan` says, then its summary card
    for SUMMARY_S (`frames` cuts it short or lets the model run on after).

    The player waits on students' tasks (auto=False) like the window; the recorder does each task
    itself, as a click would, once the beat's reading pause is over."""
    from visualizer.lesson import LessonPlayer

    player = LessonPlayer(sc, seed=seed, rate=rate, auto=False)
    plan = lesson_plan(sc, fps, speed, hold_s, task_delay_s)
    total = frames if frames is not None else lesson_frame_count(plan, fps)
    first = plan[0] if plan else None
    stage = Stage(sc, player, lang, ((first.lead_dt if first.lead else first.dt) * fps) if first else 1.0, size, clean)
    done = 0
    for span in plan:
        for j in range(span.frames):
            if done == total:
                return
            if j == span.lead:
                _do_task(player)
            dt = span.lead_dt if j < span.lead else span.dt
            yield stage.draw(1.0 / fps, dt * fps, paused=dt == 0)
            done += 1
            if j < span.lead:
                if player.waiting:      # the state before the task runs on; a task already done holds still
                    player.step(span.lead_dt)
            elif j < span.frames - 1:
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


def _do_task(player: object) -> None:
    """The current beat's task for the student, done as their click would do it (LessonPlayer.apply
    forks the model and completes the beat). A command the model refuses (it is already so) is
    counted done, as the player's own auto mode does."""
    from visualizer.sim.commands import CommandError
    from visualizer.sim.control import beat_command

    if not player.waiting or player.beat is None:
        return
    cmd = beat_command(player.sim, player.beat)
    try:
        if cmd is not None:
            player.apply(cmd)
    except CommandError:
        pass
    if player.waiting:
        player.next()       # on a waiting beat: the task is done for the student


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
                hold_s: float = HOLD_S, task_delay_s: float = TASK_DELAY_S) -> int:
    """duration x fps; by default the scenario's duration, or a lesson's planned length."""
    if duration is None and lesson and sc.timeline:
        return lesson_frame_count(lesson_plan(sc, fps, speed, hold_s, task_delay_s), fps)
    seconds = duration if duration is not None else sc.meta.duration
    return max(1, round(seconds * fps))


def render_frames(sc: Scenario, *, lang: str, size: tuple[int, int], fps: int, duration: float | None = None,
                  lesson: bool = False, speed: float | None = None, seed: int | None = None,
                  rate: float | None = None, hold_s: float = HOLD_S, clean: bool = False,
                  task_delay_s: float = TASK_DELAY_S, compare_with: Scenario | None = None
                  ) -> tuple[int, Iterator[pygame.Surface]]:
    """(number of frames, the frames): what both the CLI and the tests record.

    Each yielded surface is reused for the next frame: copy or encode it before asking for more.
    """
    total = frame_count(sc, fps, duration, lesson, speed, hold_s, task_delay_s)
    if lesson and sc.timeline:
        return total, lesson_frames(sc, lang=lang, size=size, fps=fps, frames=total, speed=speed, seed=seed,
                                    rate=rate, hold_s=hold_s, clean=clean, task_delay_s=task_delay_s)
    return total, scenario_frames(sc, lang=lang, size=size, fps=fps, frames=total, speed=speed, seed=seed, rate=rate,
                                  clean=clean, compare_with=compare_with)


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


def record_cli(args: argparse.Namespace, scenario: Scenario, lang: str) -> int:
    """`main.py --record OUT ...`: check OUT, render, encode with a progress bar; the exit status.

    An MP4 of a lesson also gets chapters at its beats and OUT.srt / OUT.vtt subtitles beside it."""
    out = Path(args.record)
    fps = int(args.fps)
    size = tuple(args.size) if args.size else (1280, 720)
    force = bool(getattr(args, "force", False))
    check_size(size)
    lesson = getattr(args, "lesson", None) is not None
    side = side_paths(out) if lesson and scenario.timeline else []
    check_output(out, force, fps)
    check_side_files(out, side, force)
    total, frames = render_frames(scenario, lang=lang, size=size, fps=fps, duration=args.duration, lesson=lesson,
                                  speed=args.speed, seed=args.seed, rate=getattr(args, "rate", None),
                                  clean=bool(getattr(args, "clean", False)),
                                  compare_with=getattr(args, "compare_with", None))
    try:
        result = record_to(out, frames, total, size, fps, Progress(total))
        extra = _lesson_files(out, side, scenario, lang, fps, args.speed, result) if side else ""
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
          f"{os.path.getsize(out) / 1e6:.1f} MB, exported at {rate:.0f} fps{extra}", file=sys.stderr)
    return EXIT_OK


def _lesson_files(out: Path, side: list[Path], sc: Scenario, lang: str, fps: int, speed: float | None,
                  result: Outcome) -> str:
    """Chapters into the finished MP4 and the subtitle files beside it (not for a cut-short video)."""
    if result.interrupted or not result.frames:
        return ""
    beats = [span.frames for span in lesson_plan(sc, fps, speed)]
    return write_lesson_files(out, side, sc, lang, fps, beats, result.frames)
