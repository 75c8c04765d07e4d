"""The window's App when a comparison is on: both pictures in one frame, clicks acting on the side clicked.

Without a comparison (the player's `other` is None) it is the App exactly. With one, the player
(a LessonPlayer whose Partner is side B) keeps both sides at one time: one clock, one speed, one
scrubber; the rate slider changes both sides' rate (the partner copies it). A click, a right-click
menu and a toggle act on the side under the pointer; a click on a request dot and the hover card
work on side A only (side B's requests are the same requests).
"""

from __future__ import annotations

from typing import Any

import pygame

from visualizer.app import App
from visualizer.i18n import t
from visualizer.render.split import Halves, draw_split
from visualizer.sim import commands as C
from visualizer.sim.snapshot import Snapshot
from visualizer.ui.geometry import node_at
from visualizer.ui.menu import menu_notes


class SplitApp(App):
    """App, plus side B when the player has one (see the module's docstring)."""

    halves: Halves | None = None
    _snap_b: Snapshot | None = None
    _side = 0                         # the side the pointer was last over
    _menu_side = 0                    # the side the open actions menu acts on

    @property
    def other(self) -> Any:
        """Side B (a compare.Partner) while a comparison is on, else None."""
        return getattr(self.player, "other", None)

    @property
    def snap_b(self) -> Snapshot | None:
        return self._snap_b

    def refresh(self) -> None:
        super().refresh()
        other = self.other
        self._snap_b = other.sim.snapshot() if other is not None else None
        if other is None:
            self.halves = None

    def titles(self) -> tuple[str, str]:
        other, lang = self.other, self.view.lang
        a = self.scenario.meta.title if self.scenario is not None else None
        return (getattr(a, lang) if a is not None else "", getattr(other.scenario.meta.title, lang) if other else "")

    # ---- drawing ----------------------------------------------------------------------------
    def render(self, surface: pygame.Surface) -> None:
        if self.other is None or self._snap_b is None:
            return super().render(surface)
        self._sync_ctx(surface)
        self.ctx.extra["hover"] = None            # the hover card would stand beside the wrong picture
        self.layout, self.halves = draw_split(surface, (self.snap, self._snap_b), self.titles(), self.view,
                                              self.overlays, self._side)
        self.ctx.layout = self.layout
        self._widgets.draw(surface)

    def paint(self, surface: pygame.Surface, view: Any) -> None:
        """The picture alone through `view` (a clean video frame), split when a comparison is on."""
        from visualizer.render.scene import draw_frame

        if self.other is None or self._snap_b is None:
            draw_frame(surface, self.snap, view, self.overlays)
        else:
            draw_split(surface, (self.snap, self._snap_b), self.titles(), view, self.overlays)

    # ---- pointing ---------------------------------------------------------------------------
    def node_at(self, pos: tuple[int, int]) -> str | None:
        if self.halves is None:
            return super().node_at(pos)
        hit = self.halves.side_at(pos)
        if hit is None:
            return None
        self._side, local = hit
        return node_at(self.halves.lays[self._side], local)

    def dot_at(self, pos: tuple[int, int]) -> int | None:
        if self.halves is None:
            return super().dot_at(pos)
        hit = self.halves.side_at(pos)
        if hit is None or hit[0] != 0:
            return None
        from visualizer.ui.geometry import dot_at

        return dot_at(self.snap, self.halves.lays[0], hit[1])

    def toggle_node(self, node: str) -> bool:
        if self.halves is None or self._side == 0:
            return super().toggle_node(node)
        view = next((n for n in self._snap_b.nodes if n.id == node), None) if self._snap_b else None
        down = view is not None and view.status in ("down", "removed")
        return self.apply_b(C.Recover(node) if down else C.Fail(node))

    def open_actions(self, node: str, pos: tuple[int, int], keyboard: bool = False) -> None:
        self._menu_side = self._side if self.halves is not None else 0
        if self._menu_side == 0:
            return super().open_actions(node, pos, keyboard)
        self.view.selected = node
        other = self.other
        self.menu.open(pos, node, list(other.sim.actions_for(node)), menu_notes(self._snap_b, node, self.view.lang),
                       keyboard=keyboard)

    def _picked(self, cmd: Any) -> None:
        if self._menu_side == 1 and self.other is not None:
            self.apply_b(cmd)
        else:
            self.apply(cmd)

    def apply_b(self, cmd: Any) -> bool:
        """A command on side B only; a refusal becomes a toast."""
        try:
            self.player.apply_other(cmd)
        except C.CommandError as exc:
            self.toast(t("toast.rejected", self.view.lang, why=str(exc)), bad=True)
            return False
        self.refresh()
        return True
