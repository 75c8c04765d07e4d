"""draw_frame: the whole picture as a pure function of a Snapshot and a ViewState (window and recorder)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Protocol, Sequence

import pygame

from visualizer.i18n import t
from visualizer.render import charts, dots as dotmod, groups as groupmod, nodes as nodemod, queue_view
from visualizer.render import shards as shardmod
from visualizer.render.bands import draw_bands
from visualizer.render.fonts import text, ui_scale, wrap
from visualizer.render.layout import PROJECTOR_CARD_TEXT, REMOVED, Layout, compute_layout, regions
from visualizer.render.style import Palette, palette
from visualizer.sim.snapshot import Snapshot

CAPTION_PX = 23


@dataclass
class ViewState:
    """What the viewer chose, as opposed to what the model is: language, mode, pointer, overlays."""

    lang: str = "en"
    projector: bool = False
    title: str = ""
    speed: float = 1.0
    paused: bool = False
    hover: str | None = None
    selected: str | None = None
    selected_request: int | None = None
    highlight: tuple[str, ...] = ()          # node ids, or "src->dst" links, to point at
    caption: str | None = None               # the lesson's caption in the current language
    progress: tuple[int, int] | None = None  # beat k of n
    show_metrics: bool = True
    status_note: str = ""                    # short text at the right of the top bar (e.g. "REC")
    running_speed: float | None = None       # the speed the model really keeps up with, when lower
    busy: str = ""                           # a notice over the picture ("rewinding…")
    chrome: bool = True                      # window furniture (key hints, PAUSED, status note, legend
                                             # strip); False for a clean video frame
    reduce_motion: bool = False              # no falling, pulsing or glowing; dots still show requests
    expanded: frozenset[tuple[str, int]] = frozenset()   # group cards opened, at their page (render/groups.py)


class Overlay(Protocol):
    """Something drawn on top of the frame by later features (lesson highlights, scrubber, REC dot)."""

    def draw(self, surface: pygame.Surface, snap: Snapshot, view: ViewState, lay: Layout) -> None: ...


@dataclass
class FrameStats:
    """What the last draw_frame drew (for tests and the benchmark)."""

    dots: int = 0
    outcomes: int = 0
    extra: dict[str, int] = field(default_factory=dict)


LAST = FrameStats()


def layout_for(surface_size: tuple[int, int], snap: Snapshot, view: ViewState) -> Layout:
    """The layout draw_frame uses for this snapshot and view (also used for hit-testing clicks)."""
    scale = ui_scale(surface_size, view.projector)
    lines = 0
    if view.caption:
        side_w = regions(tuple(surface_size), scale, 0, view.show_metrics)[2].width
        px = round(CAPTION_PX * scale)
        progress_w = 60 * scale if view.progress else 0
        lines = min(3, len(wrap(view.caption, px, int(surface_size[0] - side_w - 74 * scale - progress_w), bold=True)))
    key = tuple((n.id, REMOVED if n.status == "removed" else n.kind, n.role) for n in snap.nodes)
    min_px = round(PROJECTOR_CARD_TEXT * scale, 1) if view.projector else 0.0
    links = tuple((l.src, l.dst) for l in snap.links)
    where = {"sites": tuple(n.site for n in snap.nodes), "site_order": tuple(s.id for s in snap.sites)} \
        if snap.sites else {}
    groups = groupmod.with_expanded(groupmod.plan(key, where.get("sites", ())), view.expanded)
    full, (key, links) = key, groupmod.reduce(key, links, groups)
    lay = compute_layout(key, tuple(surface_size), round(scale, 4), lines, view.show_metrics, min_px, links=links,
                         **where)
    lay = groupmod.fold(lay, groups, view.lang)
    if lay.enlarged:        # room for as many lines as the widest card's address and facts wrap to
        rows = min(4, max([2, *(_rows(n, view.lang, lay, i) for i, n in lay.shown(snap.nodes))]))
        if rows != lay.text_rows:
            lay = compute_layout(key, tuple(surface_size), round(scale, 4), lines, view.show_metrics, min_px, rows,
                                 links, **where)
            lay = groupmod.fold(lay, groups, view.lang)
    return lay


def _rows(n, lang: str, lay: Layout, i: int) -> int:
    """How many lines node i's address and facts take on its enlarged card."""
    width = lay.rect(i).width - 2 * round(8 * lay.text_scale)
    return len(nodemod.card_lines(n, lang, lay.text_px, width, True))


def draw_frame(surface: pygame.Surface, snap: Snapshot, view: ViewState,
               overlays: Sequence[Overlay] = ()) -> Layout:
    """Draw everything for `snap` as seen through `view` onto `surface`; returns the layout used.

    Deterministic: animations depend on snap.time only, never on the wall clock.
    """
    pal = palette(view.projector)
    lay = layout_for(surface.get_size(), snap, view)
    surface.fill(pal.background)
    if lay.bands:
        draw_bands(surface, lay.bands, snap.sites, view.lang, lay.scale, pal)
    _links(surface, snap, view, lay, pal)
    if snap.sharding is not None:
        shardmod.draw_halo(surface, snap, lay, still=view.reduce_motion)
    LAST.extra["card_text_px"] = nodemod.draw_cards(surface, snap, view.lang, lay, pal, view.hover, view.selected,
                                                    view.highlight, still=view.reduce_motion)
    LAST.extra["group_cards"] = groupmod.draw_groups(surface, snap, lay, pal, view.lang)
    if snap.jobs is not None:
        drawn = queue_view.draw_jobs(surface, snap, snap.jobs, view.lang, lay, pal, view.speed,
                                     view.reduce_motion)
        LAST.extra["job_dots"], LAST.extra["busy_cells"] = drawn.job_dots, drawn.busy_cells
        LAST.extra["tube_cells"] = sum(n for _, n in drawn.tubes.values())
    spr = dotmod.sprites(lay.dot_r, pal)
    pos, shown, sprite = dotmod.dot_positions(snap.dots, lay)
    LAST.dots = dotmod.blit_dots(surface, pos, shown, sprite, spr)
    LAST.outcomes = nodemod.draw_outcomes(surface, snap, view.lang, lay, pal, spr, view.speed, view.reduce_motion)
    nodemod.draw_marks(surface, snap, view.lang, lay, pal)
    if snap.sharding is not None:
        shardmod.draw_bars(surface, snap, lay, pal, view.lang)
        shardmod.draw_moves(surface, snap, lay)
    if view.selected_request is not None:
        _ring_request(surface, snap, view.selected_request, pos, lay, pal)
    _top_bar(surface, snap, view, lay, pal)
    if view.show_metrics:
        charts.draw_panel(surface, lay.side, snap, view.lang, lay.scale, pal)
    if lay.caption is not None and view.caption:
        _caption(surface, view, lay, pal)
    if view.chrome:
        _toolbar(surface, view, lay, pal)
    for overlay in overlays:
        overlay.draw(surface, snap, view, lay)
    if view.busy:
        _busy(surface, view.busy, lay, pal)
    return lay


def _busy(surface: pygame.Surface, note: str, lay: Layout, pal: Palette) -> None:
    """A notice in the middle of the picture while something takes a moment (a long rewind)."""
    s = lay.scale
    label = text(note, round(28 * s), pal.text, True)
    box = label.get_rect(center=lay.graph.center).inflate(48 * s, 24 * s)
    pygame.draw.rect(surface, pal.panel, box, border_radius=round(12 * s))
    pygame.draw.rect(surface, pal.highlight, box, max(2, round(2 * s)), border_radius=round(12 * s))
    surface.blit(label, label.get_rect(center=box.center))


def _links(surface: pygame.Surface, snap: Snapshot, view: ViewState, lay: Layout, pal: Palette) -> None:
    """Each link as a line between its cards; links to and from a folded group are one line per
    pair of cards (bright while any of them is up, lit if any is highlighted)."""
    width = max(2, round(2.5 * lay.scale * pal.line_scale * lay.card_scale))
    lit = {h.replace(" ", "") for h in view.highlight if "->" in h}
    down = {n.id for n in snap.nodes if n.status in ("down", "removed")}
    segs: dict[tuple[int, int, int], list[bool]] = {}     # (card, card, link or -1) -> [live, lit]
    for k, link in enumerate(snap.links):
        a, b = lay.index(link.src), lay.index(link.dst)
        if a is None or b is None or lay.half[a, 0] == 0 or lay.half[b, 0] == 0:
            continue
        key = (a, b, k)
        if lay.alias is not None:
            a, b = sorted((int(lay.alias[a]), int(lay.alias[b])))
            if a == b:
                continue
            key = (a, b, -1)
        seg = segs.setdefault(key, [False, False])
        seg[0] |= not (link.src in down or link.dst in down)
        seg[1] |= f"{link.src}->{link.dst}" in lit
    for (a, b, _), (live, hot) in segs.items():
        p0, p1 = lay.centers[a].tolist(), lay.centers[b].tolist()
        if hot:
            pulse = 0.5 if view.reduce_motion else 0.5 + 0.5 * math.sin(snap.time * 6.0)
            pygame.draw.line(surface, pal.highlight, p0, p1, width * 2 + round(2 * pulse))
        pygame.draw.line(surface, pal.link if live else pal.link_dim, p0, p1, width)
    LAST.extra["link_lines"] = len(segs)


def _ring_request(surface: pygame.Surface, snap: Snapshot, req: int, pos, lay: Layout, pal: Palette) -> None:
    import numpy as np

    hit = np.nonzero(snap.dots.id == req)[0]
    if len(hit):
        x, y = pos[int(hit[0])].tolist()
        pygame.draw.circle(surface, pal.highlight, (round(x), round(y)), lay.dot_r * 3, max(2, round(lay.scale * 2)))


def _top_bar(surface: pygame.Surface, snap: Snapshot, view: ViewState, lay: Layout, pal: Palette) -> None:
    s = lay.scale
    r = lay.top
    pygame.draw.rect(surface, pal.panel, r)
    pygame.draw.line(surface, pal.panel_edge, r.bottomleft, r.bottomright, max(1, round(s)))
    title = text(view.title or "System Design Visualizer", round(20 * s), pal.text, True)
    surface.blit(title, title.get_rect(midleft=(r.left + 16 * s, r.centery)))
    clock = text(f"t = {snap.time:.3f} s", round(17 * s), pal.text, False)
    shown = f"×{fmt_speed(view.speed)}"
    if view.running_speed is not None:       # the model cannot keep up: say what really runs
        shown += f" → ×{fmt_speed(view.running_speed)}"
    speed = text(shown, round(17 * s), pal.undetected if view.running_speed is not None else pal.text_dim, True)
    x = r.right - 16 * s
    shown_right = (speed, clock)
    if view.chrome:
        shown_right = (text(t("help.hint", view.lang), round(15 * s), pal.text_dim), *shown_right)
    for surf in shown_right:
        rect = surf.get_rect(midright=(x, r.centery))
        surface.blit(surf, rect)
        x = rect.left - 22 * s
    if not view.chrome:
        return
    if view.paused:
        p = text(t("paused", view.lang), round(17 * s), pal.background, True)
        box = p.get_rect(midright=(x, r.centery)).inflate(16 * s, 6 * s)
        pygame.draw.rect(surface, pal.undetected, box, border_radius=round(6 * s))
        surface.blit(p, p.get_rect(center=box.center))
        x = box.left - 16 * s
    if view.status_note:
        n = text(view.status_note, round(17 * s), pal.failed, True)
        surface.blit(n, n.get_rect(midright=(x, r.centery)))


def fmt_speed(x: float) -> str:
    """A playback speed as people write it, never in exponent form: 0.05, 0.25, 1, 2.5, 40, 100."""
    if x < 0.1:
        return f"{x:.2f}"
    if x < 9.95:
        return f"{x:.2g}"
    return f"{x:.0f}"


def caption_lines(caption: str, px: int, width: int) -> tuple[int, list[str]]:
    """The caption wrapped to at most three lines at `px`, or at a smaller size down to 3/4 of it
    when it needs more (a caption is never cut silently; the lessons' own all fit at full size)."""
    size = px
    lines = wrap(caption, size, width, bold=True)
    while len(lines) > 3 and size > 0.75 * px:
        size -= 1
        lines = wrap(caption, size, width, bold=True)
    return size, lines[:3]


def _caption(surface: pygame.Surface, view: ViewState, lay: Layout, pal: Palette) -> None:
    s = lay.scale
    r = lay.caption
    assert r is not None and view.caption
    box = r.inflate(-24 * s, -10 * s)
    pygame.draw.rect(surface, pal.panel, box, border_radius=round(10 * s))
    pygame.draw.rect(surface, pal.highlight, box, max(2, round(2 * s)), border_radius=round(10 * s))
    px = round(CAPTION_PX * s)
    margin = 20 * s
    right = box.right - margin
    if view.progress is not None:
        k, n = view.progress
        prog = text(f"{k}/{n}", round(18 * s), pal.text_dim, True)
        pr = prog.get_rect(topright=(right, box.top + 8 * s))
        surface.blit(prog, pr)
        right = pr.left - 10 * s
    px, lines = caption_lines(view.caption, px, int(right - box.left - margin))
    y = box.top + (box.height - len(lines) * px * 1.3) / 2
    for line in lines:
        surface.blit(text(line, px, pal.text, True), (box.left + margin, y))
        y += px * 1.3


def _toolbar(surface: pygame.Surface, view: ViewState, lay: Layout, pal: Palette) -> None:
    """The strip under the picture: the legend (the sliders are ui widgets drawn on top of it)."""
    s = lay.scale
    r = lay.toolbar
    pygame.draw.rect(surface, pal.panel, r)
    pygame.draw.line(surface, pal.panel_edge, r.topleft, r.topright, max(1, round(s)))
    spr = dotmod.sprites(max(3, round(5 * s)), pal)
    x = r.right - 16 * s
    items = (("legend.failed", dotmod.FAILED), ("legend.done", dotmod.DONE),
             ("legend.write", dotmod.WRITE_FWD), ("legend.read", dotmod.READ_FWD))
    for key, k in items:
        label = text(t(key, view.lang), round(15 * s), pal.text_dim)
        lr = label.get_rect(midright=(x, r.centery))
        surface.blit(label, lr)
        dot = spr.surfaces[k]
        surface.blit(dot, dot.get_rect(midright=(lr.left - 6 * s, r.centery)))
        x = lr.left - 6 * s - dot.get_width() - 18 * s


def legend_left(lay: Layout) -> int:
    """Where the legend starts, so sliders can be placed to its left."""
    return round(lay.toolbar.right - 430 * lay.scale)
