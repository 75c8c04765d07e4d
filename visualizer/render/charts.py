"""The metrics panel: headline numbers and live charts of the last minute, drawn from numpy arrays."""

from __future__ import annotations


import numpy as np
import pygame

from visualizer.i18n import t
from visualizer.render.fonts import text
from visualizer.render.style import Color, Palette
from visualizer.sim.jobs_view import QUEUE_COLUMNS
from visualizer.sim.snapshot import SERIES_COLUMNS, Snapshot

WINDOW_S = 60
COL = {name: i for i, name in enumerate(SERIES_COLUMNS)}
JOB_COL = {name: i for i, name in enumerate(QUEUE_COLUMNS)}


def _fmt_pct(x: float) -> str:
    return "—" if not np.isfinite(x) else f"{100 * x:.2f}%" if x > 0.99 else f"{100 * x:.1f}%"


def _fmt_ms(x: float) -> str:
    return "—" if not np.isfinite(x) or x <= 0 else f"{x:.0f} ms" if x >= 10 else f"{x:.1f} ms"


def tiles(snap: Snapshot, lang: str) -> list[tuple[str, str, str]]:
    """(label, value, tone) for the headline numbers; tone is ok | warn | bad | plain."""
    m = snap.metrics
    avail_tone = "ok" if m.availability >= 0.999 else "warn" if m.availability >= 0.99 else "bad"
    return [
        (t("m.availability", lang), _fmt_pct(m.availability), avail_tone),
        (t("m.errors", lang), _fmt_pct(m.error_rate), "bad" if m.error_rate > 0.01 else "plain"),
        (t("m.stale", lang), f"{m.stale_reads:,}", "warn" if m.stale_reads else "plain"),
        (t("m.lost", lang), f"{m.lost_writes:,}", "bad" if m.lost_writes else "plain"),
        (t("m.cost", lang), f"${m.cost_per_hour:,.2f}", "plain"),
        (t("m.inflight", lang), f"{m.in_flight:,}", "plain"),
    ]


def draw_panel(surface: pygame.Surface, rect: pygame.Rect, snap: Snapshot, lang: str, scale: float,
               pal: Palette) -> None:
    """Numbers on top, then throughput, error rate and latency percentiles over the last minute
    (and, in a design with caches or CDN edges, the hit ratio; with a queue, its depth and its
    oldest job's age); in a panel too small for them,
    what fits (nothing is drawn outside `rect`)."""
    if rect.width <= 0 or rect.height <= 0:
        return
    clip = surface.get_clip()
    surface.set_clip(rect.clip(clip))
    try:
        _draw_panel(surface, rect, snap, lang, scale, pal)
    finally:
        surface.set_clip(clip)


def _draw_panel(surface: pygame.Surface, rect: pygame.Rect, snap: Snapshot, lang: str, scale: float,
                pal: Palette) -> None:
    s = scale
    pygame.draw.rect(surface, pal.panel, rect)
    pygame.draw.line(surface, pal.panel_edge, rect.topleft, rect.bottomleft, max(1, round(s)))
    pad = round(12 * s)
    x0, y = rect.left + pad, rect.top + pad
    inner_w = rect.width - 2 * pad
    tone = {"ok": pal.ok, "warn": pal.undetected, "bad": pal.failed, "plain": pal.text}
    col_w = inner_w // 2
    tile_h = round(50 * s)
    for k, (label, value, kind) in enumerate(tiles(snap, lang)):
        tx = x0 + (k % 2) * col_w
        ty = y + (k // 2) * tile_h
        surface.blit(text(label, round(13 * s), pal.text_dim), (tx, ty))
        surface.blit(text(value, round(22 * s), tone[kind], True), (tx, ty + round(16 * s)))
    y += 3 * tile_h + round(4 * s)
    rows = _window(snap.series)
    remaining = rect.bottom - pad - y
    hits = snap.caching is not None             # a design with caches or CDN edges: a hit-ratio chart too
    jobs = job_window(snap)                     # a design with a queue: its depth and oldest job's age
    chart_h = max(30, remaining // (3 + hits + (2 if jobs is not None else 0)))
    if inner_w < 1 or y >= rect.bottom:
        return                                   # no room for the charts
    key = (rows.tobytes(), inner_w, chart_h, lang, pal, round(s, 3), hits,
           None if jobs is None else jobs.tobytes())
    charts = _charts_cached(key, inner_w, chart_h, lang, pal, s, rows, hits, jobs)
    surface.blit(charts, (x0, y))
    _live_values(surface, snap, lang, x0 + inner_w, inner_w, y, chart_h, pal, s)


def _window(series: np.ndarray) -> np.ndarray:
    """The last minute of the per-second series (a copy, float64)."""
    if series is None or series.ndim != 2 or series.shape[0] == 0:
        return np.zeros((0, len(SERIES_COLUMNS)))
    return np.array(series[-WINDOW_S:], dtype=np.float64)


def _live_values(surface: pygame.Surface, snap: Snapshot, lang: str, right: int, width: int, y: int, h: int,
                 pal: Palette, s: float) -> None:
    """Current values beside each chart's title, or inside the chart's top right if too long."""
    m = snap.metrics
    values: tuple[str, ...] = (f"{m.throughput:,.0f} {t('unit.rps', lang)}", _fmt_pct(m.error_rate),
                               " / ".join(_fmt_ms(v).replace(" ms", "") for v in (m.p50_ms, m.p95_ms, m.p99_ms)) + " ms")
    colors: tuple[Color, ...] = (pal.chart_lines[0], pal.failed, pal.text)
    titles: tuple[str, ...] = ("m.throughput", "m.errors", "m.latency_pct")
    if snap.caching is not None:
        ratio = recent_hit_ratio(snap)
        values += ("—" if ratio is None else f"{100 * ratio:.0f}%",)
        colors += (pal.ok,)
        titles += ("m.hit_ratio",)
    if snap.jobs is not None:
        depth = sum(q.depth for q in snap.jobs.queues)
        oldest = max((q.oldest_s for q in snap.jobs.queues), default=0.0)
        values += (f"{depth:,}", f"{oldest:.1f} s")
        colors += (pal.queue, pal.write)
        titles += ("m.queue_depth", "m.oldest_job")
    for k, (v, c) in enumerate(zip(values, colors)):
        surf = text(v, round(13 * s), c, True)
        title_w = text(t(titles[k], lang), round(14 * s), pal.text, True).get_width()
        y0 = y + k * h
        if title_w + surf.get_width() + round(10 * s) > width:
            y0 += round(24 * s)      # no room beside the title: top right inside the chart
        surface.blit(surf, surf.get_rect(topright=(right - round(4 * s), y0)))


_CACHE: dict[tuple, pygame.Surface] = {}


def recent_hit_ratio(snap: Snapshot) -> float | None:
    """Of every cache's and CDN edge's lookups over the last 5 s, the share that hit (None: none)."""
    if snap.caching is None:
        return None
    hits = sum(f.hits or 0.0 for f in snap.caching.stores)
    looked = hits + sum(f.misses or 0.0 for f in snap.caching.stores)
    return hits / looked if looked > 0 else None


def job_window(snap: Snapshot) -> np.ndarray | None:
    """The last minute of (depth, oldest job's age) per second over every queue (None: no queue)."""
    if snap.jobs is None:
        return None
    n = min((len(q.series) for q in snap.jobs.queues), default=0)
    out = np.zeros((min(n, WINDOW_S), 2))
    for q in snap.jobs.queues:
        if n:
            tail = q.series[n - len(out):n]
            out[:, 0] += tail[:, JOB_COL["depth"]]
            out[:, 1] = np.maximum(out[:, 1], tail[:, JOB_COL["oldest_s"]])
    return out


def _charts_cached(key: tuple, w: int, h: int, lang: str, pal: Palette, s: float, rows: np.ndarray,
                   hits: bool = False, jobs: np.ndarray | None = None) -> pygame.Surface:
    """Redraw the charts only when the series (one row per simulated second) has changed."""
    hit = _CACHE.get(key)
    if hit is not None:
        return hit
    surf = pygame.Surface((w, (3 + hits + (2 if jobs is not None else 0)) * h), pygame.SRCALPHA)
    done = rows[:, COL["completed"]] if len(rows) else rows
    failed = rows[:, COL["failed"]] if len(rows) else rows
    finished = np.maximum(done + failed, 1) if len(rows) else rows
    plots: list[tuple[str, list[tuple[np.ndarray, Color]], str]] = [
        ("m.throughput", [(rows[:, COL["generated"]] if len(rows) else rows, pal.link),
                          (done, pal.chart_lines[0])], "count"),
        ("m.errors", [(100.0 * failed / finished if len(rows) else rows, pal.failed)], "pct"),
        ("m.latency_pct", [(rows[:, COL[c]] if len(rows) else rows, color) for c, color in
                       zip(("p50_ms", "p95_ms", "p99_ms"), pal.chart_lines)], "ms"),
    ]
    if hits:        # per second; NaN (no lookup that second) leaves a gap rather than a fall to 0
        plots.append(("m.hit_ratio", [(100.0 * rows[:, COL["hit_ratio"]] if len(rows) else rows, pal.ok)], "ratio"))
    if jobs is not None:
        plots.append(("m.queue_depth", [(jobs[:, 0], pal.queue)], "jobs"))
        plots.append(("m.oldest_job", [(jobs[:, 1], pal.write)], "s"))
    for k, (title, lines, unit) in enumerate(plots):
        _plot(surf, pygame.Rect(0, k * h, w, h), t(title, lang), lines, unit, pal, s)
    if len(_CACHE) > 8:
        _CACHE.clear()
    _CACHE[key] = surf
    return surf


def _plot(surf: pygame.Surface, box: pygame.Rect, title: str, lines: list[tuple[np.ndarray, Color]],
          unit: str, pal: Palette, s: float) -> None:
    """One small chart: title, frame, y-axis maximum, and each series as a polyline."""
    surf.blit(text(title, round(14 * s), pal.text, True), (box.left, box.top))
    area = pygame.Rect(box.left + round(2 * s), box.top + round(22 * s), box.width - round(4 * s),
                       box.height - round(32 * s))
    if area.height < 8:
        return
    pygame.draw.rect(surf, pal.bar_bg, area, border_radius=round(4 * s))
    raw = [v.astype(np.float64) for v, _ in lines]
    values = [np.nan_to_num(v, nan=0.0, posinf=0.0, neginf=0.0) for v in raw]
    top = max((float(v.max()) for v in values if len(v)), default=0.0)
    top = 100.0 if unit == "ratio" else _nice(top if unit != "pct" else max(top, 5.0))
    label = f"{top:g}" + {"pct": "%", "ratio": "%", "ms": " ms", "count": "/s", "jobs": "", "s": " s"}[unit]
    surf.blit(text(label, round(11 * s), pal.text_dim), (area.left + round(4 * s), area.top + round(2 * s)))
    for frac in (0.5,):
        yy = area.bottom - frac * area.height
        pygame.draw.line(surf, pal.panel_edge, (area.left, yy), (area.right, yy), 1)
    width = max(1, round(2 * s))
    for v, r, (_, color) in zip(values, raw, lines):
        n = len(v)
        if n < 2:
            continue
        xs = area.left + np.arange(n) * (area.width - 1) / (WINDOW_S - 1)
        xs = xs + (area.width - 1) - xs[-1]          # newest second on the right edge
        ys = area.bottom - 1 - np.clip(v / top, 0, 1) * (area.height - 2)
        points = np.column_stack((xs, ys))
        for run in (_runs(np.isfinite(r)) if unit == "ratio" else [(0, n)]):
            if run[1] - run[0] >= 2:
                pygame.draw.lines(surf, color, False, points[run[0]:run[1]].tolist(), width)
            elif unit == "ratio":                   # a lone second between gaps: a dot
                pygame.draw.circle(surf, color, points[run[0]].tolist(), width)


def _runs(ok: np.ndarray) -> list[tuple[int, int]]:
    """[start, end) of each run of True.

    >>> _runs(np.array([True, True, False, True]))
    [(0, 2), (3, 4)]
    """
    edges = np.diff(np.concatenate(([0], ok.astype(np.int8), [0])))
    return list(zip(np.flatnonzero(edges == 1).tolist(), np.flatnonzero(edges == -1).tolist()))


def _nice(x: float) -> float:
    """A round axis maximum at or above x (1, 2, 5 x 10^k)."""
    if x <= 0:
        return 1.0
    k = 10 ** np.floor(np.log10(x))
    for m in (1, 2, 5, 10):
        if x <= m * k:
            return float(m * k)
    return float(10 * k)

