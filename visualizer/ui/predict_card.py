"""The predict-then-observe card: a beat's question and choices, then the right one marked, why, and the measured number."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import pygame

from visualizer import predict_play as predict
from visualizer.i18n import t
from visualizer.lesson import LessonPlayer
from visualizer.render.fonts import wrap
from visualizer.render.layout import Layout
from visualizer.ui.base import Widget

Rows = list[tuple[str, bool]]
MARK_PICK, MARK_RIGHT, MARK_WRONG, MARK_OPEN = "●", "√", "×", "○"     # glyphs NanumGothic has
WIDTH = 0.36              # of the picture's width: the card's text wraps there (highlighted nodes stay clear)


def predict_lines(player: LessonPlayer, lang: str, lay: Layout) -> Rows:
    """The question (title row), each choice, then what to do now, or the reason with the number."""
    beat = player.beat
    if beat is None or beat.predict is None:
        return []
    p = beat.predict
    shown = predict.revealed(player)
    pick = predict.pick_of(player)
    width, px = int(lay.graph.width * WIDTH), round(17 * lay.scale)
    rows: Rows = [(line, True) for line in wrap(getattr(p.question, lang), round(px * 1.1), width, bold=True)]
    for k, choice in enumerate(p.choices, start=1):
        lines = wrap(f"{_mark(k, p.answer, pick, shown)} {k}. {getattr(choice, lang)}", px, width)
        rows += [(line if j == 0 else "      " + line, False) for j, line in enumerate(lines)]
    if shown:
        why = getattr(p.why, lang).replace("{measured}", predict.measured(player, p.show))
        rows += [(line, False) for line in wrap(why, px, width)]
    elif player.waiting and pick is None:
        rows.append((t("predict.ask", lang, n=len(p.choices)), False))
    elif player.waiting:
        rows.append((t("predict.do", lang), False))
    else:
        rows.append((t("predict.watch", lang), False))
    return rows


def _mark(k: int, answer: int, pick: int | None, shown: bool) -> str:
    if shown and k == answer:
        return MARK_RIGHT
    if shown and k == pick:
        return MARK_WRONG
    return MARK_PICK if k == pick else MARK_OPEN


@dataclass
class PredictKeys(Widget):
    """Keys 1..N answer the current beat's question while it is open (else they pass on)."""

    current: Callable[[], LessonPlayer]
    refresh: Callable[[], None]

    def handle_event(self, event: pygame.event.Event) -> bool:
        if event.type != pygame.KEYDOWN:
            return False
        player: LessonPlayer = self.current()
        beat = player.beat
        if beat is None or beat.predict is None or not player.waiting or predict.pick_of(player) is not None:
            return False
        for base in (pygame.K_1, pygame.K_KP1):
            k = event.key - base + 1
            if 1 <= k <= len(beat.predict.choices):
                player.choose(k)
                self.refresh()
                return True
        return False
