"""Lessons: every bundled lesson plays to the end, steps back exactly, and shows its key claim."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest

from visualizer.lesson import LessonPlayer
from visualizer.scenario import SCENARIO_DIR, bundled, load
from visualizer.sim import commands as C

LESSONS = {sc.meta.name: sc for _, sc in bundled() if sc.meta.lesson is not None}
DT = 0.05


def state_of(player: LessonPlayer) -> str:
    """Everything observable about the model now, as one comparable string."""
    snap = player.sim.snapshot()
    dots = {k: getattr(snap.dots, k).tolist() for k in ("id", "src", "dst", "kind", "phase")}
    dots["frac"] = np.round(snap.dots.frac, 6).tolist()
    nodes = [vars(n) for n in snap.nodes]
    return json.dumps([snap.time, nodes, dots, player.sim.report()], sort_keys=True, default=str)


def play_to_end(player: LessonPlayer, limit_s: float = 400.0) -> list[str]:
    """Run an auto lesson to its summary card, returning the model state at each beat's start."""
    states = [state_of(player)]
    seen = 0
    while not player.finished:
        assert player.sim.time < limit_s, f"lesson stuck at beat {player.index}"
        player.step(DT)
        while seen < player.index:
            seen += 1
            assert player.sim.time == pytest.approx(player.starts[seen], abs=DT + 1e-9)
        if len(states) <= player.index:
            here = player.sim.time
            player.go_to(player.index)
            states.append(state_of(player))
            player.seek(here)
        player.sim.check_conservation()
    return states


@pytest.fixture(scope="module", params=sorted(LESSONS))
def played(request) -> tuple[LessonPlayer, list[str]]:
    player = LessonPlayer(LESSONS[request.param], auto=True)
    return player, play_to_end(player)


def test_lesson_plays_to_the_end_with_every_beat(played) -> None:
    player, states = played
    assert player.finished
    assert player.index == len(player.beats) - 1
    assert len(states) == len(player.beats)


def test_step_back_then_forward_lands_on_identical_state(played) -> None:
    player, states = played
    for k in range(len(states) - 1, 0, -1):
        player.go_to(k)
        assert state_of(player) == states[k], f"beat {k} differs after go_to"
        player.previous()
        assert player.index == k - 1
        assert state_of(player) == states[k - 1], f"beat {k - 1} differs after previous"
        player.next()
        assert player.index == k
        assert state_of(player) == states[k], f"beat {k} differs after next"


def test_presenter_pressing_next_sees_what_auto_playback_sees(played) -> None:
    """Next runs the model forward to the next beat's time, so every caption stays true."""
    auto, states = played
    presenter = LessonPlayer(auto.scenario, auto=False)
    for k in range(len(states)):
        assert presenter.index == k
        if presenter.waiting:
            presenter.next()          # the presenter does the student's task
        presenter.go_to(k)
        assert state_of(presenter) == states[k], f"beat {k} differs"
        presenter.seek(presenter.timeline.horizon)
        presenter.next()


def _failed(player: LessonPlayer) -> int:
    return sum(player.sim.snapshot().metrics.failed.values())


def _run_beats(name: str, upto: int) -> LessonPlayer:
    player = LessonPlayer(LESSONS[name], auto=True)
    while player.index < upto:
        player.step(DT)
    return player


def _beat_index(name: str, **match: object) -> int:
    for i, beat in enumerate(LESSONS[name].timeline):
        if all(getattr(beat, k) == v for k, v in match.items()):
            return i
    raise AssertionError(f"{name}: no beat {match}")


def test_single_server_down_fails_every_request() -> None:
    k = _beat_index("single-server", action="fail")
    player = _run_beats("single-server", k)
    player.step(0.5)  # let requests already on the wire settle
    done, failed = player.sim.snapshot().metrics.completed, _failed(player)
    player.step(4.0)
    m = player.sim.snapshot().metrics
    assert m.completed == done, "nothing completes while the only server is down"
    assert _failed(player) > failed + 50


def test_load_balancer_lesson_errors_stop_after_detection() -> None:
    k = _beat_index("load-balancer", action="fail", node="web1")
    player = _run_beats("load-balancer", k + 1)   # the beat after the detection delay
    events = [e.event for e in player.sim.events if e.node == "web1"]
    assert events[-2:] == ["fail", "detected_down"]
    before = _failed(player)
    player.step(4.0)
    assert _failed(player) == before, "after detection no request fails"
    web2 = player.sim.snapshot().nodes[player.sim.snapshot().index("web2")]
    assert web2.arrivals > 0


def test_replication_lesson_promotes_and_recovers_lost_writes() -> None:
    k = _beat_index("replication", action="fail", node="db1")
    player = _run_beats("replication", k + 1)
    snap = player.sim.snapshot()
    promoted = [n for n in snap.nodes if n.promoted]
    assert len(promoted) == 1 and promoted[0].role == "primary"
    assert snap.metrics.lost_writes > 0, "the caption talks about lost writes"
    r = _beat_index("replication", action="recover_data")
    while player.index <= r:
        player.step(DT)
    assert player.sim.snapshot().metrics.lost_writes == 0
    assert any(e.event == "data_recovered" for e in player.sim.events)


def test_waiting_beat_waits_for_the_student_then_goes_on() -> None:
    k = _beat_index("load-balancer", action="fail", node="web1")
    player = LessonPlayer(LESSONS["load-balancer"], auto=False)
    while player.index < k:
        player.step(DT)
    player.step(20.0)
    assert player.index == k and player.waiting, "the lesson waits for the click"
    player.apply(C.Fail("web1"))
    assert not player.waiting
    gap = LESSONS["load-balancer"].timeline[k + 1].at - LESSONS["load-balancer"].timeline[k].at
    player.step(gap + DT)
    assert player.index == k + 1


def test_presenter_next_does_the_task_on_a_waiting_beat() -> None:
    k = _beat_index("single-server", action="fail")
    player = LessonPlayer(LESSONS["single-server"], auto=False)
    while player.index < k:
        player.next()
    assert player.waiting
    player.next()
    assert not player.waiting
    assert player.sim.snapshot().nodes[player.sim.snapshot().index("web1")].status == "down"


def test_editing_the_past_discards_the_future() -> None:
    player = LessonPlayer(LESSONS["load-balancer"], auto=True)
    for _ in range(4):
        player.next()
    reached = len(player.starts)
    player.go_to(1)
    player.apply(C.SetRate(10))
    assert len(player.starts) == 2 and reached > 2
    assert player.timeline.horizon == player.sim.time


def test_docs_example_lesson_is_valid(tmp_path: Path) -> None:
    doc = (SCENARIO_DIR.parent / "docs" / "lessons.md").read_text()
    example = re.search(r"```toml\n(.*?)```", doc, re.S).group(1)
    path = tmp_path / "my-lesson.toml"
    path.write_text(example)
    player = LessonPlayer(load(path), auto=True)
    play_to_end(player)


def test_vertical_scaling_lesson_hits_the_largest_machine() -> None:
    k = _beat_index("vertical-scaling", action="set_rate", rate=800.0)
    player = _run_beats("vertical-scaling", k)
    web1 = player.sim.snapshot().nodes[player.sim.snapshot().index("web1")]
    assert web1.tier == "xlarge"
    with pytest.raises(C.CommandError, match="largest"):
        player.sim.apply(C.Upgrade("web1"))
    before = _failed(player)
    player.step(4.0)
    assert _failed(player) > before + 100, "past the biggest machine, requests are refused again"
    m = player.sim.snapshot().metrics
    assert m.cost_per_hour == pytest.approx(8 * 0.05)


def test_combined_lesson_survives_web_and_primary_failures() -> None:
    k = _beat_index("combined", action="recover_data")
    player = _run_beats("combined", k)
    events = [(e.event, e.node) for e in player.sim.events]
    assert ("detected_down", "web2") in events and any(e == "promote" for e, _ in events)
    before = _failed(player)
    player.step(3.0)
    assert _failed(player) == before, "with a spare in every tier, the failures stop"


def test_a_task_done_before_its_beat_does_not_block_the_lesson() -> None:
    k = _beat_index("load-balancer", action="fail", node="web1")
    player = LessonPlayer(LESSONS["load-balancer"], auto=False)
    player.apply(C.Fail("web1"))      # the student clicks web1 before being asked
    while player.index < k:
        player.step(DT)
    assert not player.waiting, "web1 is already down: the beat goes on by itself"
    player.step(LESSONS["load-balancer"].timeline[k + 1].at - LESSONS["load-balancer"].timeline[k].at + DT)
    assert player.index == k + 1


def _to_last_beat(name: str) -> LessonPlayer:
    """A presenter pressing Next up to the last beat, its task done."""
    player = LessonPlayer(LESSONS[name], auto=False)
    while player.index < len(player.beats) - 1 or player.waiting:
        player.next()
    return player


@pytest.mark.parametrize("name", sorted(LESSONS))
def test_next_on_the_last_beat_shows_the_summary_at_once(name: str) -> None:
    player = _to_last_beat(name)
    assert not player.finished
    now, last = player.sim.time, len(player.beats) - 1
    player.next()
    assert player.finished, "the presenter's Next on the last beat opens the summary card"
    assert player.sim.time == now and player.index == last
    player.next()
    assert player.finished and player.sim.time == now, "Next on the summary card changes nothing"


@pytest.mark.parametrize("name", sorted(LESSONS))
def test_previous_from_the_summary_returns_to_the_last_beat(name: str) -> None:
    player = _to_last_beat(name)
    last = len(player.beats) - 1
    player.go_to(last)
    at_last = state_of(player)
    player.seek(player.timeline.horizon)
    player.step(3.0)
    player.next()
    at_summary = state_of(player)
    player.previous()
    assert player.index == last and not player.finished
    assert state_of(player) == at_last, "PgUp lands on the exact state the last beat started with"
    player.next()
    assert player.finished and state_of(player) == at_summary, "PgDn returns to the same summary moment"


def test_summary_reached_by_time_running_out_steps_back_to_the_last_beat() -> None:
    player = LessonPlayer(LESSONS["single-server"], auto=True)
    play_to_end(player)
    assert player.finished and player.summary_at is not None
    player.seek(player.summary_at)
    assert player.finished
    end = state_of(player)
    player.previous()
    assert player.index == len(player.beats) - 1 and not player.finished
    assert player.sim.time == player.starts[-1]
    player.next()
    assert player.finished and state_of(player) == end


def test_seeking_before_the_summary_leaves_it_and_a_fork_forgets_it() -> None:
    player = _to_last_beat("load-balancer")
    player.step(1.0)
    player.next()
    entered = player.sim.time
    player.step(2.0)
    player.seek(entered - 0.5)
    assert not player.finished and player.index == len(player.beats) - 1
    player.step(0.5)
    assert player.finished, "running on replays the summary card at the moment it was entered"
    player.seek(entered - 0.5)
    player.apply(C.SetRate(10))
    player.step(0.5)
    assert not player.finished, "a changed past no longer holds the Next that opened the card"


def test_one_server_lessons_agree_on_what_a_size_means() -> None:
    """Lessons 1 and 2 both show one web server and its size: a size must mean the same workers in
    both (lesson 2 teaches that the size sets them), so neither overrides its size's workers."""
    from visualizer.sim.tiers import BY_NAME

    seen: dict[str, int] = {}
    for name, sc in sorted(LESSONS.items()):
        webs = [n for n in sc.nodes if n.kind == "web_server"]
        if len(webs) != 1 or any(n.kind.startswith("db_") or n.kind == "load_balancer" for n in sc.nodes):
            continue                                    # not a one-server design
        player = LessonPlayer(sc, auto=True)
        view = player.sim.snapshot().nodes[player.sim.snapshot().index(webs[0].id)]
        assert view.workers == BY_NAME[view.tier].workers, (name, view.tier, view.workers)
        assert seen.setdefault(view.tier, view.workers) == view.workers, name
    assert seen == {"small": BY_NAME["small"].workers}, "lessons 1 and 2 are both checked, both start small"
