"""The sharding theory card: keys moved N/(N+1) vs 1/(N+1) beside the measured share, and the hot
shard's floor p_hot·λ beside the measured rate of the celebrity's shard (rows only while true)."""

from __future__ import annotations

from visualizer.i18n import t
from visualizer.sim.shard_view import ReshardView, ShardingView
from visualizer.sim.sharding import CONSISTENT, MODULO, predicted_fraction
from visualizer.sim.snapshot import Snapshot

Rows = list[tuple[str, bool]]


def _pct(x: float) -> str:
    return f"{100 * x:.0f}%"


def _method(name: str, lang: str) -> str:
    return " -> ".join(t(f"shard.method.{m}", lang) for m in name.split("->"))


def shard_lines(snap: Snapshot, lang: str) -> Rows:
    """Title; the keys each shard owns; the last resharding against the formula; the hot shard."""
    sh = snap.sharding
    if sh is None:
        return [(t("theory.no_shards", lang), True)]
    n = len(sh.shards)
    rows: Rows = [(t("theory.sharding", lang, n=n, by=t(f"shard.key.{sh.shard_key}", lang),
                     method=_method(sh.method, lang)), True)]
    rows.append((t("theory.shard_even", lang, p=_pct(1 / n), space=sh.key_space), False))
    rows += _moved(sh, snap.time, lang)
    rows += _hot(sh, snap.time, lang)
    return rows


def _moved(sh: ShardingView, now: float, lang: str) -> Rows:
    """N/(N+1) and 1/(N+1) for the last shard added, beside the share that moved; a switch of
    method, and a move still going on, said as such."""
    rows: Rows = []
    r = sh.last_added
    if r is not None:
        rows.append((t("theory.moved_formula", lang, n=r.before, m=_pct(predicted_fraction(MODULO, r.before)),
                       c=_pct(predicted_fraction(CONSISTENT, r.before))), False))
        rows.append((t("theory.moved_measured", lang, a=r.before, b=r.after, method=_method(r.method, lang),
                       k=r.keys_moved, space=r.key_space, p=_pct(r.fraction)), False))
    last: ReshardView | None = sh.last
    if last is not None and not last.new_primary:
        rows.append((t("theory.switch_measured", lang, method=_method(last.method.split("->")[-1], lang),
                       k=last.keys_moved, space=last.key_space, p=_pct(last.fraction)), False))
    if last is not None and last.until > now and last.keys_moved:
        rows.append((t("theory.moving_now", lang, s=f"{last.until - now:.1f}"), False))
    return rows


def _hot(sh: ShardingView, now: float, lang: str) -> Rows:
    """p_hot·λ beside the celebrity's shard's measured rate and share (the last 5 s)."""
    if sh.hot is None or sh.hot_share <= 0:
        return [(t("theory.no_hot", lang), False)]
    if sh.data_rate is None:
        return []
    lam = sh.data_rate
    rows: Rows = [(t("theory.hot_floor", lang, p=f"{sh.hot_share:.2f}", lam=f"{lam:.0f}",
                     floor=f"{sh.hot_share * lam:.0f}"), False)]
    hot = sh.shards[sh.hot]
    since = now - sh.last.t if sh.last is not None else float("inf")
    if since < (sh.span_s or 0.0):       # the span mixes the shard's load before and after the move
        rows.append((t("theory.hot_moved", lang, i=hot.shard, id=hot.primary, s=f"{since:.0f}"), False))
        return rows
    if hot.rate is not None and hot.share is not None:
        rows.append((t("theory.hot_measured", lang, i=hot.shard, id=hot.primary, rate=f"{hot.rate:.0f}",
                       share=_pct(hot.share), even=_pct(1 / len(sh.shards))), False))
    rows.append((t("theory.shard_span", lang, s=f"{sh.span_s:.0f}"), False))
    return rows
