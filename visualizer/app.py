"""The interactive window: input -> commands on the model, step by dt x speed, draw, flip."""

from __future__ import annotations

import gc
import os
import sys
from typing import Any, Callable, Protocol

os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")   # no banner on stdout

import numpy as np  # noqa: E402
import pygame  # noqa: E402

from visualizer.i18n import other, t  # noqa: E402
from visualizer.render.dots import dot_positions  # noqa: E402
from visualizer.render.fonts import ui_scale  # noqa: E402
from visualizer.render.layout import Layout  # noqa: E402
from visualizer.render.scene import Overlay, ViewState, draw_frame, legend_left, layout_for  # noqa: E402
from visualizer.render.style import palette  # noqa: E402
from visualizer.schema import Scenario  # noqa: E402
from visualizer.sim import commands as C  # noqa: E402
from visualizer.sim.snapshot import Snapshot  # noqa: E402
from visualizer.sim.tiers import TIERS  # noqa: E402
from visualizer.ui.base import UIContext, Widget  # noqa: E402
from visualizer.ui.cards import Inspector, RequestCard  # noqa: E402
from visualizer.ui.help import HelpOverlay  # noqa: E402
from visualizer.ui.keymap import Binding, KeyMap  # noqa: E402
from visualizer.ui.menu import ContextMenu  # noqa: E402
from visualizer.ui.slider import Slider  # noqa: E402
from visualizer.ui.toast import Toasts  # noqa: E402

SPEEDS = (0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0)
MAX_REAL_DT = 0.1
NO_DISPLAY = ("no display available (no $DISPLAY; over ssh?): run with --headless for a JSON report "
              "or --record OUT.mp4 for a video")
EXIT_OK, EXIT_NO_DISPLAY = 0, 2


class SimLike(Protocol):
    """What the window needs from the Simulation."""

    time: float

    def step(self, dt: float) -> None: ...
    def apply(self, cmd: Any) -> None: ...
    def snapshot(self) -> Snapshot: ...
    def request_info(self, req_id: int) -> dict | None: ...
    def actions_for(self, node_id: str) -> list: ...


def _fmt_speed(x: float) -> str:
    return f"{x:.2f}×" if x < 0.1 else f"{x:.2g}×"


class App:
    """The window's state and loop, usable headless: handle_event(), tick(dt), render(surface).

    Extension points for lessons and recording: `keymap.bind(Binding(...), handler)`,
    `components` (widgets, drawn in order, events offered top-most first), `overlays` (passed to
    draw_frame), `tick_hooks` (called with (app, real_dt) after each step) and `command_hooks`
    (called with (app, command) after a command the model accepted).
    """

    def __init__(self, make_sim: Callable[[], SimLike], scenario: Scenario | None = None, *,
                 lang: str = "en", speed: float | None = None, projector: bool = False) -> None:
        self.make_sim = make_sim
        self.scenario = scenario
        self.sim = make_sim()
        self.running = True
        title = ""
        if scenario is not None:
            title = getattr(scenario.meta.title, lang)
            speed = speed if speed is not None else scenario.meta.speed
        self.view = ViewState(lang=lang, projector=projector, title=title, speed=speed or 0.25)
        self.ctx = UIContext(lang=lang)
        self.snap: Snapshot = self.sim.snapshot()
        self.layout: Layout | None = None
        self.keymap = KeyMap()
        self.overlays: list[Overlay] = []
        self.tick_hooks: list[Callable[[App, float], None]] = []
        self.command_hooks: list[Callable[[App, Any], None]] = []
        self.toasts = Toasts(self.ctx)
        self.menu = ContextMenu(self.ctx, self._picked)
        self.inspector = Inspector(self.ctx)
        self.request_card = RequestCard(self.ctx)
        self.help = HelpOverlay(self.ctx, self.keymap.help_entries)
        rate = float(self.snap.metrics.rate) or 1.0
        self.speed_slider = Slider(self.ctx, "speed", SPEEDS[0], SPEEDS[-1], self.view.speed, self.set_speed,
                                   fmt=_fmt_speed)
        self.rate_slider = Slider(self.ctx, "rate", 1.0, max(1000.0, 20 * rate), max(1.0, rate), self._set_rate,
                                  fmt=lambda v: f"{v:,.0f}/s")
        self.components: list[Widget] = [self.speed_slider, self.rate_slider, self.inspector, self.request_card,
                                          self.menu, self.toasts, self.help]
        self._bind_defaults()

    # ---- keys -------------------------------------------------------------------------------
    def _bind_defaults(self) -> None:
        k = pygame
        for b, fn in (
            (Binding("pause", (k.K_SPACE,), shown="Space", help="key.pause"), self.toggle_pause),
            (Binding("step", (k.K_s,), shown="S", help="key.step"), self.single_step),
            (Binding("faster", (k.K_PLUS, k.K_KP_PLUS, k.K_EQUALS), ("+",), shown="+", help="key.faster"),
             lambda: self.change_speed(+1)),
            (Binding("slower", (k.K_MINUS, k.K_KP_MINUS), ("-",), shown="-", help="key.slower"),
             lambda: self.change_speed(-1)),
            (Binding("restart", (k.K_r,), ctrl=True, shown="Ctrl+R", help="key.restart"), self.restart),
            (Binding("lang", (k.K_l,), shown="L", help="key.lang"), self.toggle_lang),
            (Binding("fullscreen", (k.K_F11,), shown="F11", help="key.fullscreen"), self.toggle_fullscreen),
            (Binding("help", (k.K_h, k.K_QUESTION), ("?",), shown="? / H", help="key.help"), self.help.toggle),
            (Binding("close", (k.K_ESCAPE,), shown="Esc", help="key.close"), self.close_overlays),
            (Binding("quit", (k.K_q,), shown="Q", help="key.quit"), self.quit),
        ):
            self.keymap.bind(b, fn)

    def bind(self, binding: Binding, handler: Callable[[], None]) -> None:
        """Add a key binding (lessons: PgDn/PgUp/arrows/Enter/Home/B/M; recording: R/F12/P)."""
        self.keymap.bind(binding, handler)

    # ---- actions ----------------------------------------------------------------------------
    def apply(self, cmd: Any) -> bool:
        """Send a command to the model; a refusal becomes a toast, never an exception."""
        try:
            self.sim.apply(cmd)
        except C.CommandError as exc:
            self.toasts.show(t("toast.rejected", self.view.lang, why=str(exc)), bad=True)
            return False
        for hook in self.command_hooks:
            hook(self, cmd)
        self.snap = self.sim.snapshot()
        return True

    def toggle_pause(self) -> None:
        self.view.paused = not self.view.paused

    def single_step(self) -> None:
        if self.view.paused:
            self._advance(self.view.speed / 30.0)

    def change_speed(self, direction: int) -> None:
        cur = self.view.speed
        if direction > 0:
            nxt = next((s for s in SPEEDS if s > cur * 1.001), SPEEDS[-1])
        else:
            nxt = next((s for s in reversed(SPEEDS) if s < cur / 1.001), SPEEDS[0])
        self.set_speed(nxt)
        self.speed_slider.set(nxt)
        self.toasts.show(t("toast.speed", self.view.lang, x=_fmt_speed(nxt).rstrip("×")))

    def set_speed(self, value: float) -> None:
        self.view.speed = float(min(SPEEDS[-1], max(SPEEDS[0], value)))

    def _set_rate(self, value: float) -> None:
        self.apply(C.SetRate(round(float(value), 1)))

    def restart(self) -> None:
        self.sim = self.make_sim()
        self.snap = self.sim.snapshot()
        self.close_overlays()
        self.rate_slider.set(float(self.snap.metrics.rate) or 1.0)
        self.toasts.show(t("toast.restart", self.view.lang))
        _freeze_heap()

    def toggle_lang(self) -> None:
        self.view.lang = other(self.view.lang)
        if self.scenario is not None:
            self.view.title = getattr(self.scenario.meta.title, self.view.lang)
        self.toasts.show(t("toast.lang", self.view.lang))

    def toggle_fullscreen(self) -> None:
        self.view.projector = not self.view.projector
        surface = pygame.display.get_surface()
        if surface is not None and os.environ.get("SDL_VIDEODRIVER") != "dummy":
            try:
                if self.view.projector:
                    self._windowed = surface.get_size()
                    pygame.display.set_mode((0, 0), pygame.FULLSCREEN)
                else:
                    pygame.display.set_mode(getattr(self, "_windowed", (1280, 720)), pygame.RESIZABLE)
            except pygame.error:
                pass
        if self.view.projector:
            self.toasts.show(t("toast.projector", self.view.lang))

    def close_overlays(self) -> None:
        self.help.visible = False
        self.menu.close()
        self.request_card.close()
        self.view.selected = None
        self.view.selected_request = None

    def quit(self) -> None:
        self.running = False

    def _picked(self, cmd: Any) -> None:
        self.apply(cmd)

    # ---- mouse ------------------------------------------------------------------------------
    def node_at(self, pos: tuple[int, int]) -> str | None:
        if self.layout is None:
            return None
        i = self.layout.node_at(pos)
        return self.layout.ids[i] if i is not None else None

    def dot_at(self, pos: tuple[int, int]) -> int | None:
        """Id of the request dot nearest `pos` within a few pixels, or None."""
        dots = self.snap.dots
        if self.layout is None or len(dots) == 0:
            return None
        p, shown, _ = dot_positions(dots, self.layout)
        d2 = ((p - np.asarray(pos, dtype=np.float32)) ** 2).sum(axis=1)
        d2[~shown] = np.inf
        k = int(np.argmin(d2))
        reach = (self.layout.dot_r * 2.5 + 4) ** 2
        return int(dots.id[k]) if d2[k] <= reach else None

    def _click(self, event: pygame.event.Event) -> None:
        node = self.node_at(event.pos)
        if event.button == 1:
            req = self.dot_at(event.pos)
            if req is not None and node is None:
                self.view.selected_request = req
                self.request_card.show(req, self.sim.request_info(req), event.pos)
                return
            if node is not None:
                view = next((n for n in self.snap.nodes if n.id == node), None)
                down = view is not None and view.status in ("down", "removed")
                self.apply(C.Recover(node) if down else C.Fail(node))
                return
            self.close_overlays()
        elif event.button == 3 and node is not None:
            self.view.selected = node
            self.menu.open(event.pos, node, list(self.sim.actions_for(node)), self._menu_notes(node))

    def _menu_notes(self, node_id: str) -> list[str]:
        """Why an expected action is missing: the largest machine cannot be upgraded (the seed's
        limit of scaling up), so the menu says so instead of silently leaving it out."""
        view = next((n for n in self.snap.nodes if n.id == node_id), None)
        if view is not None and view.tier == TIERS[-1].name and view.status != "removed":
            return [t("menu.top_tier", self.view.lang, node=node_id, tier=view.tier)]
        return []

    def handle_event(self, event: pygame.event.Event) -> None:
        """One input event: widgets first (top-most first), then keys, then clicks on the picture."""
        if event.type == pygame.QUIT:
            self.running = False
            return
        if event.type == pygame.MOUSEMOTION:
            self.view.hover = self.node_at(event.pos)
        for widget in reversed(self.components):
            if widget.handle_event(event):
                return
        if event.type == pygame.KEYDOWN:
            self.keymap.dispatch(event)
        elif event.type == pygame.MOUSEBUTTONDOWN and event.button in (1, 3):
            self._click(event)

    # ---- time and drawing -------------------------------------------------------------------
    def _advance(self, sim_dt: float) -> None:
        if sim_dt > 0:
            self.sim.step(sim_dt)
        self.snap = self.sim.snapshot()

    def tick(self, real_dt: float) -> None:
        """Advance real time by real_dt seconds: the model by real_dt x speed unless paused."""
        real_dt = min(max(real_dt, 0.0), MAX_REAL_DT)
        self._advance(0.0 if self.view.paused else real_dt * self.view.speed)
        if self.request_card.req_id is not None:
            self.request_card.refresh(self.sim.request_info(self.request_card.req_id))
        for widget in self.components:
            widget.update(real_dt)
        for hook in self.tick_hooks:
            hook(self, real_dt)

    def _sync_ctx(self, surface: pygame.Surface) -> None:
        size = surface.get_size()
        self.ctx.lang = self.view.lang
        self.ctx.scale = ui_scale(size, self.view.projector)
        self.ctx.pal = palette(self.view.projector)
        self.ctx.snap = self.snap
        self.ctx.size = size
        self.ctx.extra["hover"] = self.view.hover if not (self.menu.is_open or self.help.visible) else None
        lay = layout_for(size, self.snap, self.view)
        self.ctx.layout = lay
        s = lay.scale
        bar = lay.toolbar
        right = legend_left(lay)
        w = max(60, (right - round(24 * s)) // 2 - round(24 * s))
        self.speed_slider.place(pygame.Rect(bar.left + round(16 * s), bar.top, w, bar.height))
        self.rate_slider.place(pygame.Rect(bar.left + round(40 * s) + w, bar.top, w, bar.height))
        if not self.speed_slider.dragging:
            self.speed_slider.set(self.view.speed)
        if not self.rate_slider.dragging:
            self.rate_slider.set(float(self.snap.metrics.rate) or 1.0)

    def render(self, surface: pygame.Surface) -> None:
        """Draw the frame (pure function of snapshot + view) and the widgets on top."""
        self._sync_ctx(surface)
        self.layout = draw_frame(surface, self.snap, self.view, self.overlays)
        self.ctx.layout = self.layout
        for widget in self.components:
            widget.draw(surface)

    def run(self, screen: pygame.Surface, max_frames: int | None = None) -> int:
        """The loop: drain events, tick, draw, flip; returns the exit code."""
        clock = pygame.time.Clock()
        frames = 0
        while self.running:
            for event in pygame.event.get():
                self.handle_event(event)
            self.tick(clock.tick(60) / 1000.0)
            screen = pygame.display.get_surface() or screen
            self.render(screen)
            pygame.display.flip()
            frames += 1
            if frames == 1:
                _freeze_heap()
            if max_frames is not None and frames >= max_frames:
                break
        return EXIT_OK


def _freeze_heap() -> None:
    """Move everything alive now out of the collector's view: no long GC pauses mid-frame."""
    gc.collect()
    gc.freeze()


def display_problem() -> str | None:
    """None if a window can be opened, else the one line to print (then exit 2)."""
    driver = os.environ.get("SDL_VIDEODRIVER", "")
    if sys.platform.startswith("linux") and not driver and not os.environ.get("DISPLAY") \
            and not os.environ.get("WAYLAND_DISPLAY"):
        return NO_DISPLAY
    try:
        pygame.display.init()
    except pygame.error:
        return NO_DISPLAY
    return None


def default_size() -> tuple[int, int]:
    """A 16:9 window that fits the desktop (at most 1600x900)."""
    try:
        dw, dh = pygame.display.get_desktop_sizes()[0]
    except (pygame.error, IndexError):
        return 1280, 720
    w = min(1600, int(dw * 0.9), int(dh * 0.85 * 16 / 9))
    return max(640, w), max(360, w * 9 // 16)


def run_window(scenario: Scenario, seed: int | None = None, lang: str = "en", fullscreen: bool = False,
               size: tuple[int, int] | None = None, speed: float | None = None, rate: float | None = None,
               make_sim: Callable[[], SimLike] | None = None, setup: Callable[[App], None] | None = None) -> int:
    """Open the window on `scenario` and run until the user quits. Returns the exit code (2: no display).

    `setup(app)` runs before the first frame: lessons add their widgets and key bindings there.
    """
    problem = display_problem()
    if problem is not None:
        print(problem, file=sys.stderr)
        return EXIT_NO_DISPLAY
    if make_sim is None:
        from visualizer.sim.model import Simulation

        def make_sim() -> SimLike:
            return Simulation(scenario, seed=seed, rate=rate)
    pygame.font.init()
    try:
        if fullscreen:
            screen = pygame.display.set_mode((0, 0), pygame.FULLSCREEN)
        else:
            screen = pygame.display.set_mode(size or default_size(), pygame.RESIZABLE)
    except pygame.error:
        print(NO_DISPLAY, file=sys.stderr)
        return EXIT_NO_DISPLAY
    pygame.display.set_caption(f"System Design Visualizer — {getattr(scenario.meta.title, lang)}")
    pygame.key.set_repeat(400, 60)
    app = App(make_sim, scenario, lang=lang, speed=speed, projector=fullscreen)
    if setup is not None:
        setup(app)
    try:
        return app.run(screen)
    finally:
        pygame.quit()
