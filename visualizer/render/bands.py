"""Sites as horizontal bands: each data centre's cards in a band of their own, its title on top.

Only a design with [[sites]] is laid out this way. Columns stay where they are (tiers left to
right); what changes is the height: a node of site k stands in band k, spread with the other
cards of its column and band. A node of no site (a global DNS) stands between the bands when its
column holds no site's node (several are spread over the whole height), else in a strip of its
own in the middle.
"""

from __future__ import annotations

from dataclasses import dataclass

import pygame

from visualizer.i18n import t
from visualizer.render.fonts import text
from visualizer.render.style import Color, Palette
from visualizer.sim.snapshot import SiteView

GLOBAL = ""                       # the band of the nodes that stand in no site
TITLE_H = 24                      # px at scale 1: a band's title row above its cards
BAND_GAP = 8                      # px at scale 1 between two bands
BADGE_H = 26                      # px at scale 1 kept between two cards of a band (a badge, a queue)
BOTTOM = 24                       # px at scale 1 kept free under the last band (the lesson's time scrubber)


def overhead(bands: list[str]) -> float:
    """Height (px at scale 1) the bands take besides their cards: titles, badges, gaps, margins."""
    return sum(TITLE_H for b in bands if b) + BAND_GAP * (len(bands) - 1) + 8 + BOTTOM


@dataclass(frozen=True)
class Band:
    """One band: its site ('' for the global strip), its whole rect and the rect its cards use."""

    site: str
    rect: pygame.Rect
    cards: pygame.Rect


def rows(columns: dict[float, list[int]], sites: tuple[str, ...], order: tuple[str, ...]) -> list[str]:
    """The bands top to bottom: the sites in file order, and a global strip in the middle when a
    column holds both a node of no site and a node of some site (else none is needed)."""
    out = list(order)
    for members in columns.values():
        placed = {sites[i] if sites[i] in order else GLOBAL for i in members}
        if GLOBAL in placed and len(placed) > 1:
            out.insert(len(out) // 2, GLOBAL)
            break
    return out


def weights(columns: dict[float, list[int]], sites: tuple[str, ...], bands: list[str]) -> list[int]:
    """How many cards each band must stack: the most any column has in it (at least one). The
    global strip holds only the site-less cards of columns that also hold some site's cards."""
    def stacked(members: list[int], band: str) -> int:
        if band == GLOBAL and all(sites[i] == GLOBAL or sites[i] not in bands for i in members):
            return 0                      # a column of no site at all spreads over every band
        return sum(1 for i in members if (sites[i] if sites[i] in bands else GLOBAL) == band)
    return [max([1, *(stacked(m, b) for m in columns.values())]) for b in bands]


def band_rects(graph: pygame.Rect, scale: float, bands: list[str], weight: list[int]) -> list[Band]:
    """Split the picture's height among the bands: each site's title row first, then the rest in
    proportion to the cards they stack (so every card of every band gets the same height)."""
    top, bottom = graph.top + 8 * scale, graph.bottom - BOTTOM * scale
    gap, title = BAND_GAP * scale, TITLE_H * scale
    heads = [0 if site == GLOBAL else round(title) for site in bands]
    room = bottom - top - gap * (len(bands) - 1) - sum(heads)
    total = sum(weight) or 1
    out, y = [], top
    for site, w, head in zip(bands, weight, heads):
        h = head + room * w / total
        rect = pygame.Rect(round(graph.left + 6 * scale), round(y), round(graph.width - 12 * scale), round(h))
        out.append(Band(site, rect, pygame.Rect(rect.left, rect.top + head, rect.width, rect.height - head)))
        y += h + gap
    return out


def band_ys(members: list[int], sites: tuple[str, ...], bands: list[Band],
            pitch: float = 0.0) -> dict[int, tuple[float, Band | None]]:
    """Each member's centre height, and the band it stands in (None: a node of no site placed
    between the bands, in a column no site's node shares: several are stacked `pitch` apart
    round the line between the middle two bands, so they read as between the sites, not in one)."""
    index = {b.site: b for b in bands}
    out: dict[int, tuple[float, Band | None]] = {}
    by_band: dict[str, list[int]] = {}
    for i in members:
        by_band.setdefault(sites[i] if sites[i] in index else GLOBAL, []).append(i)
    mixed = len(by_band) > 1
    for site, group in by_band.items():
        band = index.get(site) if site != GLOBAL or mixed else None
        if band is None:                  # no strip: on the line between the middle two bands
            k = len(bands) // 2
            mid = (bands[k - 1].rect.bottom + bands[k].rect.top) / 2 if k else bands[0].rect.centery
            top = bottom = mid
            step = 0.0
        else:
            top, bottom = band.cards.top, band.cards.bottom
            step = (bottom - top) / len(group)
        if band is None and len(group) > 1:
            step = (bands[-1].rect.bottom - bands[0].rect.top) / len(group)
            if pitch:
                step = min(step, pitch)
            top = min(max(top - step * len(group) / 2, bands[0].rect.top), bands[-1].rect.bottom - step * len(group))
        for j, i in enumerate(group):
            out[i] = (top + step * (j + 0.5), band)
    return out


def draw_bands(surface: pygame.Surface, bands: tuple[Band, ...], sites: tuple[SiteView, ...], lang: str,
               scale: float, pal: Palette) -> None:
    """Each site's band: a faint background, its title, and when it is down a red tint, DOWN and
    what the geo DNS does about it (still sending its users there, or not any more)."""
    views = {s.id: s for s in sites}
    px = round(15 * scale)
    for band in bands:
        site = views.get(band.site)
        if site is None:
            continue
        down = site.status == "down"
        fill = _mix(pal.background, pal.failed if down else pal.panel_edge, 0.16 if down else 0.22)
        radius = round(10 * scale)
        pygame.draw.rect(surface, fill, band.rect, border_radius=radius)
        edge = pal.failed if down else _mix(pal.background, pal.panel_edge, 0.6)
        pygame.draw.rect(surface, edge, band.rect, max(1, round(1.5 * scale)), border_radius=radius)
        title = text(site.title_ko if lang == "ko" else site.title_en, px, pal.text if not down else pal.text_dim, True)
        x, cy = band.rect.left + round(12 * scale), band.rect.top + round(TITLE_H * scale / 2)
        surface.blit(title, title.get_rect(midleft=(x, cy)))
        if down:
            _down_label(surface, site, x + title.get_width() + round(10 * scale), cy, px, lang, scale, pal)


def _down_label(surface: pygame.Surface, site: SiteView, x: int, cy: int, px: int, lang: str, scale: float,
                pal: Palette) -> None:
    """DOWN on a vermillion pill, then whether the DNS still hands this site out."""
    label = text(t("status.down", lang), px, pal.background, True)
    pill = label.get_rect(midleft=(x + round(6 * scale), cy)).inflate(round(12 * scale), round(4 * scale))
    pygame.draw.rect(surface, pal.failed, pill, border_radius=round(5 * scale))
    surface.blit(label, label.get_rect(center=pill.center))
    if site.dns_healthy is None:
        return
    key, color = (("site.dns_still", pal.undetected) if site.dns_healthy else ("site.dns_stopped", pal.text_dim))
    note = text(t(key, lang), px, color, True)
    surface.blit(note, note.get_rect(midleft=(pill.right + round(10 * scale), cy)))


def _mix(a: Color, b: Color, k: float) -> Color:
    """`a` moved a share `k` of the way toward `b`."""
    return tuple(round(x + (y - x) * k) for x, y in zip(a, b))  # type: ignore[return-value]
