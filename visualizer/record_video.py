"""Video files from pygame surfaces: MP4 (libx264) and palette-optimised GIF via imageio-ffmpeg's ffmpeg.

The drawing side hands over raw 32-bit pixels (no colour conversion in Python); a writer thread
feeds them to an ffmpeg process, so drawing (this process) and encoding (ffmpeg) run on both cores.
Ctrl-C in the drawing thread never reaches ffmpeg (imageio-ffmpeg starts it in its own process
group): `close()` then finishes the file properly, so a partial recording is still playable.
"""

from __future__ import annotations

import os
import queue
import subprocess
import sys
import threading
from pathlib import Path

import imageio_ffmpeg
import pygame

EXTENSIONS = (".mp4", ".gif")
# x264 is the bottleneck at 720p: "ultrafast" keeps well ahead of real time on 2 cores; the CRF is
# chosen for flat UI graphics (see benchmarks/record_speed.py for the speed and size it gives).
MP4_PRESET = "veryfast"
MP4_CRF = 25
QUEUE_FRAMES = 6


class RecordError(Exception):
    """The encoder failed (ffmpeg exited, disk full, ...): one line for the user."""


def pixel_format(surface: pygame.Surface) -> str:
    """ffmpeg's name for a 32-bit surface's byte order in memory, e.g. 'bgr0' or 'bgra'.

    >>> pixel_format(pygame.Surface((4, 4), 0, 32)) in ("bgr0", "rgb0", "0rgb", "0bgr")
    True
    """
    if surface.get_bytesize() != 4:
        raise ValueError("only 32-bit surfaces can be recorded directly")
    names = ["0"] * 4
    for channel, shift, mask in zip("rgba", surface.get_shifts(), surface.get_masks()):
        if mask:
            names[shift // 8] = channel
    if sys.byteorder == "big":
        names.reverse()
    return "".join(names)


def frame_bytes(surface: pygame.Surface) -> bytes:
    """A copy of the surface's pixels as they lie in memory (about 0.5 ms at 720p)."""
    view = surface.get_view("0")
    try:
        return view.raw
    finally:
        del view  # releases the surface lock


def even_size(size: tuple[int, int]) -> tuple[int, int]:
    """The largest even size not above `size` (yuv420p needs even sides)."""
    return max(2, size[0] - size[0] % 2), max(2, size[1] - size[1] % 2)


def temp_path(out: Path, suffix: str | None = None) -> Path:
    """A hidden file next to `out` to write into before the final rename."""
    return out.with_name(f".{out.stem}.partial{suffix or out.suffix}")


class VideoWriter:
    """Raw frames in, an MP4 or GIF at `path` out; `add()` per frame, `close()` once.

    Frames go to a temporary file next to `path`, renamed into place by `close()`, so a failed
    run never leaves half a file under the final name. A GIF is first encoded losslessly
    (libx264rgb, qp 0) and then converted in two passes (palettegen, paletteuse).
    """

    def __init__(self, path: str | os.PathLike, size: tuple[int, int], fps: int, pix_fmt: str = "bgr0",
                 *, preset: str = MP4_PRESET, crf: int = MP4_CRF) -> None:
        self.path = Path(path)
        self.size = (int(size[0]), int(size[1]))
        self.fps = fps
        self.frames = 0
        self.gif = self.path.suffix.lower() == ".gif"
        if not self.gif and self.path.suffix.lower() != ".mp4":
            raise ValueError(f"unknown video extension {self.path.suffix!r}")
        self._tmp = temp_path(self.path, ".mkv" if self.gif else ".mp4")
        if self.gif:
            codec, out_fmt, params = "libx264rgb", "bgr0", ["-preset", "ultrafast", "-qp", "0"]
        else:
            codec, out_fmt = "libx264", "yuv420p"
            params = ["-preset", preset, "-crf", str(crf), "-movflags", "+faststart"]
        self._gen = imageio_ffmpeg.write_frames(
            str(self._tmp), self.size, pix_fmt_in=pix_fmt, pix_fmt_out=out_fmt, fps=fps, codec=codec,
            quality=None, macro_block_size=1, ffmpeg_log_level="error", output_params=params)
        self._gen.send(None)  # starts ffmpeg
        self._frame_len = self.size[0] * self.size[1] * 4
        self._queue: queue.Queue[bytes | None] = queue.Queue(QUEUE_FRAMES)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._feed, name="video-writer", daemon=True)
        self._thread.start()
        self._closed = False

    def _feed(self) -> None:
        while True:
            item = self._queue.get()
            if item is None:
                return
            if self._error is None:
                try:
                    self._gen.send(item)
                except BaseException as err:  # noqa: BLE001 - reported by add()/close()
                    self._error = err

    def add(self, data: bytes) -> None:
        """Queue one frame of raw pixels (blocks while the encoder is behind)."""
        if self._error is not None:
            raise RecordError(f"the video encoder stopped: {_first_line(self._error)}")
        if len(data) != self._frame_len:
            raise ValueError(f"frame of {len(data)} bytes, expected {self._frame_len}")
        self._queue.put(data)
        self.frames += 1

    def add_surface(self, surface: pygame.Surface) -> None:
        self.add(frame_bytes(surface))

    def close(self) -> Path:
        """Finish the file (waits for the encoder) and move it to `path`; returns `path`."""
        if self._closed:
            return self.path
        self._closed = True
        self._queue.put(None)
        self._thread.join()
        try:
            self._gen.close()
        except Exception as err:  # noqa: BLE001
            self._error = self._error or err
        if self._error is not None:
            self._tmp.unlink(missing_ok=True)
            raise RecordError(f"the video encoder stopped: {_first_line(self._error)}")
        if self.gif:
            try:
                _gif_from(self._tmp, self.path.with_name(f".{self.path.stem}.partial.gif"))
            finally:
                self._tmp.unlink(missing_ok=True)
            os.replace(self.path.with_name(f".{self.path.stem}.partial.gif"), self.path)
        else:
            os.replace(self._tmp, self.path)
        return self.path

    def discard(self) -> None:
        """Stop without keeping anything."""
        try:
            self.close()
        except RecordError:
            pass
        self.path.unlink(missing_ok=True)


def _gif_from(src: Path, out: Path) -> None:
    """Two passes over the lossless intermediate: a 256-colour palette, then the GIF using it.

    Every frame is kept (passthrough); GIF delays are in 1/100 s, so players show 30 fps as
    alternating 3 and 4 hundredths, the same total length.
    """
    exe = imageio_ffmpeg.get_ffmpeg_exe()
    palette = src.with_suffix(".palette.png")
    quiet = ["-v", "error", "-nostdin", "-y"]
    try:
        _run([exe, *quiet, "-i", str(src), "-vf", "palettegen=stats_mode=full", str(palette)])
        _run([exe, *quiet, "-i", str(src), "-i", str(palette), "-lavfi",
              "paletteuse=dither=bayer:bayer_scale=4:diff_mode=rectangle",
              "-fps_mode", "passthrough", "-loop", "0", "-f", "gif", str(out)])
    finally:
        palette.unlink(missing_ok=True)


def add_chapters(path: str | os.PathLike, metadata: str) -> Path:
    """Put the chapters (and title) of an FFMETADATA1 text into the MP4 at `path`.

    The streams are copied, not re-encoded, into a hidden file next to `path` that then replaces it;
    the temporary files go whatever happens, and on failure `path` is left as it was.
    """
    path = Path(path)
    meta, tmp = temp_path(path, ".chapters.txt"), temp_path(path, ".chapters.mp4")
    exe = imageio_ffmpeg.get_ffmpeg_exe()
    try:
        meta.write_text(metadata, encoding="utf-8")
        _run([exe, "-v", "error", "-nostdin", "-y", "-i", str(path), "-f", "ffmetadata", "-i", str(meta),
              "-map", "0", "-map_metadata", "1", "-map_chapters", "1", "-codec", "copy",
              "-movflags", "+faststart", "-f", "mp4", str(tmp)])
        os.replace(tmp, path)
    finally:
        meta.unlink(missing_ok=True)
        tmp.unlink(missing_ok=True)
    return path


def _run(cmd: list[str]) -> None:
    # Its own session: a Ctrl-C meant for us must not kill the conversion half way.
    proc = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, text=True, start_new_session=True)
    if proc.returncode != 0:
        raise RecordError(f"ffmpeg failed: {(proc.stderr.strip().splitlines() or ['?'])[-1]}")


def _first_line(err: BaseException) -> str:
    text = str(err).strip().splitlines()
    return text[0] if text else type(err).__name__


class Recorder:
    """What the window's R key uses: `start(path, size, fps)`, `add(surface)` each frame, `stop()`.

    Frames of another size (the window was resized) are scaled to the size fixed at `start`.
    """

    def __init__(self) -> None:
        self._writer: VideoWriter | None = None
        self._scratch: pygame.Surface | None = None
        self._fps, self._shown, self._due = 30, 0.0, 0

    @property
    def active(self) -> bool:
        return self._writer is not None

    @property
    def frames(self) -> int:
        return self._writer.frames if self._writer else 0

    def start(self, path: str | os.PathLike, size: tuple[int, int], fps: int = 30) -> Path:
        """Begin recording to `path` (.mp4 or .gif; its folder is created); odd sizes round down."""
        if self._writer is not None:
            self.stop()
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        size = even_size(size)
        self._scratch = pygame.Surface(size, 0, 32)
        self._writer = VideoWriter(path, size, fps, pixel_format(self._scratch))
        self._fps, self._shown, self._due = fps, 0.0, 0
        return path

    def add(self, surface: pygame.Surface, shown_s: float | None = None) -> int:
        """Append the picture on `surface` (e.g. the display surface); returns how many frames that made.

        Without `shown_s`, one frame. With it (how long the picture was on screen), as many frames
        as that time covers at the recording's fps, so the video keeps real time whatever the
        window's own frame rate (at most one second's worth after a stall).
        """
        if self._writer is None or self._scratch is None:
            return 0
        if shown_s is None:
            n = 1
        else:
            self._shown += max(0.0, shown_s)
            due = int(self._shown * self._fps + 0.5)
            n, self._due = min(due - self._due, self._fps), due
            if n <= 0:
                return 0
        if surface.get_size() == self._scratch.get_size() and surface.get_bytesize() == 4 \
                and pixel_format(surface) == pixel_format(self._scratch):
            data = frame_bytes(surface)
        else:
            if surface.get_size() == self._scratch.get_size():
                self._scratch.blit(surface, (0, 0))
            else:
                src = surface if surface.get_bytesize() == 4 else surface.convert(self._scratch)
                pygame.transform.smoothscale(src, self._scratch.get_size(), self._scratch)
            data = frame_bytes(self._scratch)
        for _ in range(n):
            self._writer.add(data)
        return n

    def stop(self) -> Path | None:
        """Finish the file; returns where it is (None if not recording)."""
        writer, self._writer = self._writer, None
        return writer.close() if writer is not None else None


def default_path(folder: str | os.PathLike = "recordings", ext: str = ".mp4", stamp: str | None = None) -> Path:
    """recordings/visualizer-YYYYmmdd-HHMMSS.mp4 (the wall clock names the file, never a frame)."""
    import time

    stamp = stamp or time.strftime("%Y%m%d-%H%M%S")
    path = Path(folder) / f"visualizer-{stamp}{ext}"
    k = 2
    while path.exists():
        path = Path(folder) / f"visualizer-{stamp}-{k}{ext}"
        k += 1
    return path


def screenshot(surface: pygame.Surface, folder: str | os.PathLike = "recordings", stamp: str | None = None) -> Path:
    """Save `surface` as a PNG in `folder` (F12 / P); returns the path."""
    path = default_path(folder, ".png", stamp)
    path.parent.mkdir(parents=True, exist_ok=True)
    pygame.image.save(surface, str(path))
    return path
