"""Cards: the inspector shown while hovering a node, and the detail card of a clicked request."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pygame

from visualizer.i18n import fact, t
from visualizer.render.fonts import text, wrap
from visualizer.sim.snapshot import NodeView
from visualizer.ui.base import UIContext, Widget, clamp_rect, panel


def node_lines(n: NodeView, lang: str) -> list[tuple[str, str]]:
    """(label, value) rows describing a node's state and numbers."""
    status = t(f"status.{n.status}", lang)
    rows = [(t("insp.state", lang), status),
            (t("insp.ip", lang), f"{n.ip} ({t('badge.public' if n.public else 'badge.private', lang)})")]
    if n.detected_up is not None:
        seen = t("insp.seen_up" if n.detected_up else "insp.seen_down", lang)
        rows.append((t("insp.lb_view", lang), seen))
    if n.workers:
        rows.append((t("insp.workers", lang), f"{n.busy} / {n.workers}"))
        rows.append((t("insp.queue", lang), f"{n.queue} / {n.queue_limit}"))
    rows.append((t("insp.counts", lang), f"{n.arrivals:,} / {n.completed:,} / {n.dropped:,}"))
    if n.tier:
        rows.append((t("insp.tier", lang), n.tier))
    if n.lag_ms is not None:
        rows.append((t("lag", lang, ms="").replace(" ms", "").strip(), f"{n.lag_ms:.0f} ms"))
    if n.pending_writes:
        rows.append(("", t("pending", lang, n=n.pending_writes)))
    if n.promoted:
        rows.append(("", t("badge.promoted", lang)))
    for k, v in sorted(n.extra.items()):
        rows.append(fact(k, str(v), lang))
    return rows


def _card(surface: pygame.Surface, ctx: UIContext, anchor: pygame.Rect, title: str, about: str,
          rows: list[tuple[str, str]], footer: str = "") -> None:
    s, pal = ctx.scale, ctx.pal
    px = round(15 * s)
    line = round(px * 1.45)
    width = round(340 * s)
    inner = width - round(28 * s)
    about_lines = wrap(about, px, inner) if about else []
    laid: list[tuple[str, str, bool]] = []       # (label, value, value on its own line)
    for label, value in rows:
        room = inner - (text(label, px, pal.text_dim).get_width() + round(12 * s) if label else 0)
        if text(value, px, pal.text, True).get_width() <= room:
            laid.append((label, value, False))
        else:
            laid.append((label, "", False))
            laid += [("", part, True) for part in wrap(value, px, inner, bold=True)[:6]]
    h = round(52 * s) + line * (len(about_lines) + len(laid)) + (line if footer else 0) + round(6 * s)
    rect = pygame.Rect(anchor.right + round(16 * s), anchor.top, width, h)
    if rect.right > ctx.size[0] - 4:
        rect.right = anchor.left - round(16 * s)
    rect = clamp_rect(rect, ctx.size)
    panel(surface, rect, pal, s)
    x, y = rect.left + round(14 * s), rect.top + round(12 * s)
    surface.blit(text(title, round(19 * s), pal.text, True), (x, y))
    y += round(34 * s)
    for ln in about_lines:
        surface.blit(text(ln, px, pal.text_dim), (x, y))
        y += line
    for label, value, own_line in laid:
        if label:
            surface.blit(text(label, px, pal.text_dim), (x, y))
        if value:
            v = text(value, px, pal.text, True)
            surface.blit(v, (x, y) if own_line else v.get_rect(topright=(rect.right - round(14 * s), y)))
        y += line
    if footer:
        surface.blit(text(footer, round(13 * s), pal.highlight), (x, y + round(4 * s)))


@dataclass
class Inspector(Widget):
    """Follows the hovered node (ctx.extra['hover']) and says what it is and how it is doing."""

    ctx: UIContext
    enabled: bool = True

    def draw(self, surface: pygame.Surface) -> None:
        hover = self.ctx.extra.get("hover")
        snap, lay = self.ctx.snap, self.ctx.layout
        if not self.enabled or hover is None or snap is None or lay is None:
            return
        i = lay.index(str(hover))
        if i is None or i >= len(snap.nodes):
            return
        n = snap.nodes[i]
        lang = self.ctx.lang
        _card(surface, self.ctx, lay.rect(i), f"{n.id} · {t('kind.' + n.kind, lang)}", t("about." + n.kind, lang),
              node_lines(n, lang), t("insp.hint", lang))


def _fmt(value: Any) -> str:
    if isinstance(value, dict) and "node" in value and "t" in value:
        return f"{value['node']} {float(value['t']):.3f}s"
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, (list, tuple)):
        return " → ".join(_fmt(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k}={_fmt(v)}" for k, v in value.items())
    return str(value)


@dataclass
class RequestCard(Widget):
    """The path and timings of one clicked request, or why it failed (from sim.request_info)."""

    ctx: UIContext
    req_id: int | None = None
    info: dict[str, Any] | None = None
    anchor: pygame.Rect = field(default_factory=lambda: pygame.Rect(20, 80, 1, 1))

    def show(self, req_id: int, info: dict[str, Any] | None, pos: tuple[int, int]) -> None:
        self.req_id, self.info = req_id, info
        self.anchor = pygame.Rect(pos[0], pos[1], 1, 1)

    def refresh(self, info: dict[str, Any] | None) -> None:
        """Keep the last known facts once the request has left the system."""
        if info is not None:
            self.info = info

    def close(self) -> bool:
        was, self.req_id, self.info = self.req_id is not None, None, None
        return was

    def draw(self, surface: pygame.Surface) -> None:
        if self.req_id is None:
            return
        lang = self.ctx.lang
        info = self.info or {}
        rows = [fact(str(k), _fmt(v), lang, group="req") for k, v in info.items() if k != "id" and v is not None]
        about = "" if info else t("req.gone", lang)
        _card(surface, self.ctx, self.anchor, t("req.title", lang, id=self.req_id), about, rows)
