"""The window's recording keys: R starts/stops an MP4 in recordings/ (REC shows), F12 or P saves a PNG.

`install(app)` adds the keys to the App's one key table and a tick hook (App.add_tick_hook). The hook
runs in App.advance_frame before the next frame is drawn, so the display still holds the frame the user just saw: that frame is written
as many times as its on-screen time covers at the recording's fps (a steady-rate video of a window
whose own frame rate varies, like a screen recorder, but with no screen-capture software).
"""

from __future__ import annotations

import atexit
from pathlib import Path
from typing import TYPE_CHECKING, Callable

import pygame

from visualizer import i18n
from visualizer.record_video import RecordError, Recorder, default_path, screenshot

if TYPE_CHECKING:
    from visualizer.app import App

REC_NOTE = "● REC"


class WindowRecording:
    """R / F12 / P for one App; `close()` finishes a recording still running (also at exit)."""

    def __init__(self, app: App, folder: str | Path = "recordings", fps: int = 30,
                 surface: Callable[[], pygame.Surface | None] = pygame.display.get_surface) -> None:
        self.app, self.folder, self.fps, self.surface = app, Path(folder), fps, surface
        self.recorder = Recorder()
        self.path: Path | None = None
        self.last: Path | None = None     # the last file written (video or screenshot)

    def _say(self, key: str, bad: bool = False, **fmt: object) -> None:
        self.app.toast(i18n.t(key, self.app.view.lang, **fmt), bad=bad)

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
        self.app.set_status_note(REC_NOTE)
        self._say("toast.rec_on", path=self.path)

    def close(self) -> Path | None:
        """Stop recording (if on) and return the finished file."""
        if not self.recorder.active:
            return None
        frames = self.recorder.frames
        self.app.set_status_note("")
        try:
            self.last = self.recorder.stop()
        except RecordError as err:
            self._say("toast.rec_fail", bad=True, why=str(err))
            return None
        self._say("toast.rec_off", path=self.last, secs=frames / self.fps)
        return self.last

    def screenshot(self) -> None:
        shown = self.surface()
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
        if not self.recorder.active:
            return
        shown = self.surface()
        if shown is not None:
            try:
                self.recorder.add(shown, real_dt)
            except RecordError as err:
                self.recorder = Recorder()
                app.set_status_note("")
                self._say("toast.rec_fail", bad=True, why=str(err))


def install(app: App, folder: str | Path = "recordings", fps: int = 30,
            surface: Callable[[], pygame.Surface | None] = pygame.display.get_surface) -> WindowRecording:
    """Bind R (record on/off) and F12 / P (screenshot) on `app`; returns the controller."""
    from visualizer.ui.keymap import Binding

    rec = WindowRecording(app, folder, fps, surface)
    app.bind(Binding("record", (pygame.K_r,), shown="R", help="key.record"), rec.toggle)
    app.bind(Binding("screenshot", (pygame.K_F12, pygame.K_p), shown="F12 / P", help="key.screenshot"),
             rec.screenshot)
    app.add_tick_hook(rec.on_tick)
    atexit.register(rec.close)
    return rec
