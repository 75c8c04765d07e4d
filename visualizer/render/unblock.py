"""Cards off the links that pass them: a web server's link to the primary must not run under the cache.

Cards stand in columns and links are straight lines between card centres, so a link from a column
on the left to one on the right of a third passes that third column, and may run under one of its
cards: a write going from web2 to db1 would seem to pass through cache1. `clear_links` moves such a
column's cards where the passing links, and the column's own links to its sibling cards, cross
them least. A column no passing link crosses stays exactly where it was.
"""

from __future__ import annotations

import math
from functools import lru_cache
from itertools import combinations

import numpy as np
import pygame

from visualizer.sim import registry

Segment = tuple[float, float, float, float]
Touch = tuple[int, float, float]          # (member of the column, x, y of the node at the other end)
Group = tuple[float, list[int], float, float]   # (column, cards moved together, top and bottom they keep within)
GRID = 13                                 # heights tried per card in a column of up to EXHAUSTIVE cards
EXHAUSTIVE = 3


def clear_links(nodes: tuple[tuple[str, ...], ...], columns: dict[float, list[int]], centers: np.ndarray,
                links: tuple[tuple[str, str], ...], half: tuple[float, float], graph: pygame.Rect,
                scale: float, groups: list[Group] | None = None) -> None:
    """Move the cards of each column (but a lone DNS, set apart on purpose) off the links that
    pass it from a column on its left to one on its right (`centers` is changed in place).
    `groups` (sites' bands) moves each band's part of a column on its own, within the band."""
    col_of = {i: c for c, members in columns.items() for i in members}
    index = {n[0]: i for i, n in enumerate(nodes)}
    pairs = [(index[a], index[b]) for a, b in links if index.get(a) in col_of and index.get(b) in col_of]
    if groups is None:
        groups = [(c, m, graph.top + 8 * scale, graph.bottom - 8 * scale) for c, m in sorted(columns.items())]
    for col, members, lo, hi in groups:
        if len(members) == 1 and registry.has_role(nodes[members[0]][1], registry.NAMESERVER):
            continue
        segs = tuple((*centers[a].tolist(), *centers[b].tolist()) for a, b in pairs
                     if min(col_of[a], col_of[b]) < col < max(col_of[a], col_of[b]))
        if not segs:
            continue
        place = {i: j for j, i in enumerate(members)}
        touch = tuple((place[a], *centers[b].tolist()) if a in place else (place[b], *centers[a].tolist())
                      for a, b in pairs if (a in place) != (b in place))
        ys = tuple(float(centers[i, 1]) for i in members)
        margin = 6 * scale            # a dot on the link keeps clear of the card too
        new = unblock(ys, float(centers[members[0], 0]), (half[0] + margin, half[1] + margin), segs, touch,
                      lo, hi, 2 * half[1] + 24 * scale)
        for i, y in zip(members, new):
            centers[i, 1] = y


def crossing(ys: tuple[float, ...], x: float, half: tuple[float, float], segs: tuple[Segment, ...],
             touch: tuple[Touch, ...] = ()) -> float:
    """How much of the links runs under the column's cards at heights `ys`: the passing links
    `segs`, and each card's links (`touch`) under its sibling cards.

    >>> crossing((0.0,), 0.0, (10.0, 10.0), ((-50.0, 0.0, 50.0, 0.0),))      # straight through
    20.0
    """
    total = 0.0
    for j, y in enumerate(ys):
        r = pygame.Rect(round(x - half[0]), round(y - half[1]), round(2 * half[0]), round(2 * half[1]))
        lines = list(segs) + [(x, ys[m], ox, oy) for m, ox, oy in touch if m != j]
        for x0, y0, x1, y1 in lines:
            cut = r.clipline(x0, y0, x1, y1)
            if cut:
                total += math.dist(*cut) + 1.0
    return total


@lru_cache(maxsize=64)
def unblock(ys: tuple[float, ...], x: float, half: tuple[float, float], segs: tuple[Segment, ...],
            touch: tuple[Touch, ...], lo: float, hi: float, gap: float) -> tuple[float, ...]:
    """Card centres for a column at `x`: `ys` when no passing link crosses a card, else the heights
    between `lo` and `hi`, cards at least `gap` apart and in their order, that links cross least
    (the nearest to `ys` among equals)."""
    if not crossing(ys, x, half, segs):
        return ys
    best = (crossing(ys, x, half, segs, touch), 0.0, ys)
    for cand in _candidates(ys, half[1], lo, hi, gap):
        score = (crossing(cand, x, half, segs, touch), sum(abs(a - b) for a, b in zip(cand, ys)), cand)
        if score[:2] < best[:2]:
            best = score
    return best[2]


def _candidates(ys: tuple[float, ...], half_h: float, lo: float, hi: float, gap: float) -> list[tuple[float, ...]]:
    """Placements to try: every choice of GRID heights for a short column, else even spacings."""
    k = len(ys)
    top, bottom = lo + half_h, hi - half_h
    if bottom <= top:
        return []
    if k <= EXHAUSTIVE:
        grid = [top + (bottom - top) * g / (GRID - 1) for g in range(GRID)]
        return [c for c in combinations(grid, k) if all(b - a >= gap for a, b in zip(c, c[1:]))]
    step0 = ys[1] - ys[0]
    out = []
    for step in sorted({step0, max(gap, step0 * 0.75), gap}):
        room = bottom - top - step * (k - 1)
        out += [tuple(top + room * j / 24 + step * m for m in range(k)) for j in range(25) if room >= 0]
    return out
