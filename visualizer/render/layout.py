"""Where things go: screen regions and node positions in tiers left to right, scaled to the window."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Any, Iterator, Sequence, TypeVar

import numpy as np
import pygame

from visualizer.render import bands as bandmod
from visualizer.render.unblock import Group, clear_links
from visualizer.sim import registry

CARD_W, CARD_H = 164, 98          # at scale 1 (1280x720)
CARD_TEXT = 12                    # a card's address and fact lines, px at scale 1
PROJECTOR_CARD_TEXT = 10.5        # their least size in projector mode, px at scale 1 (20 px at 1920x1080)
MAX_CARD_COL = 0.84               # an enlarged card takes at most this much of its column's width
REMOVED = "removed"
T = TypeVar("T")


@dataclass(frozen=True)
class Layout:
    """Regions of the window and one card per node; `centers`/`half` are (n, 2) float32 arrays."""

    size: tuple[int, int]
    scale: float
    top: pygame.Rect
    graph: pygame.Rect
    side: pygame.Rect
    caption: pygame.Rect | None
    toolbar: pygame.Rect
    ids: tuple[str, ...]
    centers: np.ndarray
    half: np.ndarray
    card_scale: float
    dot_r: int
    text_px: int = CARD_TEXT          # the card's address and fact lines are drawn this big
    text_scale: float = 1.0           # the card's content (pads, icon, name) scale; scale * card_scale unless enlarged
    text_rows: int = 2                # lines of address and facts a card has room for
    enlarged: bool = False            # projector mode: text kept large, the card grown round it (lines may wrap)
    bands: tuple[bandmod.Band, ...] = ()   # a design with sites: one band per site, top to bottom
    alias: np.ndarray | None = None        # each node's index, or its group card's stand-in (groups.py)
    folded: np.ndarray | None = None       # True: the node is drawn as part of a group card
    groups: tuple[Any, ...] = ()           # folded groups' cards (groups.GroupCard: .key, .rect)
    tabs: tuple[Any, ...] = ()             # an opened group's "fold again" tab (groups.Tab: .key, .rect)

    @cached_property
    def _where(self) -> dict[str, int]:
        return {node_id: i for i, node_id in enumerate(self.ids)}

    def index(self, node_id: str) -> int | None:
        """Index of a node in the layout (same as in the snapshot it was made from)."""
        return self._where.get(node_id)

    def group_at(self, pos: tuple[int, int]) -> Any:
        """The group card or fold tab under `pos`, or None."""
        return next((g for g in (*self.tabs, *self.groups) if g.rect.collidepoint(pos)), None)

    def rect(self, i: int) -> pygame.Rect:
        """The card of node i."""
        cx, cy = self.centers[i].tolist()
        hw, hh = self.half[i].tolist()
        return pygame.Rect(round(cx - hw), round(cy - hh), round(2 * hw), round(2 * hh))

    def hidden(self, i: int) -> bool:
        """A node without a card of its own: a server removed from the design keeps its index, not
        its card; a member of a folded group is drawn as its group's card."""
        return bool(self.half[i, 0] == 0) or (self.folded is not None and bool(self.folded[i]))

    def shown(self, nodes: Sequence[T]) -> Iterator[tuple[int, T]]:
        """(index, node) for the nodes this layout places and draws."""
        for i, node in enumerate(nodes[: len(self.ids)]):
            if not self.hidden(i):
                yield i, node

    @property
    def slot_rows(self) -> int:
        """Rows of worker slots a card has room for under its text: two, or one on an enlarged card
        (its height is the text's, plus one row), so a second row never covers a line of text."""
        c = self.text_scale
        tall = float(self.half[:, 1].max()) * 2 if len(self.half) else 0.0
        text_bottom = round(8 * c) + round(28 * c) + round(3 * c) + self.text_rows * round(15 * c)
        cell = 2 * self.dot_r + 2
        second_top = tall - 6 * c - 2 * self.dot_r - cell
        return 2 if second_top >= text_bottom - 1 else 1

    def node_at(self, pos: tuple[int, int]) -> int | None:
        """Index of the node whose card is under `pos`, or None."""
        if not len(self.ids):
            return None
        d = np.abs(self.centers - np.asarray(pos, dtype=np.float32))
        hit = (d[:, 0] <= self.half[:, 0]) & (d[:, 1] <= self.half[:, 1])
        inside = np.nonzero(hit if self.folded is None else hit & ~self.folded)[0]
        return int(inside[-1]) if len(inside) else None


def regions(size: tuple[int, int], scale: float, caption_lines: int, side: bool) -> tuple[pygame.Rect, ...]:
    """Top bar, graph area, side (metrics) panel, caption bar (or None) and toolbar."""
    w, h = size
    top_h = round(46 * scale)
    tool_h = round(56 * scale)
    cap_h = round((24 + 34 * caption_lines) * scale) if caption_lines else 0
    side_w = round(min(w * 0.26, max(w * 0.22, 300 * scale))) if side else 0
    top = pygame.Rect(0, 0, w, top_h)
    toolbar = pygame.Rect(0, h - tool_h, w, tool_h)
    caption = pygame.Rect(0, toolbar.top - cap_h, w - side_w, cap_h) if cap_h else None
    graph_bottom = caption.top if caption else toolbar.top
    graph = pygame.Rect(0, top_h, w - side_w, max(10, graph_bottom - top_h))
    side_rect = pygame.Rect(w - side_w, top_h, side_w, max(10, toolbar.top - top_h))
    return top, graph, side_rect, caption, toolbar


@lru_cache(maxsize=32)
def _place(kind: str, role: str) -> tuple[float, int]:
    """(column, order within it) from the kind's spec; an unknown kind goes with the servers."""
    spec = registry.find(kind)
    return spec.place(role) if spec is not None else (3, 0)


def card_height(c: float, rows: int, dot_r: int) -> float:
    """An enlarged card's height at content scale c: pads, icon and name, `rows` lines, worker slots."""
    return c * (8 + 28 + 4 + 8) + rows * round(15 * c) + 2 * dot_r + 2


def _enlarge(members: int, col_w: float, graph: pygame.Rect, scale: float, u: float, min_px: float,
             rows: int, dot_r: int) -> tuple[float, float, float]:
    """Text px, card width and height when the text is kept at `min_px` rather than shrunk with the
    cards: as wide as that text wants (up to MAX_CARD_COL of the column), as tall as its rows need,
    and never taller than `members` cards can stack in the picture (then the text gives way)."""
    room = (graph.height - 16 * scale) / max(1, members)
    px = min_px
    while px > CARD_TEXT * u and card_height(px / CARD_TEXT, rows, dot_r) > room:
        px -= 0.5
    px = max(px, CARD_TEXT * u)
    c = px / CARD_TEXT
    width = max(CARD_W * u, min(CARD_W * c, col_w * MAX_CARD_COL))
    return px, width, max(CARD_H * u, card_height(c, rows, dot_r))


def _column_ys(k: int, graph: pygame.Rect, top_pad: float, usable_h: float, card_h: float, scale: float) -> list[float]:
    """Card centres down a column of k: spread over the usable height, or over all of the picture
    when big cards need it (they then give up some room for queues above them)."""
    if usable_h / k < card_h + 24 * scale:
        top_pad, usable_h = 8 * scale, graph.height - 16 * scale
    step = usable_h / k
    return [graph.top + top_pad + step * (j + 0.5) for j in range(k)]


def compute_layout(nodes: tuple[tuple[str, ...], ...], size: tuple[int, int], scale: float,
                   caption_lines: int = 0, side: bool = True, min_text_px: float = 0.0,
                   text_rows: int = 2, links: tuple[tuple[str, str], ...] = (), sites: tuple[str, ...] = (),
                   site_order: tuple[str, ...] = ()) -> Layout:
    """Place (id, kind[, role]) nodes in their kind's column; a node added at run time joins its
    column. Kind "removed" marks a node taken out of the design: it keeps its index, not a place.
    `min_text_px` (projector mode) keeps the cards' text at least that big: the cards grow round it
    with room for `text_rows` lines, rather than shrinking with a crowded picture. `links` (by id)
    that pass a column without stopping there move its cards off them (unblock.py). `sites` (each
    node's site, '' for none) and `site_order` (the scenario's sites) put each site's cards in a
    horizontal band of their own (bands.py); without them nothing changes.
    """
    top, graph, side_rect, caption, toolbar = regions(size, scale, caption_lines, side)
    columns: dict[float, list[int]] = {}
    order: dict[int, int] = {}
    for i, (_, kind, *role) in enumerate(nodes):
        if kind != REMOVED:
            col, order[i] = _place(kind, role[0] if role else "")
            columns.setdefault(col, []).append(i)
    for members in columns.values():
        members.sort(key=lambda i: (order[i], i))
    tiers = sorted(columns)
    n = len(nodes)
    centers = np.zeros((n, 2), dtype=np.float32)
    pad_x = 40 * scale
    usable_w = max(1.0, graph.width - 2 * pad_x)
    col_w = usable_w / max(1, len(tiers))
    top_pad = 48 * scale      # room for a queue of dots above the top card
    bottom_pad = 34 * scale   # room for a badge under the bottom card
    usable_h = max(1.0, graph.height - top_pad - bottom_pad)
    crowd = max((len(m) for m in columns.values()), default=1)
    band_list: list[bandmod.Band] = []
    if site_order:
        rows = bandmod.rows(columns, sites, site_order)
        weight = bandmod.weights(columns, sites, rows)
        crowd = sum(weight)
        usable_h = max(1.0, graph.height - bandmod.overhead(rows) * scale)
    card_h = CARD_H * scale
    fit = usable_h / max(1, crowd) / (card_h + 40 * scale)
    card_scale = float(min(1.0, max(0.45, fit)))
    col_fit = (col_w * 0.9) / (CARD_W * scale)
    card_scale = float(min(card_scale, max(0.45, col_fit)))
    u = scale * card_scale
    dot_r = max(2, round(4.5 * scale * (0.6 + 0.4 * card_scale)))
    enlarged = min_text_px > CARD_TEXT * u + 0.5
    px, card_w, card_h = float(round(CARD_TEXT * u)), CARD_W * u, CARD_H * u
    if enlarged:
        room = graph          # in bands: the height left for cards, a badge's room under each
        if site_order:
            room = graph.inflate(0, -round(graph.height - usable_h + crowd * bandmod.BADGE_H * scale - 16 * scale))
        px, card_w, card_h = _enlarge(crowd, col_w, room, scale, u, min_text_px, text_rows, dot_r)
        if site_order:      # stacked bands: as wide as full-size text wants, so lines wrap less
            card_w = max(card_w, min(CARD_W * min_text_px / CARD_TEXT, col_w * MAX_CARD_COL))
    if site_order:
        band_list = bandmod.band_rects(graph, scale, rows, weight)
    groups: list[Group] = []
    for ci, tier in enumerate(tiers):
        members = columns[tier]
        x = graph.left + pad_x + col_w * (ci + 0.5)
        k = len(members)
        if band_list:
            groups += _in_bands(centers, x, tier, members, sites, band_list, scale, card_h + 24 * scale)
            continue
        if k == 1 and registry.has_role(nodes[members[0]][1], registry.NAMESERVER):
            ys = [graph.top + top_pad + usable_h * 0.2]   # DNS off the main line, like the book's figure
        else:
            ys = _column_ys(k, graph, top_pad, usable_h, card_h if enlarged else 0.0, scale)
        for j, i in enumerate(members):
            centers[i] = (x, ys[j])
    if links:
        clear_links(nodes, columns, centers, links, (card_w / 2, card_h / 2), graph, scale, groups or None)
    half = np.empty((n, 2), dtype=np.float32)
    half[:, 0] = card_w / 2
    half[:, 1] = card_h / 2
    for i, (_, kind, *_role) in enumerate(nodes):
        if kind == REMOVED:
            centers[i] = (-10_000.0, -10_000.0)
            half[i] = 0.0
    return Layout(size=size, scale=scale, top=top, graph=graph, side=side_rect, caption=caption,
                  toolbar=toolbar, ids=tuple(n[0] for n in nodes), centers=centers, half=half,
                  card_scale=card_scale, dot_r=dot_r, text_px=round(px),
                  text_scale=px / CARD_TEXT if enlarged else u, text_rows=text_rows if enlarged else 2,
                  enlarged=enlarged, bands=tuple(band_list))


def _in_bands(centers: np.ndarray, x: float, tier: float, members: list[int], sites: tuple[str, ...],
              band_list: list[bandmod.Band], scale: float, pitch: float) -> list[Group]:
    """Place a column's cards in their sites' bands; the groups unblock may move, each within its band."""
    placed = bandmod.band_ys(members, sites, band_list, pitch)
    groups: dict[int, tuple[list[int], float, float]] = {}
    for i in members:
        y, band = placed[i]
        centers[i] = (x, y)
        if band is not None:
            groups.setdefault(id(band), ([], band.cards.top, band.cards.bottom))[0].append(i)
    return [(tier, m, lo, hi) for m, lo, hi in groups.values()]
