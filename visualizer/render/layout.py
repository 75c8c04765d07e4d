"""Where things go: screen regions and node positions in tiers left to right, scaled to the window."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Iterator, Sequence, TypeVar

import numpy as np
import pygame

from visualizer.sim import registry

CARD_W, CARD_H = 164, 98          # at scale 1 (1280x720)
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

    def index(self, node_id: str) -> int | None:
        """Index of a node in the layout (same as in the snapshot it was made from)."""
        try:
            return self.ids.index(node_id)
        except ValueError:
            return None

    def rect(self, i: int) -> pygame.Rect:
        """The card of node i."""
        cx, cy = self.centers[i].tolist()
        hw, hh = self.half[i].tolist()
        return pygame.Rect(round(cx - hw), round(cy - hh), round(2 * hw), round(2 * hh))

    def hidden(self, i: int) -> bool:
        """A node that is not drawn (a server removed from the design keeps its index, not its card)."""
        return bool(self.half[i, 0] == 0)

    def shown(self, nodes: Sequence[T]) -> Iterator[tuple[int, T]]:
        """(index, node) for the nodes this layout places and draws."""
        for i, node in enumerate(nodes[: len(self.ids)]):
            if not self.hidden(i):
                yield i, node

    def node_at(self, pos: tuple[int, int]) -> int | None:
        """Index of the node whose card is under `pos`, or None."""
        if not len(self.ids):
            return None
        d = np.abs(self.centers - np.asarray(pos, dtype=np.float32))
        inside = np.nonzero((d[:, 0] <= self.half[:, 0]) & (d[:, 1] <= self.half[:, 1]))[0]
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
def _place(kind: str, role: str) -> tuple[int, int]:
    """(column, order within it) from the kind's spec; an unknown kind goes with the servers."""
    spec = registry.find(kind)
    return spec.place(role) if spec is not None else (3, 0)


def compute_layout(nodes: tuple[tuple[str, ...], ...], size: tuple[int, int], scale: float,
                   caption_lines: int = 0, side: bool = True) -> Layout:
    """Place (id, kind[, role]) nodes in their kind's column; a node added at run time joins its
    column. Kind "removed" marks a node taken out of the design: it keeps its index, not a place.
    """
    top, graph, side_rect, caption, toolbar = regions(size, scale, caption_lines, side)
    columns: dict[int, list[int]] = {}
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
    card_h = CARD_H * scale
    fit = usable_h / max(1, crowd) / (card_h + 40 * scale)
    card_scale = float(min(1.0, max(0.45, fit)))
    col_fit = (col_w * 0.9) / (CARD_W * scale)
    card_scale = float(min(card_scale, max(0.45, col_fit)))
    for ci, tier in enumerate(tiers):
        members = columns[tier]
        x = graph.left + pad_x + col_w * (ci + 0.5)
        k = len(members)
        if k == 1 and registry.has_role(nodes[members[0]][1], registry.NAMESERVER):
            ys = [graph.top + top_pad + usable_h * 0.2]   # DNS off the main line, like the book's figure
        else:
            step = usable_h / k
            ys = [graph.top + top_pad + step * (j + 0.5) for j in range(k)]
        for j, i in enumerate(members):
            centers[i] = (x, ys[j])
    half = np.empty((n, 2), dtype=np.float32)
    half[:, 0] = CARD_W * scale * card_scale / 2
    half[:, 1] = CARD_H * scale * card_scale / 2
    for i, (_, kind, *_role) in enumerate(nodes):
        if kind == REMOVED:
            centers[i] = (-10_000.0, -10_000.0)
            half[i] = 0.0
    dot_r = max(2, round(4.5 * scale * (0.6 + 0.4 * card_scale)))
    return Layout(size=size, scale=scale, top=top, graph=graph, side=side_rect, caption=caption,
                  toolbar=toolbar, ids=tuple(n[0] for n in nodes), centers=centers, half=half,
                  card_scale=card_scale, dot_r=dot_r)
