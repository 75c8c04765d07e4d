"""Shards on screen: each shard primary's load bar (its share of the data traffic), a warm halo on
the hot shard, and keys flying from their old shard to the new one just after a resharding.

Pure functions of the snapshot (time from snap.time only), like the rest of render/.
"""

from __future__ import annotations

import math

import pygame

from visualizer.i18n import t
from visualizer.render.fonts import text
from visualizer.render.layout import Layout
from visualizer.render.style import OI_PURPLE, OI_VERMILLION, Palette
from visualizer.sim.shard_view import ReshardView, ShardingView
from visualizer.sim.snapshot import Snapshot

HOT_FACTOR = 1.5          # a shard glows when its share is this many times the even share 1/N
FLY_S = 2.5               # keys fly this long after a resharding
DOTS_MAX = 12             # dots per shard they leave, at most


def _card(snap: Snapshot, lay: Layout, node_id: str) -> pygame.Rect | None:
    i = lay.index(node_id)
    return None if i is None or lay.hidden(i) else lay.rect(i)


def is_hot(sh: ShardingView, i: int) -> bool:
    """The shard carries far more than its even share (only with more than one shard)."""
    share = sh.shards[i].share
    return len(sh.shards) > 1 and share is not None and share > HOT_FACTOR / len(sh.shards)


def draw_halo(surface: pygame.Surface, snap: Snapshot, lay: Layout, still: bool = False) -> None:
    """A warm glow behind every hot shard's card (drawn before the cards)."""
    sh = snap.sharding
    if sh is None:
        return
    s = lay.scale * lay.card_scale
    pulse = 0.5 if still else 0.5 + 0.5 * math.sin(snap.time * 4.0)
    for i, f in enumerate(sh.shards):
        r = _card(snap, lay, f.primary)
        if r is None or not is_hot(sh, i):
            continue
        grow = round((18 + 8 * pulse) * s)
        glow = pygame.Surface((r.width + 2 * grow, r.height + 2 * grow), pygame.SRCALPHA)
        for k in range(4):
            inset = round(k * grow / 4)
            alpha = 40 + 30 * k
            pygame.draw.rect(glow, (*OI_VERMILLION, alpha), glow.get_rect().inflate(-2 * inset, -2 * inset),
                             border_radius=round(14 * s) + grow - inset)
        surface.blit(glow, (r.left - grow, r.top - grow))


def draw_bars(surface: pygame.Surface, snap: Snapshot, lay: Layout, pal: Palette, lang: str) -> None:
    """On each shard primary's card: a 'shard i' pill on its top edge, and along its bottom row,
    right of the worker slots, a bar of its share of the data traffic over the last 5 s (a tick
    at the even share 1/N) and that share in per cent."""
    sh = snap.sharding
    if sh is None:
        return
    s = lay.scale * lay.card_scale
    n = len(sh.shards)
    px = max(10, lay.text_px - 1)
    for i, f in enumerate(sh.shards):
        r = _card(snap, lay, f.primary)
        if r is None:
            continue
        hot = is_hot(sh, i)
        color = OI_VERMILLION if hot else pal.busy
        _pill(surface, t("shard.badge", lang, i=f.shard), r, px, color, pal, s)
        pad = round(8 * lay.text_scale)
        share = "--" if f.share is None else f"{100 * f.share:.0f}%"
        label = text(share, px, color, True)
        cell = 2 * lay.dot_r + 2
        x0 = r.left + pad + min(f_workers(snap, f.primary), 8) * cell + round(6 * s)
        x1 = r.right - pad - label.get_width() - round(5 * s)
        cy = r.bottom - round(6 * lay.text_scale) - lay.dot_r
        surface.blit(label, label.get_rect(midright=(r.right - pad, cy)))
        if x1 - x0 < 16:
            continue
        h = max(5, round(7 * s))
        back = pygame.Rect(x0, cy - h // 2, x1 - x0, h)
        pygame.draw.rect(surface, pal.bar_bg, back)
        pygame.draw.rect(surface, color, pygame.Rect(x0, back.top, round(back.width * min(1.0, f.share or 0.0)), h))
        tick = x0 + round(back.width / n)
        pygame.draw.line(surface, pal.text, (tick, back.top - 2), (tick, back.bottom + 1), 1)


def f_workers(snap: Snapshot, node_id: str) -> int:
    """How many worker slots the card draws in its bottom row (its workers)."""
    return next((n.workers for n in snap.nodes if n.id == node_id), 0)


def _pill(surface: pygame.Surface, label: str, r: pygame.Rect, px: int, color: tuple[int, int, int],
          pal: Palette, s: float) -> None:
    """A small tag astride the card's top edge, at its left."""
    surf = text(label, px, color, True)
    box = surf.get_rect(midleft=(r.left + round(12 * s), r.top))
    pygame.draw.rect(surface, pal.bar_bg, box.inflate(round(8 * s), round(4 * s)), border_radius=round(4 * s))
    pygame.draw.rect(surface, color, box.inflate(round(8 * s), round(4 * s)), 1, border_radius=round(4 * s))
    surface.blit(surf, box)


def _fly(surface: pygame.Surface, a: pygame.Rect, b: pygame.Rect, k: int, age: float, r_px: int) -> None:
    """k dots leaving card a one after another, each on an arc to card b."""
    for j in range(k):
        f = (age - j * (FLY_S * 0.4) / max(1, k)) / (FLY_S * 0.6)
        if not 0.0 <= f <= 1.0:
            continue
        x = a.centerx + (b.centerx - a.centerx) * f
        y = a.centery + (b.centery - a.centery) * f
        x += math.sin(math.pi * f) * max(30, abs(b.centery - a.centery) * 0.35)   # bow out to the right
        pygame.draw.circle(surface, OI_PURPLE, (round(x), round(y)), r_px)
        pygame.draw.circle(surface, (255, 255, 255), (round(x), round(y)), r_px, 1)


def draw_moves(surface: pygame.Surface, snap: Snapshot, lay: Layout) -> None:
    """For FLY_S seconds after a resharding, keys (purple dots) fly from the shards they leave to
    the new shard (after a switch of method: on to the next shard), as many as their share."""
    sh = snap.sharding
    last: ReshardView | None = sh.last if sh is not None else None
    if sh is None or last is None or not 0.0 <= snap.time - last.t <= FLY_S:
        return
    age = snap.time - last.t
    r_px = max(3, lay.dot_r + 1)
    ids = [f.primary for f in sh.shards]
    for src, count in last.moves:
        a = _card(snap, lay, src)
        dst = last.new_primary or (ids[(ids.index(src) + 1) % len(ids)] if src in ids else "")
        b = _card(snap, lay, dst) if dst else None
        if a is None or b is None or a == b:
            continue
        k = max(1, min(DOTS_MAX, round(DOTS_MAX * 2 * count / max(1, last.key_space))))
        _fly(surface, a, b, k, age, r_px)
