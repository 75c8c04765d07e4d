"""A lesson video's captions as SRT and WebVTT subtitles, and its beats as FFMETADATA chapters, timed by frame."""

from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from visualizer.i18n import t
from visualizer.schema import Scenario

LINE_COLUMNS = 48     # subtitle lines are wrapped to this width, a Hangul syllable counting two
TITLE_CHARS = 60      # a chapter title is the caption's first sentence, cut to this
SIDE_SUFFIXES = (".srt", ".vtt")


@dataclass(frozen=True)
class Cue:
    """Text shown from frame `start` up to (not including) frame `end`."""

    start: int
    end: int
    text: str


def beat_starts(frames_per_beat: list[int]) -> list[int]:
    """The first frame of each beat, and the frame after the last beat (where the summary begins).

    >>> beat_starts([8, 4, 6])
    [0, 8, 12, 18]
    """
    starts = [0]
    for n in frames_per_beat:
        starts.append(starts[-1] + n)
    return starts


def _clip(cues: list[Cue], frames: int) -> list[Cue]:
    """The cues as far as a video of `frames` frames shows them."""
    return [Cue(c.start, min(c.end, frames), c.text) for c in cues if c.start < min(c.end, frames)]


def caption_cues(sc: Scenario, frames_per_beat: list[int], lang: str, frames: int) -> list[Cue]:
    """One cue per captioned beat, from its first frame to the next captioned beat's (the last one to
    the end of the beats: the summary card is not a caption); a beat without a caption keeps the one
    before on screen, as the window does."""
    starts = beat_starts(frames_per_beat)
    marks = [(starts[k], getattr(b.caption, lang)) for k, b in enumerate(sc.timeline) if b.caption is not None]
    ends = [s for s, _ in marks[1:]] + [starts[-1]]
    return _clip([Cue(s, e, text) for (s, text), e in zip(marks, ends)], frames)


def chapter_title(k: int, caption: str | None) -> str:
    """'3. Click web1 to break it.': the beat's number and its caption's first sentence (a long one
    is cut at a word).

    >>> chapter_title(2, "Click web1 to break it. For a moment the load balancer does not know.")
    '3. Click web1 to break it.'
    >>> chapter_title(1, "The load balancer takes turns (round robin): each web server gets about half.")
    '2. The load balancer takes turns (round robin): each web…'
    """
    first = re.split(r"(?<=[.!?。])\s", (caption or "").strip(), maxsplit=1)[0]
    if len(first) > TITLE_CHARS:
        cut = first[: TITLE_CHARS - 1]
        first = (cut.rsplit(" ", 1)[0] if " " in cut else cut).rstrip(" ,:;") + "…"
    return f"{k + 1}. {first}".rstrip()


def chapter_cues(sc: Scenario, frames_per_beat: list[int], lang: str, frames: int) -> list[Cue]:
    """A chapter at every beat (titled by its caption), then one for the summary card."""
    starts = beat_starts(frames_per_beat)
    shown = None
    cues = []
    for k, beat in enumerate(sc.timeline):
        shown = getattr(beat.caption, lang) if beat.caption is not None else shown
        cues.append(Cue(starts[k], starts[k + 1], chapter_title(k, shown)))
    if frames > starts[-1]:
        cues.append(Cue(starts[-1], frames, t("lesson.summary", lang)))
    return _clip(cues, frames)


def timestamp(frame: int, fps: int, sep: str = ",") -> str:
    """HH:MM:SS,mmm (SRT) or, with sep='.', HH:MM:SS.mmm (WebVTT) of a frame's start.

    >>> timestamp(1, 3), timestamp(3 * 3725 + 2, 3, ".")
    ('00:00:00,333', '01:02:05.667')
    """
    ms = round(frame * 1000 / fps)
    h, rest = divmod(ms, 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, ms = divmod(rest, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}{sep}{ms:03d}"


def columns(text: str) -> int:
    """How wide `text` shows: Hangul and other wide characters take two columns.

    >>> columns("web1"), columns("서버")
    (4, 4)
    """
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _lines(text: str) -> str:
    """The text wrapped at spaces into lines of at most LINE_COLUMNS columns (a longer word alone)."""
    lines: list[str] = []
    for word in text.split():
        if lines and columns(lines[-1]) + 1 + columns(word) <= LINE_COLUMNS:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return "\n".join(lines) or " "


def srt(cues: list[Cue], fps: int) -> str:
    """SubRip: index, 'start --> end', the text, a blank line."""
    blocks = [f"{i}\n{timestamp(c.start, fps)} --> {timestamp(c.end, fps)}\n{_lines(c.text)}\n"
              for i, c in enumerate(cues, 1)]
    return "\n".join(blocks)


def vtt(cues: list[Cue], fps: int) -> str:
    """WebVTT: the header, then 'start --> end' and the text of each cue."""
    blocks = [f"{timestamp(c.start, fps, '.')} --> {timestamp(c.end, fps, '.')}\n{_vtt_text(c.text)}\n"
              for c in cues]
    return "\n".join(["WEBVTT\n", *blocks])


def _vtt_text(text: str) -> str:
    """WebVTT text may not contain '-->' and treats & and < as markup."""
    return _lines(text).replace("&", "&amp;").replace("<", "&lt;").replace("-->", "--&gt;")


def _meta_escape(value: str) -> str:
    """FFMETADATA escapes '=', ';', '#', '\\' and newlines with a backslash."""
    return re.sub(r"([=;#\\\n])", r"\\\1", value)


def ffmetadata(chapters: list[Cue], fps: int, title: str = "") -> str:
    """An FFMETADATA1 file: the video's title and a [CHAPTER] per cue, in milliseconds."""
    out = [";FFMETADATA1"]
    if title:
        out.append(f"title={_meta_escape(title)}")
    for c in chapters:
        out += ["", "[CHAPTER]", "TIMEBASE=1/1000", f"START={round(c.start * 1000 / fps)}",
                f"END={round(c.end * 1000 / fps)}", f"title={_meta_escape(c.text)}"]
    return "\n".join(out) + "\n"


def side_paths(video: Path) -> list[Path]:
    """out.srt and out.vtt beside out.mp4."""
    return [video.with_suffix(s) for s in SIDE_SUFFIXES]


def write_atomic(path: Path, text: str) -> None:
    """Write `text` (UTF-8) next to `path` under a hidden name, then rename it into place."""
    tmp = path.with_name(f".{path.stem}.partial{path.suffix}")
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
