"""Predict, then observe: a beat's question waits for the student's pick, runs, then shows the right answer with a measured number."""

from __future__ import annotations

import os

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

import pygame  # noqa: E402
import pytest  # noqa: E402

from visualizer import predict_play as predict  # noqa: E402
from visualizer.errors import ScenarioError  # noqa: E402
from visualizer.lesson import LessonPlayer  # noqa: E402
from visualizer.scenario import bundled, load, validate  # noqa: E402

LESSONS = [sc for _, sc in bundled() if sc.meta.lesson is not None]


def first_question(player: LessonPlayer) -> int:
    return next(k for k, b in enumerate(player.beats) if b.predict is not None)


def walk_to(player: LessonPlayer, k: int) -> None:
    while player.index < k:
        if player.waiting:
            player.next()
        player.next()


@pytest.mark.parametrize("sc", LESSONS, ids=lambda sc: sc.meta.name)
def test_every_lesson_asks_a_question_whose_answer_its_claims_check(sc) -> None:
    asks = [b for b in sc.timeline if b.predict is not None]
    assert asks, f"{sc.meta.name} has no predict beat"
    assert all(b.expect for b in asks), "the right answer is a claim the checker holds"


@pytest.mark.parametrize("sc", LESSONS, ids=lambda sc: sc.meta.name)
def test_the_reveal_marks_the_right_choice_and_writes_the_measured_number(sc) -> None:
    from visualizer.render.layout import compute_layout
    from visualizer.ui.predict_card import MARK_RIGHT, predict_lines

    pygame.font.init()
    player = LessonPlayer(sc)
    k = first_question(player)
    walk_to(player, k)
    p = player.beats[k].predict
    assert player.waiting and not predict.revealed(player)
    player.choose(p.answer)
    if player.waiting:                       # a task beat: the student still does the task
        player.next()
    player.step(p.reveal_s)
    assert predict.revealed(player)
    number = predict.measured(player, p.show)
    assert number != "-", "something was measured at the reveal"
    lay = compute_layout((("users", "client"),), (1280, 720), 1.0)
    rows = [text for text, _ in predict_lines(player, "en", lay)]
    assert any(r.startswith(f"{MARK_RIGHT} {p.answer}.") for r in rows)
    assert any(number in r for r in rows)


def test_the_question_waits_for_a_pick_and_a_wrong_pick_is_shown_as_wrong() -> None:
    from visualizer.render.layout import compute_layout
    from visualizer.ui.predict_card import MARK_RIGHT, MARK_WRONG, predict_lines

    pygame.font.init()
    player = LessonPlayer(load("vertical-scaling"))
    k = first_question(player)
    walk_to(player, k)
    before = player.sim.rate
    player.step(3.0)
    assert player.waiting and player.sim.rate == before, "nothing happens before the pick"
    wrong = 1 if player.beat.predict.answer != 1 else 2
    player.choose(wrong)
    assert not player.waiting and player.sim.rate > before, "the pick runs the beat's action"
    player.choose(player.beat.predict.answer)
    assert player.picks[k] == wrong, "one pick per question"
    player.step(player.beat.predict.reveal_s)
    lay = compute_layout((("users", "client"),), (1280, 720), 1.0)
    rows = [text for text, _ in predict_lines(player, "en", lay)]
    assert any(r.startswith(f"{MARK_WRONG} {wrong}.") for r in rows)
    assert any(r.startswith(f"{MARK_RIGHT} {player.beat.predict.answer}.") for r in rows)
    player.previous()
    player.next()
    assert player.index == k and player.waiting and k not in player.picks, "back before it: asked again"


def test_a_task_beat_still_waits_for_the_task_after_the_pick() -> None:
    player = LessonPlayer(load("load-balancer"))
    k = first_question(player)
    walk_to(player, k)
    player.choose(2)
    assert player.waiting and player.picks[k] == 2
    player.next()                            # the presenter (or the student's click) does it
    assert not player.waiting


def test_keys_1_to_n_answer_in_the_window() -> None:
    from visualizer.app import App
    from visualizer.ui.lesson_controls import install_lesson

    pygame.display.init()
    pygame.font.init()
    screen = pygame.display.set_mode((1280, 720))
    sc = load("cache")
    app = App(lambda: LessonPlayer(sc), sc, lang="ko")
    overlay = install_lesson(app, LESSONS)
    k = first_question(app.player)
    walk_to(app.player, k)
    app.refresh()
    app.handle_event(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_3, mod=0, unicode="3", scancode=0))
    assert app.player.picks == {k: 3}
    app.advance_frame(1 / 60, screen)
    app.render(screen)
    assert overlay.theory_box is not None, "the question's card is drawn"


@pytest.mark.parametrize("change, key, words", [
    ({"answer": 4}, "predict.answer", "only 3 choices"),
    ({"reveal_s": 60.0}, "predict.reveal_s", "never show"),
    ({"show": {"check": "status", "node": "web1", "is": "up"}}, "predict.show.check", "shown figure"),
    ({"show": {"check": "rate", "of": "failed"}}, "predict.show.span_s", "span_s"),
    ({"show": {"check": "count", "of": "arrivals", "node": "web1"}}, "predict.show.of", "shown count"),
    ({"show": {"check": "count", "of": "queue", "node": "nope"}}, "predict.show.node", "nope"),
])
def test_a_question_that_cannot_work_is_one_clear_line(change, key, words) -> None:
    data = load("single-server").model_dump(by_alias=True, exclude_none=True)
    beat = next(b for b in data["timeline"] if "predict" in b)
    beat["predict"].update(change)
    with pytest.raises(ScenarioError) as err:
        validate(data, "mine.toml")
    assert key in str(err.value) and words in str(err.value) and "mine.toml" in str(err.value)
