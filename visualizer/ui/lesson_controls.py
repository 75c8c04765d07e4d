"""Lesson controls in the window: presenter keys, caption click, time scrubber and lesson menu."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable

import pygame

from visualizer.i18n import t
from visualizer.lesson import LessonPlayer
from visualizer.render.fonts import text
from visualizer.schema import Scenario
from visualizer.ui.base import Layer, UIContext, Widget, dim, panel
from visualizer.ui.keymap import Binding
from visualizer.ui.lesson_panels import LessonOverlay
from visualizer.ui.predict_card import PredictKeys

if TYPE_CHECKING:
    from visualizer.app import App


@dataclass
class LessonMenu(Widget):
    """A modal list of lessons (and the user's own scenario); picking one restarts the window on it."""

    ctx: UIContext
    items: list[Scenario]
    on_pick: Callable[[Scenario], None]
    on_show: Callable[[bool], None] = lambda shown: None   # told when the menu opens or closes
    visible: bool = False
    cursor: int = 0
    rows: list[pygame.Rect] = field(default_factory=list)

    def toggle(self) -> None:
        self.set_visible(not self.visible)

    def set_visible(self, shown: bool) -> None:
        if shown != self.visible:
            self.visible = shown
            self.on_show(shown)

    def handle_event(self, event: pygame.event.Event) -> bool:
        if not self.visible:
            return False
        if event.type == pygame.KEYDOWN:
            n = len(self.items)
            if event.key in (pygame.K_UP, pygame.K_PAGEUP, pygame.K_LEFT):
                self.cursor = (self.cursor - 1) % n
            elif event.key in (pygame.K_DOWN, pygame.K_PAGEDOWN, pygame.K_RIGHT):
                self.cursor = (self.cursor + 1) % n
            elif event.key in (pygame.K_RETURN, pygame.K_KP_ENTER):
                self._pick(self.cursor)
            elif event.key in (pygame.K_ESCAPE, pygame.K_m):
                self.set_visible(False)
            elif pygame.K_1 <= event.key <= pygame.K_9 and event.key - pygame.K_1 < n:
                self._pick(event.key - pygame.K_1)
            elif event.key not in (pygame.K_q, pygame.K_l, pygame.K_F11):
                return True
            else:
                return False
            return True
        if event.type == pygame.MOUSEMOTION:
            hit = self._row_at(event.pos)
            if hit is not None:
                self.cursor = hit
            return True
        if event.type == pygame.MOUSEBUTTONDOWN:
            hit = self._row_at(event.pos)
            if hit is not None and event.button == 1:
                self._pick(hit)
            return True
        return event.type in (pygame.MOUSEBUTTONUP, pygame.MOUSEWHEEL)

    def _row_at(self, pos: tuple[int, int]) -> int | None:
        return next((i for i, r in enumerate(self.rows) if r.collidepoint(pos)), None)

    def _pick(self, i: int) -> None:
        self.set_visible(False)
        self.on_pick(self.items[i])

    def draw(self, surface: pygame.Surface) -> None:
        self.rows = []
        if not self.visible:
            return
        s, pal, lang = self.ctx.scale, self.ctx.pal, self.ctx.lang
        dim(surface, 180)
        px, line = round(24 * s), round(54 * s)
        titles = [getattr(sc.meta.title, lang) for sc in self.items]
        w = min(surface.get_width() - 40, max(text(x, px, pal.text, True).get_width() for x in titles) + round(140 * s))
        h = min(surface.get_height() - 40, round(130 * s) + line * len(titles))
        box = pygame.Rect(0, 0, max(w, round(520 * s)), h)
        box.center = surface.get_rect().center
        panel(surface, box, pal, s, pal.highlight)
        surface.blit(text(t("menu.lessons", lang), round(30 * s), pal.text, True), (box.left + round(32 * s), box.top + round(22 * s)))
        y = box.top + round(80 * s)
        for i, title in enumerate(titles):
            row = pygame.Rect(box.left + round(20 * s), y, box.width - round(40 * s), line - round(6 * s))
            if i == self.cursor:
                pygame.draw.rect(surface, pal.highlight, row, max(2, round(3 * s)), border_radius=round(8 * s))
            label = text(title, px, pal.text, i == self.cursor)
            surface.blit(label, label.get_rect(midleft=(row.left + round(16 * s), row.centery)))
            self.rows.append(row)
            y += line
        hint = text(t("menu.hint", lang), round(15 * s), pal.text_dim)
        surface.blit(hint, hint.get_rect(bottomleft=(box.left + round(32 * s), box.bottom - round(14 * s))))


@dataclass
class Scrubber(Widget):
    """A time bar under the picture: beat marks, the present, and drag-to-seek into the past."""

    ctx: UIContext
    player: Callable[[], LessonPlayer]
    seek: Callable[[float], None]              # the App's seek (refreshes, warns before long ones)
    hold: Callable[[bool], None]               # holds the model still while the knob is held
    rect: pygame.Rect = field(default_factory=lambda: pygame.Rect(0, 0, 0, 0))
    dragging: bool = False
    preview: float | None = None               # where the knob is while dragging
    pending: float | None = None               # a seek to do at the next update (one a frame)

    def place(self, rect: pygame.Rect) -> None:
        self.rect = rect

    def _time_at(self, x: int) -> float:
        horizon = max(self.player().timeline.horizon, 1e-9)
        frac = (x - self.rect.left) / max(1, self.rect.width)
        return min(1.0, max(0.0, frac)) * horizon

    def handle_event(self, event: pygame.event.Event) -> bool:
        """Press, drag and release on the bar (the knob too, even at the live end): the picture
        shows the moment under the knob while it moves, and stays there on release."""
        knob = round(self.rect.height * 0.8) + round(6 * self.ctx.scale)
        grab = self.rect.inflate(2 * knob, round(16 * self.ctx.scale))
        if event.type == pygame.MOUSEBUTTONDOWN and event.button == 1 and grab.collidepoint(event.pos):
            self.dragging = True
            self.hold(True)
            self._aim(event.pos[0])
            return True
        if event.type == pygame.MOUSEMOTION and self.dragging:
            self._aim(event.pos[0])
            return True
        if event.type == pygame.MOUSEBUTTONUP and self.dragging:
            self.dragging = False
            self._aim(event.pos[0])
            self.update(0.0)
            self.preview = None
            self.hold(False)
            return True
        return False

    def _aim(self, x: int) -> None:
        self.preview = self.pending = self._time_at(x)

    def update(self, dt: float) -> None:
        if self.pending is not None:
            target, self.pending = self.pending, None
            self.seek(target)

    def draw(self, surface: pygame.Surface) -> None:
        if self.rect.width <= 0:
            return
        s, pal, p = self.ctx.scale, self.ctx.pal, self.player()
        horizon = max(p.timeline.horizon, 1e-9)
        r = self.rect
        pygame.draw.rect(surface, pal.panel, r, border_radius=r.height // 2)
        now = self.preview if self.preview is not None else p.sim.time
        filled = r.copy()
        filled.width = max(r.height, round(r.width * min(1.0, now / horizon)))
        pygame.draw.rect(surface, pal.link, filled, border_radius=r.height // 2)
        for start in p.starts:
            x = r.left + round(r.width * min(1.0, start / horizon))
            pygame.draw.line(surface, pal.text_dim, (x, r.top - round(3 * s)), (x, r.bottom + round(3 * s)), max(1, round(2 * s)))
        knob = (filled.right, r.centery)
        pygame.draw.circle(surface, pal.highlight if self.dragging else pal.text, knob, round(r.height * 0.8))


def install_lesson(app: App, choices: list[Scenario], open_menu: bool = False, seed: int | None = None,
                   rate: float | None = None, speed: float | None = None) -> LessonOverlay:
    """Turn a window App whose model is a LessonPlayer into a lesson: keys, captions, panels, menu.

    `speed` (from --speed) fixes the playback speed; otherwise each beat may set its own.
    """
    return LessonControls(app, choices, seed, rate, open_menu, speed).overlay


class LessonControls:
    """Everything a lesson adds to the window, wired in through the App's public methods."""

    def __init__(self, app: App, choices: list[Scenario], seed: int | None, rate: float | None,
                 open_menu: bool, speed: float | None = None) -> None:
        self.app, self.seed, self.rate, self.fixed_speed = app, seed, rate, speed
        self.overlay = LessonOverlay(lambda: app.player)
        self.shown_index: int | None = None     # the beat whose speed was last applied
        self.holds: set[str] = set()            # why the lesson is held still (menu, blank)
        self.paused_before_hold = False
        self.menu = LessonMenu(app.ctx, choices, self.pick, lambda shown: self.hold("menu", shown))
        self.scrubber = Scrubber(app.ctx, lambda: app.player, app.seek, lambda on: self.hold("scrub", on))
        self.curtain = Curtain()
        app.add_widget(self.scrubber, Layer.BASE)
        app.add_widget(CaptionClick(app, self.beat_key(LessonPlayer.next)), Layer.BASE)
        app.add_widget(PredictKeys(lambda: app.player, app.refresh), Layer.PANELS)
        app.add_widget(self.menu, Layer.MODAL)
        app.add_widget(self.curtain, Layer.MODAL)
        app.add_overlay(self.overlay)
        app.add_tick_hook(self.sync)
        self.bind_keys()
        self.menu.set_visible(open_menu)
        self.sync(app, 0.0)

    def has_beats(self) -> bool:
        """Whether the scenario shown is a lesson (help lists the beat keys only then)."""
        return bool(self.app.player.beats)

    def bind_keys(self) -> None:
        k, app, beats = pygame, self.app, self.has_beats
        app.bind(Binding("next", (k.K_PAGEDOWN, k.K_RIGHT, k.K_RETURN, k.K_KP_ENTER), shown="PgDn / → / Enter",
                         help="key.next", listed=beats), self.beat_key(LessonPlayer.next))
        app.bind(Binding("prev", (k.K_PAGEUP, k.K_LEFT), shown="PgUp / ←", help="key.prev", listed=beats),
                 self.beat_key(LessonPlayer.previous))
        app.bind(Binding("home", (k.K_HOME,), shown="Home", help="key.home", listed=beats),
                 self.beat_key(LessonPlayer.home))
        app.bind(Binding("caption", help="mouse.caption", listed=beats), self.beat_key(LessonPlayer.next))
        app.bind(Binding("blank", (k.K_b, k.K_PERIOD), (".",), shown="B / .", help="key.blank"), self.toggle_blank)
        app.bind(Binding("menu", (k.K_m,), shown="M", help="key.menu"), self.menu.toggle)

    def beat_key(self, move: Callable[[LessonPlayer], None]) -> Callable[[], None]:
        """A key handler that moves the lesson and shows the result at once. Next to a beat a
        long way ahead (seconds of a busy model) runs there over several frames instead."""
        def run() -> None:
            p = self.app.player
            due = p.runs_forward_to() if move is LessonPlayer.next else None
            if due is not None and self.app.run_forward(due, lambda: (p.next(), self.app.refresh())):
                return
            move(p)
            self.app.refresh()
        return run

    def pick(self, sc: Scenario) -> None:
        """Restart the window on another lesson from the menu."""
        self.app.switch(sc, lambda: LessonPlayer(sc, seed=self.seed, rate=self.rate))
        self.shown_index = None

    def toggle_blank(self) -> None:
        self.curtain.on = not self.curtain.on
        self.hold("blank", self.curtain.on)

    def hold(self, reason: str, on: bool) -> None:
        """Hold the lesson still while a menu or the blank screen is up; then resume as it was."""
        if on and not self.holds:
            self.paused_before_hold = self.app.view.paused
        (self.holds.add if on else self.holds.discard)(reason)
        self.app.set_paused(True if self.holds else self.paused_before_hold)

    def sync(self, app: App, _dt: float) -> None:
        """After each tick: caption, progress, highlight and speed follow the current beat."""
        p: LessonPlayer = app.player
        if p.index != self.shown_index:
            self.shown_index = p.index
            app.set_speed(self.fixed_speed or p.speed())
        captioned = [b for b in p.beats[: p.index + 1] if b.caption is not None]
        app.show_beat(getattr(captioned[-1].caption, app.view.lang) if captioned else None,
                      (p.index + 1, len(p.beats)) if p.beats else None,
                      tuple(p.beat.highlight) if p.beat is not None else ())
        if app.layout is not None:
            s, g = app.layout.scale, app.layout.graph
            self.scrubber.place(pygame.Rect(g.left + round(20 * s), g.bottom - round(18 * s),
                                            g.width - round(40 * s), round(6 * s)))


@dataclass
class CaptionClick(Widget):
    """A click on the caption bar means Next (as on a presenter's slide)."""

    app: App
    on_click: Callable[[], None]

    def handle_event(self, event: pygame.event.Event) -> bool:
        lay = self.app.layout
        if event.type == pygame.MOUSEBUTTONDOWN and event.button == 1 and lay is not None \
                and lay.caption is not None and lay.caption.collidepoint(event.pos):
            self.on_click()
            return True
        return False


@dataclass
class Curtain(Widget):
    """The blanked screen (B or '.', as presenter clickers send): black over everything."""

    on: bool = False

    def handle_event(self, event: pygame.event.Event) -> bool:
        return self.on and event.type in (pygame.MOUSEBUTTONDOWN, pygame.MOUSEBUTTONUP, pygame.MOUSEMOTION)

    def draw(self, surface: pygame.Surface) -> None:
        if self.on:
            surface.fill((0, 0, 0))
