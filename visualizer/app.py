"""The interactive window: input -> commands on the model, step by dt x speed, draw, flip."""

from __future__ import annotations

import math
import os
import time
from typing import Any, Callable

os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")   # no banner on stdout

import pygame  # noqa: E402

from visualizer.heap import FramePacedGC  # noqa: E402
from visualizer.i18n import other, t  # noqa: E402
from visualizer.player import Forward, Governor, Pace, Player, Rewind  # noqa: E402
from visualizer.render.fonts import ui_scale  # noqa: E402
from visualizer.render.layout import Layout  # noqa: E402
from visualizer.render.scene import Overlay, ViewState, draw_frame, fmt_speed, layout_for  # noqa: E402
from visualizer.render.style import palette  # noqa: E402
from visualizer.schema import Scenario  # noqa: E402
from visualizer.sim import commands as C  # noqa: E402
from visualizer.sim.snapshot import Snapshot  # noqa: E402
from visualizer.ui.base import Layer, UIContext, Widget  # noqa: E402
from visualizer.ui.cards import Inspector, RequestCard  # noqa: E402
from visualizer.ui.geometry import dot_at, node_at, slider_slots  # noqa: E402
from visualizer.ui.focus import install_focus  # noqa: E402
from visualizer.ui.group_clicks import install_groups  # noqa: E402
from visualizer.ui.help import HelpOverlay  # noqa: E402
from visualizer.ui.keymap import Binding, KeyMap  # noqa: E402
from visualizer.ui.build import install_build  # noqa: E402
from visualizer.ui.menu import ContextMenu, menu_notes  # noqa: E402
from visualizer.ui.slider import Slider  # noqa: E402
from visualizer.ui.stack import WidgetStack  # noqa: E402
from visualizer.ui.toast import Toasts  # noqa: E402

SPEEDS = (0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0)
MAX_REAL_DT = 0.1
REWIND_SLICE_S = 0.04       # wall seconds of replay a frame may spend on a long rewind
SYNC_RUN_S = 0.08           # Next runs the model at once when that is surely shorter than this
EXIT_OK = 0


TickHook = Callable[["App", float], None]
CommandHook = Callable[["App", Any], None]


def window_caption(title: str) -> str:
    """The OS window's title for a scenario or lesson title."""
    return f"System Design Visualizer — {title}"


class App:
    """The window's state and loop, usable headless: handle_event(), advance_frame(real_dt, surface).

    Others extend it only through its methods: `bind` (keys), `add_widget(widget, layer)`,
    `add_overlay` (drawn inside draw_frame), `add_tick_hook` (called with (app, real_dt) each frame),
    `add_command_hook` (called with (app, command) after a command the model accepted), and the
    setters a lesson or a recording needs (`show_beat`, `set_paused`, `switch`, `set_status_note`).
    """

    def __init__(self, make_player: Callable[[], Player], scenario: Scenario | None = None, *,
                 lang: str = "en", speed: float | None = None, projector: bool = False,
                 reduce_motion: bool = False) -> None:
        self._make_player = make_player
        self._scenario = scenario
        self._player = make_player()
        self.running = True
        title = ""
        if scenario is not None:
            title = getattr(scenario.meta.title, lang)
            speed = speed if speed is not None else scenario.meta.speed
        self.view = ViewState(lang=lang, projector=projector, title=title, speed=speed or 0.25,
                              reduce_motion=reduce_motion)
        self.ctx = UIContext(lang=lang)
        self._snap: Snapshot = self._player.snapshot()
        self.layout: Layout | None = None
        self.keymap = KeyMap()
        self._overlays: list[Overlay] = []
        self._tick_hooks: list[TickHook] = []
        self._command_hooks: list[CommandHook] = []
        self._widgets = WidgetStack()
        self.governor = Governor()
        self._rewind: Rewind | Forward | None = None
        self.toasts = Toasts(self.ctx)
        self.menu = ContextMenu(self.ctx, self._picked)
        self.inspector = Inspector(self.ctx)
        self.request_card = RequestCard(self.ctx)
        self.help = HelpOverlay(self.ctx, self.keymap.help_entries)
        rate = float(self._snap.metrics.rate) or 1.0
        self.speed_slider = Slider(self.ctx, "speed", SPEEDS[0], SPEEDS[-1], self.view.speed, self.set_speed,
                                   fmt=lambda v: f"{fmt_speed(v)}×")
        self.rate_slider = Slider(self.ctx, "rate", 1.0, max(1000.0, 20 * rate), max(1.0, rate), self._set_rate,
                                  fmt=lambda v: f"{v:,.0f}/s")
        for widget in (self.speed_slider, self.rate_slider, self.inspector, self.request_card):
            self.add_widget(widget, Layer.PANELS)
        for widget, layer in ((self.menu, Layer.OVERLAY), (self.toasts, Layer.OVERLAY), (self.help, Layer.MODAL)):
            self.add_widget(widget, layer)
        self._bind_defaults()
        self.focus = install_focus(self)      # Tab / Enter / A: every node action from the keyboard
        self.build = install_build(self)      # add / link / delete nodes, Ctrl+Z/Y/S/O
        self.groups = install_groups(self)    # a click on a group card (a crowded column) opens / folds it

    # ---- what others may read ---------------------------------------------------------------
    @property
    def player(self) -> Player:
        """The model on screen (replaced by restart and switch: read it through the App each time)."""
        return self._player

    @property
    def snap(self) -> Snapshot:
        """The snapshot the next frame draws."""
        return self._snap

    @property
    def scenario(self) -> Scenario | None:
        return self._scenario

    @property
    def widgets(self) -> tuple[Widget, ...]:
        """Every widget, lowest layer first (the drawing order)."""
        return self._widgets.in_draw_order()

    @property
    def overlays(self) -> tuple[Overlay, ...]:
        return tuple(self._overlays)

    # ---- how others extend it ---------------------------------------------------------------
    def add_widget(self, widget: Widget, layer: Layer = Layer.PANELS) -> None:
        """Add a widget on `layer`: drawn above lower layers, offered events before them."""
        self._widgets.add(widget, layer)

    def add_overlay(self, overlay: Overlay) -> None:
        """Something draw_frame draws over the picture, under every widget (the lesson's panels)."""
        self._overlays.append(overlay)

    def remove_overlay(self, overlay: Overlay) -> None:
        self._overlays.remove(overlay)

    def add_tick_hook(self, hook: TickHook) -> None:
        """Called with (app, real_dt) each frame, after the model moved and before it is drawn."""
        self._tick_hooks.append(hook)

    def add_command_hook(self, hook: CommandHook) -> None:
        """Called with (app, command) after each command the model accepted."""
        self._command_hooks.append(hook)

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
            (Binding("motion", (k.K_m,), ctrl=True, shown="Ctrl+M", help="key.motion"), self.toggle_motion),
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
        if isinstance(self._rewind, Forward):  # a click stops a fast-forward where the picture is
            self._rewind, self.view.busy = None, ""
        elif self._rewind is not None:      # a command lands at the moment scrubbed to, not half way
            self._rewind.finish(self._player)
            self._rewind, self.view.busy = None, ""
        try:
            self._player.apply(cmd)
        except C.CommandError as exc:
            self.toast(t("toast.rejected", self.view.lang, why=str(exc)), bad=True)
            return False
        for hook in self._command_hooks:
            hook(self, cmd)
        self.refresh()
        return True

    def refresh(self) -> None:
        """Read the model again, after someone moved it directly (a lesson's Next, a recorder)."""
        self._snap = self._player.snapshot()

    def toast(self, message: str, bad: bool = False) -> None:
        """A short message over the picture that fades out (bad: in red)."""
        self.toasts.show(message, bad=bad)

    def seek(self, when: float) -> None:
        """Move the model to simulated time `when`. A rewind that would take a while says
        "Rewinding…" and is done a slice a frame (about REWIND_SLICE_S of work each)."""
        cost = self._player.estimate_seek_s(when)
        if cost > 0.2:
            start = self._player.restore_point(when)
            slices = max(1, math.ceil(cost / REWIND_SLICE_S))
            self._rewind = Rewind(start, when, max(1e-3, (when - start) / slices))
            self.view.busy = t("busy.rewinding", self.view.lang)
            return
        self._rewind = None
        self._player.seek(when)
        self.refresh()

    def run_forward(self, target: float, then: Callable[[], None]) -> bool:
        """Run the model to `target`, then call `then`: at once if that surely fits in a frame, else
        a slice a frame under "Fast-forwarding…" (True: spread over frames)."""
        per_s = self.governor.cost_per_sim_s(self.snap.metrics.rate if self._snap is not None else 0.0)
        if (target - self._player.time) * per_s <= SYNC_RUN_S:
            return False
        self._rewind = Forward(target, max(1e-3, REWIND_SLICE_S / per_s), then, REWIND_SLICE_S)
        self.view.busy = t("busy.forward", self.view.lang)
        return True

    def toggle_pause(self) -> None:
        self.view.paused = not self.view.paused

    def set_paused(self, paused: bool) -> None:
        self.view.paused = paused

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
        self.toast(t("toast.speed", self.view.lang, x=fmt_speed(nxt)))

    def set_speed(self, value: float) -> None:
        self.view.speed = float(min(SPEEDS[-1], max(SPEEDS[0], value)))

    def _set_rate(self, value: float) -> None:
        self.apply(C.SetRate(round(float(value), 1)))

    def restart(self) -> None:
        old, self._player, self._rewind = self._player, self._make_player(), None
        dispose = getattr(old, "dispose", None)
        if dispose is not None:
            dispose()                       # freed now, by reference counting
        self.refresh()
        self.close_overlays()
        self.rate_slider.set(float(self._snap.metrics.rate) or 1.0)
        self.toast(t("toast.restart", self.view.lang))
        FramePacedGC.settle(full=False)     # the old session was freed without the collector

    def switch(self, scenario: Scenario, make_player: Callable[[], Player]) -> None:
        """Restart on another scenario or lesson (the lesson menu); the titles follow."""
        self._scenario, self._make_player = scenario, make_player
        self.restart()
        self.view.title = getattr(scenario.meta.title, self.view.lang)
        if pygame.display.get_init():
            pygame.display.set_caption(window_caption(self.view.title))

    def show_beat(self, caption: str | None, progress: tuple[int, int] | None, highlight: tuple[str, ...]) -> None:
        """What the lesson says now: the caption, beat k of n, and the nodes or links it points at."""
        self.view.caption, self.view.progress, self.view.highlight = caption, progress, highlight

    def set_status_note(self, note: str) -> None:
        """A short note in the top bar ("● REC"); "" removes it."""
        self.view.status_note = note

    def toggle_lang(self) -> None:
        self.view.lang = other(self.view.lang)
        if self._scenario is not None:
            self.view.title = getattr(self._scenario.meta.title, self.view.lang)
        self.toast(t("toast.lang", self.view.lang))

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
            self.toast(t("toast.projector", self.view.lang))

    def toggle_motion(self) -> None:
        """Reduced motion on / off: nothing falls, pulses or glows; dots still show every request."""
        self.view.reduce_motion = not self.view.reduce_motion
        self.toast(t("toast.motion_off" if self.view.reduce_motion else "toast.motion_on", self.view.lang))

    def set_expanded(self, expanded: frozenset[tuple[str, int]]) -> None:
        self.view.expanded = expanded           # the group cards opened, at their page (ui/group_clicks.py)

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
        return node_at(self.layout, pos)

    def dot_at(self, pos: tuple[int, int]) -> int | None:
        """Id of the request dot nearest `pos` within a few pixels, or None."""
        return dot_at(self._snap, self.layout, pos)

    def toggle_node(self, node: str) -> bool:
        """What a left click on a node (or Enter on the focused one) does: fail it, or recover it."""
        view = next((n for n in self._snap.nodes if n.id == node), None)
        return self.apply(C.Recover(node) if view is not None and view.status in ("down", "removed") else C.Fail(node))

    def open_actions(self, node: str, pos: tuple[int, int], keyboard: bool = False) -> None:
        """A node's actions menu at `pos` (right click; A on the focused node: first row picked)."""
        self.view.selected = node
        self.menu.open(pos, node, list(self._player.actions_for(node)), menu_notes(self._snap, node, self.view.lang),
                       keyboard=keyboard)

    def _click(self, event: pygame.event.Event) -> None:
        node = self.node_at(event.pos)
        if event.button == 1:
            req = self.dot_at(event.pos)
            if req is not None and node is None:
                self.view.selected_request = req
                self.request_card.show(req, self._player.request_info(req), event.pos)
            elif node is not None:
                self.toggle_node(node)
            else:
                self.close_overlays()
        elif event.button == 3 and node is not None:
            self.open_actions(node, event.pos)

    def handle_event(self, event: pygame.event.Event) -> None:
        """One input event: widgets first (top-most first), then keys, then clicks on the picture."""
        if event.type == pygame.QUIT:
            self.running = False
            return
        if event.type == pygame.MOUSEMOTION:
            self.view.hover = self.node_at(event.pos)
        if self._widgets.handle_event(event):
            return
        if event.type == pygame.KEYDOWN:
            self.keymap.dispatch(event)
        elif event.type == pygame.MOUSEBUTTONDOWN and event.button in (1, 3):
            self._click(event)

    # ---- time and drawing -------------------------------------------------------------------
    def advance_frame(self, real_dt: float, surface: pygame.Surface | None = None, pace: Pace | None = None) -> None:
        """One frame, for the window loop and the recorder alike: time passes, then `surface` is drawn.

        The window moves the model by real_dt x speed unless paused (real_dt capped, so a stall is
        not a jump). A recorder moves the model itself, exactly, and passes its `pace` instead.
        """
        rewinding = self._rewind is not None
        if rewinding and self._rewind.advance(self._player):
            self._rewind, self.view.busy = None, ""
        if pace is None:
            real_dt = min(max(real_dt, 0.0), MAX_REAL_DT)
            asked = 0.0 if self.view.paused or rewinding else real_dt * self.view.speed
            allowed = self.governor.allow(asked)
            work, started = self._player.work(), time.perf_counter()
            if allowed > 0:
                self._player.step(allowed)
            drawn_from = time.perf_counter()
            self.governor.measured(allowed, drawn_from - started, self._player.work() - work)
            self.refresh()
            self.view.running_speed = (self.governor.running(self.view.speed, allowed / real_dt)
                                       if asked > 0 else None)
        else:
            self.refresh()
        if self.request_card.req_id is not None:
            self.request_card.refresh(self._player.request_info(self.request_card.req_id))
        self._widgets.update(real_dt)
        for hook in self._tick_hooks:
            hook(self, real_dt)
        if pace is not None:
            self.view.speed, self.view.paused = pace.speed, pace.paused
        if surface is not None:
            self.render(surface)
            if pace is None:
                self.governor.drawn(time.perf_counter() - drawn_from)

    def _advance(self, sim_dt: float) -> None:
        if sim_dt > 0:
            self._player.step(sim_dt)
        self.refresh()

    def _sync_ctx(self, surface: pygame.Surface) -> None:
        size = surface.get_size()
        self.ctx.lang = self.view.lang
        self.ctx.scale = ui_scale(size, self.view.projector)
        self.ctx.pal = palette(self.view.projector)
        self.ctx.snap = self._snap
        self.ctx.size = size
        pointed = self.view.hover or self.focus.node      # the focused node gets the hover card too
        self.ctx.extra["hover"] = pointed if not (self.menu.is_open or self.help.visible) else None
        lay = layout_for(size, self._snap, self.view)
        self.ctx.layout = lay
        speed_slot, rate_slot = slider_slots(lay)
        self.speed_slider.place(speed_slot)
        self.rate_slider.place(rate_slot)
        if not self.speed_slider.dragging:
            self.speed_slider.set(self.view.speed)
        if not self.rate_slider.dragging:
            self.rate_slider.set(float(self._snap.metrics.rate) or 1.0)

    def render(self, surface: pygame.Surface) -> None:
        """Draw the frame (pure function of snapshot + view) and the widgets on top."""
        self._sync_ctx(surface)
        self.layout = draw_frame(surface, self._snap, self.view, self._overlays)
        self.ctx.layout = self.layout
        self._widgets.draw(surface)

    def run(self, screen: pygame.Surface, max_frames: int | None = None) -> int:
        """The loop: drain events, tick, draw, flip; returns the exit code."""
        clock = pygame.time.Clock()
        frames = 0
        heap = FramePacedGC()
        try:
            while self.running:
                for event in pygame.event.get():
                    self.handle_event(event)
                screen = pygame.display.get_surface() or screen
                self.advance_frame(clock.tick(60) / 1000.0, screen)
                pygame.display.flip()
                frames += 1
                if frames == 1:
                    heap.start()
                else:
                    heap.after_frame()
                if max_frames is not None and frames >= max_frames:
                    break
        finally:
            heap.stop()
        return EXIT_OK
