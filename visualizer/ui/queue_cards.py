"""The message queue's theory card: λ - c·μ, Q/(c'·μ - λ) and ρ, each beside what was measured over a named span.

Rows are (text, is_title), as lesson_panels.draw_card draws them. Every rate is measured over the
same whole seconds (the last 10, or since the workers last changed, named on the card); c·μ is the
workers up now. A row appears only while what it says is true (no drain time while the queue
cannot drain, no growth while there is no backlog).
"""

from __future__ import annotations

from visualizer import theory_queue as tq
from visualizer.i18n import t
from visualizer.sim.components.queue import DEEP
from visualizer.sim.jobs_view import QueueFigures
from visualizer.sim.snapshot import Snapshot

Rows = list[tuple[str, bool]]


def _n(x: float) -> str:
    """A rate or a time as the card shows it: one decimal under 10, else whole."""
    return f"{x:.1f}" if abs(x) < 10 else f"{x:.0f}"


def queue_lines(snap: Snapshot, lang: str) -> Rows:
    """The first queue of the design: its workers' c·μ, then λ, ρ, the backlog's growth and the
    drain time over the span, then what waits now."""
    rows: Rows = [(t("theory.queue", lang), True)]
    if snap.jobs is None or not snap.jobs.queues:
        return rows + [(t("theory.no_queue", lang), False)]
    q = snap.jobs.queues[0]
    rows += _workers(q, lang)
    s = tq.recent(snap, q)
    if s is not None:
        rows += _span(q, s, lang)
    rows += _drain(snap, q, s, lang)
    rows.append((t("theory.q_now", lang, n=f"{q.depth:,}", r=q.redelivered, f=q.refused), False))
    return rows


def _workers(q: QueueFigures, lang: str) -> Rows:
    """c slots up, μ per slot (one over a job's time there), c·μ."""
    up = [w for w in q.workers if w.status == "up"]
    if not up:
        return [(t("theory.q_no_worker", lang), False)]
    mu = up[0].mu
    return [(t("theory.q_workers", lang, c=q.slots_up(), mu=_n(mu), ms=f"{1000 / mu:.0f}",
               cmu=_n(q.capacity_up())), False)]


def _span(q: QueueFigures, s: tq.Span, lang: str) -> Rows:
    """λ over the span; ρ beside the busy share; λ - c·μ beside the depth's change per second."""
    cmu = q.capacity_up()
    text = t("theory.q_span", lang, t0=s.t0, t1=s.t1, lam=_n(s.lam))
    if cmu > 0:
        busy = "-" if s.busy is None else f"{100 * s.busy:.0f}%"
        rho = tq.utilization(s.lam, cmu)
        key = "theory.q_rho_backlog" if rho < 1 and q.depth >= DEEP else "theory.q_rho"
        text += " · " + t(key, lang, rho=f"{rho:.2f}", busy=busy)      # slots stay busy while jobs wait
    rows: Rows = [(text, False)]
    backlog = q.depth >= DEEP or abs(s.growth) * s.seconds >= DEEP
    if backlog:
        key = "theory.q_grows" if tq.backlog_rate(s.lam, cmu) >= 0 else "theory.q_shrinks"
        rows.append((t(key, lang, p=_signed(tq.backlog_rate(s.lam, cmu)), m=_signed(s.growth)), False))
    else:
        rows.append((t("theory.q_keeps_up", lang), False))
    return rows


def _signed(x: float) -> str:
    return ("+" if x >= 0 else "-") + _n(abs(x))


def _drain(snap: Snapshot, q: QueueFigures, s: tq.Span | None, lang: str) -> Rows:
    """Q/(c'·μ - λ): predicted from the backlog when the workers last changed, beside the seconds
    it really took (or has taken so far); or, with a backlog now, when it would empty."""
    cmu = q.capacity_up()
    rows: Rows = []
    d = tq.card_drain(snap, q)
    if d is not None and d.backlog >= DEEP and d.lam < cmu:
        rows.append((t("theory.q_drain", lang, t0=f"{d.t0:.0f}", q=d.backlog, lam=_n(d.lam),
                       cmu=_n(cmu), p=_n(d.predicted)), False))
        if d.measured is not None:
            rows.append((t("theory.q_drained", lang, m=_n(d.measured)), False))
        else:
            rows.append((t("theory.q_draining", lang, s=_n(snap.time - d.t0), n=f"{q.depth:,}"), False))
    elif q.depth >= DEEP and s is not None and cmu <= s.lam:
        rows.append((t("theory.q_never", lang), False))
    return rows
