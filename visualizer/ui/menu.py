"""The right-click menu: the commands that fit one node, picked with the mouse or ↑ / ↓ and Enter."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Callable

import pygame

from visualizer.i18n import fact, t
from visualizer.render.fonts import text
from visualizer.sim.commands import SetAlgorithm
from visualizer.sim.components.balancer import ALGORITHMS
from visualizer.sim.snapshot import Snapshot
from visualizer.sim.tiers import TIERS
from visualizer.ui.base import UIContext, Widget, clamp_rect, panel


def command_label(cmd: object, lang: str) -> str:
    """A command as a menu line in `lang`, e.g. Upgrade(node='web1') -> 'Upgrade web1 (bigger machine)'."""
    name = type(cmd).__name__
    fields = dataclasses.asdict(cmd) if dataclasses.is_dataclass(cmd) else {}
    fields = {k: ("LB" if v is None else _kind_name(v, lang) if k == "kind" else
                  fact(k, v, lang)[1] if isinstance(v, str) else v) for k, v in fields.items()}
    try:
        return t(f"cmd.{name}", lang, **fields)
    except (KeyError, ValueError, IndexError):
        return name


def _kind_name(kind: str, lang: str) -> str:
    """A kind as its spec names it ("load_balancer" -> "load balancer")."""
    try:
        return t(f"kind.{kind}", lang).lower() if lang == "en" else t(f"kind.{kind}", lang)
    except KeyError:
        return kind


@dataclass(frozen=True)
class Current:
    """A choice that is already so (the balancer's algorithm now): a marked row that does nothing."""

    cmd: SetAlgorithm


def _rank(cmd: object) -> tuple[int, int]:
    """Where a command sits among its kind: algorithms in their usual order, others as offered."""
    if isinstance(cmd, SetAlgorithm) and cmd.algorithm in ALGORITHMS:
        return 1, ALGORITHMS.index(cmd.algorithm)
    return 0, 0


def menu_rows(commands: list[object], notes: list, lang: str) -> list[tuple[str, object]]:
    """(label, command) rows: the commands, each current choice marked among its siblings (no
    command: not clickable), then the notes as dim rows."""
    rows: list[tuple[str, object]] = [(command_label(c, lang), c) for c in commands]
    for note in notes:
        if not isinstance(note, Current):
            continue
        label = t("menu.current", lang, label=command_label(note.cmd, lang))
        after = [i for i, (_, c) in enumerate(rows) if type(c) is type(note.cmd) and _rank(c) < _rank(note.cmd)]
        same = [i for i, (_, c) in enumerate(rows) if type(c) is type(note.cmd)]
        at = after[-1] + 1 if after else (same[0] if same else len(rows))
        rows.insert(at, (label, None))
    return rows + [(n, None) for n in notes if not isinstance(n, Current)]


@dataclass
class ContextMenu(Widget):
    """Opened at a point with (label, command) items; a click on an item calls on_pick(command)."""

    ctx: UIContext
    on_pick: Callable[[object], None]
    items: list[tuple[str, object]] = field(default_factory=list)
    title: str = ""
    pos: tuple[int, int] = (0, 0)
    hover: int = -1
    is_open: bool = False

    def open(self, pos: tuple[int, int], title: str, commands: list[object], notes: list = (),
             keyboard: bool = False) -> None:
        """Commands become clickable rows; `notes` are dim rows saying why something is not offered,
        or `Current` choices shown marked among the commands of their kind. Opened from the
        keyboard, the first command is picked already (↑/↓ move, Enter runs it)."""
        self.items = menu_rows(list(commands), list(notes), self.ctx.lang)
        self.title, self.pos, self.is_open, self.hover = title, pos, True, -1
        if keyboard:
            self.step(+1)

    def step(self, direction: int) -> None:
        """Move the picked row to the next (or previous) command, skipping notes, wrapping round."""
        rows = [k for k, (_, cmd) in enumerate(self.items) if cmd is not None]
        if rows:
            later = [k for k in rows if (k - self.hover) * direction > 0]
            self.hover = (min(later) if direction > 0 else max(later)) if later else (rows[0] if direction > 0 else rows[-1])

    def _key(self, key: int) -> bool:
        """↑ / ↓ pick a row, Enter runs it, Esc closes; other keys pass through (True: consumed)."""
        if key in (pygame.K_DOWN, pygame.K_UP):
            self.step(+1 if key == pygame.K_DOWN else -1)
        elif key in (pygame.K_RETURN, pygame.K_KP_ENTER):
            self.is_open = False
            if 0 <= self.hover < len(self.items) and self.items[self.hover][1] is not None:
                self.on_pick(self.items[self.hover][1])
        elif key == pygame.K_ESCAPE:
            self.is_open = False
        else:
            return False
        return True

    def close(self) -> bool:
        was, self.is_open = self.is_open, False
        return was

    def _geometry(self) -> tuple[pygame.Rect, int, int]:
        s = self.ctx.scale
        row, head = self._row_head()
        labels = [text(lbl, round(16 * s), self.ctx.pal.text) for lbl, _ in self.items] or \
            [text(t("menu.none", self.ctx.lang), round(16 * s), self.ctx.pal.text)]
        width = max(max(l.get_width() for l in labels), text(self.title, round(16 * s), self.ctx.pal.text, True).get_width())
        per = self._per_column()
        cols = -(-max(1, len(self.items)) // per)
        rect = pygame.Rect(self.pos[0], self.pos[1], (width + round(36 * s)) * cols,
                           head + row * min(per, max(1, len(self.items))) + round(8 * s))
        return clamp_rect(rect, self.ctx.size), row, head

    def _row_head(self) -> tuple[int, int]:
        return round(34 * self.ctx.scale), round(34 * self.ctx.scale)

    def _per_column(self) -> int:
        """Rows a column holds: all of them, unless the window is too short (then more columns)."""
        row, head = self._row_head()
        return max(1, min(max(1, len(self.items)), (self.ctx.size[1] - 8 - head - round(8 * self.ctx.scale)) // row))

    def _row_rect(self, rect: pygame.Rect, k: int) -> pygame.Rect:
        """Row k's rectangle: down the first column, then the next."""
        row, head = self._row_head()
        per = self._per_column()
        cols = -(-max(1, len(self.items)) // per)
        col_w = rect.width // cols
        col, at = divmod(k, per)
        return pygame.Rect(rect.left + col * col_w + round(4 * self.ctx.scale), rect.top + head + at * row,
                           col_w - round(8 * self.ctx.scale), row)

    def _item_at(self, pos: tuple[int, int]) -> int:
        rect, row, head = self._geometry()
        if not rect.collidepoint(pos):
            return -1
        return next((k for k in range(len(self.items)) if self._row_rect(rect, k).collidepoint(pos)), -1)

    def handle_event(self, event: pygame.event.Event) -> bool:
        if not self.is_open:
            return False
        if event.type == pygame.KEYDOWN:
            return self._key(event.key)
        if event.type == pygame.MOUSEMOTION:
            self.hover = self._item_at(event.pos)
            return False
        if event.type == pygame.MOUSEBUTTONDOWN:
            k = self._item_at(event.pos)
            inside = self._geometry()[0].collidepoint(event.pos)
            self.is_open = False
            if k >= 0 and event.button == 1 and self.items[k][1] is not None:
                self.on_pick(self.items[k][1])
            return inside or event.button == 1
        return False

    def draw(self, surface: pygame.Surface) -> None:
        if not self.is_open:
            return
        s, pal = self.ctx.scale, self.ctx.pal
        rect, row, head = self._geometry()
        panel(surface, rect, pal, s)
        surface.blit(text(self.title, round(16 * s), pal.text_dim, True), (rect.left + round(14 * s), rect.top + round(8 * s)))
        if not self.items:
            surface.blit(text(t("menu.none", self.ctx.lang), round(16 * s), pal.text_dim), (rect.left + round(18 * s), rect.top + head))
        for k, (label, cmd) in enumerate(self.items):
            r = self._row_rect(rect, k)
            if k == self.hover and cmd is not None:
                pygame.draw.rect(surface, pal.card, r, border_radius=round(6 * s))
                pygame.draw.rect(surface, pal.highlight, r, max(1, round(2 * s)), border_radius=round(6 * s))
            surf = text(label, round(16 * s), pal.text if cmd is not None else pal.text_dim)
            surface.blit(surf, surf.get_rect(midleft=(r.left + round(14 * s), r.centery)))


def menu_notes(snap: Snapshot, node_id: str, lang: str) -> list[str | Current]:
    """Why an expected action is missing, instead of silently leaving it out: the largest machine
    cannot be upgraded (the seed's limit of scaling up); the balancer's current algorithm is the
    one already chosen (shown marked)."""
    view = next((n for n in snap.nodes if n.id == node_id), None)
    if view is None or view.status == "removed":
        return []
    notes: list[str | Current] = []
    algorithm = view.extra.get("algorithm")
    if algorithm in ALGORITHMS:
        notes.append(Current(SetAlgorithm(node_id, algorithm)))
    if view.tier == TIERS[-1].name:
        notes.append(t("menu.top_tier", lang, node=node_id, tier=view.tier))
    return notes
