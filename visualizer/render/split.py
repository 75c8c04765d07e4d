"""Two designs in one frame: each half its own picture and compact numbers, the charts overlaid in two colours."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Sequence

import numpy as np
import pygame

from visualizer.i18n import t
from visualizer.render import charts
from visualizer.render.fonts import text
from visualizer.render.layout import Layout
from visualizer.render.scene import Overlay, ViewState, _busy, _caption, _toolbar, _top_bar, draw_frame, layout_for
from visualizer.render.style import Color, Palette, palette
from visualizer.sim.snapshot import Snapshot

SIDES = ("A", "B")
STRIP_PX = 34              # the compact numbers under each half, at scale 1


@dataclass(frozen=True)
class Halves:
    """Where each side's picture went: its rectangle on the surface and its own layout (in the
    half's coordinates, for hit-testing a click after subtracting the rectangle's corner)."""

    rects: tuple[pygame.Rect, pygame.Rect]
    lays: tuple[Layout, Layout]

    def side_at(self, pos: tuple[int, int]) -> tuple[int, tuple[int, int]] | None:
        """(side, position inside that side's picture) under `pos`, or None."""
        for k, r in enumerate(self.rects):
            if r.collidepoint(pos):
                return k, (pos[0] - r.left, pos[1] - r.top)
        return None


SCRUBBER_PX = 26          # px at scale 1 kept under the halves for the lesson's time scrubber


def side_colors(pal: Palette) -> tuple[Color, Color]:
    """A's and B's colour in the charts and legends (Okabe-Ito sky blue and orange)."""
    return pal.read, pal.write


def split_rects(graph: pygame.Rect, gap: int) -> tuple[pygame.Rect, pygame.Rect]:
    """Side by side in a wide picture area, one above the other in a tall one."""
    if graph.width >= graph.height * 1.2:
        w = (graph.width - gap) // 2
        return (pygame.Rect(graph.left, graph.top, w, graph.height),
                pygame.Rect(graph.left + w + gap, graph.top, graph.width - w - gap, graph.height))
    h = (graph.height - gap) // 2
    return (pygame.Rect(graph.left, graph.top, graph.width, h),
            pygame.Rect(graph.left, graph.top + h + gap, graph.width, graph.height - h - gap))


def draw_split(surface: pygame.Surface, snaps: tuple[Snapshot, Snapshot], titles: tuple[str, str], view: ViewState,
               overlays: Sequence[Overlay] = (), hover_side: int = 0) -> tuple[Layout, Halves]:
    """The whole comparison frame; returns the frame's layout (caption, toolbar, side panel: what
    the widgets place themselves by) and the halves (what a click hits)."""
    pal = palette(view.projector)
    lay = layout_for(surface.get_size(), snaps[0], view)
    surface.fill(pal.background)
    s = lay.scale
    room = lay.graph.copy()
    room.height -= round(SCRUBBER_PX * s)           # the time scrubber runs under both halves
    rects = split_rects(room, max(2, round(4 * s)))
    lays = []
    strip = round(STRIP_PX * s)
    for k in (0, 1):
        r = rects[k]
        pic = pygame.Rect(r.left, r.top, r.width, max(10, r.height - strip))
        side_view = replace(view, title=f"{SIDES[k]}: {titles[k]}", show_metrics=False, chrome=False, caption=None,
                            progress=None, busy="", hover=view.hover if k == hover_side else None,
                            selected=view.selected if k == hover_side else None,
                            selected_request=view.selected_request if k == 0 else None,
                            highlight=view.highlight)
        lays.append(draw_frame(surface.subsurface(pic), snaps[k], side_view))
        _strip(surface, pygame.Rect(r.left, pic.bottom, r.width, r.bottom - pic.bottom), snaps[k], k, view.lang, s, pal)
        pygame.draw.rect(surface, side_colors(pal)[k], r, max(2, round(2 * s)))
    _top_bar(surface, snaps[0], replace(view, title=f"A: {titles[0]}  ·  B: {titles[1]}"), lay, pal)
    if view.show_metrics:
        draw_compare_panel(surface, lay.side, snaps, titles, view.lang, s, pal)
    if lay.caption is not None and view.caption:
        _caption(surface, view, lay, pal)
    if view.chrome:
        _toolbar(surface, view, lay, pal)
    for overlay in overlays:
        overlay.draw(surface, snaps[0], view, lay)
    if view.busy:
        _busy(surface, view.busy, lay, pal)
    return lay, Halves((rects[0], rects[1]), (lays[0], lays[1]))


def _strip(surface: pygame.Surface, r: pygame.Rect, snap: Snapshot, k: int, lang: str, s: float, pal: Palette) -> None:
    """One side's headline numbers in a row under its picture."""
    pygame.draw.rect(surface, pal.panel, r)
    m = snap.metrics
    items = ((t("cmp.avail", lang), charts._fmt_pct(m.availability)),
             (t("cmp.errors", lang), charts._fmt_pct(m.error_rate)),
             ("p95", charts._fmt_ms(m.p95_ms)),
             (t("cmp.done", lang), f"{m.throughput:,.0f}/s"))
    x = r.left + round(10 * s)
    label = text(SIDES[k], round(16 * s), side_colors(pal)[k], True)
    surface.blit(label, label.get_rect(midleft=(x, r.centery)))
    x += label.get_width() + round(12 * s)
    for name, value in items:
        part = text(f"{name} {value}", round(13 * s), pal.text)
        if x + part.get_width() > r.right - 4:
            break
        surface.blit(part, part.get_rect(midleft=(x, r.centery)))
        x += part.get_width() + round(14 * s)


def draw_compare_panel(surface: pygame.Surface, rect: pygame.Rect, snaps: tuple[Snapshot, Snapshot],
                       titles: tuple[str, str], lang: str, s: float, pal: Palette) -> None:
    """The side panel: a legend naming A and B, then each chart with both sides' series overlaid."""
    if rect.width <= 0 or rect.height <= 0:
        return
    clip = surface.get_clip()
    surface.set_clip(rect.clip(clip))
    try:
        pygame.draw.rect(surface, pal.panel, rect)
        pad = round(12 * s)
        x, y = rect.left + pad, rect.top + pad
        for k in (0, 1):
            color = side_colors(pal)[k]
            pygame.draw.line(surface, color, (x, y + round(9 * s)), (x + round(22 * s), y + round(9 * s)),
                             max(2, round(3 * s)))
            surface.blit(text(f"{SIDES[k]}: {titles[k]}", round(14 * s), pal.text, True), (x + round(30 * s), y))
            y += round(24 * s)
        y += round(6 * s)
        rows = [charts._window(sn.series) for sn in snaps]
        plots = _plots(rows, snaps, pal)
        h = max(30, (rect.bottom - pad - y) // len(plots))
        w = rect.width - 2 * pad
        for title, lines, unit in plots:     # _plot draws at the left of its own surface
            chart = pygame.Surface((w, h), pygame.SRCALPHA)
            charts._plot(chart, pygame.Rect(0, 0, w, h), t(title, lang), lines, unit, pal, s)
            surface.blit(chart, (x, y))
            y += h
    finally:
        surface.set_clip(clip)


def _plots(rows: list[np.ndarray], snaps: tuple[Snapshot, Snapshot], pal: Palette) -> list[tuple[str, list, str]]:
    """(title, [(series, colour) per side], unit) for throughput, errors, p95 and, with caches, hits."""
    col = charts.COL
    colors = side_colors(pal)

    def each(fn) -> list[tuple[np.ndarray, Color]]:
        return [(fn(r) if len(r) else r, colors[k]) for k, r in enumerate(rows)]

    def errors(r: np.ndarray) -> np.ndarray:
        return 100.0 * r[:, col["failed"]] / np.maximum(r[:, col["completed"]] + r[:, col["failed"]], 1)

    out = [("m.throughput", each(lambda r: r[:, col["completed"]]), "count"),
           ("m.errors", each(errors), "pct"),
           ("m.p95", each(lambda r: r[:, col["p95_ms"]]), "ms")]
    if any(sn.caching is not None for sn in snaps):
        hits = [(100.0 * r[:, col["hit_ratio"]] if len(r) and sn.caching is not None else r[:0], colors[k])
                for k, (r, sn) in enumerate(zip(rows, snaps))]       # a side without caches: no line
        out.append(("m.hit_ratio", hits, "ratio"))
    return out
