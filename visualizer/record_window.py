"""The window's recording keys: R starts/stops an MP4 in recordings/ (REC shows), F12 or P saves a PNG.

`install(app)` adds the keys, a widget on the top layer and a tick hook. The widget, drawn last, copies
the finished frame and only then draws the recording's own marks (the red "● REC", its toasts), so no
video or screenshot ever contains them. The tick hook runs in App.advance_frame before the next frame
is drawn: the copy of the frame the user just saw is written as many times as its on-screen time
covers at the recording's fps (a steady-rate video of a window whose own frame rate varies).
"""

from __future__ import annotations

import atexit
from pathlib import Path
from typing import TYPE_CHECKING, Callable

import pygame

from visualizer import i18n
from visualizer.record_video import RecordError, Recorder, default_path, screenshot
from visualizer.render.fonts import text
from visualizer.ui.base import Layer, Widget
from visualizer.ui.toast import Toasts

if TYPE_CHECKING:
    from visualizer.app import App

REC_NOTE = "● REC"


class WindowRecording(Widget):
    """R / F12 / P for one App; `close()` finishes a recording still running (also at exit).

    As a widget on the top layer it sees the finished frame: `draw` keeps a copy (what gets
    recorded) and then draws "● REC" and the recording's toasts over the window only.
    """

    def __init__(self, app: App, folder: str | Path = "recordings", fps: int = 30,
                 surface: Callable[[], pygame.Surface | None] = pygame.display.get_surface) -> None:
        self.app, self.folder, self.fps, self.surface = app, Path(folder), fps, surface
        self.recorder = Recorder()
        self.path: Path | None = None
        self.last: Path | None = None     # the last file written (video or screenshot)
        self.frame: pygame.Surface | None = None    # the last frame as drawn, without our marks
        self.toasts = Toasts(app.ctx)     # our own, drawn after the copy: never in a video

    def _say(self, key: str, bad: bool = False, **fmt: object) -> None:
        self.toasts.show(i18n.t(key, self.app.view.lang, **fmt), bad=bad)

    def update(self, dt: float) -> None:
        self.toasts.update(dt)

    def draw(self, surface: pygame.Surface) -> None:
        """Keep the frame as the App drew it (while recording), then add our marks on top."""
        if self.recorder.active:
            if self.frame is None or self.frame.get_size() != surface.get_size():
                self.frame = pygame.Surface(surface.get_size(), 0, 32)
            self.frame.blit(surface, (0, 0))
            draw_rec_badge(surface, self.app)
        self.toasts.draw(surface)

    def _clean(self) -> pygame.Surface | None:
        """What the user sees, without our marks: the copy while recording, else the display."""
        return self.frame if self.recorder.active and self.frame is not None else self.surface()

    def toggle(self) -> None:
        if self.recorder.active:
            self.close()
            return
        shown = self.surface()
        if shown is None:
            return
        try:
            self.path = self.recorder.start(default_path(self.folder), shown.get_size(), self.fps)
        except (OSError, RecordError) as err:
            self._say("toast.rec_fail", bad=True, why=str(err))
            return
        self.frame = pygame.Surface(shown.get_size(), 0, 32)
        self.frame.blit(shown, (0, 0))     # drawn before REC was on: no marks of ours in it
        self._say("toast.rec_on", path=self.path)

    def close(self) -> Path | None:
        """Stop recording (if on) and return the finished file."""
        if not self.recorder.active:
            return None
        frames = self.recorder.frames
        self.frame = None
        try:
            self.last = self.recorder.stop()
        except RecordError as err:
            self._say("toast.rec_fail", bad=True, why=str(err))
            return None
        self._say("toast.rec_off", path=self.last, secs=frames / self.fps)
        return self.last

    def screenshot(self) -> None:
        shown = self._clean()
        if shown is None:
            return
        try:
            self.last = screenshot(shown, self.folder)
        except (OSError, pygame.error) as err:
            self._say("toast.rec_fail", bad=True, why=str(err))
            return
        self._say("toast.shot", path=self.last)

    def on_tick(self, app: App, real_dt: float) -> None:
        """Write the frame on screen for the `real_dt` seconds it was shown."""
        if not self.recorder.active or self.frame is None:
            return
        try:
            self.recorder.add(self.frame, real_dt)
        except RecordError as err:
            self.recorder, self.frame = Recorder(), None
            self._say("toast.rec_fail", bad=True, why=str(err))


def draw_rec_badge(surface: pygame.Surface, app: App) -> pygame.Rect | None:
    """A red "● REC" in the middle of the top bar (right of the title if that is wider)."""
    lay = app.layout
    if lay is None:
        return None
    s, pal = lay.scale, app.ctx.pal
    label = text(REC_NOTE, round(17 * s), pal.failed, True)
    title = text(app.view.title or "System Design Visualizer", round(20 * s), pal.text, True)
    left = lay.top.left + round(16 * s) + title.get_width() + round(24 * s)
    rect = label.get_rect(center=lay.top.center)
    rect.left = max(rect.left, left)
    surface.blit(label, rect)
    return rect


def install(app: App, folder: str | Path = "recordings", fps: int = 30,
            surface: Callable[[], pygame.Surface | None] = pygame.display.get_surface) -> WindowRecording:
    """Bind R (record on/off) and F12 / P (screenshot) on `app`; returns the controller."""
    from visualizer.ui.keymap import Binding

    rec = WindowRecording(app, folder, fps, surface)
    app.add_widget(rec, Layer.MODAL)     # the last widget drawn: it sees the finished frame
    app.bind(Binding("record", (pygame.K_r,), shown="R", help="key.record"), rec.toggle)
    app.bind(Binding("screenshot", (pygame.K_F12, pygame.K_p), shown="F12 / P", help="key.screenshot"),
             rec.screenshot)
    app.add_tick_hook(rec.on_tick)
    atexit.register(rec.close)
    return rec
