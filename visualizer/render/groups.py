"""Group cards: a column too crowded to draw card by card shows each kind in it as one stacked card.

A column (a cell of it, in a design with sites) holding more than MAX_CARDS cards cannot draw them
at a legible size: at the least card scale (0.45) a 1280x720 picture has room for about a dozen
cards down a column before they overlap. Such a column folds each set of its nodes of the same
kind and role (two or more) into one group card, "web ×480", with how many are up and their
aggregate load. Folding is a view matter: the layout places one card for the group (its first
member stands in for it), then every member maps to that card, so dots, outcomes and links of the
members go to and from it. A group the viewer opened (`ViewState.expanded`: (key, page) pairs)
shows a page of PAGE of its cards one by one and the rest still as a group card (a click on it
turns the page), under a small tab over the column that folds the group again.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
import pygame

from visualizer.i18n import t
from visualizer.render.fonts import text
from visualizer.render.layout import REMOVED, Layout, _place
from visualizer.render.nodes import icon, icon_name
from visualizer.render.style import Palette
from visualizer.sim import registry
from visualizer.sim.snapshot import Snapshot

MAX_CARDS = 12            # more cards than this in one column (or band cell): fold its kinds into groups
PAGE = 6                  # cards an opened group shows one by one
MORE = "#more"            # the key of an opened group's card for the cards not on its page
Key = tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Group:
    """A set of same-kind, same-role nodes in one crowded column: `key` names it for the view state."""

    key: str
    kind: str
    members: tuple[int, ...]       # node indices, the first stands in for the group in the layout
    page: int | None = None        # None: folded; else the page of its cards drawn one by one

    @property
    def shown(self) -> tuple[int, ...]:
        """The members drawn one by one (an opened group's page)."""
        if self.page is None:
            return ()
        lo = self.page % -(-len(self.members) // PAGE) * PAGE
        return self.members[lo:lo + PAGE]

    def folds(self) -> tuple[tuple[str, tuple[int, ...]], ...]:
        """(card key, members) of the group cards it is drawn as: all of it, or the rest of a page."""
        rest = tuple(i for i in self.members if i not in self.shown)
        return ((self.key if self.page is None else self.key + MORE, rest),) if len(rest) > 1 else ()


@dataclass(frozen=True)
class GroupCard:
    """A folded group as drawn: its members and the card's rectangle."""

    key: str
    kind: str
    members: tuple[int, ...]
    rect: pygame.Rect

    def drawn(self, scale: float) -> pygame.Rect:
        """The card with its stacked edges behind it (what it covers on screen)."""
        step = stack_step(scale)
        return self.rect.union(self.rect.move(2 * step, -2 * step))


@dataclass(frozen=True)
class Tab:
    """The "fold again" tab over an expanded group's column."""

    key: str
    rect: pygame.Rect
    label: str


def stack_step(scale: float) -> int:
    """How far each card edge behind a group card sits up and to the right."""
    return max(2, round(4 * scale))


def group_key(kind: str, role: str, site: str) -> str:
    return f"{site}|{kind}|{role}"


def plan(key: Key, sites: tuple[str, ...] = ()) -> tuple[Group, ...]:
    """The groups of a design (with every group folded): nothing for a design whose columns fit."""
    cells: dict[tuple[float, str], list[int]] = {}
    for i, (_, kind, *role) in enumerate(key):
        if kind != REMOVED:
            site = sites[i] if i < len(sites) else ""
            cells.setdefault((_place(kind, role[0] if role else "")[0], site), []).append(i)
    out: list[Group] = []
    for (_, site), members in cells.items():
        if len(members) <= MAX_CARDS:
            continue
        sets: dict[tuple[str, str], list[int]] = {}
        for i in members:
            kind, role = key[i][1], key[i][2] if len(key[i]) > 2 else ""
            sets.setdefault((kind, role), []).append(i)
        out += [Group(group_key(kind, role, site), kind, tuple(m))
                for (kind, role), m in sets.items() if len(m) > 1]
    return tuple(out)


def with_expanded(groups: tuple[Group, ...], expanded: frozenset[tuple[str, int]]) -> tuple[Group, ...]:
    """The groups with the viewer's opened ones at their page."""
    pages = dict(expanded)
    return tuple(dataclasses.replace(g, page=pages.get(g.key)) for g in groups)


def toggled(expanded: frozenset[tuple[str, int]], key: str) -> frozenset[tuple[str, int]]:
    """The view state after a click on a group card or tab `key`: a folded group opens at its first
    page, an opened one's rest card turns the page, its tab folds it."""
    pages = dict(expanded)
    if key.endswith(MORE):
        base = key[: -len(MORE)]
        pages[base] = pages.get(base, 0) + 1
    elif key in pages:
        del pages[key]
    else:
        pages[key] = 0
    return frozenset(pages.items())


def reduce(key: Key, links: tuple[tuple[str, str], ...], groups: tuple[Group, ...]) -> tuple[Key, tuple[tuple[str, str], ...]]:
    """The layout's input with each folded group as its first member alone (the others unplaced),
    and the links between what is placed, each once."""
    folds = [members for g in groups for _, members in g.folds()]
    if not folds:
        return key, links
    stand_in: dict[str, str] = {}
    out = list(key)
    for members in folds:
        head = key[members[0]][0]
        for i in members[1:]:
            out[i] = (key[i][0], REMOVED, *key[i][2:])
            stand_in[key[i][0]] = head
    seen: dict[tuple[str, str], None] = {}
    for a, b in links:
        a, b = stand_in.get(a, a), stand_in.get(b, b)
        if a != b:
            seen[(a, b)] = None
    return tuple(out), tuple(seen)


def fold(lay: Layout, groups: tuple[Group, ...], lang: str) -> Layout:
    """The layout with each folded group's members on its card, and the tabs of expanded groups."""
    if not groups:
        return lay
    centers, half = lay.centers.copy(), lay.half.copy()
    alias = np.arange(len(lay.ids))
    folded = np.zeros(len(lay.ids), dtype=bool)
    cards, tabs = [], []
    for g in groups:
        for card_key, members in g.folds():
            m, head = list(members), members[0]
            centers[m], half[m], alias[m], folded[m] = centers[head], half[head], head, True
            cards.append(GroupCard(card_key, g.kind, members, lay.rect(head)))
        if g.page is not None:
            tabs.append(_tab(lay, g, lang, len(tabs)))
    return dataclasses.replace(lay, centers=centers, half=half, alias=alias, folded=folded,
                               groups=tuple(cards), tabs=tuple(tabs))


def _tab(lay: Layout, g: Group, lang: str, k: int) -> Tab:
    """The tab at the top of an expanded group's column."""
    s = lay.scale
    x = float(lay.centers[g.shown[0], 0])
    first = g.members.index(g.shown[0]) + 1
    label = t("group.fold", lang, name=short_name(g.kind), n=len(g.members), first=first,
              last=first + len(g.shown) - 1)
    w, h = text(label, round(13 * s), (0, 0, 0), True).get_width() + round(16 * s), round(22 * s)
    rect = pygame.Rect(0, 0, w, h)
    rect.midtop = (round(x), lay.graph.top + round(4 * s) + k * (h + round(4 * s)))
    return Tab(g.key, rect, label)


def short_name(kind: str) -> str:
    """What a group's label calls its kind: the stem of its nodes' ids ("web"), else the kind."""
    spec = registry.find(kind)
    return spec.short if spec is not None and spec.short else kind


@dataclass(frozen=True)
class Totals:
    """What a group's card says: how many, how many up, workers busy of all."""

    count: int
    up: int
    busy: int
    workers: int
    queue: int


def totals(snap: Snapshot, members: tuple[int, ...]) -> Totals:
    nodes = [snap.nodes[i] for i in members if i < len(snap.nodes)]
    return Totals(count=len(nodes), up=sum(n.status == "up" for n in nodes), busy=sum(n.busy for n in nodes),
                  workers=sum(n.workers for n in nodes), queue=sum(n.queue for n in nodes))


def lines(tot: Totals, lang: str) -> list[str]:
    """The card's two lines: how many are up, and the load (busy workers of all, as a share)."""
    out = [t("group.up", lang, up=tot.up, n=tot.count)]
    if tot.workers:
        share = round(100 * tot.busy / tot.workers)
        out.append(t("group.load", lang, pct=share, busy=f"{tot.busy:,}", workers=f"{tot.workers:,}"))
    return out


def draw_groups(surface: pygame.Surface, snap: Snapshot, lay: Layout, pal: Palette, lang: str) -> int:
    """Every folded group as a stacked card, and the tabs of expanded groups; returns how many cards."""
    s = lay.scale * lay.card_scale
    for card in lay.groups:
        _stacked(surface, card, lay, pal, s, snap, lang)
    for tab in lay.tabs:
        pygame.draw.rect(surface, pal.panel, tab.rect, border_radius=tab.rect.height // 2)
        pygame.draw.rect(surface, pal.highlight, tab.rect, max(1, round(2 * lay.scale)),
                         border_radius=tab.rect.height // 2)
        label = text(tab.label, round(13 * lay.scale), pal.text, True)
        surface.blit(label, label.get_rect(center=tab.rect.center))
    return len(lay.groups)


def _stacked(surface: pygame.Surface, card: GroupCard, lay: Layout, pal: Palette, s: float, snap: Snapshot,
             lang: str) -> None:
    """Two card edges behind, then the card: icon, "web ×480", how many are up, the load, slots."""
    r, radius, step = card.rect, round(10 * s), stack_step(lay.scale)
    tot = totals(snap, card.members)
    edge = pal.undetected if tot.up < tot.count else pal.card_edge
    for k in (2, 1):
        behind = r.move(k * step, -k * step)
        pygame.draw.rect(surface, pal.card, behind, border_radius=radius)
        pygame.draw.rect(surface, edge, behind, max(1, round(1.5 * s)), border_radius=radius)
    pygame.draw.rect(surface, pal.card, r, border_radius=radius)
    pygame.draw.rect(surface, edge, r, max(2, round(2 * s)), border_radius=radius)
    c = lay.text_scale
    pad, ipx = round(8 * c), round(28 * c)
    surface.blit(icon(icon_name(card.kind), ipx, pal.text), (r.left + pad, r.top + pad))
    name = text(f"{short_name(card.kind)} ×{tot.count}", round(18 * c), pal.text, True)
    tx = r.left + pad + ipx + round(7 * c)
    surface.blit(name, name.get_rect(midleft=(tx, r.top + pad + ipx // 2)),
                 pygame.Rect(0, 0, r.right - pad - tx, name.get_height()))
    y = r.top + pad + ipx + round(3 * c)
    for k, line in enumerate(lines(tot, lang)[: lay.text_rows]):
        tone = pal.undetected if k == 0 and tot.up < tot.count else pal.text_dim
        surf = text(line, lay.text_px, tone)
        surface.blit(surf, (r.left + pad, y), pygame.Rect(0, 0, r.width - 2 * pad, surf.get_height()))
        y += round(15 * c)
    if tot.workers:
        _cells(surface, r, lay, pal, tot.workers)


def _cells(surface: pygame.Surface, r: pygame.Rect, lay: Layout, pal: Palette, workers: int) -> None:
    """The worker slots along the bottom, as on a server's card (the members' busy dots land there)."""
    cell = 2 * lay.dot_r + 2
    per_row = max(1, int((r.width - 4) // cell))
    pad = 6 * lay.text_scale
    for k in range(min(workers, per_row * lay.slot_rows)):
        row, col = divmod(k, per_row)
        cx = r.left + pad + lay.dot_r + col * cell
        if cx + lay.dot_r > r.right - 2:
            continue
        pygame.draw.circle(surface, pal.bar_bg, (cx, r.bottom - pad - lay.dot_r - row * cell), lay.dot_r + 1)
