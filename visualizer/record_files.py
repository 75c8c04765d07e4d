"""What a recording writes besides its frames: checks on OUT and the subtitle files first, chapters and subtitles after."""

from __future__ import annotations

from pathlib import Path

from visualizer import subtitles as subs
from visualizer.errors import UsageError
from visualizer.record_video import EXTENSIONS, add_chapters, temp_path
from visualizer.schema import Scenario

GIF_MAX_FPS = 50    # GIF delays are 1/100 s; browsers slow anything faster down to 10 fps


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


def side_paths(out: Path) -> list[Path]:
    """OUT.srt and OUT.vtt, for an MP4 (a GIF has no subtitles)."""
    return subs.side_paths(out) if out.suffix.lower() == ".mp4" else []


def check_side_files(out: Path, paths: list[Path], force: bool) -> None:
    """The subtitle files beside OUT follow OUT's rule: an existing one is replaced only with --force."""
    for path in paths:
        if path.is_dir():
            raise UsageError(f"--record {out}: {path} is a folder")
        if path.exists() and not force:
            raise UsageError(f"--record {out}: {path} already exists (add --force to overwrite it)")


def write_lesson_files(out: Path, side: list[Path], sc: Scenario, lang: str, fps: int, beats: list[int],
                       frames: int) -> str:
    """Chapters at the beats into the MP4 `out` (`beats`: frames per beat; `frames`: the video's
    length), then its captions into the subtitle files `side`; returns a note for the summary line."""
    chapters = subs.chapter_cues(sc, beats, lang, frames)
    add_chapters(out, subs.ffmetadata(chapters, fps, getattr(sc.meta.title, lang)))
    cues = subs.caption_cues(sc, beats, lang, frames)
    for path in side:
        subs.write_atomic(path, (subs.vtt if path.suffix == ".vtt" else subs.srt)(cues, fps))
    return f", {len(chapters)} chapters; subtitles in {' and '.join(map(str, side))}"
