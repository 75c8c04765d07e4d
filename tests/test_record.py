"""Recording: exact frame counts and sizes, identical frames run to run, lessons, bad input, Ctrl-C."""

from __future__ import annotations

import os

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

import subprocess  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

import imageio_ffmpeg  # noqa: E402
import numpy as np  # noqa: E402
import pygame  # noqa: E402

from conftest import tiny_lesson  # noqa: E402
from visualizer.cli import main  # noqa: E402
from visualizer.record import Progress, lesson_frame_count, lesson_plan, record_to, render_frames, summary_frames  # noqa: E402
from visualizer.record_video import Recorder, screenshot  # noqa: E402
from visualizer.scenario import load  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def decode(path: Path) -> tuple[tuple[int, int], list[np.ndarray]]:
    """(width, height) and every decoded frame as an (h, w, 3) array."""
    gen = imageio_ffmpeg.read_frames(str(path))
    meta = next(gen)
    w, h = meta["size"]
    return (w, h), [np.frombuffer(b, np.uint8).reshape(h, w, 3) for b in gen]


def caption_band(frame: np.ndarray) -> np.ndarray:
    """The middle of the caption bar (above the toolbar, left of the metrics panel), as int16."""
    h, w = frame.shape[:2]
    return frame[int(h * 0.855): int(h * 0.905), : int(w * 0.68)].astype(np.int16)


def test_same_command_twice_gives_identical_frames(tmp_path: Path) -> None:
    outs = [tmp_path / "a.mp4", tmp_path / "b.mp4"]
    argv = ["--scenario", "combined", "--duration", "2", "--fps", "30", "--size", "640x360", "--lang", "en"]
    assert main([*argv, "--record", str(outs[0])]) == 0
    # the second run in a fresh process with another string-hash seed: no set-order or clock leaks
    proc = subprocess.run([sys.executable, str(ROOT / "main.py"), *argv, "--record", str(outs[1])],
                          env={**os.environ, "PYTHONHASHSEED": "12345"}, capture_output=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    (size_a, frames_a), (size_b, frames_b) = decode(outs[0]), decode(outs[1])
    assert size_a == size_b == (640, 360)
    assert len(frames_a) == len(frames_b) == 60
    assert all(np.array_equal(a, b) for a, b in zip(frames_a, frames_b))
    assert not np.array_equal(frames_a[0], frames_a[-1])   # and the picture does move


def test_gif_keeps_every_frame_and_the_size(tmp_path: Path) -> None:
    out = tmp_path / "clip.gif"
    assert main(["--scenario", "load-balancer", "--record", str(out), "--duration", "1.5", "--fps", "10",
                 "--size", "320x180"]) == 0
    size, frames = decode(out)
    assert size == (320, 180) and len(frames) == 15
    assert out.read_bytes()[:6] == b"GIF89a"
    assert not list(tmp_path.glob(".*"))   # no temporary files left behind


def small_lesson():
    return tiny_lesson()


def test_lesson_frames_hold_each_caption_and_change_at_each_beat() -> None:
    sc = small_lesson()
    plan = lesson_plan(sc, fps=4, hold_s=1.0, task_delay_s=0.5)
    # beat 1 runs 0.5 s at x0.25 (2 s of video); beat 2 is a task: 0.5 s of reading (2 frames), then
    # its 0.1 s (0.4 s of video) held for the rest of the 1 s minimum; beat 3 runs 0.4 s at x0.25
    assert [(p.frames, p.lead) for p in plan] == [(8, 0), (4, 2), (6, 0)]
    total, frames = render_frames(sc, lang="en", size=(640, 360), fps=4, lesson=True, hold_s=1.0, task_delay_s=0.5)
    bands = [caption_band(pygame.surfarray.array3d(s).transpose(1, 0, 2)) for s in frames]
    assert total == len(bands) == 18 + summary_frames(4) == lesson_frame_count(plan, 4)
    starts = np.cumsum([0] + [p.frames for p in plan])
    for k in range(len(plan)):
        same = bands[starts[k]: starts[k + 1]]
        assert all(np.array_equal(same[0], b) for b in same), f"caption {k + 1} changes within its beat"
        if k:
            assert not np.array_equal(bands[starts[k] - 1], same[0]), f"caption {k + 1} never shows"


def test_bundled_lesson_recording_shows_every_caption(tmp_path: Path) -> None:
    out = tmp_path / "lesson.mp4"
    assert main(["--lesson", "1", "--record", str(out), "--fps", "1", "--size", "640x360", "--lang", "ko"]) == 0
    plan = lesson_plan(load("single-server"), fps=1)
    size, frames = decode(out)
    assert size == (640, 360) and len(frames) == lesson_frame_count(plan, 1)
    starts = np.cumsum([p.frames for p in plan])[:-1]
    for k, s in enumerate(starts):
        diff = np.abs(caption_band(frames[s - 1]) - caption_band(frames[s])).mean()
        assert diff > 2.0, f"no caption change into beat {k + 2} (mean diff {diff:.2f})"


def run_main(*argv: str, cwd: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, str(ROOT / "main.py"), *argv], cwd=cwd, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def test_bad_inputs_are_one_line_and_exit_2(tmp_path: Path) -> None:
    existing = tmp_path / "exists.mp4"
    existing.write_bytes(b"keep me")
    cases = {
        "exists": ["--record", str(existing)],
        "folder missing": ["--record", str(tmp_path / "nowhere" / "x.mp4")],
        "unwritable": ["--record", "/proc/x.mp4"],
        "extension": ["--record", str(tmp_path / "x.avi")],
        "odd size": ["--record", str(tmp_path / "x.mp4"), "--size", "641x360"],
        "bad size": ["--record", str(tmp_path / "x.mp4"), "--size", "big"],
        "too narrow": ["--record", str(tmp_path / "x.mp4"), "--size", "40x360"],
        "too low": ["--record", str(tmp_path / "x.gif"), "--size", "640x88"],
        "fps zero": ["--record", str(tmp_path / "x.mp4"), "--fps", "0"],
        "fps text": ["--record", str(tmp_path / "x.mp4"), "--fps", "fast"],
        "gif fps": ["--record", str(tmp_path / "x.gif"), "--fps", "60"],
    }
    procs = {name: run_main(*argv, "--duration", "0.1", cwd=tmp_path) for name, argv in cases.items()}
    for name, proc in procs.items():
        out, err = proc.communicate(timeout=60)
        lines = err.strip().splitlines()
        assert proc.returncode == 2, (name, err)
        assert len(lines) == 1 and "Traceback" not in err and lines[0].startswith("main.py: error:"), (name, err)
    assert existing.read_bytes() == b"keep me"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["exists.mp4"]   # nothing else written


def test_a_video_too_small_to_draw_is_refused_by_name(tmp_path: Path) -> None:
    proc = run_main("--record", str(tmp_path / "x.mp4"), "--size", "40x360", cwd=tmp_path)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 2
    assert err.strip() == "main.py: error: --size 40x360: too small for a video; at least 160x90 (default 1280x720)"
    assert not any(tmp_path.iterdir())


def test_force_overwrites(tmp_path: Path) -> None:
    out = tmp_path / "x.mp4"
    out.write_bytes(b"old")
    assert main(["--record", str(out), "--force", "--duration", "0.2", "--fps", "10", "--size", "160x90"]) == 0
    assert decode(out)[0] == (160, 90) and len(decode(out)[1]) == 2


def interrupted_after(n: int, frames):
    for i, surface in enumerate(frames):
        if i == n:
            raise KeyboardInterrupt
        yield surface


def test_interrupted_recording_is_playable_with_the_frames_so_far(tmp_path: Path) -> None:
    out = tmp_path / "cut.mp4"
    total, frames = render_frames(load("combined"), lang="en", size=(320, 180), fps=30, duration=2)
    result = record_to(out, interrupted_after(17, frames), total, (320, 180), 30)
    assert result.interrupted and result.frames == 17
    size, decoded = decode(out)
    assert size == (320, 180) and len(decoded) == 17


def test_ctrl_c_in_the_cli_says_where_the_partial_file_is(tmp_path: Path, monkeypatch, capsys) -> None:
    import visualizer.record as rec

    real = rec.render_frames

    def cut(*a, **kw):
        total, frames = real(*a, **kw)
        return total, interrupted_after(5, frames)

    monkeypatch.setattr(rec, "render_frames", cut)
    out = tmp_path / "cut.gif"
    assert main(["--record", str(out), "--duration", "1", "--fps", "10", "--size", "160x90"]) == 130
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and str(out) in err[0] and "5 frames" in err[0]
    assert len(decode(out)[1]) == 5


def test_window_recorder_scales_a_resized_window_and_screenshots(tmp_path: Path) -> None:
    rec = Recorder()
    path = rec.start(tmp_path / "recordings" / "w.mp4", (201, 101), fps=10)   # odd: rounded down to even
    for k in range(6):
        surface = pygame.Surface((200, 100) if k < 3 else (300, 180))
        surface.fill((40 * k, 100, 200))
        rec.add(surface)
    assert rec.active and rec.frames == 6
    assert rec.stop() == path and not rec.active
    size, frames = decode(path)
    assert size == (200, 100) and len(frames) == 6
    assert abs(int(frames[5][50, 100, 0]) - 200) < 8   # the last, scaled frame kept its colour
    shot = screenshot(pygame.Surface((64, 32)), tmp_path / "recordings", stamp="fixed")
    assert shot.name == "visualizer-fixed.png" and pygame.image.load(str(shot)).get_size() == (64, 32)


def test_progress_line() -> None:
    p = Progress(600, enabled=False)
    line = p.line(120, p.t0 + 2.0)
    assert "120/600 frames" in line and "60.0 fps" in line and "0:08 left" in line


def test_window_r_key_records_in_real_time_and_p_saves_a_png(tmp_path: Path) -> None:
    from visualizer.app import App
    from visualizer.lesson import LessonPlayer
    from visualizer.record_window import install

    pygame.display.init()
    screen = pygame.display.set_mode((320, 180))
    sc = load("load-balancer")
    app = App(lambda: LessonPlayer(sc), sc, lang="en")
    rec = install(app, tmp_path / "recordings", fps=30)
    key = lambda k: app.handle_event(pygame.event.Event(pygame.KEYDOWN, key=k, mod=0, unicode=""))  # noqa: E731
    app.render(screen)
    key(pygame.K_r)
    assert rec.recorder.active and app.view.status_note == ""    # REC is drawn on the recording's own layer
    for _ in range(10):                      # half a second of window time at 20 fps
        app.advance_frame(0.05)
        app.render(screen)
    key(pygame.K_p)
    key(pygame.K_r)
    assert not rec.recorder.active and rec.last is not None
    videos = list((tmp_path / "recordings").glob("*.mp4"))
    shots = list((tmp_path / "recordings").glob("*.png"))
    assert len(videos) == 1 and len(shots) == 1
    size, frames = decode(videos[0])
    assert size == (320, 180) and len(frames) == 15   # 0.5 s at 30 fps
    pygame.display.quit()
