"""A recorded lesson does a student's task a reading pause after its caption appears, deterministically."""

from __future__ import annotations

import os

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

import numpy as np  # noqa: E402
import pygame  # noqa: E402

from test_record import caption_band, small_lesson  # noqa: E402
from visualizer.lesson import LessonPlayer  # noqa: E402
from visualizer.record import TASK_DELAY_S, lesson_plan, render_frames  # noqa: E402
from visualizer.render.style import palette  # noqa: E402
from visualizer.scenario import load  # noqa: E402

FPS, HOLD = 4, 1.0
RED = palette(False).failed


def frames_and_tasks(sc, monkeypatch, task_delay_s: float) -> tuple[list[np.ndarray], list[int]]:
    """The lesson's frames, and how many frames had been drawn when each command reached the player."""
    drawn: list[np.ndarray] = []
    tasks: list[int] = []
    real = LessonPlayer.apply
    monkeypatch.setattr(LessonPlayer, "apply", lambda self, cmd: (tasks.append(len(drawn)), real(self, cmd))[1])
    _, frames = render_frames(sc, lang="en", size=(640, 360), fps=FPS, lesson=True, hold_s=HOLD,
                              task_delay_s=task_delay_s, clean=True)
    for surface in frames:
        drawn.append(pygame.surfarray.array3d(surface).transpose(1, 0, 2).copy())
    return drawn, tasks


def red_pixels(frame: np.ndarray) -> int:
    """The failed node's red cross (and failed requests), in the picture above the caption bar."""
    h = frame.shape[0]
    graph = frame[int(h * 0.15): int(h * 0.8), : int(frame.shape[1] * 0.7)].astype(int)
    return int((np.abs(graph - RED).max(axis=2) <= 30).sum())


def test_the_task_happens_a_reading_pause_after_its_caption(monkeypatch) -> None:
    sc = small_lesson()                                     # beat 2: "web1 fails", a task
    plan = lesson_plan(sc, FPS, hold_s=HOLD, task_delay_s=1.0)
    start = plan[0].frames
    assert plan[1].lead == 4
    frames, tasks = frames_and_tasks(sc, monkeypatch, task_delay_s=1.0)
    assert tasks == [start + 4], "web1 is failed once, after four frames of its caption"
    bands = [caption_band(f) for f in frames]
    assert not np.array_equal(bands[start - 1], bands[start]), "the caption changes at the beat's first frame"
    assert all(np.array_equal(bands[start], b) for b in bands[start: start + 4])
    before = [red_pixels(f) for f in frames[start: start + 4]]
    assert max(before) < 20, "during the pause web1 is still up"
    assert red_pixels(frames[start + 4]) > 200, "then the frame after the pause shows it down"


def test_no_delay_does_it_as_the_caption_appears(monkeypatch) -> None:
    sc = small_lesson()
    frames, tasks = frames_and_tasks(sc, monkeypatch, task_delay_s=0.0)
    start = lesson_plan(sc, FPS, hold_s=HOLD, task_delay_s=0.0)[0].frames
    assert tasks == [start] and red_pixels(frames[start]) > 200


def test_delayed_tasks_keep_recordings_deterministic(monkeypatch) -> None:
    sc = small_lesson()
    a, _ = frames_and_tasks(sc, monkeypatch, TASK_DELAY_S)
    b, _ = frames_and_tasks(sc, monkeypatch, TASK_DELAY_S)
    assert len(a) == len(b) and all(np.array_equal(x, y) for x, y in zip(a, b))


def test_every_task_of_a_bundled_lesson_is_done_after_its_pause(monkeypatch) -> None:
    sc = load("load-balancer")
    plan = lesson_plan(sc, 1, hold_s=HOLD)
    starts = np.cumsum([0] + [p.frames for p in plan])
    tasks: list[int] = []
    real = LessonPlayer.apply
    drawn = [0]
    monkeypatch.setattr(LessonPlayer, "apply", lambda self, cmd: (tasks.append(drawn[0]), real(self, cmd))[1])
    _, frames = render_frames(sc, lang="en", size=(320, 180), fps=1, lesson=True, hold_s=HOLD, clean=True)
    for _ in frames:
        drawn[0] += 1
    expected = [int(starts[p.index] + p.lead) for p in plan if p.lead]
    assert len(expected) == 3 and tasks == expected
