"""Where things are in the window: the node or request dot under the pointer, the toolbar's slider slots."""

from __future__ import annotations

import numpy as np
import pygame

from visualizer.render.dots import dot_positions
from visualizer.render.layout import Layout
from visualizer.render.scene import legend_left
from visualizer.sim.snapshot import Snapshot


def node_at(layout: Layout | None, pos: tuple[int, int]) -> str | None:
    """Id of the node card under `pos`, or None."""
    if layout is None:
        return None
    i = layout.node_at(pos)
    return layout.ids[i] if i is not None else None


def dot_at(snap: Snapshot, layout: Layout | None, pos: tuple[int, int]) -> int | None:
    """Id of the request dot nearest `pos` within a few pixels, or None."""
    dots = snap.dots
    if layout is None or len(dots) == 0:
        return None
    p, shown, _ = dot_positions(dots, layout)
    d2 = ((p - np.asarray(pos, dtype=np.float32)) ** 2).sum(axis=1)
    d2[~shown] = np.inf
    k = int(np.argmin(d2))
    reach = (layout.dot_r * 2.5 + 4) ** 2
    return int(dots.id[k]) if d2[k] <= reach else None


def slider_slots(lay: Layout) -> tuple[pygame.Rect, pygame.Rect]:
    """The speed and rate sliders' places in the toolbar, left of the legend."""
    s, bar = lay.scale, lay.toolbar
    w = max(60, (legend_left(lay) - round(24 * s)) // 2 - round(24 * s))
    return (pygame.Rect(bar.left + round(16 * s), bar.top, w, bar.height),
            pygame.Rect(bar.left + round(40 * s) + w, bar.top, w, bar.height))
