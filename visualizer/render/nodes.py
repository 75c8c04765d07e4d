"""Node cards (icon, name, IP, load slots), their status marks, and finished-request animations."""

from __future__ import annotations

import math
from functools import lru_cache
from pathlib import Path

import pygame

from visualizer.i18n import t
from visualizer.render.dots import DONE, FAILED, DotSprites
from visualizer.render.fonts import font, text, wrap as wrap_text
from visualizer.render.layout import Layout
from visualizer.render.style import Color, Palette, node_style
from visualizer.sim import registry
from visualizer.sim.snapshot import NodeView, Snapshot

ICON_DIR = Path(__file__).resolve().parents[2] / "assets" / "icons"
FALL_S, FLASH_S = 1.2, 0.35       # seconds of viewing time (simulated age / speed)
MAX_OUTCOMES = 1500
MIN_SQUEEZE_PX = 9                # the least a card line too wide for its card is shrunk to


@lru_cache(maxsize=128)
def icon(kind: str, px: int, color: Color) -> pygame.Surface:
    """The kind's icon at `px` pixels, tinted; a plain disc if the PNG is missing."""
    path = ICON_DIR / f"{kind}.png"
    surf = pygame.Surface((px, px), pygame.SRCALPHA)
    if path.exists():
        base = pygame.image.load(str(path))
        surf = pygame.transform.smoothscale(base, (px, px))
        surf.fill((*color, 255), special_flags=pygame.BLEND_RGBA_MULT)
    else:
        pygame.draw.circle(surf, color, (px // 2, px // 2), px // 2)
    return surf


def _third_line(n: NodeView, lang: str) -> str:
    """The kind's own fact line (size, lag, algorithm, ...), from its spec."""
    spec = registry.find(n.kind)
    return spec.card(n, lang) if spec is not None else ""


def card_lines(n: NodeView, lang: str, px: int, width: int, wrap: bool) -> list[tuple[str, bool]]:
    """(text, is the address) lines under a card's name: the address and whether it is public,
    then the kind's facts. `wrap` (enlarged cards): a line too wide breaks at its " · ", then by words."""
    scope = t("badge.public" if n.public else "badge.private", lang)
    lines = [(f"{n.ip} · {scope}", True)]
    third = _third_line(n, lang)
    if third:
        lines.append((third, False))
    if not wrap:
        return lines
    out: list[tuple[str, bool]] = []
    for line, address in lines:
        if font(px).size(line)[0] <= width:
            out.append((line, address))
            continue
        for part in line.split(" · "):
            out += [(piece, address) for piece in wrap_text(part, px, width)]
    return out


def icon_name(kind: str) -> str:
    spec = registry.find(kind)
    return spec.icon if spec is not None and spec.icon else kind


def draw_cards(surface: pygame.Surface, snap: Snapshot, lang: str, lay: Layout, pal: Palette,
               hover: str | None, selected: str | None, highlight: tuple[str, ...], still: bool = False) -> int:
    """Every node's card: body, icon, name, address, one line of facts, worker slots (`still`: no pulse).
    Returns the pixel size the address and fact lines were drawn at."""
    s = lay.scale * lay.card_scale
    c = lay.text_scale              # the content: as s, or larger on an enlarged (projector) card
    radius = round(10 * s)
    lit = set(highlight)
    pulse = 0.5 if still else 0.5 + 0.5 * math.sin(snap.time * 6.0)
    for i, n in lay.shown(snap.nodes):
        st = node_style(n, pal)
        r = lay.rect(i)
        if n.id in lit:
            glow = r.inflate(round((14 + 6 * pulse) * s), round((14 + 6 * pulse) * s))
            pygame.draw.rect(surface, pal.highlight, glow, max(3, round(4 * s)), border_radius=radius + 6)
        pygame.draw.rect(surface, st.fill, r, border_radius=radius)
        edge = pal.highlight if n.id in (hover, selected) else st.edge
        pygame.draw.rect(surface, edge, r, st.edge_width + (1 if n.id == hover else 0), border_radius=radius)
        _card_text(surface, n, r, lang, lay, pal, st.text, st.icon, c)
        if n.workers > 0:
            _slots(surface, n, r, lay, pal, s)
    return lay.text_px


def _card_text(surface: pygame.Surface, n: NodeView, r: pygame.Rect, lang: str, lay: Layout, pal: Palette,
               color: Color, icon_color: Color, c: float) -> None:
    """Icon, name and role tag on top; under them the address (green when public) and the facts."""
    pad = round(8 * c)
    ipx = round(28 * c)
    full = r.width - 2 * pad
    surface.blit(icon(icon_name(n.kind), ipx, icon_color), (r.left + pad, r.top + pad))
    tx = r.left + pad + ipx + round(7 * c)
    name = text(n.id, round(18 * c), color, True)
    inner = r.right - pad - tx
    if n.role:
        tone = pal.promoted if n.role == "primary" else pal.text_dim if n.role == "former_primary" else pal.read
        tag = text(t(f"tag.{n.role}", lang), round(10 * c), tone, True)
        tr = tag.get_rect(topright=(r.right - pad, r.top + pad))
        if tr.left - round(6 * c) - tx < name.get_width():     # no room beside the name: on the top edge
            tr = tag.get_rect(midright=(r.right - pad, r.top))
        pygame.draw.rect(surface, pal.bar_bg, tr.inflate(round(8 * c), round(4 * c)), border_radius=round(4 * c))
        surface.blit(tag, tr)
        inner = tr.left - round(6 * c) - tx if tr.top > r.top else inner
    surface.blit(name, name.get_rect(midleft=(tx, r.top + pad + ipx // 2)), pygame.Rect(0, 0, inner, name.get_height()))
    y = r.top + pad + ipx + round(3 * c)
    for line, address in card_lines(n, lang, lay.text_px, full, lay.enlarged)[: lay.text_rows]:
        tone = (pal.ok if n.public else pal.text_dim) if address else pal.text_dim
        px = lay.text_px
        wide = font(px).size(line)[0]
        if wide > full:                  # a window-size card does not wrap: a little smaller, not cut
            px = max(MIN_SQUEEZE_PX, int(px * full / wide))
        surf = text(line, px, tone)
        surface.blit(surf, (r.left + pad, y + (lay.text_px - px) // 2), pygame.Rect(0, 0, full, surf.get_height()))
        y += round(15 * c)


def _slots(surface: pygame.Surface, n: NodeView, r: pygame.Rect, lay: Layout, pal: Palette, s: float) -> None:
    """The load bar: one cell per worker (busy ones hold a dot), then how full the queue is."""
    cell = 2 * lay.dot_r + 2
    pad = 6 * lay.text_scale
    per_row = max(1, int((r.width - 4) // cell))
    rows = 1 if n.workers <= per_row else lay.slot_rows
    shown = min(n.workers, per_row * rows)
    left = r.left + pad
    bottom = r.bottom - pad
    for k in range(shown):
        row, col = divmod(k, per_row)
        cx = left + lay.dot_r + col * cell
        cy = bottom - lay.dot_r - row * cell
        if cx + lay.dot_r > r.right - 2:
            break
        pygame.draw.circle(surface, pal.bar_bg, (cx, cy), lay.dot_r + 1)
    if n.queue_limit > 0 and n.queue > 0:
        frac = min(1.0, n.queue / n.queue_limit)
        bar = pygame.Rect(r.left + radius_px(s), r.top - round(3 * s), round((r.width - 2 * radius_px(s)) * frac),
                          max(2, round(3 * s)))
        pygame.draw.rect(surface, pal.failed if frac >= 0.999 else pal.queue, bar)


def radius_px(s: float) -> int:
    return round(10 * s)


def draw_marks(surface: pygame.Surface, snap: Snapshot, lang: str, lay: Layout, pal: Palette) -> None:
    """On top of the dots: crosses and stamps (DOWN, BOOTING), badges, and '+N' for long queues."""
    s = lay.scale * lay.card_scale
    for i, n in lay.shown(snap.nodes):
        st = node_style(n, pal)
        r = lay.rect(i)
        if st.crossed:
            w = max(3, round(4 * s))
            pygame.draw.line(surface, st.edge, r.topleft, r.bottomright, w)
            pygame.draw.line(surface, st.edge, r.bottomleft, r.topright, w)
        if st.stamp:
            _pill(surface, t(st.stamp, lang), (r.centerx, r.bottom - r.height * 0.3), round(20 * s),
                  st.stamp_color or pal.failed, pal, True)
        if st.badge:
            _pill(surface, t(st.badge, lang), (r.centerx, r.bottom + round(14 * s)), round(13 * s),
                  st.badge_color or pal.text, pal, False)
        per_row = max(1, int((r.width - 4) // (2 * lay.dot_r + 2)))
        hidden = n.queue - per_row * 3
        if hidden > 0:
            more = text(f"+{hidden}", round(13 * s), pal.queue, True)
            surface.blit(more, more.get_rect(bottomleft=(r.right + 4 * s, r.top - 2 * s)))


def _pill(surface: pygame.Surface, label: str, center: tuple[float, float], px: int, color: Color,
          pal: Palette, solid: bool) -> None:
    """A rounded label: solid (white text on colour) for stamps, outlined for badges."""
    surf = text(label, px, pal.text if solid else color, True)
    box = surf.get_rect(center=(round(center[0]), round(center[1]))).inflate(px * 0.8, px * 0.35)
    pygame.draw.rect(surface, color if solid else pal.background, box, border_radius=box.height // 2)
    if not solid:
        pygame.draw.rect(surface, color, box, max(1, px // 8), border_radius=box.height // 2)
    surface.blit(surf, surf.get_rect(center=box.center))


def _jitter(req_id: int) -> float:
    """A stable pseudo-random number in [-1, 1) from a request id (no RNG state involved)."""
    return ((req_id * 2654435761) % 4096) / 2048.0 - 1.0


def draw_outcomes(surface: pygame.Surface, snap: Snapshot, lang: str, lay: Layout, pal: Palette,
                  spr: DotSprites, speed: float = 1.0, still: bool = False) -> int:
    """Answered requests fly into the users' card; failed ones drop from where they failed, with why.

    Ages are measured in viewing time (simulated age / speed), so a failure falls for about a second
    whether the model runs at 0.01x or 10x; still a pure function of the snapshot and the speed.
    `still` (reduced motion): answers and failures stay put where they happened, labels do not fade.
    """
    recent = snap.recent[-MAX_OUTCOMES:]
    if not recent or not len(lay.ids):
        return 0
    now = snap.time
    ok_pts: list[tuple[int, int]] = []
    bad_pts: list[tuple[int, int]] = []
    reasons: dict[tuple[int, str], tuple[int, float]] = {}
    g = 90.0 * lay.scale
    per = 1.0 / max(speed, 1e-3)
    floors = _floors(lay)
    for o in recent:
        age = (now - o.t) * per
        if age < 0 or age > FALL_S:
            continue
        i = lay.index(o.node)
        if i is None:
            continue
        if lay.alias is not None:          # a folded group's members fall from, and are counted on, its card
            i = int(lay.alias[i])
        cx, cy = lay.centers[i].tolist()
        hw, hh = lay.half[i].tolist()
        j = _jitter(o.id)
        moved = 0.0 if still else age          # reduced motion: drawn where it happened, not flying
        if o.ok:
            if age <= FLASH_S:
                ok_pts.append((round(cx + hw + 26 * lay.scale * (1 - moved / FLASH_S)), round(cy + hh * 0.7 * j)))
        else:
            y = round(cy + hh + 4 + g * moved * moved + 24 * lay.scale * moved)
            if y < floors[i]:                  # it vanishes before it would land on another card
                bad_pts.append((round(cx + hw * 0.8 * j), y))
            count, newest = reasons.get((i, o.reason), (0, -1.0))
            reasons[(i, o.reason)] = (count + 1, max(newest, o.t))
    off = spr.offset
    if ok_pts:
        surface.fblits([(spr.surfaces[DONE], (x - off, y - off)) for x, y in ok_pts])
    if bad_pts:
        surface.fblits([(spr.surfaces[FAILED], (x - off, y - off)) for x, y in bad_pts])
    _reason_labels(surface, reasons, now, 0.0 if still else per, lang, lay, pal)
    return len(ok_pts) + len(bad_pts)


def _floors(lay: Layout) -> list[float]:
    """For each card, how far down a failed request may fall: to just above the next card below
    it (a falling failure on a healthy card would make that card look broken), else the picture."""
    out = []
    cards = card_rects(lay)
    for i in range(len(lay.ids)):
        r = lay.rect(i)
        below = [c.top for c in cards if c != r and c.top > r.bottom and c.left < r.right and c.right > r.left]
        out.append(min(below, default=lay.graph.bottom) - 2 * lay.dot_r)
    return out


def card_rects(lay: Layout) -> list[pygame.Rect]:
    """Every card drawn: the nodes' own, then the group cards."""
    return [lay.rect(i) for i, _ in lay.shown(lay.ids)] + [g.rect for g in lay.groups]


def _reason_labels(surface: pygame.Surface, reasons: dict[tuple[int, str], tuple[int, float]], now: float,
                   per: float, lang: str, lay: Layout, pal: Palette) -> None:
    s = lay.scale
    stack: dict[int, int] = {}
    for (i, reason), (count, newest) in sorted(reasons.items()):
        k = stack.get(i, 0)
        stack[i] = k + 1
        r = lay.rect(i)
        label = f"{t('reason.' + reason, lang)} ×{count}" if reason else f"×{count}"
        surf = text(label, round(14 * s), pal.failed, True)
        box = _beside(r, surf.get_size(), lay, round(8 * s), round(k * 20 * s))
        plate = pygame.Surface(box.inflate(round(8 * s), round(4 * s)).size, pygame.SRCALPHA)
        plate.fill((*pal.background, 210))
        alpha = int(255 * max(0.25, 1.0 - (now - newest) * per / FALL_S))
        plate.blit(surf, (round(4 * s), round(2 * s)))
        plate.set_alpha(alpha)
        surface.blit(plate, box.move(-round(4 * s), -round(2 * s)))


def _beside(card: pygame.Rect, size: tuple[int, int], lay: Layout, gap: int, down: int) -> pygame.Rect:
    """Where a label about a card goes: right of it, else left, else under its badge, whichever
    first stays inside the picture and off the other cards and every card's badge (a crowded
    column keeps its labels readable, and a "LB still thinks it's up" badge is never covered)."""
    badge = round(30 * lay.scale * lay.card_scale)      # the strip under a card its badge may use
    rects = card_rects(lay)
    others = [r for r in rects if r != card] + [pygame.Rect(r.left, r.bottom, r.width, badge) for r in rects]
    spots = [{"topleft": (card.right + gap, card.top + down)},
             {"topright": (card.left - gap, card.top + down)},
             {"midtop": (card.centerx, card.bottom + badge + gap + down)}]
    for spot in spots:
        box = pygame.Rect((0, 0), size)
        for anchor, pos in spot.items():
            setattr(box, anchor, pos)
        if lay.graph.contains(box) and box.collidelist(others) < 0:
            return box
    return box


def hidden_queue(n: NodeView, lay: Layout, i: int) -> int:
    """How many queued requests at node i do not fit above its card."""
    per_row = max(1, int((lay.half[i, 0] * 2 - 4) // (2 * lay.dot_r + 2)))
    return max(0, n.queue - per_row * 3)
