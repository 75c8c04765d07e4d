"""Lesson MP4s: SRT and WebVTT captions beside them, chapters at the beats inside them, timed by the frame plan."""

from __future__ import annotations

import os

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

import re  # noqa: E402
import subprocess  # noqa: E402
from pathlib import Path  # noqa: E402

import imageio_ffmpeg  # noqa: E402
import pytest  # noqa: E402

from test_record import decode  # noqa: E402
from visualizer import record_video, subtitles  # noqa: E402
from visualizer.cli import main  # noqa: E402
from visualizer.record import lesson_frame_count, lesson_plan  # noqa: E402
from visualizer.scenario import load  # noqa: E402

FPS = 3                   # a third of a second: times that are not whole milliseconds
ARGS = ["--lesson", "3", "--lang", "en", "--fps", str(FPS), "--size", "160x90"]
STAMP = r"(\d\d):(\d\d):(\d\d)[,.](\d\d\d)"


def seconds(match: re.Match) -> float:
    h, m, s, ms = (int(g) for g in match.groups())
    return h * 3600 + m * 60 + s + ms / 1000


def parse_srt(text: str) -> list[tuple[float, float, str]]:
    """(start, end, text) of each block; asserts the SRT shape: index, times, text lines, blank line."""
    assert text.endswith("\n") and not text.endswith("\n\n\n")
    cues = []
    for i, block in enumerate(text.strip("\n").split("\n\n"), 1):
        lines = block.split("\n")
        assert lines[0] == str(i), block
        times = re.fullmatch(f"{STAMP} --> {STAMP}", lines[1])
        assert times and "," in lines[1] and len(lines) >= 3, block
        start, end = seconds(re.match(STAMP, lines[1])), seconds(re.search(f"{STAMP}$", lines[1]))
        cues.append((start, end, " ".join(lines[2:])))
    return cues


def parse_vtt(text: str) -> list[tuple[float, float, str]]:
    """(start, end, text) of each cue; asserts the WEBVTT header and HH:MM:SS.mmm times."""
    head, *blocks = text.strip("\n").split("\n\n")
    assert head == "WEBVTT"
    cues = []
    for block in blocks:
        lines = block.split("\n")
        assert re.fullmatch(f"{STAMP} --> {STAMP}", lines[0]) and "." in lines[0] and "," not in lines[0], block
        start, end = seconds(re.match(STAMP, lines[0])), seconds(re.search(f"{STAMP}$", lines[0]))
        assert "-->" not in " ".join(lines[1:])
        cues.append((start, end, " ".join(lines[1:])))
    return cues


def read_chapters(video: Path) -> tuple[str, list[tuple[float, float, str]]]:
    """The title and (start, end, title) chapters ffmpeg reads back from the MP4."""
    out = subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-i", str(video), "-f", "ffmetadata", "-"],
                         capture_output=True, text=True, check=True).stdout
    head, *sections = out.split("[CHAPTER]")
    title = re.search(r"^title=(.*)$", head, re.M).group(1)
    chapters = []
    for section in sections:
        fields = dict(line.split("=", 1) for line in section.strip().splitlines() if "=" in line)
        num, den = (int(x) for x in fields["TIMEBASE"].split("/"))
        chapters.append((int(fields["START"]) * num / den, int(fields["END"]) * num / den, fields["title"]))
    return title, chapters


@pytest.fixture(scope="module")
def lesson_video(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("video") / "lesson3.mp4"
    assert main([*ARGS, "--record", str(out)]) == 0
    return out


def plan_starts() -> tuple[list[int], int]:
    """The first frame of each beat of lesson 3 at FPS, and the video's frame count."""
    plan = lesson_plan(load("load-balancer"), FPS)
    return subtitles.beat_starts([p.frames for p in plan]), lesson_frame_count(plan, FPS)


def test_subtitles_match_the_beats_first_frames_and_captions(lesson_video: Path) -> None:
    sc = load("load-balancer")
    starts, _ = plan_starts()
    captions = [b.caption.en for b in sc.timeline]
    for path, parse in ((lesson_video.with_suffix(".srt"), parse_srt), (lesson_video.with_suffix(".vtt"), parse_vtt)):
        cues = parse(path.read_text(encoding="utf-8"))
        assert len(cues) == len(captions) == 11, path
        for k, (start, end, text) in enumerate(cues):
            assert abs(start - starts[k] / FPS) < 0.0006 and abs(end - starts[k + 1] / FPS) < 0.0006, (path, k)
            assert text == captions[k], (path, k)
    assert not list(lesson_video.parent.glob(".*")), "no temporary files left"


def test_chapters_at_the_beats_inside_the_mp4(lesson_video: Path) -> None:
    sc = load("load-balancer")
    starts, total = plan_starts()
    title, chapters = read_chapters(lesson_video)
    assert title == sc.meta.title.en
    assert len(chapters) == len(sc.timeline) + 1
    for k, (start, end, name) in enumerate(chapters[:-1]):
        assert abs(start - starts[k] / FPS) < 0.001 and abs(end - starts[k + 1] / FPS) < 0.001, k
        shown = name.removeprefix(f"{k + 1}. ").removesuffix("…")
        assert name.startswith(f"{k + 1}. ") and len(shown) > 10 and sc.timeline[k].caption.en.startswith(shown), name
    assert chapters[-1][2] == "Summary" and abs(chapters[-1][0] - starts[-1] / FPS) < 0.001
    assert abs(chapters[-1][1] - total / FPS) < 0.001
    assert len(decode(lesson_video)[1]) == total, "the remux kept every frame"


def test_subtitle_files_follow_the_videos_overwrite_rule(tmp_path: Path, capsys) -> None:
    out = tmp_path / "l.mp4"
    mine = tmp_path / "l.vtt"
    mine.write_text("my own notes")
    assert main([*ARGS, "--duration", "2", "--record", str(out)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and str(mine) in err[0] and "--force" in err[0]
    assert mine.read_text() == "my own notes" and sorted(p.name for p in tmp_path.iterdir()) == ["l.vtt"]
    assert main([*ARGS, "--duration", "2", "--record", str(out), "--force"]) == 0
    cues = parse_vtt(mine.read_text(encoding="utf-8"))
    assert cues == [(0.0, 2.0, load("load-balancer").timeline[0].caption.en)], "cut to the video's 2 s"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["l.mp4", "l.srt", "l.vtt"]


def test_no_subtitles_for_a_gif_or_a_scenario(tmp_path: Path) -> None:
    assert main([*ARGS, "--duration", "1", "--record", str(tmp_path / "l.gif")]) == 0
    assert main(["--scenario", "load-balancer", "--fps", "3", "--size", "160x90", "--duration", "1",
                 "--record", str(tmp_path / "s.mp4")]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["l.gif", "s.mp4"]


def test_a_failed_remux_leaves_the_video_and_no_temporary_files(tmp_path: Path, monkeypatch) -> None:
    video = tmp_path / "v.mp4"
    assert main(["--scenario", "load-balancer", "--fps", "3", "--size", "160x90", "--duration", "1",
                 "--record", str(video)]) == 0
    before = video.read_bytes()

    def broken(cmd: list[str]) -> None:
        Path(cmd[-1]).write_bytes(b"half a file")
        raise record_video.RecordError("ffmpeg failed: disk full")

    monkeypatch.setattr(record_video, "_run", broken)
    with pytest.raises(record_video.RecordError):
        record_video.add_chapters(video, subtitles.ffmetadata([subtitles.Cue(0, 3, "a=b;c")], 3))
    assert video.read_bytes() == before and sorted(p.name for p in tmp_path.iterdir()) == ["v.mp4"]


def test_metadata_and_subtitle_text_are_escaped() -> None:
    cue = subtitles.Cue(0, 3, "a=b;c#d\\e --> <f> & g")
    meta = subtitles.ffmetadata([cue], 3, title="x;y")
    assert "title=x\\;y" in meta and "title=a\\=b\\;c\\#d\\\\e --> <f> & g" in meta and "END=1000" in meta
    assert parse_vtt(subtitles.vtt([cue], 3))[0][2] == "a=b;c#d\\e --&gt; &lt;f> &amp; g"
