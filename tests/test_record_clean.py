"""Clean video frames: --clean drops the window's chrome; R-key recordings never show their own REC or toasts."""

from __future__ import annotations

import os

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import pygame  # noqa: E402
import pytest  # noqa: E402

from conftest import tiny_lesson  # noqa: E402
from test_record import decode  # noqa: E402
from visualizer.cli import main  # noqa: E402
from visualizer.record import render_frames  # noqa: E402
from visualizer.render.fonts import ui_scale  # noqa: E402
from visualizer.render.layout import regions  # noqa: E402
from visualizer.render.style import palette  # noqa: E402
from visualizer.scenario import load  # noqa: E402

PAL = palette(False)
SIZE = (640, 360)


def summary_lesson():
    """Three beats (the second a task), then a summary card."""
    return tiny_lesson(summary={"en": "Two servers beat one.", "ko": "둘이 하나보다 낫다."})


def frames_of(sc, clean: bool, **kw) -> list[np.ndarray]:
    """Every frame of a lesson recording as (h, w, 3) arrays."""
    _, frames = render_frames(sc, lang="en", size=SIZE, fps=2, lesson=True, hold_s=0.5, clean=clean, **kw)
    return [pygame.surfarray.array3d(s).transpose(1, 0, 2).copy() for s in frames]


def bars() -> tuple[pygame.Rect, pygame.Rect]:
    """The top bar and the toolbar strip at SIZE (without its first row, where the metrics panel's
    edge ends)."""
    top, _graph, _side, _caption, toolbar = regions(SIZE, ui_scale(SIZE, False), 0, True)
    return top, pygame.Rect(toolbar.left, toolbar.top + 1, toolbar.width, toolbar.height - 1)


def crop(frame: np.ndarray, r: pygame.Rect) -> np.ndarray:
    return frame[r.top: r.bottom, r.left: r.right]


def has_colour(region: np.ndarray, colour: tuple[int, int, int], tol: int = 30) -> bool:
    return bool((np.abs(region.astype(int) - colour).max(axis=2) <= tol).any())


def test_clean_frames_have_no_toolbar_hints_or_paused_badge() -> None:
    sc = summary_lesson()
    clean, chrome = frames_of(sc, True), frames_of(sc, False)
    top, toolbar = bars()
    last_clean, last_chrome = clean[-1], chrome[-1]          # the summary card, shown paused
    assert (crop(last_clean, toolbar) == PAL.background).all(), "the toolbar strip is background only"
    assert not (crop(last_chrome, toolbar) == PAL.background).all(), "the window's frame has sliders there"
    assert has_colour(crop(last_chrome, top), PAL.undetected) and not has_colour(crop(last_clean, top), PAL.undetected)
    # the picture, captions and metrics are the same pixels in both
    body = pygame.Rect(0, top.bottom, SIZE[0], toolbar.top - top.bottom)
    same = (crop(last_clean, body) == crop(last_chrome, body)).all(axis=2).mean()
    assert same > 0.9


def test_no_hint_text_reaches_a_clean_frame(monkeypatch) -> None:
    """Change every hint the window draws: a clean frame does not change with them."""
    import visualizer.render.scene as scene
    import visualizer.ui.lesson_panels as panels

    sc = summary_lesson()
    before = frames_of(sc, True)
    hints = {"help.hint": "XXXXXXXX XXXXXXX", "lesson.summary_keys": "XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX"}
    for module in (scene, panels):
        real = module.t
        monkeypatch.setattr(module, "t", lambda key, lang, _real=real, **kw: hints.get(key) or _real(key, lang, **kw))
    after = frames_of(sc, True)
    assert len(before) == len(after) and all(np.array_equal(a, b) for a, b in zip(before, after))
    patched = frames_of(sc, False)[-1]
    monkeypatch.undo()
    assert not np.array_equal(patched, frames_of(sc, False)[-1]), "with chrome, the hints do show"


def test_clean_flag_in_the_cli(tmp_path: Path) -> None:
    out = tmp_path / "clean.mp4"
    assert main(["--scenario", "load-balancer", "--record", str(out), "--clean", "--duration", "0.5", "--fps", "4",
                 "--size", "640x360", "--lang", "en"]) == 0
    size, frames = decode(out)
    _, toolbar = bars()
    assert size == SIZE and len(frames) == 2
    strip = crop(frames[-1], toolbar.inflate(0, -4)).astype(int)
    assert np.abs(strip - PAL.background).max() <= 6, "no sliders or legend in the toolbar strip"


def test_clean_without_record_is_one_line_and_exit_2(capsys) -> None:
    assert main(["--clean"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "--clean" in err[0]


def red(region: np.ndarray) -> int:
    """Pixels of the REC dot's red."""
    return int((np.abs(region.astype(int) - PAL.failed).max(axis=2) <= 20).sum())   # not orange edges


@pytest.fixture
def window_app(tmp_path: Path):
    from visualizer.app import App
    from visualizer.lesson import LessonPlayer
    from visualizer.record_window import install

    pygame.display.init()
    screen = pygame.display.set_mode(SIZE)
    sc = load("load-balancer")
    app = App(lambda: LessonPlayer(sc), sc, lang="en")
    rec = install(app, tmp_path / "recordings", fps=20)
    yield app, rec, screen
    rec.close()
    pygame.display.quit()


def press(app, k: int) -> None:
    app.handle_event(pygame.event.Event(pygame.KEYDOWN, key=k, mod=0, unicode=""))


def test_window_recording_has_no_rec_dot_and_no_toasts_of_its_own(window_app, tmp_path: Path) -> None:
    app, rec, screen = window_app
    press(app, pygame.K_SPACE)                 # paused: every frame shows the same picture
    app.advance_frame(0.05)
    app.render(screen)
    before = pygame.surfarray.array3d(screen).transpose(1, 0, 2).copy()
    press(app, pygame.K_r)
    shown = []
    for k in range(8):
        if k == 4:
            press(app, pygame.K_p)             # a screenshot mid-recording: its toast is ours too
        app.advance_frame(0.05)
        app.render(screen)
        shown.append(pygame.surfarray.array3d(screen).transpose(1, 0, 2).copy())
    press(app, pygame.K_r)
    top, _ = bars()
    assert all(red(crop(s, top)) > 10 for s in shown), "the window shows ● REC while recording"
    marks = np.zeros(before.shape[:2], bool)       # where the window differs from before: REC, toasts
    for s in shown:
        marks |= np.abs(s.astype(int) - before).max(axis=2) > 40
    assert marks[top.bottom:].sum() > 500, "the recording's toasts show in the window"
    video = next((tmp_path / "recordings").glob("*.mp4"))
    size, frames = decode(video)
    assert size == SIZE and len(frames) == 8
    for f in frames:
        assert red(crop(f, top)) == 0
        assert np.abs(f.astype(int) - before)[marks].mean() < 6, "the video is the window without our marks"
    shot = next((tmp_path / "recordings").glob("*.png"))
    png = pygame.surfarray.array3d(pygame.image.load(str(shot))).transpose(1, 0, 2)
    assert np.array_equal(png, before), "the screenshot taken while recording has no REC either"
