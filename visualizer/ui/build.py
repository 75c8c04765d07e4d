"""The window's build tools: right-click on empty space adds a node, Shift+drag links two nodes, Ctrl+Z / Ctrl+Y undo and redo, Ctrl+S saves the design, Ctrl+O opens one."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pygame

from visualizer import design_files
from visualizer.edits import EditHistory
from visualizer.errors import ScenarioError, UsageError
from visualizer.i18n import t
from visualizer.lesson import LessonPlayer
from visualizer.sim.commands import AddLink, CommandError
from visualizer.ui.base import Layer, Widget
from visualizer.ui.keymap import Binding
from visualizer.ui.menu import ContextMenu, command_label


@dataclass(frozen=True)
class OpenFile:
    """A row of the Ctrl+O menu: a saved design to open."""

    path: str


@dataclass
class BuildTools(Widget):
    """Edits by mouse, undo/redo, save and open; the App hands it every event before its own clicks."""

    app: Any
    history: EditHistory = field(default_factory=EditHistory)
    drag_from: str | None = None
    drag_at: tuple[int, int] | None = None
    files: ContextMenu | None = None

    @property
    def lang(self) -> str:
        return str(self.app.view.lang)

    # ---- the mouse -------------------------------------------------------------------------------
    def handle_event(self, event: pygame.event.Event) -> bool:
        app = self.app
        if event.type == pygame.MOUSEBUTTONDOWN and event.button == 3 and app.node_at(event.pos) is None:
            app.menu.open(event.pos, t("build.title", self.lang), app.player.sim.build_offers())
            return True
        if event.type == pygame.MOUSEBUTTONDOWN and event.button == 1 and pygame.key.get_mods() & pygame.KMOD_SHIFT:
            self.drag_from, self.drag_at = app.node_at(event.pos), event.pos
            return self.drag_from is not None
        if event.type == pygame.MOUSEMOTION and self.drag_from is not None:
            self.drag_at = event.pos
        if event.type == pygame.MOUSEBUTTONUP and event.button == 1 and self.drag_from is not None:
            src, self.drag_from = self.drag_from, None
            dst = app.node_at(event.pos)
            if dst is not None and dst != src:
                app.apply(AddLink(src, dst))
            return True
        return False

    def draw(self, surface: pygame.Surface) -> None:
        layout = self.app.layout
        if self.drag_from is None or self.drag_at is None or layout is None or self.drag_from not in layout.ids:
            return
        cx, cy = layout.centers[layout.ids.index(self.drag_from)].tolist()
        pygame.draw.line(surface, self.app.ctx.pal.text, (round(cx), round(cy)), self.drag_at, 3)

    # ---- keys ------------------------------------------------------------------------------------
    def undo(self) -> None:
        cmd = self.history.undo(self.app.player)
        self.app.refresh()
        self.app.toast(t("toast.undone", self.lang, what=command_label(cmd, self.lang)) if cmd is not None
                       else t("toast.no_undo", self.lang))

    def redo(self) -> None:
        try:
            cmd = self.history.redo(self.app.player, self.app.apply)
        except CommandError as err:
            self.app.toast(t("toast.rejected", self.lang, why=str(err)), bad=True)
            return
        self.app.toast(t("toast.redone", self.lang, what=command_label(cmd, self.lang)) if cmd is not None
                       else t("toast.no_redo", self.lang))

    def save(self) -> Path | None:
        try:
            path = design_files.save(self.app.player.sim)
        except (UsageError, ScenarioError, OSError) as err:
            self.app.toast(str(err), bad=True)
            return None
        self.app.toast(t("toast.saved", self.lang, path=str(path)))
        return path

    def open_menu(self) -> None:
        found = design_files.recent()
        if not found:
            self.app.toast(t("toast.no_designs", self.lang, path=str(design_files.folder())))
            return
        assert self.files is not None
        w, h = self.app.ctx.size
        self.files.open((w // 3, h // 4), t("build.open", self.lang), [OpenFile(str(p)) for p in found])

    def open_file(self, pick: object) -> bool:
        """Load a saved design and play it; a broken file is a toast naming file, key and problem."""
        if not isinstance(pick, OpenFile):
            return False
        try:
            scenario = design_files.open_design(Path(pick.path))
        except ScenarioError as err:
            self.app.toast(str(err), bad=True)
            return False
        self.app.switch(scenario, lambda: LessonPlayer(scenario))
        self.history = EditHistory()
        return True


# Help lists two keys a row, and only without a script (a lesson's help has its own keys to fit).
BINDINGS = (("undo", pygame.K_z, "Ctrl+Z / Ctrl+Y", "key.undo"), ("redo", pygame.K_y, "", ""),
            ("save", pygame.K_s, "Ctrl+S / Ctrl+O", "key.save"), ("open", pygame.K_o, "", ""))


def install_build(app: Any) -> BuildTools:
    """Add the build tools to the window, through the App's public methods."""
    tools = BuildTools(app)
    tools.files = ContextMenu(app.ctx, tools.open_file)
    app.add_widget(tools, Layer.PANELS)
    app.add_widget(tools.files, Layer.OVERLAY)
    app.add_command_hook(lambda a, cmd: tools.history.record(a.player, cmd))
    handlers = {"undo": tools.undo, "redo": tools.redo, "save": tools.save, "open": tools.open_menu}
    def sandbox() -> bool:
        return not getattr(app.player, "beats", ())

    for action, k, shown, help_key in BINDINGS:
        app.bind(Binding(action, (k,), ctrl=True, shown=shown, help=help_key, listed=sandbox), handlers[action])
    app.bind(Binding("link", help="key.link", listed=sandbox), lambda: None)
    return tools
