"""The message queue in the picture: a tube of slots that fills with its depth, workers' busy slots, jobs on the links."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pygame

from visualizer.i18n import t
from visualizer.render.dots import dot_positions
from visualizer.render.fonts import text
from visualizer.render.layout import Layout
from visualizer.render.style import Color, Palette
from visualizer.sim.components.queue import MOVES_S
from visualizer.sim.jobs_view import JobDots, Jobs, QueueFigures, WorkerFigures
from visualizer.sim.snapshot import ON_LINK, RequestDots, Snapshot

TUBE_CELLS = 20          # the tube's slots: each is capacity / TUBE_CELLS jobs
MAX_JOB_DOTS = 400       # jobs drawn on the links at most (the rest are the same picture)
FLY_S = 0.35             # viewing seconds a job takes along its link


@dataclass(frozen=True)
class Drawn:
    """What draw_jobs drew (for tests): each queue's tube rect and filled cells, job dots, busy cells."""

    tubes: dict[str, tuple[pygame.Rect, int]]
    job_dots: int
    busy_cells: int


def tube_rect(card: pygame.Rect, lay: Layout) -> pygame.Rect:
    """The tube under a queue's card: as wide as the card, a slot's height."""
    s = lay.scale * lay.card_scale
    h = max(10, round(18 * s))
    return pygame.Rect(card.left, card.bottom + round(6 * s), card.width, h)


def filled_cells(depth: int, capacity: int) -> int:
    """Cells of the tube the depth fills: any waiting job shows at least one, a full queue all.

    >>> filled_cells(0, 1000), filled_cells(1, 1000), filled_cells(500, 1000), filled_cells(1000, 1000)
    (0, 1, 10, 20)
    """
    if depth <= 0 or capacity <= 0:
        return 0
    return min(TUBE_CELLS, max(1, round(TUBE_CELLS * depth / capacity)))


def draw_tube(surface: pygame.Surface, q: QueueFigures, box: pygame.Rect, lang: str, lay: Layout,
              pal: Palette) -> int:
    """The tube: TUBE_CELLS slots, filled left to right with the depth (oldest job on the right,
    where the workers take them), and 'depth / capacity' written over it. Returns the cells filled."""
    s = lay.scale * lay.card_scale
    radius = box.height // 2
    pygame.draw.rect(surface, pal.bar_bg, box, border_radius=radius)
    n = filled_cells(q.depth, q.capacity)
    cell_w = (box.width - 4) / TUBE_CELLS
    color = pal.failed if q.depth >= q.capacity else pal.queue
    for k in range(n):
        x = box.right - 2 - (k + 1) * cell_w
        pygame.draw.rect(surface, color, pygame.Rect(round(x + 1), box.top + 2, max(1, round(cell_w - 2)),
                                                     box.height - 4), border_radius=max(1, round(2 * s)))
    for k in range(1, TUBE_CELLS):
        x = round(box.left + 2 + k * cell_w)
        pygame.draw.line(surface, pal.panel_edge, (x, box.top + 3), (x, box.bottom - 4), 1)
    pygame.draw.rect(surface, pal.card_edge, box, max(1, round(1.5 * s)), border_radius=radius)
    label = text(t("queue.tube", lang, depth=f"{q.depth:,}", cap=f"{q.capacity:,}"),
                 max(9, round(12 * lay.text_scale)), pal.text, True)
    plate = label.get_rect(midtop=(box.centerx, box.bottom + round(2 * s)))
    surface.blit(label, plate)
    return n


def draw_workers(surface: pygame.Surface, snap: Snapshot, workers: tuple[WorkerFigures, ...], lay: Layout,
                 pal: Palette) -> int:
    """Each worker's slots along the bottom of its card: a job (a square) in every busy one."""
    busy_cells = 0
    cell = 2 * lay.dot_r + 4
    pad = round(6 * lay.text_scale)
    spr = job_sprite(lay.dot_r, pal.queue, pal.background)
    for w in workers:
        i = _index(snap, w.id)
        if i is None or lay.hidden(i):
            continue
        r = lay.rect(i)
        per_row = max(1, int((r.width - 2 * pad) // cell))
        for k in range(min(w.slots, per_row)):
            cx = r.left + pad + lay.dot_r + 1 + k * cell
            cy = r.bottom - pad - lay.dot_r - 1
            pygame.draw.rect(surface, pal.bar_bg, pygame.Rect(0, 0, cell - 2, cell - 2).move(
                cx - (cell - 2) // 2, cy - (cell - 2) // 2), border_radius=2)
            if k < w.busy:
                surface.blit(spr, spr.get_rect(center=(cx, cy)))
                busy_cells += 1
    return busy_cells


def _index(snap: Snapshot, node_id: str) -> int | None:
    for i, n in enumerate(snap.nodes):
        if n.id == node_id:
            return i
    return None


@lru_cache(maxsize=16)
def job_sprite(radius: int, color: Color, rim: Color) -> pygame.Surface:
    """A job: a small square (an envelope), not a request's disc or diamond, with a dark rim."""
    size = 2 * radius + 2
    surf = pygame.Surface((size, size), pygame.SRCALPHA)
    pygame.draw.rect(surf, (*rim, 220), surf.get_rect(), border_radius=2)
    pygame.draw.rect(surf, color, surf.get_rect().inflate(-2, -2), border_radius=1)
    return surf


def draw_job_dots(surface: pygame.Surface, dots: JobDots, lay: Layout, pal: Palette, speed: float,
                  still: bool = False) -> int:
    """Jobs that set off lately fly along their link (web server -> queue, queue -> worker) as
    squares in the link's lane, each in FLY_S of viewing time (a link's few ms would be no frame at
    all); `still` (reduced motion): each stays in the middle of its link while it would fly."""
    fly = min(max(speed, 1e-3) * FLY_S, MOVES_S)          # simulated seconds a flight lasts
    sel = np.flatnonzero(dots.age < fly)[-MAX_JOB_DOTS:]
    n = len(sel)
    if n == 0:
        return 0
    frac = np.full(n, 0.5, dtype=np.float32) if still else (dots.age[sel] / fly).astype(np.float32)
    as_req = RequestDots(id=np.arange(n, dtype=np.int64), src=dots.src[sel], dst=dots.dst[sel], frac=frac,
                         kind=np.zeros(n, dtype=np.int8), phase=np.full(n, ON_LINK, dtype=np.int8),
                         forward=np.ones(n, dtype=np.bool_))
    pos, shown, _ = dot_positions(as_req, lay)
    spr = job_sprite(lay.dot_r, pal.queue, pal.background)
    half = spr.get_width() // 2
    pts = np.rint(pos[shown] - half).astype(np.int32).tolist()
    surface.fblits([(spr, p) for p in pts])
    return len(pts)


def draw_jobs(surface: pygame.Surface, snap: Snapshot, jobs: Jobs, lang: str, lay: Layout, pal: Palette,
              speed: float = 1.0, still: bool = False) -> Drawn:
    """Every queue's tube and its workers' slots, then the jobs travelling."""
    tubes: dict[str, tuple[pygame.Rect, int]] = {}
    busy = 0
    for q in jobs.queues:
        i = _index(snap, q.id)
        if i is None or lay.hidden(i):
            continue
        box = tube_rect(lay.rect(i), lay)
        tubes[q.id] = (box, draw_tube(surface, q, box, lang, lay, pal))
        busy += draw_workers(surface, snap, q.workers, lay, pal)
    return Drawn(tubes, draw_job_dots(surface, jobs.dots, lay, pal, speed, still), busy)
