"""Requests in flight as dots: numpy positions and pre-rendered sprites blitted with one fblits per colour."""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from itertools import repeat

import numpy as np
import pygame

from visualizer.render.layout import Layout
from visualizer.render.style import Palette
from visualizer.sim.snapshot import ON_LINK, QUEUED, WAITING_DB, RequestDots

# sprite slots: read/write x forward/back, waiting on the DB (dim), answered (green), failed (red)
READ_FWD, READ_BACK, WRITE_FWD, WRITE_BACK, WAITING, DONE, FAILED = range(7)
N_SPRITES = 7
QUEUE_ROWS = 3                     # rows of queued dots above a card (worker slots: Layout.slot_rows)
CIRCLE, DIAMOND, CROSS = "circle", "diamond", "cross"
# Redundant coding: the shape tells what colour tells, so greyscale and colour-blind eyes read it too.
SHAPES = (CIRCLE, CIRCLE, DIAMOND, DIAMOND, CIRCLE, CIRCLE, CROSS)
SUPER = 4          # shapes are drawn this many times larger, then smoothly scaled down (anti-aliased)


@dataclass(frozen=True)
class DotSprites:
    surfaces: tuple[pygame.Surface, ...]
    radius: int          # visual radius
    offset: int          # sprite's top-left to centre


def _shape(surf: pygame.Surface, shape: str, color: tuple[int, ...], c: float, r: float) -> None:
    """One filled shape of radius `r` centred at (c, c): a disc, a diamond or a thick ×."""
    if shape == CIRCLE:
        pygame.draw.circle(surf, color, (c, c), r)
    elif shape == DIAMOND:
        pygame.draw.polygon(surf, color, [(c, c - r), (c + r, c), (c, c + r), (c - r, c)])
    else:
        arm, width = r * 0.78, max(2, round(r * 0.62))
        for dx in (-arm, arm):
            pygame.draw.line(surf, color, (c - dx, c - arm), (c + dx, c + arm), width)
            for end in ((c - dx, c - arm), (c + dx, c + arm)):
                pygame.draw.circle(surf, color, end, width / 2)


def _sprite(shape: str, color: tuple[int, int, int], rim: tuple[int, ...], radius: int, size: int) -> pygame.Surface:
    """A shape with a dark rim (visible over lines and cards), supersampled then scaled down."""
    big = pygame.Surface((size * SUPER, size * SUPER), pygame.SRCALPHA)
    c = size * SUPER / 2
    r = radius * SUPER * (1.3 if shape == DIAMOND else 1.25 if shape == CROSS else 1.0)
    grow = 1.6 if shape == DIAMOND else 1.0
    _shape(big, shape, rim, c, r + SUPER * grow)
    _shape(big, shape, color, c, r)
    return pygame.transform.smoothscale(big, (size, size))


@lru_cache(maxsize=16)
def sprites(radius: int, pal: Palette) -> DotSprites:
    """Anti-aliased dot sprites: reads are discs, writes diamonds, failures a ×, each with a dark rim."""
    colors = (pal.read, pal.read_back, pal.write, pal.write_back,
              tuple(c // 2 + 40 for c in pal.read), pal.ok, pal.failed)
    size = 2 * math.ceil(radius * 1.3 + 2) + 2
    out = []
    for color, shape in zip(colors, SHAPES):
        s = _sprite(shape, color, (*pal.background, 200), radius, size)
        out.append(s.convert_alpha() if pygame.display.get_init() and pygame.display.get_surface() else s)
    return DotSprites(surfaces=tuple(out), radius=radius, offset=size // 2)


def rank_in_group(key: np.ndarray) -> np.ndarray:
    """For each element, how many earlier elements share its key (stable, vectorised)."""
    if key.size == 0:
        return np.zeros(0, dtype=np.int64)
    order = np.argsort(key, kind="stable")
    sk = key[order]
    first = np.searchsorted(sk, sk, side="left")
    rank = np.empty_like(order)
    rank[order] = np.arange(key.size) - first
    return rank


def dot_positions(dots: RequestDots, lay: Layout) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Centres (n, 2) of every dot, which ones are shown, and each dot's sprite slot.

    On a link a dot is `frac` of the way between the two cards' edges, in its own lane (in: one side,
    back: the other). At a node, queued dots line up above the card and busy ones fill the worker
    slots along its bottom edge.
    """
    n = len(dots)
    pos = np.zeros((n, 2), dtype=np.float32)
    shown = np.zeros(n, dtype=bool)
    sprite = np.zeros(n, dtype=np.int8)
    if n == 0 or len(lay.ids) == 0:
        return pos, shown, sprite
    m = len(lay.ids)
    src = np.clip(dots.src, 0, m - 1)
    dst = np.clip(dots.dst, 0, m - 1)
    if lay.alias is not None:          # a folded group's members: to and from its card, in its slots
        src, dst = lay.alias[src], lay.alias[dst]
    fwd = dots.forward.astype(bool)
    kind = dots.kind.astype(np.int8)
    sprite[:] = np.where(kind == 1, np.where(fwd, WRITE_FWD, WRITE_BACK), np.where(fwd, READ_FWD, READ_BACK))
    r = lay.dot_r
    cell = 2 * r + 2
    moving = (dots.phase == ON_LINK) & (src != dst)
    if moving.any():
        s, d = src[moving], dst[moving]
        c0, c1 = lay.centers[s], lay.centers[d]
        delta = c1 - c0
        adx = np.maximum(np.abs(delta), 1e-3)
        t0 = np.minimum(lay.half[s, 0] / adx[:, 0], lay.half[s, 1] / adx[:, 1])
        t1 = np.minimum(lay.half[d, 0] / adx[:, 0], lay.half[d, 1] / adx[:, 1])
        t0 = np.minimum(t0, 0.45)[:, None]
        t1 = np.minimum(t1, 0.45)[:, None]
        a0 = c0 + delta * t0
        a1 = c1 - delta * t1
        f = np.clip(dots.frac[moving], 0.0, 1.0)[:, None]
        p = a0 + (a1 - a0) * f
        length = np.maximum(np.hypot(delta[:, 0], delta[:, 1]), 1e-3)
        # lanes: perpendicular offset, fixed per direction of travel so in and out never overlap
        lane = (r + 1.5) * np.where(fwd[moving], 1.0, -1.0) * np.sign(delta[:, 0] + 1e-6)
        p[:, 0] += -delta[:, 1] / length * lane
        p[:, 1] += delta[:, 0] / length * lane
        pos[moving] = p
        shown[moving] = True
    at = ~moving
    if at.any():
        node = src[at]
        queued = dots.phase[at] == QUEUED
        key = node.astype(np.int64) * 2 + (~queued)
        rank = rank_in_group(key)
        cx, cy = lay.centers[node, 0], lay.centers[node, 1]
        hw, hh = lay.half[node, 0], lay.half[node, 1]
        per_row = np.maximum(1, ((2 * hw - 4) // cell)).astype(np.int64)
        row, col = rank // per_row, rank % per_row
        qx = cx - hw + 2 + r + col * cell
        qy = cy - hh - r - 3 - row * cell
        pad = 6 * lay.text_scale            # as the card draws its worker slots
        sx = cx - hw + pad + r + col * cell
        sy = cy + hh - pad - r - row * cell
        p = np.empty((int(at.sum()), 2), dtype=np.float32)
        p[:, 0] = np.where(queued, qx, sx)
        p[:, 1] = np.where(queued, qy, sy)
        pos[at] = p
        shown[at] = np.where(queued, row < QUEUE_ROWS, (row < lay.slot_rows) & (col < per_row))
        waiting = dots.phase[at] == WAITING_DB
        sp = sprite[at]
        sp[waiting] = WAITING
        sprite[at] = sp
    return pos, shown, sprite


def blit_dots(surface: pygame.Surface, pos: np.ndarray, shown: np.ndarray, sprite: np.ndarray,
              spr: DotSprites) -> int:
    """Blit every shown dot, one fblits call per sprite colour; returns how many were drawn."""
    if not len(pos):
        return 0
    top_left = np.rint(pos - spr.offset).astype(np.int32)
    drawn = 0
    for k in range(N_SPRITES):
        sel = shown & (sprite == k)
        count = int(np.count_nonzero(sel))
        if count:
            surface.fblits(zip(repeat(spr.surfaces[k], count), top_left[sel].tolist()))
            drawn += count
    return drawn
