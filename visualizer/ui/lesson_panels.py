"""What a lesson draws over the picture: theory panel, summary card, blank screen (pure of state)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import pygame

from visualizer.i18n import t
from visualizer.lesson import LessonPlayer
from visualizer.render.fonts import text, wrap
from visualizer.render.layout import Layout
from visualizer.render.scene import ViewState
from visualizer.render.style import Palette, palette
from visualizer.sim.snapshot import Snapshot
from visualizer.sim.tiers import BY_NAME
from visualizer import theory
from visualizer.ui.base import panel
from visualizer.ui.audit_card import audit_lines
from visualizer.ui.cache_cards import cache_lines, cdn_lines
from visualizer.ui.predict_card import predict_lines
from visualizer.ui.shard_cards import shard_lines
from visualizer.ui.queue_cards import queue_lines
from visualizer.ui.site_cards import sessions_lines, sites_lines


TEXTBOOK_AVAILABILITY = 0.99
CARD_LEAST_PX = 13         # px at scale 1: a card never shrinks below this to clear a highlighted node
KEEP_COST = 10**9          # covering a highlighted node outweighs covering any number of others


@dataclass
class LessonOverlay:
    """Draws the lesson's extras on top of draw_frame; reads the player, changes nothing.

    `current` returns the player being shown (the window swaps players on restart or a menu pick).
    """

    current: Callable[[], LessonPlayer]
    theory_box: pygame.Rect | None = None   # where the theory card was last drawn (None: not shown)
    turn_box: pygame.Rect | None = None     # where the "your turn" tab was last drawn

    @property
    def player(self) -> LessonPlayer:
        return self.current()

    def draw(self, surface: pygame.Surface, snap: Snapshot, view: ViewState, lay: Layout) -> None:
        pal = palette(view.projector)
        beat = self.player.beat
        self.theory_box = self.turn_box = None
        meta = self.player.scenario.meta
        if self.player.finished and (meta.summary or meta.question):
            draw_summary(surface, self.player, view.lang, lay, pal, keys=view.chrome)
        elif beat is not None and (beat.theory or beat.predict):
            lines = predict_lines(self.player, view.lang, lay) if beat.predict else \
                theory_lines(beat.theory, self.player, snap, view.lang)
            keep = [lay.rect(i) for i in (lay.index(h) for h in beat.highlight) if i is not None]
            self.theory_box = draw_card(surface, lines, lay, pal, keep)
        if self.player.waiting and not self.player.auto and view.chrome and lay.caption is not None:
            self.turn_box = draw_your_turn(surface, view, lay, pal, snap.time, self.theory_box)


def _pct(x: float) -> str:
    """99.00%, 99.99%, 99.9999%: enough digits to tell the nines apart."""
    if x != x:  # nothing finished yet
        return "-"
    miss = round(100.0 * (1.0 - x), 9)
    if miss <= 0:
        return "100%"
    digits = min(6, max(2, -math.floor(math.log10(miss))))
    return f"{100 * x:.{digits}f}%"


def draw_your_turn(surface: pygame.Surface, view: ViewState, lay: Layout, pal: Palette, now: float,
                   avoid: pygame.Rect | None) -> pygame.Rect:
    """A pulsing tab above the caption bar while the lesson waits for the student (steady with reduced motion)."""
    s = lay.scale
    label = text(t("lesson.your_turn", view.lang), round(16 * s), pal.background, True)
    tab = least_covering_corner(lay, label.get_rect().inflate(round(24 * s), round(10 * s)).size,
                                corners=("bottomright", "bottomleft"), avoid=avoid)
    glow = 1.0 if view.reduce_motion else 0.75 + 0.25 * math.sin(now * 5.0)
    color = tuple(round(c * glow) for c in pal.highlight)
    pygame.draw.rect(surface, color, tab, border_radius=round(8 * s))
    surface.blit(label, label.get_rect(center=tab.center))
    return tab


def theory_lines(kind: str, player: LessonPlayer, snap: Snapshot, lang: str) -> list[tuple[str, bool]]:
    """(text, is_title) rows of the theory panel for this beat: each prediction beside a
    measurement of the same quantity over the same span, the span named."""
    if kind == "availability":
        return _availability(player, snap, lang)
    if kind == "utilization":
        return _utilization(player, snap, lang)
    if kind == "cache":
        return cache_lines(snap, lang)
    if kind == "cdn":
        return cdn_lines(snap, lang)
    if kind == "sessions":
        return sessions_lines(player.scenario, snap, lang)
    if kind == "sites":
        return sites_lines(player.scenario, snap, lang)
    if kind == "audit":
        return audit_lines(player.sim, lang)
    if kind == "sharding":
        return shard_lines(snap, lang)
    if kind == "queue":
        return queue_lines(snap, lang)
    return _replication(player, snap, lang)


def _availability(player: LessonPlayer, snap: Snapshot, lang: str) -> list[tuple[str, bool]]:
    """1 - (1 - a)^n for the servers behind the balancer, beside the share of health checks that
    found some server up since the start (time, not requests: the same quantity as the formula)."""
    a = server_availability(player.scenario)
    rows = "   ".join(f"n={k}: {_pct(theory.parallel_availability(a, k))}" for k in (1, 2, 3))
    out = [(t("theory.availability", lang, a=_pct(a)), True), (t("theory.avail_formula", lang, rows=rows), False)]
    lb = next((n for n in snap.nodes if n.kind == "load_balancer"), None)
    if lb is not None:
        n = len([b for b in lb.extra.get("backends", "").split(",") if b])
        out.append((t("theory.avail_now", lang, n=n, lb=lb.id, p=_pct(theory.parallel_availability(a, n))), False))
        if "up_share" in lb.extra:
            out.append((t("theory.measured_avail", lang, p=lb.extra["up_share"]), False))
    return out


def _utilization(player: LessonPlayer, snap: Snapshot, lang: str) -> list[tuple[str, bool]]:
    """For each web server: ρ for the rate arriving now, then over the last 5 s the measured λ, ρ,
    and the M/M/c mean time in the server beside the measured mean time there over the same 5 s
    (saying so when a backlog from before is still in those 5 s)."""
    rows = [(t("theory.utilization", lang), True)]
    webs = [n for n in snap.nodes if n.kind == "web_server" and n.status == "up"]
    serving = [n for n in webs if n.detected_up is not False] or webs
    for node in webs[:2]:
        spec = player.scenario.node(node.id) if _known(player, node.id) else None
        service_ms = getattr(spec, "service_ms", 20.0) / BY_NAME[node.tier or "small"].speed
        rows.append((t("theory.util_node", lang, node=node.id, c=node.workers, mu=1000.0 / service_ms), False))
        now = snap.metrics.rate / max(1, len(serving)) if node in serving else 0.0
        rho_now = theory.utilization(now, node.workers, service_ms)
        rows.append((t("theory.util_now", lang, lam=now, rho=rho_now), False))
        if rho_now >= 1:
            rows.append((t("theory.overload", lang), False))
        if node.recent_rate is None:
            continue
        lam = node.recent_rate
        rho = theory.utilization(lam, node.workers, service_ms)
        rows.append((t("theory.util_formula", lang, lam=lam, rho=rho), False))
        if rho < 1:
            w = theory.mmc_mean_time_ms(lam, node.workers, service_ms)
            measured = "—" if node.recent_ms is None else f"{node.recent_ms:.0f} ms"
            rows.append((t("theory.mmc", lang, node=node.id, w=f"{w:.0f} ms", m=measured), False))
        backlog = max(node.queue, node.recent_backlog)
        if backlog > node.workers and rho_now < 1:
            rows.append((t("theory.backlog", lang, n=backlog), False))
    return rows


def _replication(player: LessonPlayer, snap: Snapshot, lang: str) -> list[tuple[str, bool]]:
    """Writes a replica is expected to miss (write rate x lag, Little's law) beside how far the
    furthest replica is behind now; the run-long counts named as such."""
    m = snap.metrics
    replicas = [n for n in snap.nodes if n.role == "replica" and n.lag_ms is not None and n.status == "up"]
    lag = max((n.lag_ms for n in replicas), default=0.0)
    primary = next((n for n in snap.nodes if n.role == "primary" and n.status == "up"), None)
    # with replicas up the primary takes only the writes: its arrival rate is the write rate
    writes = primary.recent_rate if primary is not None and primary.recent_rate is not None else 0.0
    pending = max((n.pending_writes for n in replicas), default=0)
    return [(t("theory.replication", lang), True),
            (t("theory.repl_formula", lang, w=writes, lag=lag, n=theory.unreplicated_writes(writes, lag)), False),
            (t("theory.repl_measured", lang, pending=pending), False),
            (t("theory.repl_since", lang, stale=m.stale_reads, lost=m.lost_writes), False)]


def server_availability(scenario) -> float:
    """a for the formula: mtbf / (mtbf + mttr) of the web servers when the file gives them random
    failures, else the textbook 99%."""
    webs = [n for n in scenario.nodes if n.kind == "web_server" and n.mtbf_s and n.mttr_s]
    if not webs:
        return TEXTBOOK_AVAILABILITY
    return sum(n.mtbf_s / (n.mtbf_s + n.mttr_s) for n in webs) / len(webs)


def _known(player: LessonPlayer, node_id: str) -> bool:
    return any(n.id == node_id for n in player.scenario.nodes)


def draw_card(surface: pygame.Surface, lines: list[tuple[str, bool]], lay: Layout, pal: Palette,
              keep: list[pygame.Rect] | None = None) -> pygame.Rect:
    """A panel with a bold title row and plain rows, put in the corner of the picture where it
    hides the fewest nodes, its text shrunk if it would cover more than half the picture's width,
    and further (to CARD_LEAST_PX at most) while every corner would hide one of `keep`, the
    beat's highlighted nodes."""
    s = lay.scale
    px = round(17 * s)
    widest = max(text(line, px, pal.text, bold).get_width() for line, bold in lines) + round(32 * s)
    if widest > lay.graph.width * 0.5:
        px = max(10, int(px * lay.graph.width * 0.5 / widest))
    while True:
        rendered = [text(line, round(px * (1.1 if bold else 1.0)), pal.highlight if bold else pal.text, bold)
                    for line, bold in lines]
        w = max(r.get_width() for r in rendered) + round(32 * s)
        h = sum(round(r.get_height() * 1.25) for r in rendered) + round(24 * s)
        box = least_covering_corner(lay, (w, h), keep=keep)
        if px <= round(CARD_LEAST_PX * s) or not any(box.colliderect(k) for k in keep or ()):
            break
        px -= 1
    panel(surface, box, pal, s, pal.highlight)
    y = box.top + round(12 * s)
    for r in rendered:
        surface.blit(r, (box.left + round(16 * s), y))
        y += round(r.get_height() * 1.25)
    return box


def least_covering_corner(lay: Layout, size: tuple[int, int],
                          corners: tuple[str, ...] = ("bottomleft", "topleft", "bottomright", "topright"),
                          avoid: pygame.Rect | None = None, keep: list[pygame.Rect] | None = None) -> pygame.Rect:
    """A rect of `size` in a corner of the picture, the one overlapping node cards (and `avoid`)
    the least, a corner clear of every rect in `keep` first; ties go to the earlier corner."""
    g, m = lay.graph, round(14 * lay.scale)
    inner = g.inflate(-2 * m, -2 * m)
    inner.height -= round(20 * lay.scale)          # keep the time scrubber clear
    cards = [lay.rect(i).inflate(round(16 * lay.scale), round(40 * lay.scale)) for i, _ in lay.shown(lay.ids)]
    if avoid is not None:
        cards.append(avoid)
    best: tuple[int, int, pygame.Rect] | None = None
    for rank, corner in enumerate(corners):
        box = pygame.Rect((0, 0), size)
        setattr(box, corner, getattr(inner, corner))
        cover = sum(box.clip(c).width * box.clip(c).height for c in cards)
        cover += sum(KEEP_COST for c in keep or () if box.colliderect(c))
        if best is None or (cover, rank) < best[:2]:
            best = (cover, rank, box)
    assert best is not None
    return best[2]


def draw_summary(surface: pygame.Surface, player: LessonPlayer, lang: str, lay: Layout, pal: Palette,
                 keys: bool = True) -> None:
    """The end-of-lesson card: summary and a question to think about (and, in the window, the keys),
    its text made smaller, step by step, until all of it fits inside the card."""
    s, meta = lay.scale, player.scenario.meta
    box, width, k = summary_fit(meta, lang, lay)
    panel(surface, box, pal, s, pal.highlight)
    x, y = box.left + round(32 * s), box.top + round(24 * s)
    title = text(getattr(meta.title, lang), round(28 * k), pal.text, True)
    surface.blit(title, (x, y))
    y += title.get_height() + round(18 * k)
    for head, body in _summary_parts(meta):
        surface.blit(text(t(head, lang), round(20 * k), pal.highlight, True), (x, y))
        y += round(32 * k)
        px = round(20 * k)
        for line in wrap(getattr(body, lang), px, width):
            surface.blit(text(line, px, pal.text), (x, y))
            y += round(px * 1.45)
        y += round(14 * k)
    if keys:
        hint = text(t("lesson.summary_keys", lang), round(15 * k), pal.text_dim)
        surface.blit(hint, (x, min(y, box.bottom - hint.get_height() - round(14 * s))))


def summary_fit(meta, lang: str, lay: Layout) -> tuple[pygame.Rect, int, float]:
    """The summary card's box, its text width, and the scale its text is drawn at: the picture's
    scale, or less (down to 0.55 of it) until the text fits the box."""
    s = lay.scale
    box = lay.graph.inflate(-round(lay.graph.width * 0.16), -round(lay.graph.height * 0.14))
    width = box.width - round(64 * s)
    f = 1.0
    while f > 0.55 and _summary_height(meta, lang, s * f, width) > box.height - round(24 * s):
        f -= 0.05
    return box, width, s * f


def _summary_parts(meta) -> list[tuple[str, object]]:
    return [(head, body) for head, body in (("lesson.summary", meta.summary), ("lesson.question", meta.question))
            if body is not None]


def _summary_height(meta, lang: str, k: float, width: int) -> int:
    """Height the summary card's text takes at scale `k` (title, each part, the keys' line)."""
    h = text(getattr(meta.title, lang), round(28 * k), (0, 0, 0), True).get_height() + round(18 * k)
    for _, body in _summary_parts(meta):
        px = round(20 * k)
        h += round(32 * k) + len(wrap(getattr(body, lang), px, width)) * round(px * 1.45) + round(14 * k)
    return h + round(15 * k * 1.4)